/*
 * run.c - 'tocsin run': deliver what is due.
 *
 * One pass of the loop: create the occurrences that have become due
 * (recurring waves, waves that wait for an event), start the due ones (an
 * audit commit each), claim a batch of due messages, render and hand each
 * to its channel, record the results, and finish the occurrences whose
 * messages all reached a final state (an audit commit with the summary and
 * the receipts). Without --follow the loop stops when nothing more is due
 * now.
 *
 * Recovery first: messages a killed run left in 'sending' are settled
 * before anything else - looked up in the outbox files, retried with the
 * same key where the provider honours keys, reconciled with Twilio's
 * message list, or held as 'unknown' for a person (SMTP's default).
 */
#include "incident_priv.h"
#include "tocsin/clock.h"
#include "tocsin/deliver.h"
#include "tocsin/dispatch.h"
#include "tocsin/lock.h"
#include "tocsin/locale.h"
#include "tocsin/mem.h"
#include "tocsin/plan.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 256

struct runner {
    struct inc_rt rt;
    const struct tocsin_run_opts *o;
    struct tocsin_run_report *rep;
    struct tocsin_outdir *outdir;
    struct tocsin_dispatch *net;
    struct tocsin_occ *occ;
    size_t n_occ;
    int64_t now;
    int fixed_clock;        /* TOCSIN_NOW: time does not pass by itself */
    /* marks waiting to be recorded */
    const struct tocsin_msg **mm;
    struct tocsin_mark *marks;
    char **strs;            /* strings the marks point to */
    size_t n_marks, cap_marks, n_strs, cap_strs;
};

static struct tocsin_run_tally *tally(struct runner *r, const char *ch)
{
    size_t i;

    for (i = 0; i < r->rep->n_tally; i++)
        if (!strcmp(r->rep->tally[i].channel, ch))
            return &r->rep->tally[i];
    if (r->rep->n_tally == 32)
        return &r->rep->tally[31];
    tocsin_format(r->rep->tally[r->rep->n_tally].channel,
                  sizeof r->rep->tally[0].channel, "%s", ch);
    return &r->rep->tally[r->rep->n_tally++];
}

static const char *keep(struct runner *r, const char *s)
{
    if (!s)
        return NULL;
    if (r->n_strs == r->cap_strs) {
        r->cap_strs = r->cap_strs ? r->cap_strs * 2 : 64;
        r->strs = tocsin_xreallocarray(r->strs, r->cap_strs, sizeof *r->strs);
    }
    return r->strs[r->n_strs++] = tocsin_xstrdup(s);
}

static void add_mark(struct runner *r, const struct tocsin_msg *m,
                     const struct tocsin_mark *k)
{
    if (r->n_marks == r->cap_marks) {
        r->cap_marks = r->cap_marks ? r->cap_marks * 2 : 64;
        r->mm = tocsin_xreallocarray(r->mm, r->cap_marks, sizeof *r->mm);
        r->marks = tocsin_xreallocarray(r->marks, r->cap_marks,
                                        sizeof *r->marks);
    }
    r->mm[r->n_marks] = m;
    r->marks[r->n_marks] = *k;
    r->marks[r->n_marks].ref = keep(r, k->ref);
    r->marks[r->n_marks].error = keep(r, k->error);
    r->marks[r->n_marks].sha = keep(r, k->sha);
    r->marks[r->n_marks].channel = keep(r, k->channel);
    r->n_marks++;
}

/* Record the marks: the outbox files are flushed first, so nothing is
 * journalled 'sent' that a crash could still lose. */
static int flush_marks(struct runner *r, struct tocsin_error *err)
{
    size_t i;
    int rc = 0;

    if (!r->n_marks)
        return 0;
    if (r->outdir && (rc = tocsin_outdir_flush(r->outdir, err)))
        return rc;
    rc = r->rt.c->ob->ops->mark(r->rt.c->ob, r->mm, r->marks, r->n_marks,
                                err);
    for (i = 0; i < r->n_strs; i++)
        free(r->strs[i]);
    r->n_strs = 0;
    r->n_marks = 0;
    return rc;
}

static const struct tocsin_occ *occ_of(struct runner *r, int64_t id)
{
    size_t i;

    for (i = 0; i < r->n_occ; i++)
        if (r->occ[i].id == id)
            return &r->occ[i];
    return NULL;
}

static int reload_occ(struct runner *r, struct tocsin_error *err)
{
    free(r->occ);
    r->occ = NULL;
    return tocsin_journal_occ_list(&r->occ, &r->n_occ, r->rt.c->j,
                                   r->rt.rec->id, err);
}

static int is_network(struct runner *r, const char *channel)
{
    const struct tocsin_channel_cfg *c =
        tocsin_config_channel(r->rt.c->cfg, channel);

    return c && c->provider && strcmp(c->provider, "outbox") &&
           strcmp(c->provider, "file");
}

/* ----- recovery -------------------------------------------------------- */

static int recover(struct runner *r, struct tocsin_error *err)
{
    struct tocsin_msg *v = NULL;
    size_t n = 0, i;
    int rc;

    if ((rc = r->rt.c->ob->ops->in_doubt(r->rt.c->ob, &v, &n, r->rt.rec->id,
                                         err)))
        return rc;
    for (i = 0; i < n && !rc; i++) {
        struct tocsin_msg *m = &v[i];
        struct tocsin_mark k;
        struct tocsin_channel_policy pol;
        struct tocsin_error pe = TOCSIN_ERROR_INIT;

        memset(&k, 0, sizeof k);
        k.at = r->now;
        k.next_attempt_at = r->now;
        k.alt = m->alt;
        tocsin_channel_policy(&pol, r->rt.c->cfg, m->channel, &pe);
        if (!is_network(r, m->channel)) {
            int yes = 0;

            if ((rc = tocsin_outdir_delivered(&yes, r->outdir, m->channel,
                                              m->key, err)))
                break;
            k.state = yes ? TOCSIN_M_SENT : TOCSIN_M_PENDING;
            if (yes)
                k.ref = "recovered from the outbox";
        } else if (pol.honours_keys || pol.on_unknown_resend) {
            k.state = TOCSIN_M_PENDING; /* the same key: no duplicate */
            k.error = "retried after an interrupted run";
        } else {
            k.state = TOCSIN_M_UNKNOWN;
            k.error = "interrupted after the request was written: the "
                      "provider may have it";
        }
        add_mark(r, m, &k);
    }
    if (!rc)
        rc = flush_marks(r, err);
    free(v);
    return rc;
}

/* ----- scheduling ------------------------------------------------------ */

static int next_occurrences(struct runner *r, struct tocsin_error *err)
{
    const struct tocsin_playbook *pb = r->rt.pb;
    int closed = !strcmp(r->rt.rec->state, "closed");
    size_t w, i;
    int rc = 0, made = 0;

    if (closed)
        return 0;
    for (w = 0; w < pb->n_waves && !rc; w++) {
        const struct tocsin_wave *wave = &pb->waves[w];
        const struct tocsin_occ *last = NULL;
        int64_t ev = -1, due;
        int64_t occ_id;
        size_t n_msgs = 0;

        for (i = 0; i < r->n_occ; i++)
            if (!strcmp(r->occ[i].wave, wave->name) &&
                (!last || r->occ[i].seq > last->seq))
                last = &r->occ[i];
        if (wave->kind == TOCSIN_WAVE_ON) {
            if (last)
                continue;
            if ((rc = tocsin_journal_event_time(&ev, r->rt.c->j,
                                                r->rt.rec->id,
                                                wave->on_event, err)))
                break;
            if (ev < 0)
                continue;
            due = ev + wave->after_s;
        } else if (wave->kind == TOCSIN_WAVE_EVERY) {
            /* the next one exists once the current one has started */
            if (!last || !strcmp(last->state, "scheduled"))
                continue;
            due = last->due_at + wave->every_s;
            if ((rc = tocsin_journal_event_time(&ev, r->rt.c->j,
                                                r->rt.rec->id,
                                                wave->until_event
                                                    ? wave->until_event
                                                    : "resolve",
                                                err)))
                break;
            if (ev >= 0 && ev <= due)
                continue; /* the cadence ended */
            if (due > r->now)
                continue; /* created when it is due */
        } else {
            continue;
        }
        if ((rc = tocsin_journal_begin(r->rt.c->j, err)))
            break;
        rc = tocsin_journal_occ_add(&occ_id, r->rt.c->j, r->rt.rec->id,
                                    wave->name, last ? last->seq + 1 : 1,
                                    due, err);
        if (!rc)
            rc = tocsin_rt_enqueue(&n_msgs, &r->rt, wave, occ_id, due, err);
        if (rc) {
            tocsin_journal_rollback(r->rt.c->j);
            break;
        }
        if ((rc = tocsin_journal_commit(r->rt.c->j, err)))
            break;
        made = 1;
    }
    if (!rc && made)
        rc = reload_occ(r, err);
    return rc;
}

static int start_due(struct runner *r, struct tocsin_error *err)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < r->n_occ && !rc; i++) {
        struct tocsin_occ *o = &r->occ[i];
        const struct tocsin_wave *w = tocsin_rt_wave(&r->rt, o->wave);
        struct rec_file *files = NULL;
        size_t n_files = 0;
        struct tocsin_buf sub = TOCSIN_BUF_INIT(0);
        char label[160];
        int approved = 1;

        if (strcmp(o->state, "scheduled") || o->due_at > r->now)
            continue;
        if (!strcmp(r->rt.rec->state, "draft"))
            break;
        if (w && w->approval &&
            (rc = tocsin_journal_approved(&approved, r->rt.c->j,
                                          r->rt.rec->id, w->name, err)))
            break;
        if (!approved)
            continue;
        if (r->o->dry_run) {
            r->rep->started++;
            continue;
        }
        if ((rc = tocsin_journal_begin(r->rt.c->j, err)))
            break;
        rc = tocsin_journal_occ_state(r->rt.c->j, o->id, "started", r->now,
                                      err);
        if (!rc) {
            /* the start order names the wave's directory in the audit */
            free(r->occ);
            r->occ = NULL;
            rc = tocsin_journal_occ_list(&r->occ, &r->n_occ, r->rt.c->j,
                                         r->rt.rec->id, err);
            o = &r->occ[i];
        }
        if (!rc) {
            tocsin_occ_label(label, o);
            tocsin_record_wave_files(&files, &n_files, &r->rt, o, w);
            tocsin_buf_addf(&sub, "wave-start: %s %s", r->rt.rec->id, label);
            rc = tocsin_record(&r->rt, "wave-start", label, r->o->actor,
                               r->now, sub.ptr, NULL, 0, files, n_files,
                               NULL, 0, NULL, err);
        }
        tocsin_rec_files_free(files, n_files);
        free(files);
        tocsin_buf_cleanup(&sub);
        if (rc) {
            tocsin_journal_rollback(r->rt.c->j);
            break;
        }
        if ((rc = tocsin_journal_commit(r->rt.c->j, err)))
            break;
        r->rep->started++;
    }
    return rc;
}

static int finish_done(struct runner *r, struct tocsin_error *err)
{
    size_t i, k;
    int rc = 0;

    for (i = 0; i < r->n_occ && !rc; i++) {
        struct tocsin_occ *o = &r->occ[i];
        struct tocsin_count *cnt = NULL;
        size_t n = 0;
        int open = 0;
        struct tocsin_buf sub = TOCSIN_BUF_INIT(0);
        char label[160];

        if (strcmp(o->state, "started"))
            continue;
        if ((rc = r->rt.c->ob->ops->counts(r->rt.c->ob, &cnt, &n,
                                           r->rt.rec->id, o->id, err)))
            break;
        for (k = 0; k < n; k++)
            if (cnt[k].state == TOCSIN_M_PENDING ||
                cnt[k].state == TOCSIN_M_SENDING ||
                cnt[k].state == TOCSIN_M_HELD)
                open = 1;
        free(cnt);
        if (open)
            continue;
        if ((rc = tocsin_journal_begin(r->rt.c->j, err)))
            break;
        rc = tocsin_journal_occ_state(r->rt.c->j, o->id, "done", r->now, err);
        if (!rc) {
            tocsin_format(o->state, sizeof o->state, "done");
            o->done_at = r->now;
            tocsin_occ_label(label, o);
            tocsin_buf_addf(&sub, "wave-done: %s %s ", r->rt.rec->id, label);
            rc = tocsin_occ_summary(&sub, &r->rt, o->id, err);
        }
        if (!rc)
            rc = tocsin_record(&r->rt, "wave-done", label, r->o->actor,
                               r->now, sub.ptr, NULL, 1, NULL, 0, NULL, 0,
                               NULL, err);
        tocsin_buf_cleanup(&sub);
        if (rc) {
            tocsin_journal_rollback(r->rt.c->j);
            break;
        }
        if ((rc = tocsin_journal_commit(r->rt.c->j, err)))
            break;
        r->rep->finished++;
    }
    return rc;
}

/* ----- delivery -------------------------------------------------------- */

/* Is it quiet hours for this SMS recipient? Then when do they end? */
static int64_t quiet_until(struct runner *r, const struct tocsin_msg *m,
                           const struct tocsin_wave *w, const struct rcpt *who)
{
    struct tocsin_channel_policy pol;
    struct tocsin_error e = TOCSIN_ERROR_INIT;
    const char *tz;
    int off, minute, from, to, in;

    if (!w || !w->quiet_hours || m->rid < 0 ||
        tocsin_channel_kind(r->rt.c->cfg, m->channel) != TOCSIN_CH_SMS ||
        tocsin_channel_policy(&pol, r->rt.c->cfg, m->channel, &e) ||
        pol.quiet_from < 0)
        return -1;
    tz = who && who->tz && tocsin_tz_valid(who->tz)
             ? who->tz : r->rt.c->cfg->brand.timezone;
    if (tocsin_tz_offset(&off, tz ? tz : "UTC", r->now, &e))
        off = 0;
    minute = (int)((((r->now + off) % 86400) + 86400) % 86400 / 60);
    from = pol.quiet_from;
    to = pol.quiet_to;
    in = from <= to ? (minute >= from && minute < to)
                    : (minute >= from || minute < to);
    if (!in)
        return -1;
    return r->now + (int64_t)(((to - minute) + 1440) % 1440) * 60;
}

struct inflight {
    struct runner *r;
    struct tocsin_msg m;
    char sha[65];
    char to[320];
};

static void record_result(struct runner *r, const struct tocsin_msg *m,
                          const struct tocsin_send_result *res,
                          const char *sha)
{
    struct tocsin_mark k;
    struct tocsin_channel_policy pol;
    struct tocsin_error e = TOCSIN_ERROR_INIT;
    struct tocsin_run_tally *t = tally(r, m->channel);

    memset(&k, 0, sizeof k);
    k.at = r->now;
    k.sha = sha;
    k.alt = m->alt;
    tocsin_channel_policy(&pol, r->rt.c->cfg, m->channel, &e);
    switch (res->state) {
    case TOCSIN_SEND_SENT:
        k.state = TOCSIN_M_SENT;
        k.ref = res->ref[0] ? res->ref : NULL;
        t->sent++;
        break;
    case TOCSIN_SEND_UNKNOWN:
        k.state = TOCSIN_M_UNKNOWN;
        k.error = res->error;
        t->unknown++;
        break;
    case TOCSIN_SEND_RETRY:
        if (m->attempts >= pol.attempts) {
            struct tocsin_buf why = TOCSIN_BUF_INIT(200);

            tocsin_buf_addf(&why, "gave up after %d attempts: %s",
                            m->attempts, res->error);
            k.state = TOCSIN_M_FAILED;
            k.error = why.ptr;
            t->failed++;
            add_mark(r, m, &k);
            tocsin_buf_cleanup(&why);
            return;
        }
        k.state = TOCSIN_M_PENDING;
        k.error = res->error;
        k.next_attempt_at = res->retry_at > r->now
                                ? res->retry_at
                                : tocsin_backoff(m->attempts, r->now, 0);
        t->deferred++;
        break;
    case TOCSIN_SEND_FAILED:
    default:
        k.state = TOCSIN_M_FAILED;
        k.error = res->error;
        /* failover: 'first' waves try the recipient's next channel */
        {
            const struct tocsin_occ *o = occ_of(r, m->occurrence);
            const struct tocsin_wave *w = o ? tocsin_rt_wave(&r->rt, o->wave)
                                            : NULL;

            if (w && w->first && m->rid >= 0) {
                char *data = NULL;
                struct rcpt who;
                struct tocsin_route route;
                struct tocsin_error ge = TOCSIN_ERROR_INIT;

                if (!tocsin_journal_recipient_get(NULL, NULL, &data,
                                                  r->rt.c->j, r->rt.rec->id,
                                                  m->rid, NULL, &ge) &&
                    !tocsin_rcpt_parse(&who, data, strlen(data))) {
                    tocsin_route_recipient(&route, r->rt.c->cfg, w,
                                           who.channels, who.email != NULL,
                                           who.phone != NULL);
                    if ((size_t)m->alt + 1 < route.n) {
                        k.state = TOCSIN_M_PENDING;
                        k.alt = m->alt + 1;
                        k.channel = route.channels[m->alt + 1];
                        k.next_attempt_at = r->now;
                        add_mark(r, m, &k);
                        tocsin_rcpt_cleanup(&who);
                        free(data);
                        t->failed++;
                        return;
                    }
                    tocsin_rcpt_cleanup(&who);
                }
                free(data);
            }
        }
        t->failed++;
        break;
    }
    add_mark(r, m, &k);
}

static void net_done(void *payload, void *token,
                     const struct tocsin_send_result *res)
{
    struct inflight *f = token;

    (void)payload;
    record_result(f->r, &f->m, res, f->sha[0] ? f->sha : NULL);
    /* the struct stays alive until the marks are flushed: see deliver() */
}

static int deliver(struct runner *r, const struct tocsin_msg *msgs, size_t n,
                   struct tocsin_error *err)
{
    struct inflight *fl = tocsin_xcalloc(n + 1, sizeof *fl);
    struct tocsin_message out;
    size_t i;
    int rc = 0;

    tocsin_message_init(&out);
    for (i = 0; i < n && !rc; i++) {
        const struct tocsin_msg *m = &msgs[i];
        const struct tocsin_occ *o = occ_of(r, m->occurrence);
        const struct tocsin_wave *w = o ? tocsin_rt_wave(&r->rt, o->wave)
                                        : NULL;
        struct rcpt who;
        char *data = NULL;
        struct tocsin_send s;
        struct tocsin_send_result res;
        struct tocsin_error re = TOCSIN_ERROR_INIT;
        int64_t q;
        char sha[65];

        memset(&who, 0, sizeof who);
        if (m->rid >= 0) {
            if ((rc = tocsin_journal_recipient_get(NULL, NULL, &data,
                                                   r->rt.c->j, r->rt.rec->id,
                                                   m->rid, NULL, err)))
                break;
            tocsin_rcpt_parse(&who, data, strlen(data));
        }
        q = quiet_until(r, m, w, &who);
        if (q > 0) {
            struct tocsin_mark k;

            memset(&k, 0, sizeof k);
            k.state = TOCSIN_M_PENDING;
            k.at = r->now;
            k.next_attempt_at = q;
            k.alt = m->alt;
            k.error = "deferred: quiet hours in the recipient's time zone";
            add_mark(r, m, &k);
            tally(r, m->channel)->deferred++;
            goto next;
        }
        if (!o || tocsin_rt_render(&out, &r->rt, m, o, &who, &re)) {
            struct tocsin_send_result bad;

            memset(&bad, 0, sizeof bad);
            bad.state = TOCSIN_SEND_FAILED;
            tocsin_format(bad.error, sizeof bad.error, "cannot render: %s",
                          o ? re.msg : "unknown occurrence");
            record_result(r, m, &bad, NULL);
            goto next;
        }
        tocsin_message_sha256(sha, &out);
        memset(&s, 0, sizeof s);
        s.incident = r->rt.rec->id;
        {
            char label[160];

            tocsin_occ_label(label, o);
            s.wave = keep(r, label);
        }
        s.channel = m->channel;
        s.key = m->key;
        s.recipient = m->recipient[0] ? m->recipient : NULL;
        s.to = tocsin_channel_kind(r->rt.c->cfg, m->channel) ==
                       TOCSIN_CH_EMAIL
                   ? who.email
               : tocsin_channel_kind(r->rt.c->cfg, m->channel) ==
                       TOCSIN_CH_SMS
                   ? who.phone
                   : NULL;
        s.from = r->rt.c->cfg->brand.email_from;
        s.msg = &out;
        s.now = r->now;
        if (is_network(r, m->channel)) {
            long wait;

            fl[i].r = r;
            fl[i].m = *m;
            memcpy(fl[i].sha, sha, sizeof sha);
            while (!tocsin_dispatch_ready(r->net, m->channel, &wait))
                tocsin_dispatch_perform(r->net, wait > 0 ? wait : 10,
                                        net_done, r);
            if (tocsin_dispatch_submit(r->net, &s, &fl[i], &re)) {
                struct tocsin_send_result bad;

                memset(&bad, 0, sizeof bad);
                bad.state = TOCSIN_SEND_FAILED;
                tocsin_format(bad.error, sizeof bad.error, "%s", re.msg);
                record_result(r, m, &bad, NULL);
            }
        } else {
            const struct tocsin_channel_cfg *cc =
                tocsin_config_channel(r->rt.c->cfg, m->channel);
            const struct tocsin_opt *path =
                cc && cc->provider && !strcmp(cc->provider, "file")
                    ? tocsin_channel_opt(cc, "path") : NULL;

            if (path && path->value) {
                /* the banner file: written whole, atomically */
                memset(&res, 0, sizeof res);
                if (tocsin_banner_write(path->value, out.html.ptr,
                                        out.html.len, &re)) {
                    res.state = TOCSIN_SEND_RETRY;
                    tocsin_format(res.error, sizeof res.error, "%s", re.msg);
                } else {
                    res.state = TOCSIN_SEND_SENT;
                    tocsin_format(res.ref, sizeof res.ref, "file");
                }
            } else if ((rc = tocsin_outdir_send(r->outdir, &s, &res, err))) {
                tocsin_rcpt_cleanup(&who);
                free(data);
                break;
            }
            record_result(r, m, &res, sha);
        }
next:
        if (r->o->progress)
            r->o->progress(r->o->payload, "sending", i + 1, n);
        tocsin_rcpt_cleanup(&who);
        free(data);
    }
    /* wait for every network transfer of the batch */
    while (!rc && r->net && tocsin_dispatch_in_flight(r->net, NULL))
        tocsin_dispatch_perform(r->net, 100, net_done, r);
    if (!rc)
        rc = flush_marks(r, err);
    tocsin_message_cleanup(&out);
    free(fl);
    return rc;
}

static int pump(struct runner *r, int *worked, struct tocsin_error *err)
{
    struct tocsin_msg *v = NULL;
    size_t n = 0;
    int rc;

    *worked = 0;
    if (r->o->dry_run)
        return 0;
    for (;;) {
        if ((rc = r->rt.c->ob->ops->claim(r->rt.c->ob, &v, &n, r->rt.rec->id,
                                          r->now, BATCH, err)))
            return rc;
        if (!n) {
            free(v);
            return 0;
        }
        *worked = 1;
        rc = deliver(r, v, n, err);
        free(v);
        v = NULL;
        if (rc)
            return rc;
        if (r->o->stop && *r->o->stop)
            return 0;
    }
}

static int64_t clock_now(struct runner *r)
{
    int64_t t;
    struct tocsin_error e = TOCSIN_ERROR_INIT;

    if (tocsin_clock_now(&t, &e))
        return r->now;
    return t;
}

int tocsin_incident_run(struct tocsin_run_report *out, struct tocsin_ctx *c,
                        const char *id, const struct tocsin_run_opts *o,
                        struct tocsin_error *err)
{
    struct runner r;
    struct tocsin_lock *lock = NULL;
    int rc, worked;

    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    r.o = o;
    r.rep = out;
    r.fixed_clock = getenv("TOCSIN_NOW") && *getenv("TOCSIN_NOW");
    if ((rc = tocsin_clock_now(&r.now, err)))
        return rc;
    if ((rc = tocsin_rt_load(&r.rt, c, id, err)))
        return rc;
    if (!o->dry_run &&
        (rc = tocsin_lock_incident(&lock, c->ws->state_dir, id, err)))
        goto out;
    if ((rc = tocsin_outdir_open(&r.outdir, c->ws->state_dir, err)) ||
        (rc = tocsin_dispatch_new(&r.net, c->cfg, err)) ||
        (rc = reload_occ(&r, err)))
        goto out;
    if (!o->dry_run && (rc = recover(&r, err)))
        goto out;
    for (;;) {
        r.now = clock_now(&r);
        if (!o->dry_run && (rc = next_occurrences(&r, err)))
            break;
        if ((rc = start_due(&r, err)) || (rc = pump(&r, &worked, err)))
            break;
        if (!o->dry_run && (rc = finish_done(&r, err)))
            break;
        if (o->stop && *o->stop)
            break;
        if (worked)
            continue;
        if (!o->follow || r.fixed_clock || o->dry_run)
            break;
        if (!strcmp(r.rt.rec->state, "closed")) {
            out->closed = 1;
            break;
        }
        {
            /* wait for the next thing due, re-reading the state: another
             * command may have resolved, approved or closed meanwhile */
            struct timespec ts = {1, 0};
            struct tocsin_incident_rec *fresh = NULL;

            nanosleep(&ts, NULL);
            if (!tocsin_journal_incident_get(&fresh, c->j, id, err)) {
                free(r.rt.rec->state);
                r.rt.rec->state = tocsin_xstrdup(fresh->state);
                tocsin_incident_rec_free(fresh);
            }
            if ((rc = reload_occ(&r, err)))
                break;
        }
    }
    if (o->dry_run) {
        struct tocsin_count *cnt = NULL;
        size_t n = 0, k;

        if (!c->ob->ops->counts(c->ob, &cnt, &n, id, -1, err))
            for (k = 0; k < n; k++)
                if (cnt[k].state == TOCSIN_M_PENDING)
                    out->due += (size_t)cnt[k].n;
        free(cnt);
    }
out:
    if (rc && r.n_marks) {
        struct tocsin_error e2 = TOCSIN_ERROR_INIT;

        flush_marks(&r, &e2);
    }
    free(r.mm);
    free(r.marks);
    free(r.strs);
    free(r.occ);
    tocsin_dispatch_free(r.net);
    tocsin_outdir_free(r.outdir);
    tocsin_lock_release(lock);
    tocsin_rt_cleanup(&r.rt);
    return rc;
}
