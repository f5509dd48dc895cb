/*
 * template.c - Mustache-like message templates, compiled once into a flat
 * list of nodes and rendered per recipient without parsing and without
 * allocating beyond the output (DESIGN §6).
 *
 * Refuses partials, delimiter changes and inheritance at compile time: a
 * message says everything in one place, where check and the linter can
 * read it. Knows nothing of channels; the caller picks the escaping.
 */
#include "tocsin/template.h"
#include "tocsin/locale.h"
#include "tocsin/mem.h"
#include "tocsin/sanitize.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting is a mistake; the bound keeps the render recursion and
 * its context stack fixed-size. */
#define MAX_DEPTH 64
#define DEFAULT_MAX_LEN ((size_t)1 << 20)
/* Lines and columns are ints, and a message this long is a mistake. */
#define MAX_SRC ((size_t)1 << 24)
/* "did you mean" looks at no more names than this. */
#define MAX_GUESS_NAMES 4096

const char *const tocsin_filter_names[] = {
    "money", "date", "datetime", "duration", "upper", "lower", NULL
};

#define N_FILTERS \
    (sizeof tocsin_filter_names / sizeof tocsin_filter_names[0] - 1)

enum kind { N_TEXT, N_VAR, N_SECTION, N_INVERTED };

struct node {
    enum kind kind;
    int raw;          /* {{{x}}} or {{&x}}: no HTML or Markdown escaping */
    size_t off, len;  /* N_TEXT: a slice of t->src */
    char **parts;     /* the name split at its dots; NULL for "." */
    size_t n_parts;
    size_t end;       /* sections: the first node after the body */
    size_t ref;       /* N_VAR and sections: index into t->refs */
};

struct tocsin_tpl {
    char *src;
    size_t len;
    char *path;
    struct node *nodes;
    size_t n_nodes, cap_nodes;
    struct tocsin_tpl_ref *refs;
    size_t n_refs, cap_refs;
};

struct comp {
    struct tocsin_tpl *t;
    int line0, col0;
    /* where locate() stopped: lines and columns are counted once */
    size_t at, bol;
    int at_line, at_cols;
    size_t open[MAX_DEPTH];
    size_t n_open;
    struct tocsin_error *err;
};

/* Line and column (in code points, so a Chinese line counts characters)
 * of byte 'pos'. Tags come in source order, so this walks the source once. */
static void locate(struct comp *c, size_t pos, int *line, int *col)
{
    const char *s = c->t->src;
    size_t i;

    if (pos < c->at) {
        c->at = c->bol = 0;
        c->at_line = c->line0;
        c->at_cols = 0;
    }
    for (i = c->at; i < pos; i++) {
        if (s[i] == '\n') {
            c->at_line++;
            c->bol = i + 1;
            c->at_cols = 0;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c->at_cols++;
        }
    }
    c->at = pos;
    *line = c->at_line;
    *col = c->at_cols + (c->bol == 0 ? c->col0 : 1);
}

static int fail_at(struct comp *c, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct comp *c, size_t pos, const char *fmt, ...)
{
    va_list ap;
    int line, col;

    locate(c, pos, &line, &col);
    va_start(ap, fmt);
    tocsin_error_vset(c->err, TOCSIN_EINPUT, c->t->path, line, fmt, ap);
    va_end(ap);
    tocsin_error_col(c->err, col);
    return TOCSIN_EINPUT;
}

static struct node *add_node(struct tocsin_tpl *t, enum kind kind)
{
    struct node *n;

    if (t->n_nodes == t->cap_nodes) {
        t->cap_nodes = t->cap_nodes ? t->cap_nodes * 2 : 16;
        t->nodes = tocsin_xreallocarray(t->nodes, t->cap_nodes,
                                        sizeof *t->nodes);
    }
    n = &t->nodes[t->n_nodes++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

static void add_text(struct tocsin_tpl *t, size_t from, size_t to)
{
    struct node *n;

    if (to <= from)
        return;
    n = add_node(t, N_TEXT);
    n->off = from;
    n->len = to - from;
}

/* memmem() is a GNU extension; this is all it is needed for. */
static const char *find(const char *s, size_t len, const char *pat)
{
    size_t plen = strlen(pat);
    const char *p = s, *end = s + len;

    while ((size_t)(end - p) >= plen &&
           (p = memchr(p, pat[0], (size_t)(end - p) - plen + 1))) {
        if (!memcmp(p, pat, plen))
            return p;
        p++;
    }
    return NULL;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Mustache's standalone rule: a section, inverted, close or comment tag
 * alone on its line (blanks aside) takes the whole line with it, its line
 * ending included (CRLF too), so that block tags leave no blank lines.
 * On success '*from' is where the line starts and '*to' where the next
 * one does (or the end of the source). */
static int standalone(const char *s, size_t len, size_t tag, size_t end,
                      size_t *from, size_t *to)
{
    size_t i = tag;

    while (i > 0 && is_blank(s[i - 1]))
        i--;
    if (i > 0 && s[i - 1] != '\n')
        return 0;
    *from = i;
    i = end;
    while (i < len && is_blank(s[i]))
        i++;
    if (i < len && s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
        i += 2;
    else if (i < len && s[i] == '\n')
        i++;
    else if (i < len)
        return 0;
    *to = i;
    return 1;
}

static int name_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' ||
           ch >= 0x80;
}

/* Split "a.b.c" into one block: the part pointers, then the name with its
 * dots turned into NULs, so a node frees its name with one free(). */
static int split_name(char ***parts_out, size_t *n_out, const char *name,
                      size_t len)
{
    size_t n = 1, i, k = 0;
    char **parts, *copy;

    if (len == 1 && name[0] == '.') {
        *parts_out = NULL;
        *n_out = 0;
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!name_char((unsigned char)name[i]))
            return -1;
        if (name[i] == '.')
            n++;
    }
    if (name[0] == '.' || name[len - 1] == '.' || find(name, len, ".."))
        return -1;
    parts = tocsin_xmalloc(n * sizeof *parts + len + 1);
    copy = (char *)(parts + n);
    memcpy(copy, name, len);
    copy[len] = '\0';
    parts[k++] = copy;
    for (i = 0; i < len; i++) {
        if (copy[i] == '.') {
            copy[i] = '\0';
            parts[k++] = copy + i + 1;
        }
    }
    *parts_out = parts;
    *n_out = n;
    return 0;
}

static size_t add_ref(struct comp *c, const char *name, size_t name_len,
                      const char *filter, size_t tag, int section)
{
    struct tocsin_tpl *t = c->t;
    struct tocsin_tpl_ref *r;

    if (t->n_refs == t->cap_refs) {
        t->cap_refs = t->cap_refs ? t->cap_refs * 2 : 8;
        t->refs = tocsin_xreallocarray(t->refs, t->cap_refs, sizeof *t->refs);
    }
    r = &t->refs[t->n_refs];
    r->name = tocsin_xstrndup(name, name_len);
    r->filter = filter;
    r->section = section;
    locate(c, tag, &r->line, &r->col);
    return t->n_refs++;
}

static const char *find_filter(const char *f, size_t len)
{
    size_t i;

    for (i = 0; tocsin_filter_names[i]; i++)
        if (strlen(tocsin_filter_names[i]) == len &&
            !memcmp(tocsin_filter_names[i], f, len))
            return tocsin_filter_names[i];
    return NULL;
}

static int unknown_filter(struct comp *c, size_t tag, const char *f,
                          size_t len)
{
    char name[64];
    const char *guess;

    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, f, len);
    name[len] = '\0';
    guess = tocsin_did_you_mean(name, tocsin_filter_names, N_FILTERS);
    if (guess)
        fail_at(c, tag, "unknown filter '%s'; did you mean '%s'?", name,
                guess);
    else
        fail_at(c, tag, "unknown filter '%s'", name);
    tocsin_error_hint(c->err, "the filters are money, date, datetime, "
                              "duration, upper and lower");
    return TOCSIN_EINPUT;
}

/* One tag's content, between its sigil and its closing braces. */
static int compile_tag(struct comp *c, size_t tag, char sigil, int triple,
                       size_t from, size_t to)
{
    struct tocsin_tpl *t = c->t;
    const char *s = t->src, *bar, *filter = NULL;
    size_t name_end, ref;
    char **parts;
    size_t n_parts;
    struct node *n;

    while (from < to && is_space(s[from]))
        from++;
    while (to > from && is_space(s[to - 1]))
        to--;
    bar = memchr(s + from, '|', to - from);
    name_end = bar ? (size_t)(bar - s) : to;
    while (name_end > from && is_space(s[name_end - 1]))
        name_end--;
    if (name_end == from)
        return fail_at(c, tag, "empty tag: a placeholder needs a name");
    if (split_name(&parts, &n_parts, s + from, name_end - from))
        return fail_at(c, tag, "invalid placeholder name '%.*s'",
                       (int)(name_end - from > 64 ? 64 : name_end - from),
                       s + from);
    if (bar) {
        size_t f = (size_t)(bar - s) + 1;

        while (f < to && is_space(s[f]))
            f++;
        if (sigil == '#' || sigil == '^' || sigil == '/') {
            free(parts);
            return fail_at(c, tag, "a section cannot have a filter");
        }
        if (memchr(s + f, '|', to - f)) {
            free(parts);
            return fail_at(c, tag, "one filter per placeholder");
        }
        if (f == to) {
            free(parts);
            return fail_at(c, tag, "missing filter name after '|'");
        }
        filter = find_filter(s + f, to - f);
        if (!filter) {
            free(parts);
            return unknown_filter(c, tag, s + f, to - f);
        }
    }
    if (sigil == '/') {
        struct node *open;
        const struct tocsin_tpl_ref *r;
        size_t name_len = name_end - from;

        free(parts);
        if (!c->n_open)
            return fail_at(c, tag, "'{{/%.*s}}' closes no section",
                           (int)(name_len > 64 ? 64 : name_len), s + from);
        open = &t->nodes[c->open[c->n_open - 1]];
        r = &t->refs[open->ref];
        if (strlen(r->name) != name_len || memcmp(r->name, s + from, name_len))
            return fail_at(c, tag,
                           "'{{/%.*s}}' does not close '{{%c%s}}' (opened at "
                           "line %d)",
                           (int)(name_len > 64 ? 64 : name_len), s + from,
                           open->kind == N_INVERTED ? '^' : '#', r->name,
                           r->line);
        open->end = t->n_nodes;
        c->n_open--;
        return 0;
    }
    ref = add_ref(c, s + from, name_end - from, filter, tag,
                  sigil == '#' || sigil == '^');
    if (sigil == '#' || sigil == '^') {
        if (c->n_open == MAX_DEPTH) {
            free(parts);
            return fail_at(c, tag, "sections nested more than %d deep",
                           MAX_DEPTH);
        }
        c->open[c->n_open++] = t->n_nodes;
        n = add_node(t, sigil == '#' ? N_SECTION : N_INVERTED);
    } else {
        n = add_node(t, N_VAR);
        n->raw = triple || sigil == '&';
    }
    n->parts = parts;
    n->n_parts = n_parts;
    n->ref = ref;
    return 0;
}

static int compile(struct comp *c)
{
    struct tocsin_tpl *t = c->t;
    const char *s = t->src, *p;
    size_t len = t->len, pos = 0, text = 0;

    while (pos < len && (p = find(s + pos, len - pos, "{{"))) {
        size_t tag = (size_t)(p - s), q = tag + 2, close, end, from, to;
        const char *closer = "}}", *hit;
        char sigil = 0;
        int triple = 0, rc;

        if (q < len && s[q] == '{') {
            triple = 1;
            closer = "}}}";
            q++;
        } else {
            while (q < len && is_space(s[q]))
                q++;
            if (q < len && s[q] && strchr("#^/&!>=<$", s[q]))
                sigil = s[q++];
        }
        hit = find(s + q, len - q, closer);
        if (!hit)
            return fail_at(c, tag, "unclosed tag: '%s' has no '%s'",
                           triple ? "{{{" : "{{", closer);
        close = (size_t)(hit - s);
        end = close + strlen(closer);
        if (sigil != '!' && find(s + q, close - q, "{{"))
            return fail_at(c, tag, "unclosed tag: '%s' has no '%s' before "
                                   "the next '{{'",
                           triple ? "{{{" : "{{", closer);
        switch (sigil) {
        case '>':
            fail_at(c, tag, "partials ('{{>name}}') are not supported");
            tocsin_error_hint(c->err, "write the text into this template");
            return TOCSIN_EINPUT;
        case '=':
            return fail_at(c, tag, "delimiter changes ('{{=...=}}') are not "
                                   "supported");
        case '<':
        case '$':
            return fail_at(c, tag, "template inheritance ('{{%c') is not "
                                   "supported", sigil);
        default:
            break;
        }
        if ((sigil == '!' || sigil == '#' || sigil == '^' || sigil == '/') &&
            standalone(s, len, tag, end, &from, &to)) {
            add_text(t, text, from);
            pos = text = to;
        } else {
            add_text(t, text, tag);
            pos = text = end;
        }
        if (sigil != '!' && (rc = compile_tag(c, tag, sigil, triple, q,
                                              close)))
            return rc;
    }
    add_text(t, text, len);
    if (c->n_open) {
        const struct node *open = &t->nodes[c->open[c->n_open - 1]];
        const struct tocsin_tpl_ref *r = &t->refs[open->ref];

        tocsin_error_set(c->err, TOCSIN_EINPUT, t->path, r->line,
                         "unclosed section '{{%c%s}}'",
                         open->kind == N_INVERTED ? '^' : '#', r->name);
        tocsin_error_col(c->err, r->col);
        tocsin_error_hint(c->err, "close it with {{/%s}}", r->name);
        return TOCSIN_EINPUT;
    }
    return 0;
}

int tocsin_tpl_compile(struct tocsin_tpl **out, const char *src, size_t len,
                       const char *path, int line, int col,
                       struct tocsin_error *err)
{
    struct tocsin_tpl *t = tocsin_xcalloc(1, sizeof *t);
    struct comp c;
    size_t bad;
    int rc;

    assert(out && (src || !len));
    memset(&c, 0, sizeof c);
    c.t = t;
    c.err = err;
    c.line0 = c.at_line = line > 0 ? line : 1;
    c.col0 = col > 0 ? col : 1;
    t->path = tocsin_xstrdup(path ? path : "");
    if (len > MAX_SRC) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, t->path, c.line0,
                              "template is longer than %zu bytes", MAX_SRC);
        goto out;
    }
    t->src = tocsin_xmalloc(len + 1);
    if (len)
        memcpy(t->src, src, len);
    t->src[len] = '\0';
    t->len = len;
    bad = tocsin_utf8_check(t->src, len);
    if (bad < len) {
        rc = fail_at(&c, bad, "template is not valid UTF-8 (byte 0x%02x)",
                     (unsigned char)t->src[bad]);
        goto out;
    }
    if ((rc = compile(&c)))
        goto out;
    *out = t;
    t = NULL;
out:
    tocsin_tpl_free(t);
    return rc;
}

void tocsin_tpl_free(struct tocsin_tpl *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n_nodes; i++)
        free(t->nodes[i].parts);
    for (i = 0; i < t->n_refs; i++)
        free((char *)t->refs[i].name);
    free(t->nodes);
    free(t->refs);
    free(t->src);
    free(t->path);
    free(t);
}

size_t tocsin_tpl_n_refs(const struct tocsin_tpl *t)
{
    return t->n_refs;
}

const struct tocsin_tpl_ref *tocsin_tpl_ref(const struct tocsin_tpl *t,
                                            size_t i)
{
    assert(i < t->n_refs);
    return &t->refs[i];
}

/* A looked-up value: JSON ('j'), a flat string column ('s'), or a miss. */
struct val {
    const json_t *j;
    const char *s;
    int ok;
};

struct rs {
    const struct tocsin_tpl *t;
    const struct tocsin_render_ctx *ctx;
    struct tocsin_buf *out;
    size_t start, max;
    struct val stack[MAX_DEPTH];
    size_t depth;
    unsigned long long steps, max_steps;
    struct tocsin_error *err;
};

static int scope_get(struct val *v, const struct tocsin_scope *sc,
                     const char *key)
{
    size_t i;

    if (sc->json) {
        const json_t *j = json_is_object(sc->json)
                              ? json_object_get(sc->json, key)
                              : NULL;

        if (!j)
            return 0;
        v->j = j;
        v->s = NULL;
        v->ok = 1;
        return 1;
    }
    for (i = 0; i < sc->n; i++) {
        if (sc->names[i] && !strcmp(sc->names[i], key)) {
            v->j = NULL;
            v->s = sc->values[i] ? sc->values[i] : "";
            v->ok = 1;
            return 1;
        }
    }
    return 0;
}

/* Mustache's lookup: the first part of a dotted name is searched down the
 * context stack (section values), then through the scopes in order; the
 * other parts must then resolve inside what was found ("a.b.c" with no
 * "b" in "a" is a miss, never a fall-through to another "b").
 * '*broke' is the index of the part that missed. */
static void lookup(struct val *v, const struct rs *st, const struct node *n,
                   size_t *broke)
{
    const struct tocsin_render_ctx *ctx = st->ctx;
    size_t i, d;

    memset(v, 0, sizeof *v);
    *broke = 0;
    if (!n->n_parts) {
        if (st->depth) {
            *v = st->stack[st->depth - 1];
        } else if (ctx->n_scopes && ctx->scopes[0].json) {
            v->j = ctx->scopes[0].json;
            v->ok = 1;
        }
        return;
    }
    for (d = st->depth; d > 0 && !v->ok; d--) {
        const json_t *top = st->stack[d - 1].j;
        const json_t *j;

        if (top && json_is_object(top) &&
            (j = json_object_get(top, n->parts[0]))) {
            v->j = j;
            v->ok = 1;
        }
    }
    for (i = 0; i < ctx->n_scopes && !v->ok; i++)
        scope_get(v, &ctx->scopes[i], n->parts[0]);
    for (i = 1; i < n->n_parts && v->ok; i++) {
        const json_t *j = v->j && json_is_object(v->j)
                              ? json_object_get(v->j, n->parts[i])
                              : NULL;

        if (!j) {
            memset(v, 0, sizeof *v);
            *broke = i;
            return;
        }
        v->j = j;
    }
}

static int truthy(const struct val *v)
{
    if (!v->ok)
        return 0;
    if (!v->j)
        return v->s[0] != '\0';
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

static void add_names(const char **names, size_t *n, const json_t *obj)
{
    const char *key;
    json_t *val;

    if (!obj || !json_is_object(obj))
        return;
    json_object_foreach((json_t *)obj, key, val) {
        (void)val;
        if (*n < MAX_GUESS_NAMES)
            names[(*n)++] = key;
    }
}

/* ctx->strict: the name is nowhere. Guess from the names in scope, or from
 * the keys beside the part of a dotted name that missed. */
static int unknown_name(struct rs *st, const struct node *n, size_t broke)
{
    const struct tocsin_tpl_ref *r = &st->t->refs[n->ref];
    const char **names = tocsin_xmalloc(MAX_GUESS_NAMES * sizeof *names);
    const char *guess = NULL;
    size_t k = 0, i, j;

    if (broke) {
        struct node head = *n;
        struct val v;
        size_t b;

        head.n_parts = broke;
        lookup(&v, st, &head, &b);
        add_names(names, &k, v.j);
        guess = tocsin_did_you_mean(n->parts[broke], names, k);
    } else if (n->n_parts) {
        for (i = 0; i < st->depth; i++)
            add_names(names, &k, st->stack[i].j);
        for (i = 0; i < st->ctx->n_scopes; i++) {
            const struct tocsin_scope *sc = &st->ctx->scopes[i];

            add_names(names, &k, sc->json);
            for (j = 0; !sc->json && j < sc->n && k < MAX_GUESS_NAMES; j++)
                names[k++] = sc->names[j];
        }
        guess = tocsin_did_you_mean(n->parts[0], names, k);
    }
    if (guess && broke)
        tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path, r->line,
                         "unknown placeholder '%s'; did you mean "
                         "'%.*s%s'?",
                         r->name, (int)(n->parts[broke] - n->parts[0]),
                         r->name, guess);
    else if (guess)
        tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path, r->line,
                         "unknown placeholder '%s'; did you mean '%s'?",
                         r->name, guess);
    else
        tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path, r->line,
                         "unknown placeholder '%s'", r->name);
    tocsin_error_col(st->err, r->col);
    free(names);
    return TOCSIN_EINPUT;
}

static int too_long(struct rs *st, const struct node *n)
{
    int line = 0, col = 0;

    if (n->kind != N_TEXT) {
        line = st->t->refs[n->ref].line;
        col = st->t->refs[n->ref].col;
    }
    /* the smaller of the two caps: ours, or the caller's buffer's */
    tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path, line,
                     "rendered text is longer than %zu bytes",
                     tocsin_buf_failed(st->out) && st->out->max &&
                             st->out->max - st->start < st->max
                         ? st->out->max - st->start
                         : st->max);
    tocsin_error_col(st->err, col);
    return TOCSIN_EINPUT;
}

static int check_len(struct rs *st, const struct node *n)
{
    if (tocsin_buf_failed(st->out) || st->out->len - st->start > st->max)
        return too_long(st, n);
    return 0;
}

static int md_punct(unsigned char ch)
{
    return (ch >= '!' && ch <= '/') || (ch >= ':' && ch <= '@') ||
           (ch >= '[' && ch <= '`') || (ch >= '{' && ch <= '~');
}

static void md_escape(struct tocsin_buf *b, const char *s, size_t len)
{
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        if (!md_punct((unsigned char)s[i]))
            continue;
        tocsin_buf_add(b, s + run, i - run);
        tocsin_buf_addc(b, '\\');
        run = i;
    }
    tocsin_buf_add(b, s + run, len - run);
}

static int needs_escape(enum tocsin_escape esc, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (esc == TOCSIN_ESC_MARKDOWN ? md_punct(ch)
                                       : strchr("&<>\"'", ch) != NULL)
            return 1;
    }
    return 0;
}

/* Append a value as the part's escaping says. TOCSIN_ESC_HEADER appends
 * as is: fold() turns every control character into a space at the end. */
static void emit(struct rs *st, const char *s, size_t len, int raw)
{
    enum tocsin_escape esc = st->ctx->escape;

    if (raw || esc == TOCSIN_ESC_NONE || esc == TOCSIN_ESC_HEADER)
        tocsin_buf_add(st->out, s, len);
    else if (esc == TOCSIN_ESC_MARKDOWN)
        md_escape(st->out, s, len);
    else
        tocsin_html_escape(st->out, s, len);
}

/* Shortest text that reads back as the same double: 1.21 is "1.21", not
 * "1.2100000000000000". */
static void add_real(struct tocsin_buf *b, double d)
{
    size_t at = b->len;
    int prec;

    for (prec = 1; prec <= 17; prec++) {
        tocsin_buf_truncate(b, at);
        tocsin_buf_addf(b, "%.*g", prec, d);
        if (tocsin_buf_failed(b) || strtod(b->ptr + at, NULL) == d)
            return;
    }
}

static size_t int_text(char *buf, size_t cap, json_int_t v)
{
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v;
    size_t i = cap;

    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    return i;
}

static int put_filtered(struct rs *st, const struct node *n, const char *s)
{
    const struct tocsin_tpl_ref *r = &st->t->refs[n->ref];
    const struct tocsin_render_ctx *ctx = st->ctx;
    size_t at = st->out->len, len;
    char *copy;
    int rc;

    rc = tocsin_filter_apply(st->out, r->filter, s, ctx->locale, ctx->tz,
                             st->t->path, r->line, st->err);
    if (rc) {
        tocsin_error_col(st->err, r->col);
        tocsin_error_prefix(st->err, "{{%s|%s}}", r->name, r->filter);
        return rc;
    }
    if (n->raw || ctx->escape == TOCSIN_ESC_NONE ||
        ctx->escape == TOCSIN_ESC_HEADER ||
        !needs_escape(ctx->escape, st->out->ptr + at, st->out->len - at))
        return 0;
    len = st->out->len - at;
    copy = tocsin_xmemdup(st->out->ptr + at, len);
    tocsin_buf_truncate(st->out, at);
    emit(st, copy, len, 0);
    free(copy);
    return 0;
}

static int put_var(struct rs *st, const struct node *n)
{
    const struct tocsin_tpl_ref *r = &st->t->refs[n->ref];
    char num[32];
    const char *s;
    size_t len, broke;
    struct val v;

    lookup(&v, st, n, &broke);
    if (!v.ok)
        return st->ctx->strict ? unknown_name(st, n, broke) : 0;
    if (!v.j) {
        s = v.s;
        len = strlen(s);
    } else {
        switch (json_typeof(v.j)) {
        case JSON_STRING:
            s = json_string_value(v.j);
            len = json_string_length(v.j);
            break;
        case JSON_INTEGER: {
            size_t i = int_text(num, sizeof num - 1, json_integer_value(v.j));

            num[sizeof num - 1] = '\0';
            s = num + i;
            len = sizeof num - 1 - i;
            break;
        }
        case JSON_REAL:
            if (!r->filter) {
                add_real(st->out, json_real_value(v.j));
                return 0;
            } else {
                struct tocsin_buf tmp = TOCSIN_BUF_INIT(64);
                int rc;

                add_real(&tmp, json_real_value(v.j));
                rc = put_filtered(st, n, tmp.ptr);
                tocsin_buf_cleanup(&tmp);
                return rc;
            }
        case JSON_TRUE:
            s = "true";
            len = 4;
            break;
        case JSON_FALSE:
            s = "false";
            len = 5;
            break;
        default:
            /* null, and lists or objects, which have no text of their own */
            return 0;
        }
    }
    if (!len)
        return 0;
    if (r->filter)
        return put_filtered(st, n, s);
    emit(st, s, len, n->raw);
    return 0;
}

static int render(struct rs *st, size_t from, size_t to);

/* Output is capped, but a section over a long list with an empty body is
 * not: count the work too. */
static int step(struct rs *st, const struct node *n)
{
    if (++st->steps <= st->max_steps)
        return 0;
    return tocsin_error_set(st->err, TOCSIN_EINPUT, st->t->path,
                            n->kind == N_TEXT ? 0 : st->t->refs[n->ref].line,
                            "template does too much work (more than %llu "
                            "steps): sections nested over long lists?",
                            st->max_steps);
}

static int section(struct rs *st, const struct node *n, size_t i)
{
    size_t broke, k;
    struct val v;
    int rc = 0;

    lookup(&v, st, n, &broke);
    if (!v.ok && st->ctx->strict)
        return unknown_name(st, n, broke);
    if (n->kind == N_INVERTED)
        return truthy(&v) ? 0 : render(st, i + 1, n->end);
    if (!truthy(&v))
        return 0;
    /* compile() allows MAX_DEPTH open sections, so this cannot overflow */
    assert(st->depth < MAX_DEPTH);
    if (v.j && json_is_array(v.j)) {
        for (k = 0; k < json_array_size(v.j) && !rc; k++) {
            if ((rc = step(st, n)))
                break;
            st->stack[st->depth].j = json_array_get(v.j, k);
            st->stack[st->depth].s = NULL;
            st->stack[st->depth].ok = 1;
            st->depth++;
            rc = render(st, i + 1, n->end);
            st->depth--;
        }
        return rc;
    }
    st->stack[st->depth++] = v;
    rc = render(st, i + 1, n->end);
    st->depth--;
    return rc;
}

static int render(struct rs *st, size_t from, size_t to)
{
    const struct tocsin_tpl *t = st->t;
    size_t i = from;
    int rc = 0;

    while (i < to) {
        const struct node *n = &t->nodes[i];

        if ((rc = step(st, n)))
            return rc;
        switch (n->kind) {
        case N_TEXT:
            tocsin_buf_add(st->out, t->src + n->off, n->len);
            i++;
            break;
        case N_VAR:
            rc = put_var(st, n);
            i++;
            break;
        case N_SECTION:
        case N_INVERTED:
            rc = section(st, n, i);
            i = n->end;
            break;
        }
        if (rc)
            return rc;
        if ((rc = check_len(st, n)))
            return rc;
    }
    return 0;
}

/* A header is one line: every control character (template newlines and
 * whatever CR, LF or NUL a value carried), NEL and the Unicode line and
 * paragraph separators become spaces, runs of spaces become one, and the
 * ends are trimmed. Same length or shorter, so it works in place. */
static void fold(struct tocsin_buf *b, size_t start)
{
    unsigned char *p = (unsigned char *)b->ptr;
    size_t r, w = start, len = b->len;
    int space = 1;

    for (r = start; r < len; r++) {
        size_t skip = 0;

        if (p[r] <= 0x20 || p[r] == 0x7F)
            skip = 1;
        else if (p[r] == 0xC2 && r + 1 < len && p[r + 1] == 0x85)
            skip = 2;
        else if (p[r] == 0xE2 && r + 2 < len && p[r + 1] == 0x80 &&
                 (p[r + 2] == 0xA8 || p[r + 2] == 0xA9))
            skip = 3;
        if (skip) {
            if (!space)
                p[w++] = ' ';
            space = 1;
            r += skip - 1;
            continue;
        }
        p[w++] = p[r];
        space = 0;
    }
    if (w > start && p[w - 1] == ' ')
        w--;
    tocsin_buf_truncate(b, w);
}

int tocsin_tpl_render(struct tocsin_buf *out, const struct tocsin_tpl *t,
                      const struct tocsin_render_ctx *ctx,
                      struct tocsin_error *err)
{
    struct rs st;
    int rc, was_failed = out->failed;

    assert(out && t && ctx && ctx->n_scopes <= 6);
    st.t = t;
    st.ctx = ctx;
    st.out = out;
    st.start = out->len;
    st.max = ctx->max_len ? ctx->max_len : DEFAULT_MAX_LEN;
    st.depth = 0;
    st.steps = 0;
    /* generously above what any real message needs */
    st.max_steps = 16ULL * st.max + 1000000ULL;
    st.err = err;
    rc = render(&st, 0, t->n_nodes);
    if (!rc && ctx->escape == TOCSIN_ESC_HEADER)
        fold(out, st.start);
    if (rc) {
        tocsin_buf_truncate(out, st.start);
        out->failed = was_failed;
    }
    return rc;
}
