/*
 * lualoc.c - a Lua tokenizer just good enough to map table keys to the
 * positions of their string values. It tracks a stack of braces, each
 * labelled with the key or call that opened it, so the string in
 *     template "ack" {
 *       ["zh-TW"] = { text = [[...]] },
 *     }
 * is found under template/ack/zh-TW/text.
 */
#include "lualoc.h"
#include "tocsin/buf.h"
#include "tocsin/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

enum tok { T_EOF, T_NAME, T_STRING, T_OTHER, T_LBRACE, T_RBRACE, T_EQ,
           T_LBRACKET, T_RBRACKET, T_LPAREN, T_RPAREN };

struct lex {
    const char *s;
    size_t len, i;
    int line, col;
    /* the current token */
    enum tok t;
    struct tocsin_buf text; /* names and decoded strings */
    int tline, tcol;        /* where a string's content starts */
    int tlong;
    struct tocsin_lualoc *out;
    char *frames[MAX_DEPTH];
    size_t depth;
};

static void step(struct lex *x)
{
    if (x->s[x->i] == '\n') {
        x->line++;
        x->col = 1;
    } else if (((unsigned char)x->s[x->i] & 0xc0) != 0x80) {
        x->col++;
    }
    x->i++;
}

static int at(struct lex *x, size_t k)
{
    return x->i + k < x->len ? (unsigned char)x->s[x->i + k] : -1;
}

/* After '[': count '=' and expect another '['. Returns the level or -1. */
static int long_open(struct lex *x)
{
    size_t k = 1;
    int level = 0;

    while (at(x, k) == '=') {
        level++;
        k++;
    }
    return at(x, k) == '[' ? level : -1;
}

/* Read a long bracket [==[ ... ]==]; 'keep' stores the content. */
static void long_body(struct lex *x, int level, int keep)
{
    int k;

    for (k = 0; k < level + 2; k++)
        step(x);
    if (at(x, 0) == '\r')
        step(x);
    if (at(x, 0) == '\n')
        step(x);
    x->tline = x->line;
    x->tcol = x->col;
    while (x->i < x->len) {
        if (at(x, 0) == ']') {
            int e = 1;

            while (at(x, (size_t)e) == '=')
                e++;
            if (e - 1 == level && at(x, (size_t)e) == ']') {
                for (k = 0; k <= e; k++)
                    step(x);
                return;
            }
        }
        if (keep)
            tocsin_buf_addc(&x->text, x->s[x->i]);
        step(x);
    }
}

static void comment(struct lex *x)
{
    size_t start;

    step(x);
    step(x);
    if (at(x, 0) == '[' && long_open(x) >= 0) {
        long_body(x, long_open(x), 0);
        return;
    }
    start = x->i;
    while (x->i < x->len && x->s[x->i] != '\n')
        step(x);
    /* "-- tocsin-lint: disable RULE: REASON" inside a declaration */
    {
        const char *c = x->s + start, *e = x->s + x->i;
        const char *key = "tocsin-lint:";
        size_t kl = strlen(key);

        while (c < e && (*c == ' ' || *c == '\t' || *c == '-'))
            c++;
        if ((size_t)(e - c) > kl && !strncmp(c, key, kl) && x->depth) {
            struct tocsin_lualoc_disable *d;
            const char *p = c + kl, *rs, *re, *colon;

            while (p < e && *p == ' ')
                p++;
            if ((size_t)(e - p) < 8 || strncmp(p, "disable ", 8))
                return;
            rs = p + 8;
            while (rs < e && *rs == ' ')
                rs++;
            re = rs;
            while (re < e && *re != ':' && *re != ' ')
                re++;
            colon = memchr(re, ':', (size_t)(e - re));
            x->out->disables = tocsin_xreallocarray(
                x->out->disables, x->out->n_disables + 1,
                sizeof *x->out->disables);
            d = &x->out->disables[x->out->n_disables++];
            d->decl = tocsin_xstrdup(x->frames[0]);
            d->rule = tocsin_xstrndup(rs, (size_t)(re - rs));
            d->reason = NULL;
            d->line = x->line;
            if (colon) {
                const char *r = colon + 1, *re2 = e;

                while (r < e && (*r == ' ' || *r == '\t'))
                    r++;
                while (re2 > r && (re2[-1] == ' ' || re2[-1] == '\r'))
                    re2--;
                if (re2 > r)
                    d->reason = tocsin_xstrndup(r, (size_t)(re2 - r));
            }
        }
    }
}

static void short_string(struct lex *x)
{
    int q = at(x, 0);

    step(x);
    x->tline = x->line;
    x->tcol = x->col;
    while (x->i < x->len && at(x, 0) != q && at(x, 0) != '\n') {
        if (at(x, 0) == '\\' && x->i + 1 < x->len) {
            int c = at(x, 1);

            step(x);
            switch (c) {
            case 'n': tocsin_buf_addc(&x->text, '\n'); break;
            case 't': tocsin_buf_addc(&x->text, '\t'); break;
            case '\\': case '"': case '\'': tocsin_buf_addc(&x->text, (char)c);
                break;
            case '\n': tocsin_buf_addc(&x->text, '\n'); break;
            default: tocsin_buf_addc(&x->text, (char)c); break;
            }
            step(x);
            continue;
        }
        tocsin_buf_addc(&x->text, x->s[x->i]);
        step(x);
    }
    if (x->i < x->len && at(x, 0) == q)
        step(x);
}

static void next(struct lex *x)
{
    tocsin_buf_reset(&x->text);
    x->tlong = 0;
    for (;;) {
        int c = at(x, 0);

        if (c < 0) {
            x->t = T_EOF;
            return;
        }
        if (isspace(c)) {
            step(x);
            continue;
        }
        if (c == '-' && at(x, 1) == '-') {
            comment(x);
            continue;
        }
        if (isalpha(c) || c == '_') {
            while (x->i < x->len && (isalnum(at(x, 0)) || at(x, 0) == '_')) {
                tocsin_buf_addc(&x->text, x->s[x->i]);
                step(x);
            }
            x->t = T_NAME;
            return;
        }
        if (c == '"' || c == '\'') {
            short_string(x);
            x->t = T_STRING;
            return;
        }
        if (c == '[' && long_open(x) >= 0) {
            long_body(x, long_open(x), 1);
            x->tlong = 1;
            x->t = T_STRING;
            return;
        }
        step(x);
        switch (c) {
        case '{': x->t = T_LBRACE; return;
        case '}': x->t = T_RBRACE; return;
        case '[': x->t = T_LBRACKET; return;
        case ']': x->t = T_RBRACKET; return;
        case '(': x->t = T_LPAREN; return;
        case ')': x->t = T_RPAREN; return;
        case '=':
            if (at(x, 0) == '=') {
                step(x);
                x->t = T_OTHER;
            } else {
                x->t = T_EQ;
            }
            return;
        default:
            x->t = T_OTHER;
            return;
        }
    }
}

static char *frame_path(struct lex *x, const char *last)
{
    struct tocsin_buf p = TOCSIN_BUF_INIT(0);
    size_t i;

    for (i = 0; i < x->depth; i++) {
        if (i)
            tocsin_buf_addc(&p, '\x1f');
        tocsin_buf_adds(&p, x->frames[i]);
    }
    if (last) {
        if (x->depth)
            tocsin_buf_addc(&p, '\x1f');
        tocsin_buf_adds(&p, last);
    }
    return tocsin_buf_detach(&p, NULL);
}

struct tocsin_lualoc *tocsin_lualoc_scan(const char *src, size_t len)
{
    struct lex x;
    char *key = NULL, *call = NULL;
    struct tocsin_lualoc *l = tocsin_xcalloc(1, sizeof *l);

    memset(&x, 0, sizeof x);
    x.s = src;
    x.len = len;
    x.line = x.col = 1;
    x.out = l;
    tocsin_buf_init(&x.text, 0);
    next(&x);
    while (x.t != T_EOF) {
        if (x.t == T_NAME) {
            char *name = tocsin_xstrdup(x.text.ptr);

            next(&x);
            if (x.t == T_EQ) {
                free(key);
                key = name;
                next(&x);
                if (x.t == T_STRING && x.depth) {
                    char *p = frame_path(&x, key);

                    l->strs = tocsin_xreallocarray(l->strs, l->n_strs + 1,
                                                   sizeof *l->strs);
                    l->strs[l->n_strs].path = p;
                    l->strs[l->n_strs].line = x.tline;
                    l->strs[l->n_strs].col = x.tcol;
                    l->strs[l->n_strs++].long_string = x.tlong;
                    free(key);
                    key = NULL;
                    next(&x);
                }
                continue;
            }
            if (x.t == T_LPAREN)
                next(&x);
            if (x.t == T_STRING && x.depth == 0) {
                /* word "name" { ... } */
                struct tocsin_buf c = TOCSIN_BUF_INIT(0);

                tocsin_buf_addf(&c, "%s\x1f%s", name, x.text.ptr);
                free(call);
                call = tocsin_buf_detach(&c, NULL);
                next(&x);
                if (x.t == T_RPAREN)
                    next(&x);
            }
            free(name);
            continue;
        }
        if (x.t == T_LBRACKET) {
            next(&x);
            if (x.t == T_STRING) {
                char *k = tocsin_xstrdup(x.text.ptr);

                next(&x);
                if (x.t == T_RBRACKET) {
                    next(&x);
                    if (x.t == T_EQ) {
                        free(key);
                        key = k;
                        next(&x);
                        if (x.t == T_STRING && x.depth) {
                            char *p = frame_path(&x, key);

                            l->strs = tocsin_xreallocarray(
                                l->strs, l->n_strs + 1, sizeof *l->strs);
                            l->strs[l->n_strs].path = p;
                            l->strs[l->n_strs].line = x.tline;
                            l->strs[l->n_strs].col = x.tcol;
                            l->strs[l->n_strs++].long_string = x.tlong;
                            free(key);
                            key = NULL;
                            next(&x);
                        }
                        continue;
                    }
                }
                free(k);
            }
            continue;
        }
        if (x.t == T_LBRACE) {
            if (x.depth < MAX_DEPTH) {
                if (x.depth == 0)
                    x.frames[x.depth++] = tocsin_xstrdup(call ? call : "?");
                else
                    x.frames[x.depth++] = tocsin_xstrdup(key ? key : "");
            } else {
                x.depth++;
            }
            free(key);
            key = NULL;
            free(call);
            call = NULL;
            next(&x);
            continue;
        }
        if (x.t == T_RBRACE) {
            if (x.depth) {
                x.depth--;
                if (x.depth < MAX_DEPTH)
                    free(x.frames[x.depth]);
            }
            next(&x);
            continue;
        }
        if (x.t != T_STRING) {
            free(key);
            key = NULL;
        }
        next(&x);
    }
    while (x.depth) {
        x.depth--;
        if (x.depth < MAX_DEPTH)
            free(x.frames[x.depth]);
    }
    free(key);
    free(call);
    tocsin_buf_cleanup(&x.text);
    return l;
}

void tocsin_lualoc_free(struct tocsin_lualoc *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->n_strs; i++)
        free(l->strs[i].path);
    free(l->strs);
    for (i = 0; i < l->n_disables; i++) {
        free(l->disables[i].decl);
        free(l->disables[i].rule);
        free(l->disables[i].reason);
    }
    free(l->disables);
    free(l);
}

const struct tocsin_lualoc_str *
tocsin_lualoc_find(const struct tocsin_lualoc *l, const char *word,
                   const char *name, const char *k1, const char *k2)
{
    struct tocsin_buf p = TOCSIN_BUF_INIT(0);
    const struct tocsin_lualoc_str *found = NULL;
    size_t i;

    tocsin_buf_addf(&p, "%s\x1f%s\x1f%s", word, name, k1);
    if (k2)
        tocsin_buf_addf(&p, "\x1f%s", k2);
    for (i = 0; i < l->n_strs; i++)
        if (!strcmp(l->strs[i].path, p.ptr)) {
            found = &l->strs[i];
            break;
        }
    tocsin_buf_cleanup(&p);
    return found;
}
