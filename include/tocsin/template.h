/*
 * template.h - the Mustache-like message templates (DESIGN §6).
 *
 * {{name}}, {{name|filter}}, {{{name}}} and {{&name}} (never escaped),
 * dotted names, the implicit iterator {{.}}, sections {{#name}}...{{/name}},
 * inverted sections {{^name}}...{{/name}} and comments {{! ...}}, with the
 * Mustache spec's standalone-line rules. Partials, lambdas and delimiter
 * changes are refused at compile time with a clear error.
 *
 * A template is compiled once and rendered many times. Values are looked up
 * through a stack of scopes (the row, the params, the built-ins); escaping
 * is chosen by the part being rendered, not by the template author.
 */
#ifndef TOCSIN_TEMPLATE_H
#define TOCSIN_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

struct tocsin_tpl;

enum tocsin_escape {
    TOCSIN_ESC_NONE,   /* text, sms, social: values as they are */
    TOCSIN_ESC_HTML,   /* html, banner, status: & " < > escaped (and ') */
    TOCSIN_ESC_HEADER, /* subject: CR, LF, NUL and other controls in values
                          become spaces; the result is folded to one line */
    TOCSIN_ESC_MARKDOWN /* text that tocsin_markdown_to_html() will turn
                           into html: ASCII punctuation in values is
                           backslash-escaped so a value stays plain text */
};

/* A scope is either a JSON object (params, built-ins, the sample, the
 * Mustache spec's data) or a flat list of string columns (an audience row,
 * looked up without building JSON per row). */
struct tocsin_scope {
    const json_t *json;
    const char *const *names;
    const char *const *values;
    size_t n;
};

struct tocsin_render_ctx {
    struct tocsin_scope scopes[6]; /* searched from 0 upward */
    size_t n_scopes;
    const char *locale;            /* BCP 47, for filters; NULL: "en" */
    const char *tz;                /* IANA zone for date filters; NULL: UTC */
    enum tocsin_escape escape;
    int strict;                    /* 1: an unknown name is an error */
    size_t max_len;                /* output cap in bytes; 0: 1 MiB */
};

/* Compile 'len' bytes of 'src'. 'path', 'line' and 'col' say where the
 * source starts (the string literal in the playbook) so that errors point
 * at the exact line: an unclosed tag, a mismatched section, an unknown
 * filter ("did you mean"), a partial or delimiter change. Returns 0 or
 * TOCSIN_EINPUT. The caller frees '*out' with tocsin_tpl_free(). */
int tocsin_tpl_compile(struct tocsin_tpl **out, const char *src, size_t len,
                       const char *path, int line, int col,
                       struct tocsin_error *err);
void tocsin_tpl_free(struct tocsin_tpl *t);

/* Render into 'out' (appending). Unknown names render empty unless
 * ctx->strict; a filter that cannot read its value ("money" of "abc") is
 * TOCSIN_EINPUT naming the placeholder's line, and so is output longer
 * than ctx->max_len. In sections, null, false, an empty string and an
 * empty list are falsey; numbers (0 too) are truthy. A missing or empty
 * value renders empty without running its filter. In TOCSIN_ESC_HEADER
 * even {{{x}}} loses its control characters. On error 'out' is left as
 * it was. 't' is only read: renders may run in parallel.
 * Returns 0 or TOCSIN_EINPUT. */
int tocsin_tpl_render(struct tocsin_buf *out, const struct tocsin_tpl *t,
                      const struct tocsin_render_ctx *ctx,
                      struct tocsin_error *err);

/* The placeholders of 't', in source order (section names included), for
 * check and the linter. Borrowed from 't'. */
struct tocsin_tpl_ref {
    const char *name;    /* "order_id", "a.b", "." */
    const char *filter;  /* "duration", or NULL */
    int line, col;       /* in the playbook */
    int section;         /* 1 for {{#..}} / {{^..}} */
};
size_t tocsin_tpl_n_refs(const struct tocsin_tpl *t);
const struct tocsin_tpl_ref *tocsin_tpl_ref(const struct tocsin_tpl *t,
                                            size_t i);

/* The filters a template may use, NULL-terminated. */
extern const char *const tocsin_filter_names[];

#endif
