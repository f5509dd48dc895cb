/*
 * forecast.c - the plan's staffing: the playbook's staffing block as the
 * staffing model's input, every fixed-time wave as sends, pace = "auto" and
 * "N/h" resolved against each other, then the forecast and the surge
 * schedule as part of the plan (DESIGN §7).
 *
 * Waves that wait for an event (on = "resolve") have no time yet and are
 * not forecast; broadcasts reach an unknown crowd and are not either. The
 * plan says both.
 */
#include "tocsin/plan.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"
#include "tocsin/staffing.h"

#include <stdlib.h>
#include <string.h>

static double lookup(char **names, const double *vals, size_t n,
                     const char *ch)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(names[i], ch))
            return vals[i];
    return 0;
}

/* The model of 'st'. 'chans' must hold st->n_mix entries. */
static void model_of(struct tocsin_staff_model *m,
                     struct tocsin_staff_channel *chans,
                     const struct tocsin_staffing *st)
{
    size_t i;

    memset(m, 0, sizeof *m);
    for (i = 0; i < st->n_mix; i++) {
        const struct tocsin_mix *x = &st->mix[i];
        struct tocsin_staff_channel *c = &chans[i];

        memset(c, 0, sizeof *c);
        c->name = x->channel;
        c->kind = tocsin_staff_kind_of(x->channel);
        c->share = x->share;
        c->aht_s = x->aht_s;
        c->target_sl = x->target_sl;
        c->target_s = x->target_s;
        c->concurrency = x->concurrency;
        c->reply_within_s = x->reply_within_s;
        c->baseline = lookup(st->baseline_channels, st->baseline_agents,
                             st->n_baseline, x->channel);
        c->surge_max = lookup(st->surge_max_channels, st->surge_max_agents,
                              st->n_surge_max, x->channel);
    }
    m->interval_s = st->interval_s;
    m->horizon_s = st->horizon_s;
    m->shrinkage = st->shrinkage;
    m->max_occupancy = st->max_occupancy;
    m->response_rate = st->response_rate;
    m->peak_after_s = st->peak_after_s;
    m->half_life_s = st->half_life_s;
    m->surge_lead_s = st->surge_lead_s;
    m->channels = chans;
    m->n_channels = st->n_mix;
}

struct wsend {
    size_t wave;
    struct tocsin_staff_send s;
};

static json_t *jdur(int64_t d)
{
    char s[32];

    tocsin_duration_format(s, sizeof s, d);
    return json_string(s);
}

static json_t *jtime(int64_t t)
{
    char s[32];

    tocsin_time_format(s, sizeof s, t);
    return json_string(s);
}

int tocsin_plan_staffing(struct tocsin_plan *plan, struct tocsin_error *err)
{
    const struct tocsin_staffing *st = &plan->pb->staffing;
    struct tocsin_staff_channel *chans;
    struct tocsin_staff_model m;
    struct tocsin_staff_forecast *f = NULL;
    struct wsend *ws = NULL;
    struct tocsin_staff_send *others = NULL;
    size_t n = 0, cap = 0, i, j, k, c;
    json_t *doc, *jc, *ji, *js;
    int rc;

    if (!st->present || !st->n_mix)
        return 0;
    chans = tocsin_xcalloc(st->n_mix, sizeof *chans);
    model_of(&m, chans, st);
    if ((rc = tocsin_staff_check(&m, err))) {
        tocsin_error_at(err, plan->pb->path, st->line);
        goto out;
    }
    /* one send per fixed-time occurrence of a wave that reaches people */
    for (i = 0; i < plan->n_waves; i++) {
        const struct tocsin_plan_wave *pw = &plan->waves[i];
        size_t n_occ = pw->w->kind == TOCSIN_WAVE_EVERY ? pw->n_occurrences
                       : pw->first_at >= 0              ? 1
                                                        : 0;

        if (pw->group == (size_t)-1 || !pw->reached)
            continue;
        for (k = 0; k < n_occ; k++) {
            int64_t t = pw->w->kind == TOCSIN_WAVE_EVERY ? pw->occurrences[k]
                                                         : pw->first_at;

            if (t - plan->start >= m.horizon_s)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                ws = tocsin_xreallocarray(ws, cap, sizeof *ws);
            }
            ws[n].wave = i;
            ws[n].s.at_s = t - plan->start;
            ws[n].s.duration_s = 0;
            ws[n].s.recipients = (double)pw->reached;
            n++;
        }
    }
    others = tocsin_xcalloc(n + 1, sizeof *others);
    /* pace each paced wave against everything else, in time order */
    for (i = 0; i < n; i++) {
        struct tocsin_plan_wave *pw = &plan->waves[ws[i].wave];
        struct tocsin_staff_pacing p;
        size_t no = 0;

        if (pw->w->pace == TOCSIN_PACE_NONE)
            continue;
        for (j = 0; j < n; j++)
            if (j != i)
                others[no++] = ws[j].s;
        if (pw->w->pace == TOCSIN_PACE_AUTO)
            rc = tocsin_staff_pace_auto(&p, &m, others, no,
                                        ws[i].s.recipients, ws[i].s.at_s,
                                        err);
        else
            rc = tocsin_staff_pace_rate(&p, &m, others, no,
                                        ws[i].s.recipients, ws[i].s.at_s,
                                        pw->w->pace_per_s, err);
        if (rc) {
            tocsin_error_at(err, plan->pb->path, pw->w->line);
            goto out;
        }
        ws[i].s.duration_s = p.duration_s;
        if (pw->pace_reason == NULL || ws[i].s.at_s == pw->first_at -
                                                           plan->start) {
            free(pw->pace_reason);
            pw->pace_reason = tocsin_xstrdup(p.reason);
            pw->send_s = p.duration_s;
        }
        if (!p.fits)
            tocsin_diags_add(&plan->findings, TOCSIN_SEV_WARNING,
                             plan->pb->path, pw->w->line, 0, NULL,
                             "raise the baseline or surge.max, or pace "
                             "the other waves",
                             "wave '%s': %s", pw->w->name, p.reason);
    }
    for (i = 0; i < n; i++)
        others[i] = ws[i].s;
    if ((rc = tocsin_staff_forecast_new(&f, &m, others, n, err))) {
        tocsin_error_at(err, plan->pb->path, st->line);
        goto out;
    }

    doc = json_object();
    json_object_set_new(doc, "interval", jdur(m.interval_s));
    json_object_set_new(doc, "horizon", jdur(m.horizon_s));
    json_object_set_new(doc, "response_rate", json_real(m.response_rate));
    jc = json_array();
    for (c = 0; c < m.n_channels; c++) {
        json_t *o = json_object();

        json_object_set_new(o, "name", json_string(chans[c].name));
        json_object_set_new(o, "baseline", json_real(chans[c].baseline));
        json_object_set_new(o, "surge_max", json_real(chans[c].surge_max));
        json_object_set_new(o, "peak_agents",
                            json_integer((json_int_t)f->peak[c]));
        json_array_append_new(jc, o);
    }
    json_object_set_new(doc, "channels", jc);
    ji = json_array();
    for (i = 0; i < f->n_intervals; i++) {
        json_t *o = json_object(), *con = json_object(), *ag = json_object();
        json_t *su = json_object();

        json_object_set_new(o, "start",
                            jtime(plan->start + (int64_t)i * m.interval_s));
        json_object_set_new(o, "total_contacts", json_real(f->total[i]));
        for (c = 0; c < m.n_channels; c++) {
            const struct tocsin_staff_cell *cell = tocsin_staff_cell(f, i, c);

            json_object_set_new(con, chans[c].name,
                                json_real(cell->contacts));
            json_object_set_new(ag, chans[c].name,
                                json_integer((json_int_t)cell->agents));
            json_object_set_new(su, chans[c].name,
                                json_integer((json_int_t)cell->surge));
        }
        json_object_set_new(o, "contacts", con);
        json_object_set_new(o, "agents", ag);
        json_object_set_new(o, "surge", su);
        json_array_append_new(ji, o);
    }
    json_object_set_new(doc, "intervals", ji);
    js = json_array();
    for (i = 0; i < f->n_surges; i++) {
        const struct tocsin_staff_surge *s = &f->surges[i];
        json_t *o = json_object();

        json_object_set_new(o, "channel",
                            json_string(chans[s->channel].name));
        json_object_set_new(o, "start", jtime(plan->start + s->start_s));
        json_object_set_new(o, "end", jtime(plan->start + s->end_s));
        json_object_set_new(o, "peak_extra_agents",
                            json_integer((json_int_t)s->peak));
        json_object_set_new(o, "page_at", jtime(plan->start + s->page_at_s));
        json_array_append_new(js, o);
    }
    json_object_set_new(doc, "surges", js);
    json_decref(plan->staffing);
    plan->staffing = doc;
    rc = 0;
out:
    tocsin_staff_forecast_free(f);
    free(others);
    free(ws);
    free(chans);
    return rc;
}
