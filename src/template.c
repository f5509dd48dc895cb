/*
 * template.c - the Mustache-like engine: compiled once into a flat list of
 * nodes (sections know where they end), rendered many times with no
 * parsing and little allocation.
 *
 * Lookup follows the Mustache spec: the first part of a dotted name is
 * searched from the innermost section value outwards and then through the
 * render context's scopes; the remaining parts only inside what was found
 * ("Dotted Names - Context Precedence"). Escaping is the render context's
 * choice, applied to values only, after filters.
 */
#include "tocsin/template.h"
#include "tocsin/locale.h"
#include "tocsin/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILTERS 4
#define MAX_DEPTH 64

const char *const tocsin_filter_names[] = {
    "money", "date", "datetime", "duration", "upper", "lower", NULL};

enum node_kind { N_TEXT, N_VAR, N_SECTION, N_INVERTED };

struct node {
    enum node_kind kind;
    size_t off, len;         /* N_TEXT: bytes of the source */
    char *name;              /* N_VAR, N_SECTION, N_INVERTED */
    char *filters[MAX_FILTERS];
    size_t n_filters;
    int raw;                 /* {{{x}}} or {{&x}} */
    size_t end;              /* sections: index of the node after the body */
    int line, col;
};

struct tocsin_tpl {
    char *src;
    size_t len;
    struct node *nodes;
    size_t n, cap;
    struct tocsin_tpl_ref *refs;
    size_t n_refs;
    const char *path;        /* for render-time errors: copied */
    char *path_copy;
};

/* ----- compiling ------------------------------------------------------- */

struct pos {
    int line, col;
};

static void advance(struct pos *p, const char *s, size_t from, size_t to)
{
    size_t i;

    for (i = from; i < to; i++) {
        if (s[i] == '\n') {
            p->line++;
            p->col = 1;
        } else if (((unsigned char)s[i] & 0xc0) != 0x80) {
            p->col++;
        }
    }
}

static struct node *push(struct tocsin_tpl *t, enum node_kind k)
{
    struct node *n;

    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->nodes = tocsin_xreallocarray(t->nodes, t->cap, sizeof *t->nodes);
    }
    n = &t->nodes[t->n++];
    memset(n, 0, sizeof *n);
    n->kind = k;
    return n;
}

static void text(struct tocsin_tpl *t, size_t off, size_t len)
{
    struct node *n;

    if (!len)
        return;
    if (t->n && t->nodes[t->n - 1].kind == N_TEXT &&
        t->nodes[t->n - 1].off + t->nodes[t->n - 1].len == off) {
        t->nodes[t->n - 1].len += len;
        return;
    }
    n = push(t, N_TEXT);
    n->off = off;
    n->len = len;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* Copy [s, e) trimmed of spaces and tabs. */
static char *trimmed(const char *s, const char *e)
{
    while (s < e && (is_ws(*s) || *s == '\n' || *s == '\r'))
        s++;
    while (e > s && (is_ws(e[-1]) || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    return tocsin_xstrndup(s, (size_t)(e - s));
}

static int bad_tag(struct tocsin_error *err, const char *path, struct pos p,
                   const char *fmt, const char *arg)
{
    tocsin_error_set(err, TOCSIN_EINPUT, path, p.line, fmt, arg);
    tocsin_error_col(err, p.col);
    return TOCSIN_EINPUT;
}

static int parse_var(struct node *n, const char *s, const char *e,
                     const char *path, struct pos p, struct tocsin_error *err)
{
    const char *bar = memchr(s, '|', (size_t)(e - s));
    size_t i;

    n->name = trimmed(s, bar ? bar : e);
    if (!n->name[0])
        return bad_tag(err, path, p, "empty placeholder%s", "");
    for (i = 0; n->name[i]; i++)
        if (is_ws(n->name[i]) || n->name[i] == '{' || n->name[i] == '}')
            return bad_tag(err, path, p, "invalid placeholder name '%s'",
                           n->name);
    while (bar) {
        const char *next = memchr(bar + 1, '|', (size_t)(e - bar - 1));
        char *f = trimmed(bar + 1, next ? next : e);
        const char *g;

        for (i = 0; tocsin_filter_names[i]; i++)
            if (!strcmp(f, tocsin_filter_names[i]))
                break;
        if (!tocsin_filter_names[i] || n->n_filters == MAX_FILTERS) {
            bad_tag(err, path, p, "unknown filter '%s'", f);
            if (n->n_filters == MAX_FILTERS)
                tocsin_error_hint(err, "at most %d filters", MAX_FILTERS);
            else if ((g = tocsin_did_you_mean(f, tocsin_filter_names, 6)))
                tocsin_error_hint(err, "did you mean '%s'?", g);
            else
                tocsin_error_hint(err, "filters: money, date, datetime, "
                                       "duration, upper, lower");
            free(f);
            return TOCSIN_EINPUT;
        }
        n->filters[n->n_filters++] = f;
        bar = next;
    }
    return 0;
}

static void node_free(struct node *n)
{
    size_t i;

    free(n->name);
    for (i = 0; i < n->n_filters; i++)
        free(n->filters[i]);
}

void tocsin_tpl_free(struct tocsin_tpl *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n; i++)
        node_free(&t->nodes[i]);
    free(t->nodes);
    free(t->refs);
    free(t->src);
    free(t->path_copy);
    free(t);
}

int tocsin_tpl_compile(struct tocsin_tpl **out, const char *src, size_t len,
                       const char *path, int line, int col,
                       struct tocsin_error *err)
{
    struct tocsin_tpl *t = tocsin_xcalloc(1, sizeof *t);
    size_t stack[MAX_DEPTH];
    struct pos spos[MAX_DEPTH];
    size_t depth = 0, i = 0, r;
    struct pos p = {line > 0 ? line : 1, col > 0 ? col : 1};
    int rc = 0;

    t->src = tocsin_xstrndup(src, len);
    t->len = len;
    t->path_copy = tocsin_xstrdup(path ? path : "");
    t->path = t->path_copy;
    src = t->src;
    while (i < len) {
        const char *open = strstr(src + i, "{{");
        size_t start, inner, close_len = 2, after, ls, le;
        const char *close;
        struct pos tp;
        char sigil;
        int standalone_ok;

        if (!open || (size_t)(open - src) >= len) {
            text(t, i, len - i);
            advance(&p, src, i, len);
            break;
        }
        start = (size_t)(open - src);
        text(t, i, start - i);
        advance(&p, src, i, start);
        tp = p;
        inner = start + 2;
        sigil = src[inner];
        if (sigil == '{')
            close_len = 3;
        close = strstr(src + inner + (sigil == '{'),
                       close_len == 3 ? "}}}" : "}}");
        if (!close) {
            rc = bad_tag(err, path, tp, "unclosed tag: '{{' without "
                                        "'%s'", close_len == 3 ? "}}}" : "}}");
            goto out;
        }
        after = (size_t)(close - src) + close_len;
        standalone_ok = sigil == '#' || sigil == '^' || sigil == '/' ||
                        sigil == '!';
        /* the Mustache standalone rule: a line holding only this tag and
         * whitespace disappears, newline included */
        if (standalone_ok) {
            ls = start;
            while (ls > 0 && is_ws(src[ls - 1]))
                ls--;
            le = after;
            while (le < len && is_ws(src[le]))
                le++;
            if ((ls == 0 || src[ls - 1] == '\n') &&
                (le == len || src[le] == '\n' ||
                 (src[le] == '\r' && le + 1 < len && src[le + 1] == '\n'))) {
                /* drop the indentation already emitted */
                if (t->n && t->nodes[t->n - 1].kind == N_TEXT &&
                    t->nodes[t->n - 1].off + t->nodes[t->n - 1].len == start) {
                    t->nodes[t->n - 1].len -= start - ls;
                    if (!t->nodes[t->n - 1].len)
                        t->n--;
                }
                if (le < len)
                    le += src[le] == '\r' ? 2 : 1;
                after = le;
            }
        }
        switch (sigil) {
        case '!':
            break;
        case '>':
            rc = bad_tag(err, path, tp, "partials ('{{>%s') are not "
                                        "supported", "...}}");
            goto out;
        case '=':
            rc = bad_tag(err, path, tp, "delimiter changes ('{{=%s') are not "
                                        "supported", "...=}}");
            goto out;
        case '#':
        case '^': {
            struct node *n = push(t, sigil == '#' ? N_SECTION : N_INVERTED);

            n->line = tp.line;
            n->col = tp.col;
            if ((rc = parse_var(n, src + inner + 1, close, path, tp, err)))
                goto out;
            if (n->n_filters) {
                rc = bad_tag(err, path, tp, "a section cannot have a filter "
                                            "('%s')", n->name);
                goto out;
            }
            if (depth == MAX_DEPTH) {
                rc = bad_tag(err, path, tp, "sections nested deeper than "
                                            "%s", "64");
                goto out;
            }
            spos[depth] = tp;
            stack[depth++] = t->n - 1;
            break;
        }
        case '/': {
            char *name = trimmed(src + inner + 1, close);

            if (!depth) {
                bad_tag(err, path, tp, "'{{/%s}}' closes no section", name);
                free(name);
                rc = TOCSIN_EINPUT;
                goto out;
            }
            if (strcmp(name, t->nodes[stack[depth - 1]].name)) {
                bad_tag(err, path, tp, "'{{/%s}}' does not close the open "
                                       "section", name);
                tocsin_error_hint(err, "the open section is '{{#%s}}'",
                                  t->nodes[stack[depth - 1]].name);
                free(name);
                rc = TOCSIN_EINPUT;
                goto out;
            }
            free(name);
            t->nodes[stack[--depth]].end = t->n;
            break;
        }
        default: {
            struct node *n = push(t, N_VAR);
            const char *s = src + inner, *e = close;

            n->line = tp.line;
            n->col = tp.col;
            if (sigil == '{') {
                n->raw = 1;
                s++;
            } else if (sigil == '&') {
                n->raw = 1;
                s++;
            }
            if ((rc = parse_var(n, s, e, path, tp, err)))
                goto out;
            break;
        }
        }
        advance(&p, src, start, after);
        i = after;
    }
    if (depth) {
        rc = bad_tag(err, path, spos[depth - 1], "section '{{#%s}}' is never "
                                                 "closed",
                     t->nodes[stack[depth - 1]].name);
        goto out;
    }
    for (i = 0; i < t->n; i++)
        if (t->nodes[i].kind != N_TEXT)
            t->n_refs++;
    t->refs = tocsin_xcalloc(t->n_refs + 1, sizeof *t->refs);
    for (i = 0, r = 0; i < t->n; i++) {
        const struct node *n = &t->nodes[i];

        if (n->kind == N_TEXT)
            continue;
        t->refs[r].name = n->name;
        t->refs[r].filter = n->n_filters ? n->filters[0] : NULL;
        t->refs[r].line = n->line;
        t->refs[r].col = n->col;
        t->refs[r].section = n->kind != N_VAR;
        r++;
    }
    *out = t;
    t = NULL;
out:
    tocsin_tpl_free(t);
    return rc;
}

size_t tocsin_tpl_n_refs(const struct tocsin_tpl *t)
{
    return t->n_refs;
}

const struct tocsin_tpl_ref *tocsin_tpl_ref(const struct tocsin_tpl *t,
                                            size_t i)
{
    return i < t->n_refs ? &t->refs[i] : NULL;
}

/* ----- values ---------------------------------------------------------- */

/* A value found by lookup: JSON, or a flat string from a row. */
struct val {
    const json_t *j;
    const char *s;
    int found;
};

static int truthy(const struct val *v)
{
    if (!v->found)
        return 0;
    if (!v->j)
        return v->s && *v->s;
    switch (json_typeof(v->j)) {
    case JSON_NULL:
    case JSON_FALSE:
        return 0;
    case JSON_ARRAY:
        return json_array_size(v->j) > 0;
    case JSON_STRING:
        return json_string_length(v->j) > 0;
    default:
        return 1;
    }
}

/* Shortest decimal that reads back as the same double (1.21, not
 * 1.2099999999999999645). */
static void real_text(struct tocsin_buf *out, double d)
{
    char s[40];
    int prec;

    for (prec = 1; prec <= 17; prec++) {
        tocsin_format(s, sizeof s, "%.*g", prec, d);
        if (strtod(s, NULL) == d)
            break;
    }
    tocsin_buf_adds(out, s);
}

static void val_text(struct tocsin_buf *out, const struct val *v)
{
    if (!v->found)
        return;
    if (!v->j) {
        tocsin_buf_adds(out, v->s ? v->s : "");
        return;
    }
    switch (json_typeof(v->j)) {
    case JSON_STRING:
        tocsin_buf_add(out, json_string_value(v->j),
                       json_string_length(v->j));
        break;
    case JSON_INTEGER:
        tocsin_buf_addf(out, "%lld", (long long)json_integer_value(v->j));
        break;
    case JSON_REAL:
        real_text(out, json_real_value(v->j));
        break;
    case JSON_TRUE:
        tocsin_buf_adds(out, "true");
        break;
    case JSON_FALSE:
        tocsin_buf_adds(out, "false");
        break;
    default:
        break;
    }
}

struct rstate {
    const struct tocsin_tpl *t;
    const struct tocsin_render_ctx *ctx;
    struct val stack[MAX_DEPTH];
    size_t depth;
    struct tocsin_buf tmp;
    struct tocsin_error *err;
};

static int lookup_scope(struct val *out, const struct tocsin_scope *sc,
                        const char *name, size_t len)
{
    size_t i;

    if (sc->json) {
        const json_t *v;

        if (!json_is_object(sc->json))
            return 0;
        v = json_object_getn(sc->json, name, len);
        if (!v)
            return 0;
        out->j = v;
        out->found = 1;
        return 1;
    }
    for (i = 0; i < sc->n; i++)
        if (!strncmp(sc->names[i], name, len) && !sc->names[i][len]) {
            out->s = sc->values[i];
            out->found = 1;
            return 1;
        }
    return 0;
}

static struct val lookup(struct rstate *st, const char *name)
{
    struct val v = {NULL, NULL, 0};
    const char *dot;
    size_t len, i;

    if (!strcmp(name, ".")) {
        if (st->depth)
            return st->stack[st->depth - 1];
        /* at the top, '.' is the data itself (Mustache "Root-level") */
        if (st->ctx->n_scopes && st->ctx->scopes[0].json) {
            v.j = st->ctx->scopes[0].json;
            v.found = 1;
        }
        return v;
    }
    dot = strchr(name, '.');
    len = dot ? (size_t)(dot - name) : strlen(name);
    for (i = st->depth; i-- > 0;) {
        const struct val *c = &st->stack[i];

        if (c->j && json_is_object(c->j)) {
            const json_t *x = json_object_getn(c->j, name, len);

            if (x) {
                v.j = x;
                v.found = 1;
                break;
            }
        }
    }
    for (i = 0; !v.found && i < st->ctx->n_scopes; i++)
        lookup_scope(&v, &st->ctx->scopes[i], name, len);
    while (v.found && dot) {
        const char *next = strchr(dot + 1, '.');
        size_t l = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
        const json_t *x = v.j && json_is_object(v.j)
                              ? json_object_getn(v.j, dot + 1, l)
                              : NULL;

        if (!x) {
            /* a broken chain renders empty, but the name exists */
            v.j = NULL;
            v.s = "";
            return v;
        }
        v.j = x;
        dot = next;
    }
    return v;
}

static void escape_into(struct tocsin_buf *out, const char *s, size_t n,
                        enum tocsin_escape esc)
{
    size_t i, start = 0;

    if (esc == TOCSIN_ESC_NONE) {
        tocsin_buf_add(out, s, n);
        return;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        char one[3] = {'\\', 0, 0};

        switch (esc) {
        case TOCSIN_ESC_HTML:
            rep = c == '&'    ? "&amp;"
                  : c == '<'  ? "&lt;"
                  : c == '>'  ? "&gt;"
                  : c == '"'  ? "&quot;"
                  : c == '\'' ? "&#39;"
                              : NULL;
            break;
        case TOCSIN_ESC_HEADER:
            if (c < 0x20 || c == 0x7f)
                rep = " ";
            break;
        case TOCSIN_ESC_MARKDOWN:
            /* CommonMark's backslash-escapable punctuation (spec §2.4) */
            if (c < 0x80 && strchr("\\`*_{}[]()<>#+-.!|~&\"'=:;$%^?@,/",
                                   (int)c) && c) {
                one[1] = (char)c;
                rep = one;
            } else if (c == '\n' || c == '\r') {
                rep = " ";
            }
            break;
        default:
            break;
        }
        if (rep) {
            tocsin_buf_add(out, s + start, i - start);
            tocsin_buf_adds(out, rep);
            start = i + 1;
        }
    }
    tocsin_buf_add(out, s + start, n - start);
}

static int render_nodes(struct rstate *st, size_t from, size_t to,
                        struct tocsin_buf *out);

static int unknown(struct rstate *st, const struct node *n)
{
    const char *names[64];
    size_t k = 0, i, j;
    const char *g;

    tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path, n->line,
                     "unknown placeholder '%s'", n->name);
    tocsin_error_col(st->err, n->col);
    for (i = 0; i < st->ctx->n_scopes && k < 64; i++) {
        const struct tocsin_scope *sc = &st->ctx->scopes[i];

        if (sc->json && json_is_object(sc->json)) {
            const char *key;
            json_t *v;

            json_object_foreach((json_t *)sc->json, key, v)
                if (k < 64)
                    names[k++] = key;
        }
        for (j = 0; !sc->json && j < sc->n && k < 64; j++)
            names[k++] = sc->names[j];
    }
    if ((g = tocsin_did_you_mean(n->name, names, k)))
        tocsin_error_hint(st->err, "did you mean '%s'?", g);
    return TOCSIN_EINPUT;
}

static int render_var(struct rstate *st, const struct node *n,
                      struct tocsin_buf *out)
{
    struct val v = lookup(st, n->name);
    size_t f;
    int rc;

    if (!v.found) {
        if (st->ctx->strict)
            return unknown(st, n);
        return 0;
    }
    tocsin_buf_reset(&st->tmp);
    val_text(&st->tmp, &v);
    for (f = 0; f < n->n_filters; f++) {
        struct tocsin_buf in = TOCSIN_BUF_INIT(0);

        tocsin_buf_add(&in, st->tmp.ptr, st->tmp.len);
        tocsin_buf_reset(&st->tmp);
        rc = tocsin_filter_apply(&st->tmp, n->filters[f], in.ptr,
                                 st->ctx->locale ? st->ctx->locale : "en",
                                 st->ctx->tz ? st->ctx->tz : "UTC",
                                 st->t->path, n->line, st->err);
        tocsin_buf_cleanup(&in);
        if (rc) {
            tocsin_error_col(st->err, n->col);
            tocsin_error_prefix(st->err, "'{{%s|%s}}'", n->name,
                                n->filters[f]);
            return rc;
        }
    }
    escape_into(out, st->tmp.ptr, st->tmp.len,
                n->raw && st->ctx->escape == TOCSIN_ESC_HTML ? TOCSIN_ESC_NONE
                                                              : st->ctx->escape);
    return 0;
}

static int push_ctx(struct rstate *st, struct val v, const struct node *n)
{
    if (st->depth == MAX_DEPTH)
        return tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path, n->line,
                                "sections nested deeper than %d at render "
                                "time", MAX_DEPTH);
    st->stack[st->depth++] = v;
    return 0;
}

static int render_section(struct rstate *st, size_t i, struct tocsin_buf *out)
{
    const struct node *n = &st->t->nodes[i];
    struct val v = lookup(st, n->name);
    int rc = 0;

    if (!v.found && st->ctx->strict)
        return unknown(st, n);
    if (n->kind == N_INVERTED)
        return truthy(&v) ? 0 : render_nodes(st, i + 1, n->end, out);
    if (!truthy(&v))
        return 0;
    if (v.j && json_is_array(v.j)) {
        size_t k;

        for (k = 0; k < json_array_size(v.j) && !rc; k++) {
            struct val item = {json_array_get(v.j, k), NULL, 1};

            if ((rc = push_ctx(st, item, n)))
                break;
            rc = render_nodes(st, i + 1, n->end, out);
            st->depth--;
        }
        return rc;
    }
    if ((rc = push_ctx(st, v, n)))
        return rc;
    rc = render_nodes(st, i + 1, n->end, out);
    st->depth--;
    return rc;
}

static int render_nodes(struct rstate *st, size_t from, size_t to,
                        struct tocsin_buf *out)
{
    size_t i = from;
    int rc;

    while (i < to) {
        const struct node *n = &st->t->nodes[i];

        switch (n->kind) {
        case N_TEXT:
            tocsin_buf_add(out, st->t->src + n->off, n->len);
            i++;
            break;
        case N_VAR:
            if ((rc = render_var(st, n, out)))
                return rc;
            i++;
            break;
        default:
            if ((rc = render_section(st, i, out)))
                return rc;
            i = n->end;
            break;
        }
        if (tocsin_buf_failed(out))
            return tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path,
                                    n->line, "the rendered text is longer "
                                             "than %zu bytes", out->max);
    }
    return 0;
}

/* Subjects: every run of whitespace (template newlines included) becomes
 * one space, and no end of the line keeps any. */
static void fold_line(struct tocsin_buf *b, size_t start)
{
    size_t r, w = start;
    int space = 1;

    for (r = start; r < b->len; r++) {
        unsigned char c = (unsigned char)b->ptr[r];

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c < 0x20 ||
            c == 0x7f) {
            if (!space)
                b->ptr[w++] = ' ';
            space = 1;
        } else {
            b->ptr[w++] = (char)c;
            space = 0;
        }
    }
    if (w > start && b->ptr[w - 1] == ' ')
        w--;
    tocsin_buf_truncate(b, w);
}

int tocsin_tpl_render(struct tocsin_buf *out, const struct tocsin_tpl *t,
                      const struct tocsin_render_ctx *ctx,
                      struct tocsin_error *err)
{
    struct rstate st;
    size_t start = out->len, saved_max = out->max;
    size_t cap = ctx->max_len ? ctx->max_len : (size_t)1 << 20;
    int rc;

    memset(&st, 0, sizeof st);
    st.t = t;
    st.ctx = ctx;
    st.err = err;
    tocsin_buf_init(&st.tmp, cap);
    if (!out->max || out->max > start + cap)
        out->max = start + cap;
    rc = render_nodes(&st, 0, t->n, out);
    out->max = saved_max;
    if (!rc && ctx->escape == TOCSIN_ESC_HEADER)
        fold_line(out, start);
    tocsin_buf_cleanup(&st.tmp);
    return rc;
}
