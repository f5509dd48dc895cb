/*
 * plan.c - one pass over the audience that counts what each wave would
 * send, and the timeline around it.
 *
 * The per-row work (audience 'where' functions, routing, de-duplication) is
 * the same for plan and open: open hands a row callback and enqueues what
 * the pass decided. Previews are rendered after the pass from a copy of the
 * first real recipient of each wave and locale.
 */
#include "tocsin/plan.h"
#include "tocsin/clock.h"
#include "tocsin/digest.h"
#include "tocsin/hashset.h"
#include "tocsin/locale.h"
#include "tocsin/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A copy of one audience row, kept for a preview. */
struct saved_row {
    char **values;
    size_t n, line;
    char *id, *locale, *tz;
};

struct wave_state {
    const struct tocsin_template_def *tpl;
    /* per template locale (same order as tpl->locales): count, sample */
    size_t *locale_counts;
    struct saved_row *samples;
};

struct pass {
    struct tocsin_plan *plan;
    struct tocsin_playbook *pb;
    const struct tocsin_plan_opts *opts;
    struct tocsin_render_env env;
    struct tocsin_router routers[16];  /* per group */
    struct wave_state *ws;
    struct tocsin_plan_row pr;
    /* last row's locale tag -> chosen locale per wave (rows tend to repeat
     * a handful of tags, and picking a locale asks ICU) */
    size_t rid;
};

int64_t tocsin_plan_horizon(const struct tocsin_playbook *pb)
{
    if (pb->staffing.present && pb->staffing.horizon_s > 0)
        return pb->staffing.horizon_s;
    return 72 * 3600;
}

/* First occurrence of 'w' strictly after 't', or -1. */
static int64_t next_after(const struct tocsin_wave *w, int64_t start,
                          int64_t t)
{
    int64_t first;

    switch (w->kind) {
    case TOCSIN_WAVE_AT:
        first = start + w->at_s;
        return first > t ? first : -1;
    case TOCSIN_WAVE_EVERY:
        if (w->every_s <= 0)
            return -1;
        first = start + w->at_s;
        if (first > t)
            return first;
        return first + ((t - first) / w->every_s + 1) * w->every_s;
    default:
        return -1;
    }
}

int64_t tocsin_plan_next_update(const struct tocsin_config *cfg,
                                const struct tocsin_playbook *pb,
                                int64_t start, int64_t t)
{
    int64_t best = -1;
    size_t i;

    for (i = 0; i < pb->n_waves; i++) {
        const struct tocsin_wave *w = &pb->waves[i];
        int64_t n;

        if (!tocsin_wave_has_recipients(cfg, w))
            continue;
        n = next_after(w, start, t);
        if (n >= 0 && (best < 0 || n < best))
            best = n;
    }
    return best;
}

static int same_route(const struct tocsin_wave *a, const struct tocsin_wave *b)
{
    size_t i;

    if (a->first != b->first || a->n_channels != b->n_channels)
        return 0;
    for (i = 0; i < a->n_channels; i++)
        if (strcmp(a->channels[i], b->channels[i]))
            return 0;
    return 1;
}

static int setup_groups(struct tocsin_plan *plan, struct tocsin_error *err)
{
    const struct tocsin_playbook *pb = plan->pb;
    size_t i, g;

    for (i = 0; i < pb->n_waves; i++) {
        const struct tocsin_wave *w = &pb->waves[i];
        int aud = w->audience ? tocsin_playbook_audience_index(pb, w->audience)
                              : -1;

        plan->waves[i].group = (size_t)-1;
        if (!tocsin_wave_has_recipients(plan->cfg, w))
            continue;
        for (g = 0; g < plan->n_groups; g++)
            if (plan->groups[g].audience == aud &&
                same_route(plan->groups[g].route, w))
                break;
        if (g == plan->n_groups) {
            if (g == 16)
                return tocsin_error_set(err, TOCSIN_EINPUT, pb->path, w->line,
                                        "too many distinct audiences and "
                                        "channel lists (at most 16)");
            plan->groups[g].audience = aud;
            plan->groups[g].route = w;
            plan->n_groups++;
        }
        plan->waves[i].group = g;
    }
    return 0;
}

static void save_row(struct saved_row *s, const struct tocsin_row *row)
{
    size_t i;

    s->n = row->hdr->n;
    s->values = tocsin_xcalloc(s->n, sizeof *s->values);
    for (i = 0; i < s->n; i++)
        s->values[i] = tocsin_xstrdup(row->fields[i]);
    s->line = row->line;
    s->id = tocsin_xstrdup(row->id ? row->id : "");
    s->locale = row->locale ? tocsin_xstrdup(row->locale) : NULL;
    s->tz = row->tz ? tocsin_xstrdup(row->tz) : NULL;
}

static void free_row(struct saved_row *s)
{
    tocsin_strv_free(s->values, s->n);
    free(s->id);
    free(s->locale);
    free(s->tz);
    memset(s, 0, sizeof *s);
}

static size_t channel_index(const struct tocsin_wave *w, const char *ch)
{
    size_t i;

    for (i = 0; i < w->n_channels; i++)
        if (!strcmp(w->channels[i], ch))
            return i;
    return 0;
}

/* Route and de-duplicate one row for every group. */
static void route_row(struct pass *ps, const struct tocsin_row *row)
{
    size_t g;

    for (g = 0; g < ps->plan->n_groups; g++)
        tocsin_router_row(&ps->routers[g], &ps->pr.routes[g], &ps->pr.dup[g],
                          ps->pr.audiences, row->channels, row->email,
                          row->phone);
}

static void count_wave(struct pass *ps, size_t wi, const struct tocsin_row *row)
{
    struct tocsin_plan_wave *pw = &ps->plan->waves[wi];
    struct wave_state *st = &ps->ws[wi];
    const struct tocsin_wave *w = pw->w;
    const struct tocsin_route *r = &ps->pr.routes[pw->group];
    uint32_t dup = ps->pr.dup[pw->group];
    const struct tocsin_plan_group *gr = &ps->plan->groups[pw->group];
    size_t k, ci, li;

    if (gr->audience >= 0 && !(ps->pr.audiences >> gr->audience & 1))
        return;
    pw->recipients++;
    for (ci = 0; ci < w->n_channels && ci < TOCSIN_ROUTE_MAX; ci++) {
        if (r->skip[ci] == TOCSIN_SKIP_OPTED_OUT)
            pw->channels[ci].opted_out++;
        else if (r->skip[ci] == TOCSIN_SKIP_NO_ADDRESS)
            pw->channels[ci].no_address++;
    }
    {
        int reached = 0;

        for (k = 0; k < r->n; k++) {
            ci = channel_index(w, r->channels[k]);
            if (dup >> k & 1) {
                pw->channels[ci].duplicates++;
            } else {
                pw->channels[ci].messages++;
                reached = 1;
            }
            if (w->first)
                break;
        }
        pw->reached += (size_t)reached;
    }
    if (!st->tpl || !r->n)
        return;
    {
        const struct tocsin_template_locale *tl =
            tocsin_render_pick_locale(&ps->env, st->tpl, row->locale);

        li = (size_t)(tl - st->tpl->locales);
    }
    st->locale_counts[li]++;
    if (ps->opts->previews && !st->samples[li].values)
        save_row(&st->samples[li], row);
}

static int on_row(void *payload, const struct tocsin_row *row,
                  struct tocsin_error *err)
{
    struct pass *ps = payload;
    struct tocsin_plan *plan = ps->plan;
    size_t i;
    int rc;

    ps->pr.row = row;
    ps->pr.rid = ps->rid++;
    if ((rc = tocsin_playbook_match(&ps->pr.audiences, ps->pb, row, err)))
        return rc;
    for (i = 0; i < ps->pb->n_audiences && i < 64; i++)
        if (ps->pr.audiences >> i & 1)
            plan->audience_rows[i]++;
    route_row(ps, row);
    for (i = 0; i < plan->n_waves; i++)
        if (plan->waves[i].group != (size_t)-1)
            count_wave(ps, i, row);
    plan->rows++;
    if (ps->opts->row_fn)
        return ps->opts->row_fn(ps->opts->payload, &ps->pr, err);
    return 0;
}

static void timeline(struct tocsin_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->n_waves; i++) {
        struct tocsin_plan_wave *pw = &plan->waves[i];
        const struct tocsin_wave *w = pw->w;

        pw->first_at = -1;
        if (w->kind == TOCSIN_WAVE_AT) {
            pw->first_at = plan->start + w->at_s;
        } else if (w->kind == TOCSIN_WAVE_EVERY && w->every_s > 0) {
            int64_t t = plan->start + w->at_s;
            size_t cap = 0;

            pw->first_at = t;
            while (t <= plan->start + plan->horizon_s &&
                   pw->n_occurrences < 10000) {
                if (pw->n_occurrences == cap) {
                    cap = cap ? cap * 2 : 8;
                    pw->occurrences = tocsin_xreallocarray(
                        pw->occurrences, cap, sizeof *pw->occurrences);
                }
                pw->occurrences[pw->n_occurrences++] = t;
                t += w->every_s;
            }
        }
        pw->next_update =
            pw->first_at >= 0
                ? tocsin_plan_next_update(plan->cfg, plan->pb, plan->start,
                                          pw->first_at)
                : -1;
    }
}

static void pacing(struct tocsin_plan *plan)
{
    size_t i, c;

    for (i = 0; i < plan->n_waves; i++) {
        struct tocsin_plan_wave *pw = &plan->waves[i];
        size_t most = 0;

        for (c = 0; c < pw->n_channels; c++)
            if (!pw->channels[c].broadcast && pw->channels[c].messages > most)
                most = pw->channels[c].messages;
        if (pw->w->pace == TOCSIN_PACE_RATE && pw->w->pace_per_s > 0) {
            struct tocsin_buf why = TOCSIN_BUF_INIT(0);
            char d[32];

            pw->send_s = (int64_t)((double)most / pw->w->pace_per_s);
            tocsin_duration_format(d, sizeof d, pw->send_s);
            tocsin_buf_addf(&why, "capped at %.0f messages/hour: %s",
                            pw->w->pace_per_s * 3600, d);
            pw->pace_reason = tocsin_buf_detach(&why, NULL);
        } else if (pw->w->pace == TOCSIN_PACE_AUTO &&
                   !plan->pb->staffing.present) {
            tocsin_diags_add(&plan->findings, TOCSIN_SEV_WARNING,
                             plan->pb->path, pw->w->line, 0, NULL, NULL,
                             "wave '%s' has pace = \"auto\" but the "
                             "playbook has no staffing block: it is sent "
                             "as fast as the channels allow", pw->w->name);
        }
    }
}

static void deadlines(struct tocsin_plan *plan)
{
    const struct tocsin_playbook *pb = plan->pb;
    size_t i, j;

    plan->n_deadlines = pb->n_deadlines;
    plan->deadlines = tocsin_xcalloc(pb->n_deadlines + 1,
                                     sizeof *plan->deadlines);
    for (i = 0; i < pb->n_deadlines; i++) {
        struct tocsin_plan_deadline *pd = &plan->deadlines[i];
        const struct tocsin_deadline *d = &pb->deadlines[i];
        const struct tocsin_plan_wave *pw = NULL;
        struct tocsin_buf why = TOCSIN_BUF_INIT(0);

        pd->d = d;
        for (j = 0; j < plan->n_waves; j++)
            if (!strcmp(plan->waves[j].w->name, d->wave))
                pw = &plan->waves[j];
        pd->due = !strcmp(d->from, "open") ? plan->start + d->within_s : -1;
        pd->planned = pw ? pw->first_at : -1;
        pd->status = -1;
        if (pd->due < 0) {
            tocsin_buf_addf(&why, "runs from the '%s' event", d->from);
        } else if (!pw || pd->planned < 0) {
            tocsin_buf_addf(&why, "wave '%s' waits for an event", d->wave);
        } else if (pd->planned > pd->due) {
            pd->status = 0;
            tocsin_buf_addf(&why, "wave '%s' is planned after the deadline",
                            d->wave);
            tocsin_diags_add(&plan->findings, TOCSIN_SEV_WARNING, pb->path,
                             d->line, 0, NULL, NULL,
                             "deadline '%s' is missed by the plan: wave "
                             "'%s' starts after %s", d->name, d->wave,
                             "the deadline");
        } else if (pw->w->approval) {
            tocsin_buf_addf(&why, "met if '%s' approves wave '%s' in time",
                            pw->w->approval, d->wave);
        } else {
            pd->status = 1;
            tocsin_buf_addf(&why, "wave '%s' is planned in time", d->wave);
        }
        pd->why = tocsin_buf_detach(&why, NULL);
    }
}

/* The coupon code a preview shows: the pool's first code, read from the
 * CSV next to the playbook, or a marker when the pool cannot be read. */
static void preview_extra(json_t *extra, const struct tocsin_playbook *pb,
                          const struct tocsin_wave *w)
{
    const struct tocsin_compensation *c =
        w->compensation ? tocsin_playbook_compensation(pb, w->compensation)
                        : NULL;

    if (!c)
        return;
    json_object_set_new(extra, "compensation_kind", json_string(c->kind));
    if (c->amount)
        json_object_set_new(extra, "compensation_amount",
                            json_string(c->amount));
    if (c->codes_path)
        json_object_set_new(extra, "coupon_code",
                            json_string("PREVIEW-COUPON"));
}

static void add_preview(struct tocsin_plan_wave *pw, struct pass *ps,
                        const char *channel, const struct saved_row *s,
                        const char *locale, const json_t *extra)
{
    struct tocsin_plan_preview *pv;
    struct tocsin_recipient_view who;
    struct tocsin_plan *plan = ps->plan;

    pw->previews = tocsin_xreallocarray(pw->previews, pw->n_previews + 1,
                                        sizeof *pw->previews);
    pv = &pw->previews[pw->n_previews++];
    memset(pv, 0, sizeof *pv);
    tocsin_message_init(&pv->msg);
    pv->channel = channel;
    if (s) {
        memset(&who, 0, sizeof who);
        who.scope.names = (const char *const *)plan->header->names;
        who.scope.values = (const char *const *)s->values;
        who.scope.n = s->n;
        who.locale = s->locale;
        who.tz = s->tz;
        pv->recipient_id = tocsin_xstrdup(s->id);
        pv->line = s->line;
    }
    tocsin_render_message(&pv->msg, &ps->env, ps->ws[pw - plan->waves].tpl,
                          channel, s ? &who : NULL, locale, extra, &pv->err);
    pv->locale = tocsin_xstrdup(pv->msg.locale[0] ? pv->msg.locale
                                                  : (locale ? locale : ""));
}

static void render_previews(struct pass *ps)
{
    struct tocsin_plan *plan = ps->plan;
    size_t i, c, l;

    for (i = 0; i < plan->n_waves; i++) {
        struct tocsin_plan_wave *pw = &plan->waves[i];
        struct wave_state *st = &ps->ws[i];
        json_t *extra;

        if (!st->tpl)
            continue;
        extra = json_object();
        preview_extra(extra, plan->pb, pw->w);
        tocsin_render_env_set_time(&ps->env, "next_update", pw->next_update);
        for (c = 0; c < pw->w->n_channels; c++) {
            const char *ch = pw->w->channels[c];

            if (tocsin_channel_kind(plan->cfg, ch) == TOCSIN_CH_BROADCAST) {
                for (l = 0; l < st->tpl->n_locales; l++)
                    add_preview(pw, ps, ch, NULL, st->tpl->locales[l].locale,
                                extra);
                continue;
            }
            for (l = 0; l < st->tpl->n_locales; l++)
                if (st->samples[l].values)
                    add_preview(pw, ps, ch, &st->samples[l], NULL, extra);
        }
        json_decref(extra);
    }
}

static void collect_locales(struct tocsin_plan *plan, struct pass *ps)
{
    size_t i, l;

    for (i = 0; i < plan->n_waves; i++) {
        struct tocsin_plan_wave *pw = &plan->waves[i];
        struct wave_state *st = &ps->ws[i];

        if (!st->tpl)
            continue;
        for (l = 0; l < st->tpl->n_locales; l++) {
            if (!st->locale_counts[l])
                continue;
            pw->locales = tocsin_xreallocarray(pw->locales, pw->n_locales + 1,
                                               sizeof *pw->locales);
            pw->locales[pw->n_locales].locale =
                tocsin_xstrdup(st->tpl->locales[l].locale);
            pw->locales[pw->n_locales++].recipients = st->locale_counts[l];
        }
    }
}

/* The audience digest is computed on a second thread while the main one
 * parses: the same bytes, read twice from the page cache, on two cores. */
struct digest_job {
    const char *path;
    char hex[65];
    struct tocsin_error err;
    int rc;
};

static void *digest_thread(void *arg)
{
    struct digest_job *j = arg;

    j->rc = tocsin_sha256_file(j->hex, j->path, &j->err);
    return NULL;
}

int tocsin_plan_build(struct tocsin_plan **out,
                      const struct tocsin_config *cfg,
                      struct tocsin_playbook *pb, const char *audience_path,
                      const struct tocsin_plan_opts *opts,
                      struct tocsin_error *err)
{
    struct tocsin_audience_opts aopts = TOCSIN_AUDIENCE_OPTS_INIT;
    struct tocsin_plan *plan = tocsin_xcalloc(1, sizeof *plan);
    struct pass ps;
    struct digest_job dj;
    pthread_t tid;
    int threaded = 0;
    size_t i, c, g, n_routers = 0;
    int rc;

    memset(&ps, 0, sizeof ps);
    plan->cfg = cfg;
    plan->pb = pb;
    plan->start = opts->start;
    plan->horizon_s = tocsin_plan_horizon(pb);
    plan->audience_path = tocsin_xstrdup(audience_path);
    tocsin_diags_init(&plan->findings);
    plan->findings.max = 200;
    plan->audience_rows = tocsin_xcalloc(pb->n_audiences + 1,
                                         sizeof *plan->audience_rows);
    plan->n_waves = pb->n_waves;
    plan->waves = tocsin_xcalloc(pb->n_waves + 1, sizeof *plan->waves);
    ps.ws = tocsin_xcalloc(pb->n_waves + 1, sizeof *ps.ws);
    for (i = 0; i < pb->n_waves; i++) {
        struct tocsin_plan_wave *pw = &plan->waves[i];
        const struct tocsin_wave *w = &pb->waves[i];

        pw->w = w;
        pw->n_channels = w->n_channels;
        pw->channels = tocsin_xcalloc(w->n_channels + 1,
                                      sizeof *pw->channels);
        for (c = 0; c < w->n_channels; c++) {
            pw->channels[c].channel = w->channels[c];
            pw->channels[c].broadcast =
                tocsin_channel_kind(cfg, w->channels[c]) ==
                TOCSIN_CH_BROADCAST;
        }
        ps.ws[i].tpl = w->template_name
                           ? tocsin_playbook_template(pb, w->template_name)
                           : NULL;
        if (ps.ws[i].tpl) {
            size_t nl = ps.ws[i].tpl->n_locales + 1;

            ps.ws[i].locale_counts = tocsin_xcalloc(nl, sizeof(size_t));
            ps.ws[i].samples = tocsin_xcalloc(nl, sizeof(struct saved_row));
        }
    }
    ps.plan = plan;
    ps.pr.plan = plan;
    ps.pb = pb;
    ps.opts = opts;
    tocsin_render_env_init(&ps.env, cfg, pb, "INC-PREVIEW");
    if ((rc = setup_groups(plan, err)))
        goto out;
    for (g = 0; g < plan->n_groups; g++)
        tocsin_router_init(&ps.routers[g], cfg, plan->groups[g].route,
                           plan->groups[g].audience);
    n_routers = plan->n_groups;
    timeline(plan);
    if ((rc = tocsin_audience_header(&plan->header, audience_path, err)))
        goto out;
    memset(&dj, 0, sizeof dj);
    dj.path = audience_path;
    threaded = pthread_create(&tid, NULL, digest_thread, &dj) == 0;
    if (!threaded)
        digest_thread(&dj);
    rc = tocsin_audience_stream(audience_path, &aopts, on_row, &ps,
                                &plan->findings, NULL, err);
    if (threaded)
        pthread_join(tid, NULL);
    if (rc)
        goto out;
    if (dj.rc) {
        rc = dj.rc;
        if (err)
            *err = dj.err;
        goto out;
    }
    memcpy(plan->audience_sha256, dj.hex, sizeof dj.hex);
    for (i = 0; i < plan->n_waves; i++)
        for (c = 0; c < plan->waves[i].n_channels; c++)
            if (plan->waves[i].channels[c].broadcast)
                plan->waves[i].channels[c].messages = 1;
    collect_locales(plan, &ps);
    pacing(plan);
    if ((rc = tocsin_plan_staffing(plan, err)))
        goto out;
    deadlines(plan);
    if (opts->previews)
        render_previews(&ps);
    *out = plan;
    plan = NULL;
out:
    for (g = 0; g < n_routers; g++)
        tocsin_router_cleanup(&ps.routers[g]);
    for (i = 0; i < pb->n_waves; i++) {
        if (ps.ws[i].samples)
            for (c = 0; c < ps.ws[i].tpl->n_locales; c++)
                free_row(&ps.ws[i].samples[c]);
        free(ps.ws[i].samples);
        free(ps.ws[i].locale_counts);
    }
    free(ps.ws);
    tocsin_render_env_cleanup(&ps.env);
    tocsin_plan_free(plan);
    return rc;
}

void tocsin_plan_free(struct tocsin_plan *plan)
{
    size_t i, j;

    if (!plan)
        return;
    for (i = 0; i < plan->n_waves; i++) {
        struct tocsin_plan_wave *pw = &plan->waves[i];

        free(pw->occurrences);
        free(pw->channels);
        for (j = 0; j < pw->n_locales; j++)
            free(pw->locales[j].locale);
        free(pw->locales);
        for (j = 0; j < pw->n_previews; j++) {
            free(pw->previews[j].locale);
            free(pw->previews[j].recipient_id);
            tocsin_message_cleanup(&pw->previews[j].msg);
        }
        free(pw->previews);
        free(pw->pace_reason);
    }
    free(plan->waves);
    for (i = 0; i < plan->n_deadlines; i++)
        free(plan->deadlines[i].why);
    free(plan->deadlines);
    free(plan->audience_rows);
    free(plan->audience_path);
    tocsin_header_free(plan->header);
    json_decref(plan->staffing);
    tocsin_diags_cleanup(&plan->findings);
    free(plan);
}

/* ----- JSON ------------------------------------------------------------ */

static json_t *jtime(int64_t t)
{
    char s[32];

    if (t < 0)
        return json_null();
    tocsin_time_format(s, sizeof s, t);
    return json_string(s);
}

static json_t *jdur(int64_t d)
{
    char s[32];

    tocsin_duration_format(s, sizeof s, d);
    return json_string(s);
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static const char *kind_name(enum tocsin_wave_kind k)
{
    return k == TOCSIN_WAVE_AT ? "at" : k == TOCSIN_WAVE_EVERY ? "every"
                                                               : "on";
}

static json_t *wave_json(const struct tocsin_plan *plan,
                         const struct tocsin_plan_wave *pw, int with_previews)
{
    const struct tocsin_wave *w = pw->w;
    json_t *o = json_object(), *chans = json_object(), *locs = json_object();
    json_t *occ = json_array();
    size_t i;

    json_object_set_new(o, "name", json_string(w->name));
    json_object_set_new(o, "kind", json_string(kind_name(w->kind)));
    json_object_set_new(o, "line", json_integer(w->line));
    if (w->kind != TOCSIN_WAVE_ON)
        json_object_set_new(o, "at", jdur(w->at_s));
    if (w->kind == TOCSIN_WAVE_EVERY) {
        json_object_set_new(o, "every", jdur(w->every_s));
        json_object_set_new(o, "until", jstr(w->until_event));
    }
    if (w->kind == TOCSIN_WAVE_ON) {
        json_object_set_new(o, "on", jstr(w->on_event));
        json_object_set_new(o, "after", jdur(w->after_s));
    }
    json_object_set_new(o, "time", jtime(pw->first_at));
    for (i = 0; i < pw->n_occurrences; i++)
        json_array_append_new(occ, jtime(pw->occurrences[i]));
    json_object_set_new(o, "occurrences", occ);
    json_object_set_new(o, "next_update", jtime(pw->next_update));
    json_object_set_new(o, "audience", jstr(w->audience));
    json_object_set_new(o, "recipients", json_integer((json_int_t)pw->recipients));
    json_object_set_new(o, "template", jstr(w->template_name));
    json_object_set_new(o, "first", json_boolean(w->first));
    if (w->approval) {
        const struct tocsin_role *role =
            tocsin_config_role(plan->cfg, w->approval);
        json_t *ap = json_object(), *who = json_array();

        json_object_set_new(ap, "role", json_string(w->approval));
        for (i = 0; role && i < role->n_members; i++)
            json_array_append_new(who, json_string(role->members[i]));
        json_object_set_new(ap, "approvers", who);
        json_object_set_new(o, "approval", ap);
    } else {
        json_object_set_new(o, "approval", json_null());
    }
    json_object_set_new(o, "compensation", jstr(w->compensation));
    {
        json_t *pace = json_object();

        json_object_set_new(pace, "kind",
                            json_string(w->pace == TOCSIN_PACE_AUTO   ? "auto"
                                        : w->pace == TOCSIN_PACE_RATE ? "rate"
                                                                      : "none"));
        if (w->pace == TOCSIN_PACE_RATE)
            json_object_set_new(pace, "per_hour",
                                json_real(w->pace_per_s * 3600));
        json_object_set_new(pace, "send_time", jdur(pw->send_s));
        json_object_set_new(pace, "reason", jstr(pw->pace_reason));
        json_object_set_new(o, "pace", pace);
    }
    for (i = 0; i < pw->n_channels; i++) {
        const struct tocsin_plan_channel *pc = &pw->channels[i];
        json_t *c = json_object();

        json_object_set_new(c, "broadcast", json_boolean(pc->broadcast));
        json_object_set_new(c, "messages", json_integer((json_int_t)pc->messages));
        if (!pc->broadcast) {
            json_object_set_new(c, "opted_out",
                                json_integer((json_int_t)pc->opted_out));
            json_object_set_new(c, "no_address",
                                json_integer((json_int_t)pc->no_address));
            json_object_set_new(c, "duplicates",
                                json_integer((json_int_t)pc->duplicates));
        }
        json_object_set_new(chans, pc->channel, c);
    }
    json_object_set_new(o, "channels", chans);
    for (i = 0; i < pw->n_locales; i++)
        json_object_set_new(locs, pw->locales[i].locale,
                            json_integer((json_int_t)pw->locales[i].recipients));
    json_object_set_new(o, "locales", locs);
    if (with_previews) {
        json_t *pv = json_array();

        for (i = 0; i < pw->n_previews; i++) {
            const struct tocsin_plan_preview *p = &pw->previews[i];
            json_t *x = json_object();

            json_object_set_new(x, "channel", json_string(p->channel));
            json_object_set_new(x, "locale", json_string(p->locale));
            json_object_set_new(x, "recipient", jstr(p->recipient_id));
            if (p->line)
                json_object_set_new(x, "line", json_integer((json_int_t)p->line));
            if (p->err.code) {
                json_object_set_new(x, "error", json_string(p->err.msg));
            } else {
                if (p->msg.subject.len)
                    json_object_set_new(x, "subject",
                                        json_string(p->msg.subject.ptr));
                json_object_set_new(x, "text", json_string(p->msg.body.ptr));
                if (p->msg.html.len)
                    json_object_set_new(x, "html", json_string(p->msg.html.ptr));
            }
            json_array_append_new(pv, x);
        }
        json_object_set_new(o, "previews", pv);
    }
    return o;
}

json_t *tocsin_plan_json(const struct tocsin_plan *plan, int with_previews)
{
    const struct tocsin_playbook *pb = plan->pb;
    json_t *doc = json_object(), *pbj = json_object(), *aud = json_object();
    json_t *params = json_object(), *auds = json_object(), *waves = json_array();
    json_t *dls = json_array(), *cols = json_array(), *finds = json_array();
    size_t i;

    json_object_set_new(doc, "tocsin_plan", json_integer(1));
    json_object_set_new(pbj, "id", jstr(pb->id));
    json_object_set_new(pbj, "title", jstr(pb->title));
    json_object_set_new(pbj, "path", jstr(pb->path));
    json_object_set_new(doc, "playbook", pbj);
    json_object_set_new(doc, "start", jtime(plan->start));
    json_object_set_new(doc, "horizon", jdur(plan->horizon_s));
    for (i = 0; i < pb->n_params; i++)
        json_object_set_new(params, pb->params[i].name,
                            jstr(pb->params[i].value));
    json_object_set_new(doc, "params", params);
    json_object_set_new(aud, "path", json_string(plan->audience_path));
    json_object_set_new(aud, "sha256", json_string(plan->audience_sha256));
    json_object_set_new(aud, "rows", json_integer((json_int_t)plan->rows));
    for (i = 0; plan->header && i < plan->header->n; i++)
        json_array_append_new(cols, json_string(plan->header->names[i]));
    json_object_set_new(aud, "columns", cols);
    json_object_set_new(aud, "warnings",
                        json_integer((json_int_t)plan->findings.n_warnings));
    json_object_set_new(doc, "audience", aud);
    for (i = 0; i < pb->n_audiences; i++)
        json_object_set_new(auds, pb->audiences[i].name,
                            json_integer((json_int_t)plan->audience_rows[i]));
    json_object_set_new(doc, "audiences", auds);
    for (i = 0; i < plan->n_waves; i++)
        json_array_append_new(waves,
                              wave_json(plan, &plan->waves[i], with_previews));
    json_object_set_new(doc, "waves", waves);
    for (i = 0; i < plan->n_deadlines; i++) {
        const struct tocsin_plan_deadline *pd = &plan->deadlines[i];
        json_t *d = json_object();

        json_object_set_new(d, "name", json_string(pd->d->name));
        json_object_set_new(d, "wave", json_string(pd->d->wave));
        json_object_set_new(d, "within", jdur(pd->d->within_s));
        json_object_set_new(d, "from", json_string(pd->d->from));
        json_object_set_new(d, "due", jtime(pd->due));
        json_object_set_new(d, "planned", jtime(pd->planned));
        json_object_set_new(d, "status",
                            json_string(pd->status == 1   ? "met"
                                        : pd->status == 0 ? "missed"
                                                          : "depends"));
        json_object_set_new(d, "why", jstr(pd->why));
        json_array_append_new(dls, d);
    }
    json_object_set_new(doc, "deadlines", dls);
    json_object_set_new(doc, "staffing",
                        plan->staffing ? json_incref(plan->staffing)
                                       : json_null());
    for (i = 0; i < plan->findings.n; i++) {
        const struct tocsin_diag *x = &plan->findings.items[i];
        json_t *f = json_object();

        json_object_set_new(f, "severity",
                            json_string(x->severity == TOCSIN_SEV_ERROR
                                            ? "error"
                                        : x->severity == TOCSIN_SEV_WARNING
                                            ? "warning"
                                            : "note"));
        json_object_set_new(f, "file", json_string(x->path));
        json_object_set_new(f, "line", json_integer(x->line));
        json_object_set_new(f, "message", json_string(x->msg));
        json_array_append_new(finds, f);
    }
    json_object_set_new(doc, "findings", finds);
    return doc;
}
