/*
 * fuzz_sanitize.c - any bytes through the HTML sanitizer and through
 * cmark + sanitizer; the output must never hold a script or a handler.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tocsin/sanitize.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Text is escaped, so every '<' in the output opens a tag we wrote: its
 * name and every attribute name must be on the allow-list, and no URL may
 * be javascript:. Values are quoted and escaped, so they end at '"'. */
static int unsafe(const char *html)
{
    static const char *const attrs[] = {"href", "src", "alt", "title",
                                        "class", "lang", "dir", NULL};
    const char *p = html;

    while ((p = strchr(p, '<'))) {
        const char *q = p + 1;

        if (*q == '/')
            q++;
        if (!strncmp(q, "script", 6) || !strncmp(q, "style", 5) ||
            !strncmp(q, "iframe", 6))
            return 1;
        while (*q && *q != ' ' && *q != '>')
            q++;
        while (*q == ' ') {
            const char *n = ++q, *eq = strchr(q, '=');
            size_t i, len;
            int ok = 0;

            if (!eq || eq[1] != '"')
                return 1;
            len = (size_t)(eq - n);
            for (i = 0; attrs[i]; i++)
                if (strlen(attrs[i]) == len && !strncmp(n, attrs[i], len))
                    ok = 1;
            if (!ok)
                return 1;
            if ((len == 4 || len == 3) && !strncasecmp(eq + 2, "javascript:",
                                                        11))
                return 1;
            q = strchr(eq + 2, '"');
            if (!q)
                return 1;
            q++;
        }
        p = q;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);

    if (!tocsin_html_sanitize(&out, (const char *)data, size, &err) &&
        unsafe(out.ptr))
        abort();
    tocsin_buf_reset(&out);
    tocsin_error_clear(&err);
    if (!tocsin_markdown_to_html(&out, (const char *)data, size, &err) &&
        unsafe(out.ptr))
        abort();
    tocsin_buf_cleanup(&out);
    return 0;
}
