/*
 * fuzz_template.c - the template compiler and renderer on hostile input.
 *
 * Input: one flags byte (escape mode, strict, locale), the template, and
 * optionally a NUL followed by JSON data for the first scope. Besides
 * crashes, it checks what the renderer promises: the output is UTF-8, a
 * header has no control characters, and an error leaves the buffer alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tocsin/locale.h"
#include "tocsin/sanitize.h"
#include "tocsin/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const locales[] = {"en", "zh-TW", "zh-CN", "tr"};
static const char *const zones[] = {"UTC", "America/New_York", "Asia/Taipei",
                                    "Mars/Base"};
static const char *const names[] = {"id", "first_name", "coupon", "when",
                                    "eta", "credit", "note"};
static const char *const values[] = {"C1", "Ana <Li>", "", "2026-11-22",
                                     "1h30m", "USD 20", "line\r\nBcc: x"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_render_ctx ctx;
    struct tocsin_tpl *t = NULL;
    json_t *json = NULL, *params;
    const char *src, *nul;
    size_t len, i;
    uint8_t flags;

    if (size < 1)
        return 0;
    flags = data[0];
    src = (const char *)data + 1;
    len = size - 1;
    nul = memchr(src, '\0', len);
    if (nul) {
        json = json_loadb(nul + 1, len - (size_t)(nul - src) - 1,
                          JSON_DECODE_ANY, NULL);
        len = (size_t)(nul - src);
    }
    params = json_pack("{s:s, s:i, s:f, s:[s,s], s:{s:s}, s:b, s:n}",
                       "credit", "TWD 500", "at", 1795399200, "ratio", 1.21,
                       "list", "a", "b", "order", "id", "A1", "yes", 1,
                       "none");
    if (tocsin_tpl_compile(&t, src, len, "fuzz.lua", 3, 7, &err)) {
        if (err.code != TOCSIN_EINPUT || !err.msg[0] || err.line < 3)
            abort();
        goto out;
    }
    for (i = 0; i < tocsin_tpl_n_refs(t); i++)
        if (!tocsin_tpl_ref(t, i)->name[0])
            abort();
    memset(&ctx, 0, sizeof ctx);
    if (json)
        ctx.scopes[ctx.n_scopes++].json = json;
    ctx.scopes[ctx.n_scopes].names = names;
    ctx.scopes[ctx.n_scopes].values = values;
    ctx.scopes[ctx.n_scopes++].n = sizeof names / sizeof names[0];
    ctx.scopes[ctx.n_scopes++].json = params;
    ctx.escape = (enum tocsin_escape)(flags & 3);
    ctx.strict = (flags >> 2) & 1;
    ctx.locale = locales[(flags >> 3) & 3];
    ctx.tz = zones[(flags >> 5) & 3];
    ctx.max_len = 1 << 16;
    tocsin_buf_adds(&out, "pre");
    if (tocsin_tpl_render(&out, t, &ctx, &err)) {
        if (err.code != TOCSIN_EINPUT || !err.msg[0] || out.len != 3 ||
            out.failed)
            abort();
        goto out;
    }
    if (tocsin_utf8_check(out.ptr, out.len) != out.len)
        abort();
    if (ctx.escape == TOCSIN_ESC_HEADER)
        for (i = 3; i < out.len; i++)
            if ((unsigned char)out.ptr[i] < 0x20 || out.ptr[i] == 0x7f)
                abort();
out:
    tocsin_buf_cleanup(&out);
    tocsin_tpl_free(t);
    json_decref(json);
    json_decref(params);
    return 0;
}
