/*
 * sanitize.h - HTML that is safe to put on a web page or in an email:
 * Markdown text turned into HTML by cmark (safe mode), and any HTML part
 * parsed by libxml2 and rebuilt from an allow-list of tags and attributes.
 * No script, style, event handler, form, iframe or javascript: URL survives.
 */
#ifndef TOCSIN_SANITIZE_H
#define TOCSIN_SANITIZE_H

#include <stddef.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

/* Append the sanitized form of the HTML fragment 'html' to 'out'.
 * Disallowed elements are dropped with their content when they are script,
 * style, iframe, object, embed, template, noscript; other disallowed
 * elements are unwrapped (their text kept). Allowed: p br a em strong b i u
 * ul ol li h1-h6 blockquote code pre span div hr small sub sup table thead
 * tbody tr th td img; attributes: href (http, https, mailto, tel, relative),
 * title, alt, src (http, https), class, lang, dir. Returns 0 or
 * TOCSIN_EINPUT when the input is not UTF-8 or cannot be parsed. */
int tocsin_html_sanitize(struct tocsin_buf *out, const char *html, size_t len,
                         struct tocsin_error *err);

/* Append the HTML of the CommonMark text 'md' (cmark, safe mode: raw HTML
 * and unsafe links are removed), then sanitized. Returns 0 or
 * TOCSIN_EINPUT. */
int tocsin_markdown_to_html(struct tocsin_buf *out, const char *md, size_t len,
                            struct tocsin_error *err);

/* Append 's' with & < > " ' escaped for HTML text and attribute values. */
void tocsin_html_escape(struct tocsin_buf *out, const char *s, size_t len);

#endif
