/*
 * error.c - fixed-size errors and growable lists of findings.
 *
 * Setting an error never allocates; only the diags list does, through the
 * aborting allocators of mem.c.
 */
#include "tocsin/error.h"
#include "tocsin/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tocsin_error_clear(struct tocsin_error *err)
{
    if (!err)
        return;
    err->code = TOCSIN_OK;
    err->path[0] = '\0';
    err->line = err->col = 0;
    err->msg[0] = '\0';
    err->hint[0] = '\0';
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int tocsin_error_vset(struct tocsin_error *err, enum tocsin_code code,
                      const char *path, int line, const char *fmt, va_list ap)
{
    if (!err || err->code != TOCSIN_OK)
        return code;
    err->code = code;
    copy_str(err->path, sizeof err->path, path ? path : "");
    err->line = line;
    err->col = 0;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    err->hint[0] = '\0';
    return code;
}

int tocsin_error_set(struct tocsin_error *err, enum tocsin_code code,
                     const char *path, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tocsin_error_vset(err, code, path, line, fmt, ap);
    va_end(ap);
    return code;
}

void tocsin_error_col(struct tocsin_error *err, int col)
{
    if (err && err->code != TOCSIN_OK && err->col == 0)
        err->col = col;
}

void tocsin_error_hint(struct tocsin_error *err, const char *fmt, ...)
{
    va_list ap;

    if (!err || err->hint[0])
        return;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof err->hint, fmt, ap);
    va_end(ap);
}

void tocsin_error_at(struct tocsin_error *err, const char *path, int line)
{
    if (!err || err->code == TOCSIN_OK)
        return;
    if (!err->path[0] && path) {
        copy_str(err->path, sizeof err->path, path);
        if (!err->line)
            err->line = line;
    } else if (!err->line && line && path && !strcmp(err->path, path)) {
        err->line = line;
    }
}

void tocsin_error_prefix(struct tocsin_error *err, const char *fmt, ...)
{
    char pre[sizeof err->msg], all[sizeof err->msg];
    va_list ap;

    if (!err || err->code == TOCSIN_OK)
        return;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    snprintf(all, sizeof all, "%s: %s", pre, err->msg);
    copy_str(err->msg, sizeof err->msg, all);
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), bounded to names of at most 63 bytes. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t d[64][64];

    if (la > 63 || lb > 63)
        return (size_t)-1;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = d[i - 1][j] + 1;

            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

const char *tocsin_did_you_mean(const char *name, const char *const *names,
                                size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, i, len = strlen(name), limit;

    /* A third of the name, at least 1 and at most 3: "recal" finds
     * "recall", "ack" does not find "ask-legal". */
    limit = len / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    for (i = 0; i < n; i++) {
        size_t dd;

        if (!names[i])
            continue;
        dd = edit_distance(name, names[i]);
        if (dd < best_d) {
            best_d = dd;
            best = names[i];
        }
    }
    if (best && best_d > 0 && best_d <= limit)
        return best;
    /* a prefix or suffix slip: "acknowledg" for "acknowledge" */
    if (best && best_d > 0 && len >= 4) {
        for (i = 0; i < n; i++)
            if (names[i] && (!strncmp(names[i], name, len) ||
                             !strncmp(name, names[i], strlen(names[i]))) &&
                strlen(names[i]) >= 4)
                return names[i];
    }
    return NULL;
}

void tocsin_diags_init(struct tocsin_diags *d)
{
    memset(d, 0, sizeof *d);
}

void tocsin_diags_cleanup(struct tocsin_diags *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->n; i++) {
        free(d->items[i].path);
        free(d->items[i].rule);
        free(d->items[i].msg);
        free(d->items[i].hint);
    }
    free(d->items);
    tocsin_diags_init(d);
}

static void diags_push(struct tocsin_diags *d, enum tocsin_severity sev,
                       const char *path, int line, int col, const char *rule,
                       const char *hint, const char *msg)
{
    struct tocsin_diag *x;

    if (sev == TOCSIN_SEV_ERROR)
        d->n_errors++;
    else if (sev == TOCSIN_SEV_WARNING)
        d->n_warnings++;
    if (d->max && d->n >= d->max) {
        d->n_dropped++;
        return;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = tocsin_xreallocarray(d->items, d->cap, sizeof *d->items);
    }
    x = &d->items[d->n++];
    x->severity = sev;
    x->path = tocsin_xstrdup(path ? path : "");
    x->line = line;
    x->col = col;
    x->rule = tocsin_xstrdup(rule ? rule : "");
    x->msg = tocsin_xstrdup(msg);
    x->hint = tocsin_xstrdup(hint ? hint : "");
}

void tocsin_diags_add(struct tocsin_diags *d, enum tocsin_severity sev,
                      const char *path, int line, int col, const char *rule,
                      const char *hint, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diags_push(d, sev, path, line, col, rule, hint, msg);
}

void tocsin_diags_add_error(struct tocsin_diags *d,
                            const struct tocsin_error *err)
{
    if (!err || err->code == TOCSIN_OK)
        return;
    diags_push(d, TOCSIN_SEV_ERROR, err->path, err->line, err->col, NULL,
               err->hint, err->msg);
}

static int diag_cmp(const void *pa, const void *pb)
{
    const struct tocsin_diag *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);

    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

void tocsin_diags_sort(struct tocsin_diags *d)
{
    /* insertion sort: stable, and lists are short */
    size_t i, j;

    for (i = 1; i < d->n; i++) {
        struct tocsin_diag t = d->items[i];

        for (j = i; j > 0 && diag_cmp(&d->items[j - 1], &t) > 0; j--)
            d->items[j] = d->items[j - 1];
        d->items[j] = t;
    }
}
