/*
 * audit_verify.c - "is this history what tocsin wrote?" Every commit well
 * formed, every wave that started finished (or is known to be running),
 * receipts that add up to the summaries, and a branch that only moved
 * forward from the tip tocsin last recorded.
 *
 * receipts.tsv is read in one pass without allocating per line, so a
 * million receipts verify in well under the 2 s budget.
 */
#include "audit_priv.h"
#include "tocsin/mem.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char receipts_header[] =
    "recipient_key\twave\tchannel\tstate\tprovider_ref\tattempts\ttime\t"
    "text_sha256";

struct started {
    char *incident, *wave, *oid;
};

struct vstate {
    struct tocsin_audit *a;
    struct tocsin_diags *f;
    const struct tocsin_audit_expect *x;
    const char *committer;
    struct started *st;
    size_t n_st, cap_st;
    char **incidents;
    size_t n_inc, cap_inc;
    size_t commits;
};

static void finding(struct vstate *v, const char *file, const char *oid,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void finding(struct vstate *v, const char *file, const char *oid,
                    const char *fmt, ...)
{
    struct tocsin_buf m = TOCSIN_BUF_INIT(1024);
    va_list ap;

    if (oid)
        tocsin_buf_addf(&m, "commit %.12s: ", oid);
    va_start(ap, fmt);
    tocsin_buf_vaddf(&m, fmt, ap);
    va_end(ap);
    tocsin_diags_add(v->f, TOCSIN_SEV_ERROR, file ? file : "audit", 0, 0,
                     NULL, NULL, "%s", m.ptr);
    tocsin_buf_cleanup(&m);
}

static int wave_shaped(const char *w)
{
    const char *hash = strrchr(w, '#');
    const char *p;

    if (!hash || hash == w || !hash[1])
        return 0;
    for (p = hash + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

static void note_incident(struct vstate *v, const char *id)
{
    size_t i;

    if (!*id)
        return;
    for (i = 0; i < v->n_inc; i++)
        if (!strcmp(v->incidents[i], id))
            return;
    if (v->n_inc == v->cap_inc) {
        v->cap_inc = v->cap_inc ? v->cap_inc * 2 : 16;
        v->incidents = tocsin_xreallocarray(v->incidents, v->cap_inc,
                                            sizeof *v->incidents);
    }
    v->incidents[v->n_inc++] = tocsin_xstrdup(id);
}

static int on_commit(void *payload, const struct tocsin_audit_commit_info *c)
{
    struct vstate *v = payload;
    size_t i, alen = strlen(c->action);
    int known = 0;

    v->commits++;
    for (i = 0; tocsin_audit_actions[i]; i++)
        if (!strcmp(c->action, tocsin_audit_actions[i]))
            known = 1;
    if (!*c->action) {
        finding(v, NULL, c->oid, "no Tocsin-Action trailer");
        return 0;
    }
    if (!known)
        finding(v, NULL, c->oid, "unknown action '%s'", c->action);
    if (strncmp(c->subject, c->action, alen) || c->subject[alen] != ':')
        finding(v, NULL, c->oid, "subject does not start with '%s:'",
                c->action);
    if (strcmp(c->action, "init") && !*c->incident)
        finding(v, NULL, c->oid, "no Tocsin-Incident trailer");
    if (!strcmp(c->action, "init") ? c->n_parents != 0 : c->n_parents != 1)
        finding(v, NULL, c->oid, "has %zu parents (the history must be a "
                                 "single line)", c->n_parents);
    if (strcmp(c->committer, v->committer))
        finding(v, NULL, c->oid, "committed by '%s', not by tocsin ('%s')",
                c->committer, v->committer);
    note_incident(v, c->incident);
    if (!strcmp(c->action, "wave-start") || !strcmp(c->action, "wave-done") ||
        !strcmp(c->action, "approve")) {
        if (!*c->wave || !wave_shaped(c->wave)) {
            finding(v, NULL, c->oid, "%s without a Tocsin-Wave trailer "
                                     "shaped name#n", c->action);
            return 0;
        }
    }
    if (!strcmp(c->action, "wave-start")) {
        if (v->n_st == v->cap_st) {
            v->cap_st = v->cap_st ? v->cap_st * 2 : 16;
            v->st = tocsin_xreallocarray(v->st, v->cap_st, sizeof *v->st);
        }
        v->st[v->n_st].incident = tocsin_xstrdup(c->incident);
        v->st[v->n_st].wave = tocsin_xstrdup(c->wave);
        v->st[v->n_st++].oid = tocsin_xstrdup(c->oid);
    } else if (!strcmp(c->action, "wave-done")) {
        for (i = 0; i < v->n_st; i++)
            if (!strcmp(v->st[i].incident, c->incident) &&
                !strcmp(v->st[i].wave, c->wave))
                break;
        if (i == v->n_st) {
            finding(v, NULL, c->oid, "wave-done for %s without its "
                                     "wave-start", c->wave);
        } else {
            free(v->st[i].incident);
            free(v->st[i].wave);
            free(v->st[i].oid);
            v->st[i] = v->st[--v->n_st];
        }
    }
    return 0;
}

static int in_progress(const struct tocsin_audit_expect *x, const char *inc,
                       const char *wave)
{
    size_t i, il = strlen(inc);

    for (i = 0; x && i < x->n_in_progress; i++) {
        const char *s = x->in_progress[i];

        if (!strncmp(s, inc, il) && s[il] == ' ' && !strcmp(s + il + 1, wave))
            return 1;
    }
    return 0;
}

static int is_hex64(const char *p, size_t n)
{
    size_t i;

    if (n != 64)
        return 0;
    for (i = 0; i < 64; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    return 1;
}

/* Compare the sort key (first three columns) of two lines. */
static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    size_t i, tabs = 0;

    for (i = 0; i < al && i < bl; i++) {
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
        if (a[i] == '\t' && ++tabs == 3)
            return 0;
    }
    return al < bl ? -1 : al > bl ? 1 : 0;
}

static void check_receipts(struct vstate *v, const char *inc)
{
    struct tocsin_buf path = TOCSIN_BUF_INIT(0), sj = TOCSIN_BUF_INIT(0);
    struct tocsin_buf rt = TOCSIN_BUF_INIT(0), key = TOCSIN_BUF_INIT(0);
    struct tocsin_error e = TOCSIN_ERROR_INIT;
    json_t *summary = NULL, *counts = json_object(), *occ;
    const char *p, *end, *prev = NULL;
    size_t prev_len = 0, line = 1, i;
    char rpath[512];

    tocsin_buf_addf(&path, "incidents/%s/summary.json", inc);
    if (tocsin_audit_read(v->a, NULL, path.ptr, &sj, &e))
        goto out; /* an incident that has not finished a wave yet */
    summary = json_loadb(sj.ptr, sj.len, 0, NULL);
    if (!json_is_object(summary)) {
        finding(v, path.ptr, NULL, "summary.json is not a JSON object");
        goto out;
    }
    tocsin_buf_reset(&path);
    tocsin_buf_addf(&path, "incidents/%s/receipts.tsv", inc);
    memcpy(rpath, path.ptr, path.len + 1 > sizeof rpath ? sizeof rpath
                                                          : path.len + 1);
    rpath[sizeof rpath - 1] = '\0';
    tocsin_error_clear(&e);
    if (tocsin_audit_read(v->a, NULL, rpath, &rt, &e)) {
        finding(v, rpath, NULL, "missing (summary.json exists)");
        goto out;
    }
    p = rt.ptr;
    end = rt.ptr + rt.len;
    {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t hl = nl ? (size_t)(nl - p) : (size_t)(end - p);

        if (hl != sizeof receipts_header - 1 ||
            memcmp(p, receipts_header, hl)) {
            finding(v, rpath, NULL, "line 1: the header is not '%s'",
                    receipts_header);
            goto out;
        }
        p = nl ? nl + 1 : end;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *col[9];
        size_t n = 0, k;
        json_t *c;

        line++;
        col[n++] = p;
        for (k = 0; k < len && n < 9; k++)
            if (p[k] == '\t')
                col[n++] = p + k + 1;
        if (n != 8) {
            finding(v, rpath, NULL, "line %zu: %zu columns, want 8", line, n);
            goto out;
        }
        if (!(col[1] - col[0] == 2 && col[0][0] == '-') &&
            !is_hex64(col[0], (size_t)(col[1] - col[0] - 1))) {
            finding(v, rpath, NULL, "line %zu: recipient key is not 64 hex "
                                    "digits", line);
            goto out;
        }
        if (prev && key_cmp(prev, prev_len, p, len) > 0) {
            finding(v, rpath, NULL, "line %zu: receipts are not sorted",
                    line);
            goto out;
        }
        prev = p;
        prev_len = len;
        /* key "wave\tchannel\tstate" */
        tocsin_buf_reset(&key);
        tocsin_buf_add(&key, col[1], (size_t)(col[4] - col[1] - 1));
        c = json_object_get(counts, key.ptr);
        if (c)
            json_integer_set(c, json_integer_value(c) + 1);
        else
            json_object_set_new(counts, key.ptr, json_integer(1));
        p = nl ? nl + 1 : end;
    }
    occ = json_object_get(summary, "occurrences");
    for (i = 0; i < json_array_size(occ); i++) {
        json_t *o = json_array_get(occ, i), *chs = json_object_get(o, "channels");
        const char *wave = json_string_value(json_object_get(o, "wave"));
        const char *ch, *st;
        json_t *states, *num;

        if (!wave)
            continue;
        json_object_foreach(chs, ch, states) {
            json_object_foreach(states, st, num) {
                json_int_t want = json_integer_value(num), got;
                json_t *c;

                tocsin_buf_reset(&key);
                tocsin_buf_addf(&key, "%s\t%s\t%s", wave, ch, st);
                c = json_object_get(counts, key.ptr);
                got = c ? json_integer_value(c) : 0;
                if (got != want)
                    finding(v, rpath, NULL,
                            "%s %s %s: summary.json says %lld, receipts "
                            "have %lld", wave, ch, st, (long long)want,
                            (long long)got);
                if (c)
                    json_object_del(counts, key.ptr);
            }
        }
    }
    {
        const char *k;
        json_t *c;

        json_object_foreach(counts, k, c)
            finding(v, rpath, NULL, "%lld receipts for '%s' that "
                                    "summary.json does not count",
                    (long long)json_integer_value(c), k);
    }
out:
    json_decref(summary);
    json_decref(counts);
    tocsin_buf_cleanup(&path);
    tocsin_buf_cleanup(&sj);
    tocsin_buf_cleanup(&rt);
    tocsin_buf_cleanup(&key);
}

int tocsin_audit_verify(struct tocsin_audit *a, const char *incident,
                        const struct tocsin_audit_expect *expect,
                        struct tocsin_diags *findings,
                        struct tocsin_error *err)
{
    struct vstate v;
    char tip[41];
    size_t before = findings->n_errors, i;
    int rc;

    memset(&v, 0, sizeof v);
    v.a = a;
    v.f = findings;
    v.x = expect;
    if (tocsin_audit_tip(a, tip, NULL)) {
        finding(&v, NULL, NULL, "the workspace has no audit branch");
        return TOCSIN_EAUDIT;
    }
    {
        struct tocsin_buf c = TOCSIN_BUF_INIT(0);
        tocsin_buf_adds(&c, tocsin_audit_committer(a));
        v.committer = tocsin_buf_detach(&c, NULL);
    }
    if (expect && expect->tip && strcmp(expect->tip, tip)) {
        if (!tocsin_audit_descends(a, tip, expect->tip))
            finding(&v, NULL, NULL,
                    "audit branch was rewritten: recorded tip %.12s is not "
                    "an ancestor of %.12s", expect->tip, tip);
    }
    rc = tocsin_audit_log(a, incident, on_commit, &v, err);
    if (rc)
        goto out;
    for (i = 0; i < v.n_st; i++)
        if (!in_progress(expect, v.st[i].incident, v.st[i].wave))
            finding(&v, NULL, v.st[i].oid, "wave-start of %s %s has no "
                                           "wave-done",
                    v.st[i].incident, v.st[i].wave);
    if (incident)
        note_incident(&v, incident);
    for (i = 0; i < v.n_inc; i++)
        check_receipts(&v, v.incidents[i]);
    rc = findings->n_errors > before ? TOCSIN_EAUDIT : 0;
out:
    for (i = 0; i < v.n_st; i++) {
        free(v.st[i].incident);
        free(v.st[i].wave);
        free(v.st[i].oid);
    }
    free(v.st);
    tocsin_strv_free(v.incidents, v.n_inc);
    free((char *)v.committer);
    return rc;
}
