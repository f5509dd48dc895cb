/*
 * sanitize.c - HTML rebuilt from an allow-list.
 *
 * libxml2's HTML parser turns whatever arrives (authors' banners, cmark's
 * output, data pasted into templates) into a tree the way a browser would;
 * the output is then written from scratch, element by element, keeping only
 * allowed tags and attributes and re-escaping every text and value. Nothing
 * of the input is copied through unparsed, so there is no filter to slip
 * past: no script, style, event handler, form or javascript: URL survives.
 */
#include "tocsin/sanitize.h"
#include "tocsin/audience.h"
#include "tocsin/mem.h"

#include <ctype.h>
#include <string.h>

#include <cmark.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

static const char *const allowed_tags[] = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "ul", "ol", "li", "h1",
    "h2", "h3", "h4", "h5", "h6", "blockquote", "code", "pre", "span", "div",
    "hr", "small", "sub", "sup", "table", "thead", "tbody", "tr", "th", "td",
    "img", NULL};

/* Dropped with everything inside them. */
static const char *const dropped_tags[] = {
    "script", "style", "iframe", "object", "embed", "template", "noscript",
    "frame", "frameset", "applet", "svg", "math", "form", "textarea",
    "select", "button", "input", "link", "meta", "base", "title", "head",
    NULL};

static const char *const void_tags[] = {"br", "hr", "img", NULL};

static int in(const char *name, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++)
        if (!strcmp(name, list[i]))
            return 1;
    return 0;
}

void tocsin_html_escape(struct tocsin_buf *out, const char *s, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i < len; i++) {
        const char *rep;

        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        tocsin_buf_add(out, s + start, i - start);
        tocsin_buf_adds(out, rep);
        start = i + 1;
    }
    tocsin_buf_add(out, s + start, len - start);
}

/* Is 'url' safe in an attribute? Browsers ignore controls and whitespace
 * inside a scheme ("java\tscript:"), so those are removed before looking;
 * entities were already decoded by the parser. */
static int url_ok(const char *url, int image)
{
    char scheme[16];
    size_t n = 0;
    const char *p;

    for (p = url; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= 0x20 || c == 0x7f)
            continue;
        if (c == ':')
            break;
        if (c == '/' || c == '?' || c == '#')
            return !image || 1; /* relative: no scheme at all */
        if (n + 1 >= sizeof scheme)
            return 0;
        scheme[n++] = (char)tolower(c);
    }
    if (!*p)
        return 1; /* no colon: a relative reference */
    scheme[n] = '\0';
    if (!strcmp(scheme, "http") || !strcmp(scheme, "https"))
        return 1;
    if (image)
        return 0;
    return !strcmp(scheme, "mailto") || !strcmp(scheme, "tel");
}

static int attr_allowed(const char *tag, const char *attr)
{
    if (!strcmp(attr, "title") || !strcmp(attr, "class") ||
        !strcmp(attr, "lang") || !strcmp(attr, "dir"))
        return 1;
    if (!strcmp(attr, "href"))
        return !strcmp(tag, "a");
    if (!strcmp(attr, "src") || !strcmp(attr, "alt"))
        return !strcmp(tag, "img");
    return 0;
}

static void walk(struct tocsin_buf *out, xmlNode *n, int depth)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            const char *t = (const char *)n->content;

            if (t)
                tocsin_html_escape(out, t, strlen(t));
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue; /* comments, processing instructions, DTDs */
        {
            const char *name = (const char *)n->name;
            xmlAttr *a;

            if (in(name, dropped_tags) || depth > 200)
                continue;
            if (!in(name, allowed_tags) ||
                (depth == 0 && !strcmp(name, "div") &&
                 xmlHasProp(n, (const xmlChar *)"data-tocsin-root"))) {
                walk(out, n->children, depth + 1);
                continue;
            }
            tocsin_buf_addf(out, "<%s", name);
            for (a = n->properties; a; a = a->next) {
                const char *an = (const char *)a->name;
                xmlChar *v;

                if (!attr_allowed(name, an))
                    continue;
                v = xmlNodeGetContent((xmlNode *)a);
                if (v && ((strcmp(an, "href") && strcmp(an, "src")) ||
                          url_ok((const char *)v, !strcmp(an, "src")))) {
                    tocsin_buf_addf(out, " %s=\"", an);
                    tocsin_html_escape(out, (const char *)v,
                                       strlen((const char *)v));
                    tocsin_buf_addc(out, '"');
                }
                xmlFree(v);
            }
            tocsin_buf_addc(out, '>');
            if (in(name, void_tags))
                continue;
            walk(out, n->children, depth + 1);
            tocsin_buf_addf(out, "</%s>", name);
        }
    }
}

int tocsin_html_sanitize(struct tocsin_buf *out, const char *html, size_t len,
                         struct tocsin_error *err)
{
    struct tocsin_buf wrapped = TOCSIN_BUF_INIT(0);
    htmlDocPtr doc;
    xmlNode *root, *body;
    int rc = 0;

    if (tocsin_utf8_invalid_at(html, len) >= 0)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "HTML is not valid UTF-8");
    if (len > (size_t)16 << 20)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "HTML is larger than 16 MiB");
    /* a wrapper keeps the parser from inventing <p> around bare text */
    tocsin_buf_adds(&wrapped, "<div data-tocsin-root=\"1\">");
    tocsin_buf_add(&wrapped, html, len);
    tocsin_buf_adds(&wrapped, "</div>");
    doc = htmlReadMemory(wrapped.ptr, (int)wrapped.len, NULL, "UTF-8",
                         HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING);
    if (!doc) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "cannot parse the HTML");
        goto out;
    }
    root = xmlDocGetRootElement(doc);
    for (body = root ? root->children : NULL; body; body = body->next)
        if (body->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)body->name, "body"))
            break;
    /* the wrapper is unwrapped by walk(); an unbalanced input that closed
     * it early leaves its tail as the wrapper's siblings, walked too */
    if (body)
        walk(out, body->children, 0);
    xmlFreeDoc(doc);
    if (tocsin_buf_failed(out))
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "sanitized HTML is too long");
out:
    tocsin_buf_cleanup(&wrapped);
    return rc;
}

int tocsin_markdown_to_html(struct tocsin_buf *out, const char *md, size_t len,
                            struct tocsin_error *err)
{
    char *html;
    int rc;

    if (tocsin_utf8_invalid_at(md, len) >= 0)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "text is not valid UTF-8");
    /* CMARK_OPT_DEFAULT is safe mode in cmark 0.30: raw HTML and
     * javascript:/vbscript:/data: links are removed */
    html = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT);
    if (!html)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "cannot convert the text to HTML");
    rc = tocsin_html_sanitize(out, html, strlen(html), err);
    free(html);
    return rc;
}
