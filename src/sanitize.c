/*
 * sanitize.c - HTML that is safe to show: parsed by libxml2, then rebuilt
 * from an allow-list walk of the tree, with every text and attribute value
 * escaped again on the way out. The parsed tree is never serialized and
 * patched, and nothing here matches HTML with patterns: what a browser
 * sees is only what this file wrote.
 */
#include "tocsin/sanitize.h"
#include "tocsin/mem.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

void tocsin_html_escape(struct tocsin_buf *out, const char *s, size_t len)
{
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        const char *rep;

        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        /* HTML reads NUL as a parse error; say so visibly instead */
        case '\0': rep = "\xEF\xBF\xBD"; break;
        default: continue;
        }
        tocsin_buf_add(out, s + run, i - run);
        tocsin_buf_adds(out, rep);
        run = i + 1;
    }
    tocsin_buf_add(out, s + run, len - run);
}

size_t tocsin_utf8_check(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n, k;
        unsigned long cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return len;
}

enum verdict { UNWRAP, KEEP, DROP };

static const char *const kept[] = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "ul", "ol", "li", "h1",
    "h2", "h3", "h4", "h5", "h6", "blockquote", "code", "pre", "span", "div",
    "hr", "small", "sub", "sup", "table", "thead", "tbody", "tr", "th", "td",
    "img", NULL
};

/* Dropped with everything inside: code, styles, embedded documents and the
 * foreign (SVG, MathML) content that has its own script and link rules.
 * Not <embed>: HTML 5 makes it void, but libxml2's HTML 4 parser nests
 * whatever follows inside it, so it is unwrapped like any unknown tag. */
static const char *const dropped[] = {
    "script", "style", "iframe", "object", "template", "noscript", "title",
    "svg", "math", "frameset", "frame", "noframes", "noembed", "applet", NULL
};

static int in_list(const char *const *list, const char *name)
{
    size_t i;

    for (i = 0; list[i]; i++)
        if (!strcasecmp(list[i], name))
            return 1;
    return 0;
}

static enum verdict judge(const xmlNode *n)
{
    const char *name = (const char *)n->name;

    if (in_list(kept, name))
        return KEEP;
    if (in_list(dropped, name))
        return DROP;
    return UNWRAP;
}

static int is_void(const char *name)
{
    return !strcasecmp(name, "br") || !strcasecmp(name, "hr") ||
           !strcasecmp(name, "img");
}

/* Decode the character references a browser would decode in a URL before
 * looking for its scheme: numeric ones (with or without ';') and the
 * named ones that spell URL syntax or whitespace. libxml2 has already
 * decoded HTML 4's names once; this catches the rest and double encoding,
 * and errs towards dropping: a URL is only ever refused because of it. */
static void decode_refs(struct tocsin_buf *out, const char *s)
{
    static const struct { const char *name; char ch; } named[] = {
        {"colon;", ':'}, {"tab;", '\t'}, {"newline;", '\n'}, {"sol;", '/'},
        {"period;", '.'}, {"lpar;", '('}, {"rpar;", ')'}, {"num;", '#'},
        {"quest;", '?'}, {"amp;", '&'}, {"amp", '&'}, {"nbsp;", ' '},
    };
    size_t i, k;

    for (i = 0; s[i];) {
        if (s[i] != '&') {
            tocsin_buf_addc(out, s[i++]);
            continue;
        }
        if (s[i + 1] == '#') {
            size_t j = i + 2;
            int hex = s[j] == 'x' || s[j] == 'X';
            unsigned long cp = 0;
            int digits = 0;

            j += (size_t)hex;
            for (; digits < 8; j++, digits++) {
                char c = s[j];
                int d = c >= '0' && c <= '9'             ? c - '0'
                        : hex && c >= 'a' && c <= 'f'    ? c - 'a' + 10
                        : hex && c >= 'A' && c <= 'F'    ? c - 'A' + 10
                                                         : -1;

                if (d < 0)
                    break;
                cp = cp * (hex ? 16 : 10) + (unsigned long)d;
            }
            if (digits) {
                /* only ASCII matters for a scheme; mark the rest */
                tocsin_buf_addc(out, cp < 0x80 ? (char)cp : '?');
                i = s[j] == ';' ? j + 1 : j;
                continue;
            }
        }
        for (k = 0; k < sizeof named / sizeof named[0]; k++) {
            size_t nl = strlen(named[k].name);

            if (!strncasecmp(s + i + 1, named[k].name, nl)) {
                tocsin_buf_addc(out, named[k].ch);
                i += nl + 1;
                break;
            }
        }
        if (k == sizeof named / sizeof named[0])
            tocsin_buf_addc(out, s[i++]);
    }
}

/* href and src: http, https, mailto and tel (href only) and relative URLs.
 * The check reads the value as a browser would at its most lenient:
 * references decoded (twice, for double encoding), every control and
 * whitespace character removed, case folded. A scheme-like prefix that is
 * not on the list ("javascript", "data", "vbscript", "java&Tab;script")
 * drops the attribute. */
static int url_ok(const char *value, int link)
{
    struct tocsin_buf a = TOCSIN_BUF_INIT(0), b = TOCSIN_BUF_INIT(0);
    size_t i, w = 0;
    int ok = 0;

    decode_refs(&a, value);
    decode_refs(&b, a.ptr);
    for (i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)b.ptr[i];

        if (c <= 0x20 || c == 0x7F)
            continue;
        b.ptr[w++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    tocsin_buf_truncate(&b, w);
    if (!b.len)
        goto out;
    i = strcspn(b.ptr, ":/?#");
    if (b.ptr[i] != ':') {
        ok = 1;
    } else {
        b.ptr[i] = '\0';
        ok = !strcmp(b.ptr, "http") || !strcmp(b.ptr, "https") ||
             (link && (!strcmp(b.ptr, "mailto") || !strcmp(b.ptr, "tel")));
    }
out:
    tocsin_buf_cleanup(&a);
    tocsin_buf_cleanup(&b);
    return ok;
}

static int lang_ok(const char *v)
{
    size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789-");

    return n && !v[n] && n <= 35;
}

static int span_ok(const char *v)
{
    size_t n = strspn(v, "0123456789");

    return n && n <= 3 && !v[n];
}

/* Which attributes survive on which kept element. */
static int attr_ok(const char *elem, const char *attr, const char *v)
{
    if (!strcasecmp(attr, "title") || !strcasecmp(attr, "class"))
        return 1;
    if (!strcasecmp(attr, "lang"))
        return lang_ok(v);
    if (!strcasecmp(attr, "dir"))
        return !strcasecmp(v, "ltr") || !strcasecmp(v, "rtl") ||
               !strcasecmp(v, "auto");
    if (!strcasecmp(elem, "a") && !strcasecmp(attr, "href"))
        return url_ok(v, 1);
    if (!strcasecmp(elem, "img") && !strcasecmp(attr, "src"))
        return url_ok(v, 0);
    if (!strcasecmp(elem, "img") && !strcasecmp(attr, "alt"))
        return 1;
    if ((!strcasecmp(elem, "td") || !strcasecmp(elem, "th")) &&
        (!strcasecmp(attr, "colspan") || !strcasecmp(attr, "rowspan")))
        return span_ok(v);
    return 0;
}

static void add_lower(struct tocsin_buf *out, const char *s)
{
    for (; *s; s++)
        tocsin_buf_addc(out, *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s);
}

static void open_tag(struct tocsin_buf *out, xmlNode *n)
{
    const char *elem = (const char *)n->name;
    xmlAttr *a;

    tocsin_buf_addc(out, '<');
    add_lower(out, elem);
    for (a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((xmlNode *)a);

        if (v && attr_ok(elem, (const char *)a->name, (const char *)v)) {
            tocsin_buf_addc(out, ' ');
            add_lower(out, (const char *)a->name);
            tocsin_buf_adds(out, "=\"");
            tocsin_html_escape(out, (const char *)v, strlen((char *)v));
            tocsin_buf_addc(out, '"');
        }
        xmlFree(v);
    }
    tocsin_buf_addc(out, '>');
}

static void close_tag(struct tocsin_buf *out, const xmlNode *n)
{
    if (judge(n) != KEEP || is_void((const char *)n->name))
        return;
    tocsin_buf_adds(out, "</");
    add_lower(out, (const char *)n->name);
    tocsin_buf_addc(out, '>');
}

/* Depth-first without recursion: the parser nests as deep as the input
 * does, and the walk must not care. */
static void walk(struct tocsin_buf *out, xmlNode *n)
{
    while (n) {
        int into = 0;

        if (n->type == XML_ELEMENT_NODE && n->name) {
            enum verdict v = judge(n);

            if (v == KEEP)
                open_tag(out, n);
            into = v == UNWRAP ||
                   (v == KEEP && !is_void((const char *)n->name));
        } else if ((n->type == XML_TEXT_NODE ||
                    n->type == XML_CDATA_SECTION_NODE) && n->content) {
            tocsin_html_escape(out, (const char *)n->content,
                               strlen((const char *)n->content));
        }
        if (into && n->children) {
            n = n->children;
            continue;
        }
        if (into)
            close_tag(out, n);
        while (!n->next) {
            n = n->parent;
            if (!n || n->type != XML_ELEMENT_NODE)
                return;
            close_tag(out, n);
        }
        n = n->next;
    }
}

int tocsin_html_sanitize(struct tocsin_buf *out, const char *html, size_t len,
                         struct tocsin_error *err)
{
    /* An explicit <body> keeps libxml2 from wrapping leading text in an
     * implied <p>, so a one-line banner stays one line. */
    static const char prefix[] = "<body>";
    struct tocsin_buf in = TOCSIN_BUF_INIT(0);
    size_t bad = tocsin_utf8_check(html, len), start = out->len;
    htmlParserCtxtPtr ctxt = NULL;
    htmlDocPtr doc = NULL;
    int rc = 0;

    if (bad < len)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "html is not valid UTF-8 (byte %zu)", bad);
    if (memchr(html, '\0', len))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "html contains a NUL byte");
    if (len > INT_MAX - sizeof prefix)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "html is longer than %d bytes",
                                INT_MAX - (int)sizeof prefix);
    for (bad = 0; bad < len && html[bad] && strchr(" \t\r\n\f", html[bad]);
         bad++)
        ;
    if (bad == len)
        return 0;
    tocsin_buf_adds(&in, prefix);
    tocsin_buf_add(&in, html, len);
    xmlInitParser();
    ctxt = htmlNewParserCtxt();
    if (!ctxt)
        abort(); /* out of memory, as tocsin_xmalloc() would */
    doc = htmlCtxtReadMemory(ctxt, in.ptr, (int)in.len, NULL, "UTF-8",
                             HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                 HTML_PARSE_NOWARNING |
                                 HTML_PARSE_IGNORE_ENC);
    /* libxml2 stops at its nesting limit (256) and keeps what it read;
     * silently cutting a message short is worse than refusing it */
    if (ctxt->errNo == XML_ERR_INTERNAL_ERROR) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "html is nested too deeply");
        goto out;
    }
    if (!doc) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "html cannot be parsed");
        goto out;
    }
    walk(out, doc->children);
    if (tocsin_buf_failed(out)) {
        tocsin_buf_truncate(out, start);
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "sanitized html is longer than %zu bytes",
                              out->max ? out->max : TOCSIN_BUF_MAX_DEFAULT);
    }
out:
    if (doc)
        xmlFreeDoc(doc);
    if (ctxt)
        htmlFreeParserCtxt(ctxt);
    tocsin_buf_cleanup(&in);
    return rc;
}

int tocsin_markdown_to_html(struct tocsin_buf *out, const char *md, size_t len,
                            struct tocsin_error *err)
{
    size_t bad = tocsin_utf8_check(md, len);
    char *html;
    int rc;

    if (bad < len)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "text is not valid UTF-8 (byte %zu)", bad);
    /* Safe mode is cmark 0.30's default (raw HTML and javascript:, data:
     * and vbscript: links removed); the flag says so for older ones. */
    html = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE);
    if (!html)
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "cmark could not render the text");
    rc = tocsin_html_sanitize(out, html, strlen(html), err);
    free(html);
    return rc;
}
