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
 * style, iframe, object, template, noscript, title, svg, math, frameset,
 * frame, noframes, noembed or applet; other disallowed elements (embed,
 * form, font, html, body...) are unwrapped: the tag goes, its text stays.
 * Comments and processing instructions go. Allowed: p br a em strong b i u
 * ul ol li h1-h6 blockquote code pre span div hr small sub sup table thead
 * tbody tr th td img; attributes: title, class, lang, dir (ltr, rtl, auto)
 * on any of them, href on a (http, https, mailto, tel, relative), src on
 * img (http, https, relative), alt on img, colspan and rowspan (1 to 3
 * digits) on th and td. A URL whose scheme, once character references are
 * decoded and controls and whitespace removed, is anything else
 * (javascript:, data:, vbscript:) loses its attribute. Text and attribute
 * values are escaped again on output. Returns 0 or TOCSIN_EINPUT (not
 * UTF-8, a NUL byte, nested deeper than libxml2's 256 levels, longer than
 * 'out' may grow); on error 'out' is as it was. */
int tocsin_html_sanitize(struct tocsin_buf *out, const char *html, size_t len,
                         struct tocsin_error *err);

/* Append the HTML of the CommonMark text 'md' (cmark, safe mode: raw HTML
 * and unsafe links are removed), then sanitized. Returns 0 or
 * TOCSIN_EINPUT. */
int tocsin_markdown_to_html(struct tocsin_buf *out, const char *md, size_t len,
                            struct tocsin_error *err);

/* Append 's' with & < > " ' escaped for HTML text and attribute values. */
void tocsin_html_escape(struct tocsin_buf *out, const char *s, size_t len);

/* The offset of the first byte of 's' that is not part of well-formed
 * UTF-8 (overlong forms, surrogates and code points past U+10FFFF are
 * ill-formed; NUL is well-formed), or 'len' when all of it is. */
size_t tocsin_utf8_check(const char *s, size_t len);

#endif
