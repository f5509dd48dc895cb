/*
 * record.c - what an incident writes to the audit branch: incident.json,
 * summary.json, receipts.tsv and each wave's messages rendered for the
 * playbook's sample recipient (docs/audit.md has the formats).
 *
 * Receipts name recipients only by HMAC-SHA-256 of their audience id under
 * the workspace secret: an auditor holding an id can check it; nobody can
 * read an email, phone or name out of git.
 */
#include "incident_priv.h"
#include "tocsin/clock.h"
#include "tocsin/digest.h"
#include "tocsin/mem.h"
#include "tocsin/plan.h"

#include <stdlib.h>
#include <string.h>

void tocsin_occ_label(char out[160], const struct tocsin_occ *o)
{
    tocsin_format(out, 160, "%s#%d", o->wave, o->seq);
}

void tocsin_rec_files_free(struct rec_file *files, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(files[i].path);
        free(files[i].data);
    }
}

static json_t *jtime(int64_t t)
{
    char s[32];

    if (t < 0)
        return json_null();
    tocsin_time_format(s, sizeof s, t);
    return json_string(s);
}

static char *incident_json(const struct inc_rt *rt)
{
    const struct tocsin_incident_rec *r = rt->rec;
    json_t *o = json_object();
    char *s;

    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "playbook", json_string(r->playbook ? r->playbook
                                                               : ""));
    json_object_set_new(o, "title", r->title ? json_string(r->title)
                                             : json_null());
    json_object_set_new(o, "params",
                        r->params ? json_loads(r->params, 0, NULL)
                                  : json_object());
    json_object_set_new(o, "opened_by", json_string(r->opened_by
                                                        ? r->opened_by
                                                        : ""));
    json_object_set_new(o, "opened_at", jtime(r->opened_at));
    json_object_set_new(o, "state", json_string(r->state));
    json_object_set_new(o, "resolved_at", jtime(r->resolved_at));
    json_object_set_new(o, "closed_at", jtime(r->closed_at));
    json_object_set_new(o, "audience",
                        r->audience ? json_loads(r->audience, 0, NULL)
                                    : json_object());
    s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

/* summary.json: every occurrence with messages, counts by channel and
 * state (all states, so receipts add up to it exactly). */
static int summary_json(char **out, struct inc_rt *rt,
                        struct tocsin_error *err)
{
    struct tocsin_occ *occ = NULL;
    struct tocsin_count *cnt = NULL;
    size_t n_occ = 0, n_cnt = 0, i, k;
    json_t *doc = json_object(), *arr = json_array();
    int rc;

    if ((rc = tocsin_journal_occ_list(&occ, &n_occ, rt->c->j, rt->rec->id,
                                      err)) ||
        (rc = rt->c->ob->ops->counts(rt->c->ob, &cnt, &n_cnt, rt->rec->id, -1,
                                     err)))
        goto out;
    for (i = 0; i < n_occ; i++) {
        json_t *o = NULL, *chs = NULL;
        char label[160];

        for (k = 0; k < n_cnt; k++) {
            json_t *st;

            if (cnt[k].occurrence != occ[i].id)
                continue;
            if (!o) {
                o = json_object();
                chs = json_object();
                tocsin_occ_label(label, &occ[i]);
                json_object_set_new(o, "wave", json_string(label));
                json_object_set_new(o, "started", jtime(occ[i].started_at));
                json_object_set_new(o, "done",
                                    !strcmp(occ[i].state, "done")
                                        ? jtime(occ[i].done_at)
                                        : json_null());
                json_object_set_new(o, "channels", chs);
            }
            st = json_object_get(chs, cnt[k].channel);
            if (!st) {
                st = json_object();
                json_object_set_new(chs, cnt[k].channel, st);
            }
            json_object_set_new(st, tocsin_mstate_names[cnt[k].state],
                                json_integer((json_int_t)cnt[k].n));
        }
        if (o)
            json_array_append_new(arr, o);
    }
    json_object_set_new(doc, "incident", json_string(rt->rec->id));
    json_object_set_new(doc, "state", json_string(rt->rec->state));
    json_object_set_new(doc, "occurrences", arr);
    arr = NULL;
    *out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
out:
    json_decref(arr);
    json_decref(doc);
    free(occ);
    free(cnt);
    return rc;
}

struct receipts {
    struct inc_rt *rt;
    struct tocsin_occ *occ;
    size_t n_occ;
    char **lines;
    size_t n, cap;
    struct tocsin_buf line;
};

static const struct tocsin_occ *find_occ(const struct receipts *r, int64_t id)
{
    size_t lo = 0, hi = r->n_occ;

    /* occurrences are listed by due time, not id: a linear scan over a
     * handful of occurrences */
    for (lo = 0; lo < hi; lo++)
        if (r->occ[lo].id == id)
            return &r->occ[lo];
    return NULL;
}

static int receipt_line(void *payload, const struct tocsin_msg *m)
{
    struct receipts *r = payload;
    const struct tocsin_occ *o = find_occ(r, m->occurrence);
    char key[65], label[160], t[32];

    if (m->recipient[0])
        tocsin_hmac_sha256_hex(key, r->rt->c->secret,
                               sizeof r->rt->c->secret, m->recipient,
                               strlen(m->recipient));
    else
        tocsin_format(key, sizeof key, "-");
    if (o)
        tocsin_occ_label(label, o);
    else
        tocsin_format(label, sizeof label, "?#%lld",
                      (long long)m->occurrence);
    if (m->sent_at >= 0)
        tocsin_time_format(t, sizeof t, m->sent_at);
    else
        tocsin_format(t, sizeof t, "-");
    tocsin_buf_reset(&r->line);
    tocsin_buf_addf(&r->line, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", key, label,
                    m->channel, tocsin_mstate_names[m->state],
                    m->ref[0] ? m->ref : "-", m->attempts, t,
                    m->sha[0] ? m->sha : "-");
    /* a reference is one field: no tab or newline may split it */
    {
        size_t i, tabs = 0;

        for (i = 0; i + 1 < r->line.len; i++) {
            if (r->line.ptr[i] == '\t' && ++tabs > 7)
                r->line.ptr[i] = ' ';
            else if (r->line.ptr[i] == '\n' || r->line.ptr[i] == '\r')
                r->line.ptr[i] = ' ';
        }
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->lines = tocsin_xreallocarray(r->lines, r->cap, sizeof *r->lines);
    }
    r->lines[r->n++] = tocsin_xstrdup(r->line.ptr);
    return 0;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int receipts_tsv(char **out, size_t *len, struct inc_rt *rt,
                        struct tocsin_error *err)
{
    struct receipts r;
    struct tocsin_buf all = TOCSIN_BUF_INIT(0);
    size_t i;
    int rc;

    memset(&r, 0, sizeof r);
    r.rt = rt;
    tocsin_buf_init(&r.line, 0);
    if ((rc = tocsin_journal_occ_list(&r.occ, &r.n_occ, rt->c->j, rt->rec->id,
                                      err)) ||
        (rc = rt->c->ob->ops->each(rt->c->ob, rt->rec->id, TOCSIN_M_N,
                                   receipt_line, &r, err)))
        goto out;
    if (r.n)
        qsort(r.lines, r.n, sizeof *r.lines, cmp_line);
    tocsin_buf_adds(&all, "recipient_key\twave\tchannel\tstate\tprovider_ref"
                          "\tattempts\ttime\ttext_sha256\n");
    for (i = 0; i < r.n; i++)
        tocsin_buf_adds(&all, r.lines[i]);
    *out = tocsin_buf_detach(&all, len);
out:
    for (i = 0; i < r.n; i++)
        free(r.lines[i]);
    free(r.lines);
    free(r.occ);
    tocsin_buf_cleanup(&r.line);
    tocsin_buf_cleanup(&all);
    return rc;
}

int tocsin_occ_summary(struct tocsin_buf *out, struct inc_rt *rt,
                       int64_t occ, struct tocsin_error *err)
{
    struct tocsin_count *cnt = NULL;
    size_t n = 0, i;
    const char *last = "";
    int rc;

    if ((rc = rt->c->ob->ops->counts(rt->c->ob, &cnt, &n, rt->rec->id, occ,
                                     err)))
        return rc;
    for (i = 0; i < n; i++) {
        int first = strcmp(last, cnt[i].channel) != 0;

        if (first)
            tocsin_buf_addf(out, "%s%s", i ? ", " : "", cnt[i].channel);
        tocsin_buf_addf(out, " %lld %s", (long long)cnt[i].n,
                        tocsin_mstate_names[cnt[i].state]);
        last = cnt[i].channel;
    }
    if (!n)
        tocsin_buf_adds(out, "no messages");
    free(cnt);
    return 0;
}

void tocsin_record_wave_files(struct rec_file **files, size_t *n,
                              struct inc_rt *rt, const struct tocsin_occ *o,
                              const struct tocsin_wave *w)
{
    const struct tocsin_template_def *tpl =
        w && w->template_name ? tocsin_playbook_template(rt->pb,
                                                         w->template_name)
                              : NULL;
    struct tocsin_message msg;
    struct rcpt sample;
    size_t c, l;

    if (!tpl)
        return;
    tocsin_message_init(&msg);
    memset(&sample, 0, sizeof sample);
    sample.j = rt->pb->sample;
    for (c = 0; c < w->n_channels; c++) {
        for (l = 0; l < tpl->n_locales; l++) {
            struct tocsin_msg m;
            struct tocsin_error err = TOCSIN_ERROR_INIT;
            struct rcpt who = sample;
            static const char *const part[] = {"subject", "txt", "html"};
            struct tocsin_buf *bufs[3];
            size_t p;

            memset(&m, 0, sizeof m);
            m.coupon = -1;
            tocsin_format(m.channel, sizeof m.channel, "%s", w->channels[c]);
            who.locale = tpl->locales[l].locale;
            who.tz = json_string_value(json_object_get(rt->pb->sample, "tz"));
            if (tocsin_channel_kind(rt->c->cfg, w->channels[c]) ==
                TOCSIN_CH_BROADCAST) {
                /* broadcasts carry no recipient: one per language */
                const char *locs[1] = {tpl->locales[l].locale};
                struct tocsin_recipient_view none;

                (void)locs;
                memset(&none, 0, sizeof none);
                if (tocsin_render_message(&msg, &rt->env, tpl,
                                          w->channels[c], NULL,
                                          tpl->locales[l].locale, NULL,
                                          &err))
                    continue;
            } else {
                json_t *extra = json_object();
                struct tocsin_recipient_view view;

                json_object_set_new(extra, "coupon_code",
                                    json_string("SAMPLE-COUPON"));
                memset(&view, 0, sizeof view);
                view.scope.json = rt->pb->sample;
                view.locale = who.locale;
                view.tz = who.tz;
                tocsin_render_env_set_time(
                    &rt->env, "next_update",
                    tocsin_plan_next_update(rt->c->cfg, rt->pb,
                                            rt->rec->opened_at, o->due_at));
                if (tocsin_render_message(&msg, &rt->env, tpl,
                                          w->channels[c], &view, NULL, extra,
                                          &err)) {
                    json_decref(extra);
                    continue;
                }
                json_decref(extra);
            }
            bufs[0] = &msg.subject;
            bufs[1] = &msg.body;
            bufs[2] = &msg.html;
            for (p = 0; p < 3; p++) {
                struct tocsin_buf path = TOCSIN_BUF_INIT(0);

                if (!bufs[p]->len)
                    continue;
                tocsin_buf_addf(&path, "incidents/%s/waves/%03lld-%s-%d/"
                                       "%s.%s.%s", rt->rec->id,
                                (long long)o->order, o->wave, o->seq,
                                w->channels[c], tpl->locales[l].locale,
                                part[p]);
                *files = tocsin_xreallocarray(*files, *n + 1,
                                              sizeof **files);
                (*files)[*n].path = tocsin_buf_detach(&path, NULL);
                (*files)[*n].data = tocsin_xmemdup(bufs[p]->ptr,
                                                   bufs[p]->len);
                (*files)[(*n)++].len = bufs[p]->len;
            }
        }
    }
    tocsin_message_cleanup(&msg);
}

struct seen {
    const char *incident, *action, *wave, *subject;
    char oid[41];
};

static int same_action(void *payload, const struct tocsin_audit_commit_info *c)
{
    struct seen *s = payload;

    if (strcmp(c->incident, s->incident) || strcmp(c->action, s->action) ||
        strcmp(c->wave, s->wave ? s->wave : ""))
        return 0;
    /* signals and updates repeat per incident: their subject tells them
     * apart; wave-done subjects carry counts that may have moved on */
    if ((!strcmp(s->action, "signal") || !strcmp(s->action, "reconcile")) &&
        strcmp(c->subject, s->subject))
        return 0;
    memcpy(s->oid, c->oid, 41);
    return 1;
}

int tocsin_record(struct inc_rt *rt, const char *action, const char *wave,
                  const struct tocsin_actor *a, int64_t when,
                  const char *subject, const char *body, int with_results,
                  struct rec_file *extra, size_t n_extra,
                  const struct tocsin_trailer *trailers, size_t n_trailers,
                  char out[41], struct tocsin_error *err)
{
    struct tocsin_audit_file *files;
    struct tocsin_audit_entry e;
    struct tocsin_buf p1 = TOCSIN_BUF_INIT(0), p2 = TOCSIN_BUF_INIT(0);
    struct tocsin_buf p3 = TOCSIN_BUF_INIT(0);
    char *inc = incident_json(rt), *sum = NULL, *rec = NULL, tip[41], oid[41];
    size_t n = 0, i, rec_len = 0;
    int rc = 0;

    files = tocsin_xcalloc(n_extra + 4, sizeof *files);
    tocsin_buf_addf(&p1, "incidents/%s/incident.json", rt->rec->id);
    files[n].path = p1.ptr;
    files[n].data = inc;
    files[n++].len = strlen(inc);
    if (with_results) {
        if ((rc = summary_json(&sum, rt, err)) ||
            (rc = receipts_tsv(&rec, &rec_len, rt, err)))
            goto out;
        tocsin_buf_addf(&p2, "incidents/%s/summary.json", rt->rec->id);
        files[n].path = p2.ptr;
        files[n].data = sum;
        files[n++].len = strlen(sum);
        tocsin_buf_addf(&p3, "incidents/%s/receipts.tsv", rt->rec->id);
        files[n].path = p3.ptr;
        files[n].data = rec;
        files[n++].len = rec_len;
    }
    for (i = 0; i < n_extra; i++) {
        files[n].path = extra[i].path;
        files[n].data = extra[i].data;
        files[n++].len = extra[i].len;
    }
    if ((rc = tocsin_journal_tip_get(tip, rt->c->j, err)))
        goto out;
    {
        /* a process killed between its audit commit and its journal
         * commit left the action in git only: take that commit as done
         * rather than recording the action twice */
        struct seen s = {rt->rec->id, action, wave, subject, ""};

        rc = tocsin_audit_log_since(rt->c->audit, tip, same_action, &s, err);
        if (rc == 1) {
            rc = tocsin_journal_tip_set(rt->c->j, s.oid, when, err);
            if (!rc && out)
                memcpy(out, s.oid, 41);
            goto out;
        }
        if (rc)
            goto out;
    }
    memset(&e, 0, sizeof e);
    e.action = action;
    e.incident = rt->rec->id;
    e.wave = wave;
    e.playbook = rt->rec->playbook;
    e.author_name = a->name;
    e.author_email = a->email;
    e.when = when;
    e.subject = subject;
    e.body = body;
    e.files = files;
    e.n_files = n;
    e.trailers = trailers;
    e.n_trailers = n_trailers;
    e.expected_tip = tip[0] ? tip : NULL;
    if ((rc = tocsin_audit_commit(rt->c->audit, &e, oid, err)))
        goto out;
    if ((rc = tocsin_journal_tip_set(rt->c->j, oid, when, err)))
        goto out;
    if (out)
        memcpy(out, oid, 41);
out:
    free(files);
    free(inc);
    free(sum);
    free(rec);
    tocsin_buf_cleanup(&p1);
    tocsin_buf_cleanup(&p2);
    tocsin_buf_cleanup(&p3);
    return rc;
}
