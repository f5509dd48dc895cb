/*
 * staffing.c - from wave sends to agents on shift, per channel and
 * interval, and the surge to page (DESIGN §7).
 *
 * Every send becomes contacts through a response curve: a linear rise to
 * the peak 'peak_after' after the send, then exponential decay halving
 * every 'half_life', scaled to integrate to 1. It is the simplest curve
 * that honours both playbook numbers exactly (a gamma shape t e^(-t/tau)
 * has one parameter for two numbers), and its integral and double integral
 * are closed forms, so contacts per interval are exact integrals, not point
 * samples, including for sends spread over hours by pacing.
 *
 * Voice and chat are sized with Erlang C (erlang.c). Email is sized as
 * reply work that may be spread over the promised reply window: every
 * email's handle time is worked off uniformly during the 'reply_within'
 * after it arrives, so each reply is done by its deadline, and backlog
 * carries from interval to interval (docs/staffing.md has the formulas).
 *
 * Refuses: NaN, infinities and out-of-range numbers anywhere in the model
 * or the sends; more than TOCSIN_STAFF_MAX_INTERVALS intervals. Never
 * prints; never loops without a bound.
 */
#include "tocsin/staffing.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tocsin/buf.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"

/* A channel's expected contacts in an interval below this need nobody:
 * without it the exponential tail (2^-40 of a wave, days later) would ask
 * for one agent per channel for the rest of the horizon. */
#define TINY_CONTACTS 1e-6
/* Rounding guard: 14 on-task agents at 30 % shrinkage is 20 scheduled,
 * although 14 / 0.7 evaluates to 20.000000000000004. */
#define ROUND_EPS 1e-9
#define MAX_AGENTS_FIELD 1e6
#define MAX_RECIPIENTS 1e10
#define MAX_CONTACTS 1e12
#define MAX_CHANNELS 64

static int bad_model(struct tocsin_error *err, const char *field,
                     const char *range, double v)
{
    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                            "staffing: '%s' must be %s, not %g", field, range,
                            v);
}

static int bad_mix(struct tocsin_error *err, const char *ch,
                   const char *field, const char *range, double v)
{
    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                            "staffing: mix '%s': '%s' must be %s, not %g",
                            ch, field, range, v);
}

static int check_channel(const struct tocsin_staff_channel *c,
                         struct tocsin_error *err)
{
    const char *name = c->name;

    if (!name || !*name)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: a mix channel has no name");
    if (c->kind != TOCSIN_STAFF_QUEUE && c->kind != TOCSIN_STAFF_DEFERRED)
        return bad_mix(err, name, "kind", "queue or deferred",
                       (double)c->kind);
    if (!(c->share >= 0 && c->share <= 1))
        return bad_mix(err, name, "share", "in [0, 1]", c->share);
    if (!(c->aht_s > 0 && c->aht_s <= 86400))
        return bad_mix(err, name, "aht", "between 1s and 24h",
                       (double)c->aht_s);
    if (!(c->baseline >= 0 && c->baseline <= MAX_AGENTS_FIELD))
        return bad_mix(err, name, "baseline", "in [0, 1000000]",
                       c->baseline);
    if (!(c->surge_max >= 0 && c->surge_max <= MAX_AGENTS_FIELD))
        return bad_mix(err, name, "surge max", "in [0, 1000000]",
                       c->surge_max);
    if (c->kind == TOCSIN_STAFF_QUEUE) {
        if (c->target_sl >= 1)
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "staffing: mix '%s': a target of %g %% "
                                    "cannot be met by any number of agents",
                                    name, c->target_sl * 100);
        if (!(c->target_sl >= 0 && c->target_sl < 1))
            return bad_mix(err, name, "target", "a percentage in (0, 100)",
                           c->target_sl * 100);
        if (!(c->target_s >= 0 && c->target_s <= 86400))
            return bad_mix(err, name, "target", "answered within 0s to 24h",
                           (double)c->target_s);
        if (!(c->concurrency >= 0 && c->concurrency <= 100))
            return bad_mix(err, name, "concurrency", "between 1 and 100",
                           (double)c->concurrency);
    } else if (!(c->reply_within_s >= 0 &&
                 c->reply_within_s <= TOCSIN_DURATION_MAX)) {
        return bad_mix(err, name, "reply_within", "a positive duration",
                       (double)c->reply_within_s);
    }
    return 0;
}

size_t tocsin_staff_n_intervals(const struct tocsin_staff_model *m)
{
    if (m->interval_s <= 0 || m->horizon_s <= 0)
        return 0;
    return (size_t)((m->horizon_s + m->interval_s - 1) / m->interval_s);
}

int tocsin_staff_check(const struct tocsin_staff_model *m,
                       struct tocsin_error *err)
{
    double shares = 0;
    size_t i;
    int rc;

    if (!(m->interval_s > 0 && m->interval_s <= TOCSIN_DURATION_MAX))
        return bad_model(err, "interval", "a positive duration",
                         (double)m->interval_s);
    if (!(m->horizon_s > 0 && m->horizon_s <= TOCSIN_DURATION_MAX))
        return bad_model(err, "horizon", "a positive duration",
                         (double)m->horizon_s);
    if (tocsin_staff_n_intervals(m) > TOCSIN_STAFF_MAX_INTERVALS) {
        char h[32], iv[32];

        tocsin_duration_format(h, sizeof h, m->horizon_s);
        tocsin_duration_format(iv, sizeof iv, m->interval_s);
        tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                         "staffing: a %s horizon in %s intervals is %zu "
                         "intervals, more than %zu", h, iv,
                         tocsin_staff_n_intervals(m),
                         TOCSIN_STAFF_MAX_INTERVALS);
        tocsin_error_hint(err, "use a longer interval or a shorter horizon");
        return TOCSIN_EINPUT;
    }
    if (!(m->shrinkage >= 0 && m->shrinkage <= TOCSIN_STAFF_MAX_SHRINKAGE))
        return bad_model(err, "shrinkage", "in [0, 0.95]", m->shrinkage);
    if (!(m->max_occupancy > 0 && m->max_occupancy <= 1))
        return bad_model(err, "max_occupancy", "in (0, 1]",
                         m->max_occupancy);
    if (!(m->response_rate >= 0 && m->response_rate <= TOCSIN_STAFF_MAX_RATE))
        return bad_model(err, "response.rate", "in [0, 10] contacts per "
                         "recipient", m->response_rate);
    if (!(m->peak_after_s >= 0 && m->peak_after_s <= TOCSIN_DURATION_MAX))
        return bad_model(err, "response.peak_after", "a duration >= 0",
                         (double)m->peak_after_s);
    if (!(m->half_life_s > 0 && m->half_life_s <= TOCSIN_DURATION_MAX))
        return bad_model(err, "response.half_life", "a positive duration",
                         (double)m->half_life_s);
    if (!(m->surge_lead_s >= 0 && m->surge_lead_s <= TOCSIN_DURATION_MAX))
        return bad_model(err, "surge.lead", "a duration >= 0",
                         (double)m->surge_lead_s);
    if (m->n_channels > MAX_CHANNELS || (m->n_channels && !m->channels))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: at most %d mix channels",
                                MAX_CHANNELS);
    for (i = 0; i < m->n_channels; i++) {
        if ((rc = check_channel(&m->channels[i], err)))
            return rc;
        shares += m->channels[i].share;
    }
    if (shares > 1 + 1e-9)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: the mix shares add up to %g, more "
                                "than 1", shares);
    return 0;
}

static int check_send(const struct tocsin_staff_send *s, size_t i,
                      struct tocsin_error *err)
{
    if (!(s->at_s >= 0 && s->at_s <= TOCSIN_DURATION_MAX))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: send %zu starts at %lld s, before "
                                "the incident opens or too late", i + 1,
                                (long long)s->at_s);
    if (!(s->duration_s >= 0 && s->duration_s <= TOCSIN_DURATION_MAX))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: send %zu lasts %lld s", i + 1,
                                (long long)s->duration_s);
    if (!(s->recipients >= 0 && s->recipients <= MAX_RECIPIENTS))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: send %zu reaches %g recipients, "
                                "not in [0, 1e10]", i + 1, s->recipients);
    return 0;
}

enum tocsin_staff_kind tocsin_staff_kind_of(const char *channel)
{
    return channel && !strcmp(channel, "email") ? TOCSIN_STAFF_DEFERRED
                                                : TOCSIN_STAFF_QUEUE;
}

int tocsin_staff_target_parse(double *sl, int64_t *answer_s, const char *s,
                              const char *path, int line,
                              struct tocsin_error *err)
{
    char *end;
    double pct;
    int64_t t;

    if (!s || !(*s >= '0' && *s <= '9'))
        goto bad;
    pct = strtod(s, &end);
    if (end == s)
        goto bad;
    if (*end == '%')
        end++;
    if (*end != '/' || !(pct == pct))
        goto bad;
    if (pct >= 100)
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "target '%.64s': %g %% of contacts answered "
                                "in time cannot be met by any number of "
                                "agents", s, pct);
    if (!(pct > 0))
        goto bad;
    if (tocsin_duration_parse(&t, end + 1, path, line, NULL) || t > 86400)
        goto bad;
    *sl = pct / 100;
    *answer_s = t;
    return 0;
bad:
    tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                     "invalid target '%.64s'", s ? s : "");
    tocsin_error_hint(err, "write the percentage answered within a time: "
                           "\"80/20s\"");
    return TOCSIN_EINPUT;
}

/* f(t) = k t / p for 0 <= t < p; k 2^(-(t-p)/h) for t >= p; 0 before.
 * With c = h / ln 2 the decay is e^(-(t-p)/c) and the integral is
 * k (p/2 + c) = 1. F is its CDF, G the integral of F. */
struct curve {
    double p, c, k;
};

static void curve_of(struct curve *cv, const struct tocsin_staff_model *m)
{
    cv->p = (double)m->peak_after_s;
    cv->c = (double)m->half_life_s / M_LN2;
    cv->k = 1 / (cv->p / 2 + cv->c);
}

static double curve_F(const struct curve *cv, double x)
{
    if (x <= 0)
        return 0;
    if (x < cv->p)
        return cv->k * x * x / (2 * cv->p);
    return 1 - cv->k * cv->c * exp(-(x - cv->p) / cv->c);
}

static double curve_G(const struct curve *cv, double x)
{
    if (x <= 0)
        return 0;
    if (x < cv->p)
        return cv->k * x * x * x / (6 * cv->p);
    return cv->k * cv->p * cv->p / 6 + (x - cv->p) +
           cv->k * cv->c * cv->c * expm1(-(x - cv->p) / cv->c);
}

/* The share of a send's contacts that have arrived 'x' seconds after it
 * started: F(x) for an instant send, and for a send spread uniformly over
 * 'd' seconds the average of F over the spread, (G(x) - G(x - d)) / d.
 * When all of [x - d, x] lies in the decay the difference has a closed
 * form that avoids subtracting two large G values. */
static double send_cdf(const struct curve *cv, double x, double d)
{
    double u = x - d - cv->p;

    if (d <= 0)
        return curve_F(cv, x);
    if (x <= 0)
        return 0;
    if (u >= 0)
        return 1 + cv->k * cv->c * cv->c / d * exp(-u / cv->c) *
                       expm1(-d / cv->c);
    return (curve_G(cv, x) - curve_G(cv, x - d)) / d;
}

double tocsin_staff_arrivals(const struct tocsin_staff_model *m,
                             const struct tocsin_staff_send *s,
                             int64_t from_s, int64_t to_s)
{
    struct curve cv;
    double v;

    if (to_s <= from_s || m->half_life_s <= 0 || m->peak_after_s < 0)
        return 0;
    curve_of(&cv, m);
    v = send_cdf(&cv, (double)(to_s - s->at_s), (double)s->duration_s) -
        send_cdf(&cv, (double)(from_s - s->at_s), (double)s->duration_s);
    return v > 0 ? v : 0;
}

/* Add one send's contacts (all channels) per interval to 'total'. */
static void add_send(double *total, const struct tocsin_staff_model *m,
                     const struct curve *cv,
                     const struct tocsin_staff_send *s, size_t n)
{
    double amount = s->recipients * m->response_rate, prev, d;
    size_t i;

    if (amount <= 0 || s->at_s >= m->horizon_s)
        return;
    d = (double)s->duration_s;
    i = (size_t)(s->at_s / m->interval_s);
    prev = send_cdf(cv, (double)((int64_t)i * m->interval_s - s->at_s), d);
    for (; i < n; i++) {
        int64_t end = (int64_t)(i + 1) * m->interval_s;
        double cur;

        if (end > m->horizon_s)
            end = m->horizon_s;
        cur = send_cdf(cv, (double)(end - s->at_s), d);
        if (cur > prev)
            total[i] += amount * (cur - prev);
        prev = cur;
    }
}

static int64_t interval_len(const struct tocsin_staff_model *m, size_t i)
{
    int64_t start = (int64_t)i * m->interval_s;
    int64_t end = start + m->interval_s;

    return (end > m->horizon_s ? m->horizon_s : end) - start;
}

static int64_t scheduled(int64_t on_task, double shrinkage)
{
    return (int64_t)ceil((double)on_task / (1 - shrinkage) - ROUND_EPS);
}

/* The most agents on task whose scheduled count fits in 'cap' agents. */
static int64_t on_task_cap(double cap, double shrinkage)
{
    int64_t n = (int64_t)floor(cap * (1 - shrinkage));

    while (scheduled(n + 1, shrinkage) <= cap + ROUND_EPS)
        n++;
    while (n > 0 && scheduled(n, shrinkage) > cap + ROUND_EPS)
        n--;
    return n;
}

static void finish_cell(struct tocsin_staff_cell *c,
                        const struct tocsin_staff_model *m,
                        const struct tocsin_staff_channel *ch)
{
    double extra;

    c->agents = scheduled(c->agents_on_task, m->shrinkage);
    extra = (double)c->agents - ch->baseline;
    c->surge = extra > ROUND_EPS ? (int64_t)ceil(extra - ROUND_EPS) : 0;
}

static void idle_cell(struct tocsin_staff_cell *c, double contacts)
{
    c->contacts = contacts;
    c->traffic = 0;
    c->agents_on_task = 0;
    c->agents = 0;
    c->surge = 0;
    c->service_level = 1;
    c->asa_s = 0;
    c->occupancy = 0;
}

/* Voice and chat: Erlang C per interval. Returns the index of the first
 * interval that needs more than 'limit' agents on task, or 'n'. */
static size_t size_queue(struct tocsin_staff_cell *out,
                         const struct tocsin_staff_model *m,
                         const struct tocsin_staff_channel *ch,
                         const double *contacts, size_t n, int64_t limit)
{
    struct tocsin_erlang_goal g;
    struct tocsin_erlang e;
    double aht = (double)ch->aht_s / (ch->concurrency > 0 ? ch->concurrency
                                                          : 1);
    double prev_a = -1;
    size_t i;

    g.service_level = ch->target_sl > 0 ? ch->target_sl
                                        : TOCSIN_STAFF_DEFAULT_SL;
    g.answer_s = ch->target_sl > 0 ? (double)ch->target_s
                                   : TOCSIN_STAFF_DEFAULT_ANSWER_S;
    g.asa_s = 0;
    g.max_occupancy = m->max_occupancy;
    g.max_agents = limit;
    for (i = 0; i < n; i++) {
        struct tocsin_staff_cell *c = &out[i];
        double a;

        idle_cell(c, contacts[i]);
        if (contacts[i] < TINY_CONTACTS)
            continue;
        a = contacts[i] / (double)interval_len(m, i) * aht;
        /* Evenly spread contacts repeat the same traffic in every
         * interval: solve it once. */
        if (a != prev_a && tocsin_erlang_solve(&e, a, aht, &g, NULL))
            return i;
        prev_a = a;
        c->traffic = a;
        c->agents_on_task = e.agents;
        c->service_level = e.service_level;
        c->asa_s = e.asa_s;
        c->occupancy = e.occupancy;
        finish_cell(c, m, ch);
    }
    return n;
}

/* Q(t) = integral from 0 to t of the cumulative arrivals, contacts taken
 * as uniform inside each interval, none before 0 or after the horizon.
 * 'cum[k]' and 'q[k]' are the cumulative arrivals and Q at boundary k. */
static double arrivals_Q(const struct tocsin_staff_model *m,
                         const double *contacts, const double *cum,
                         const double *q, size_t n, int64_t t)
{
    size_t k;
    double x, len;

    if (t <= 0)
        return 0;
    if (t >= m->horizon_s)
        return q[n] + cum[n] * (double)(t - m->horizon_s);
    k = (size_t)(t / m->interval_s);
    x = (double)(t - (int64_t)k * m->interval_s);
    len = (double)interval_len(m, k);
    return q[k] + cum[k] * x + contacts[k] * x * x / (2 * len);
}

/* Email: each arrival's handle time is worked uniformly over the reply
 * window W after it arrives, so replies completed by t number
 * D(t) = (Q(t) - Q(t - W)) / W, and the reply work done in an interval is
 * AHT (D(end) - D(start)). Work not yet done is the backlog, never older
 * than W. */
static size_t size_deferred(struct tocsin_staff_cell *out,
                            const struct tocsin_staff_model *m,
                            const struct tocsin_staff_channel *ch,
                            const double *contacts, size_t n, int64_t limit)
{
    int64_t w = ch->reply_within_s > 0 ? ch->reply_within_s
                                       : TOCSIN_STAFF_DEFAULT_REPLY_S;
    double *cum = tocsin_xreallocarray(NULL, n + 1, 2 * sizeof *cum);
    double *q = cum + n + 1, done_prev = 0;
    size_t i, over = n;

    cum[0] = 0;
    q[0] = 0;
    for (i = 0; i < n; i++) {
        double len = (double)interval_len(m, i);

        cum[i + 1] = cum[i] + contacts[i];
        q[i + 1] = q[i] + cum[i] * len + contacts[i] * len / 2;
    }
    for (i = 0; i < n; i++) {
        struct tocsin_staff_cell *c = &out[i];
        int64_t end = (int64_t)i * m->interval_s + interval_len(m, i);
        double done = (arrivals_Q(m, contacts, cum, q, n, end) -
                       arrivals_Q(m, contacts, cum, q, n, end - w)) /
                      (double)w;
        double replies = done - done_prev, work;

        done_prev = done;
        idle_cell(c, contacts[i]);
        if (replies < TINY_CONTACTS)
            continue;
        work = replies * (double)ch->aht_s / (double)interval_len(m, i);
        c->traffic = work;
        c->agents_on_task =
            (int64_t)ceil(work / m->max_occupancy - ROUND_EPS);
        if (c->agents_on_task < 1)
            c->agents_on_task = 1;
        if (c->agents_on_task > limit) {
            over = i;
            break;
        }
        c->asa_s = (double)w;
        c->occupancy = work / (double)c->agents_on_task;
        finish_cell(c, m, ch);
    }
    free(cum);
    return over;
}

static size_t size_channel(struct tocsin_staff_cell *out,
                           const struct tocsin_staff_model *m, size_t ch,
                           const double *contacts, size_t n, int64_t limit)
{
    const struct tocsin_staff_channel *c = &m->channels[ch];

    if (c->kind == TOCSIN_STAFF_DEFERRED)
        return size_deferred(out, m, c, contacts, n, limit);
    return size_queue(out, m, c, contacts, n, limit);
}

static void at_text(char *out, size_t len, int64_t s)
{
    out[0] = '+';
    tocsin_duration_format(out + 1, len - 1, s);
}

int tocsin_staff_size(struct tocsin_staff_cell *out,
                      const struct tocsin_staff_model *m, size_t ch,
                      const double *contacts, struct tocsin_error *err)
{
    size_t n, i, over;
    int rc;

    if ((rc = tocsin_staff_check(m, err)))
        return rc;
    if (ch >= m->n_channels)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: no mix channel %zu", ch);
    n = tocsin_staff_n_intervals(m);
    for (i = 0; i < n; i++)
        if (!(contacts[i] >= 0 && contacts[i] <= MAX_CONTACTS)) {
            char at[40];

            at_text(at, sizeof at, (int64_t)i * m->interval_s);
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "staffing: %g contacts at %s is not a "
                                    "count in [0, 1e12]", contacts[i], at);
        }
    over = size_channel(out, m, ch, contacts, n, TOCSIN_ERLANG_MAX_AGENTS);
    if (over < n) {
        char at[40];

        at_text(at, sizeof at, (int64_t)over * m->interval_s);
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "staffing: %s needs more than %lld agents "
                                "at %s (%g contacts)", m->channels[ch].name,
                                (long long)TOCSIN_ERLANG_MAX_AGENTS, at,
                                contacts[over]);
    }
    return 0;
}

void tocsin_staff_forecast_free(struct tocsin_staff_forecast *f)
{
    if (!f)
        return;
    free(f->total);
    free(f->cells);
    free(f->peak);
    free(f->surges);
    free(f);
}

const struct tocsin_staff_cell *
tocsin_staff_cell(const struct tocsin_staff_forecast *f, size_t i, size_t ch)
{
    return &f->cells[i * f->n_channels + ch];
}

static int check_sends(const struct tocsin_staff_send *sends, size_t n,
                       struct tocsin_error *err)
{
    size_t i;
    int rc;

    for (i = 0; i < n; i++)
        if ((rc = check_send(&sends[i], i, err)))
            return rc;
    return 0;
}

/* Contiguous runs of surge > 0 on each channel. */
static void find_surges(struct tocsin_staff_forecast *f,
                        const struct tocsin_staff_model *m)
{
    size_t ch, i, cap = 0;

    for (ch = 0; ch < f->n_channels; ch++) {
        struct tocsin_staff_surge *run = NULL;

        for (i = 0; i < f->n_intervals; i++) {
            const struct tocsin_staff_cell *c = tocsin_staff_cell(f, i, ch);

            if (c->surge <= 0) {
                run = NULL;
                continue;
            }
            if (!run) {
                if (f->n_surges == cap) {
                    cap = cap ? 2 * cap : 8;
                    f->surges = tocsin_xreallocarray(f->surges, cap,
                                                     sizeof *f->surges);
                }
                run = &f->surges[f->n_surges++];
                run->channel = ch;
                run->start_s = (int64_t)i * m->interval_s;
                run->peak = 0;
                run->page_at_s = run->start_s - m->surge_lead_s;
                run->short_s = 0;
                if (run->page_at_s < 0) {
                    run->short_s = -run->page_at_s;
                    run->page_at_s = 0;
                }
            }
            run->end_s = (int64_t)i * m->interval_s + interval_len(m, i);
            if (c->surge > run->peak)
                run->peak = c->surge;
        }
    }
}

int tocsin_staff_forecast_new(struct tocsin_staff_forecast **out,
                              const struct tocsin_staff_model *m,
                              const struct tocsin_staff_send *sends,
                              size_t n_sends, struct tocsin_error *err)
{
    struct tocsin_staff_forecast *f = NULL;
    struct tocsin_staff_cell *col = NULL;
    double *contacts = NULL;
    struct curve cv;
    size_t n, nc, i, ch;
    int rc;

    if ((rc = tocsin_staff_check(m, err)) ||
        (rc = check_sends(sends, n_sends, err)))
        return rc;
    n = tocsin_staff_n_intervals(m);
    nc = m->n_channels;
    f = tocsin_xcalloc(1, sizeof *f);
    f->interval_s = m->interval_s;
    f->horizon_s = m->horizon_s;
    f->n_intervals = n;
    f->n_channels = nc;
    f->total = tocsin_xcalloc(n, sizeof *f->total);
    f->cells = tocsin_xcalloc(n * (nc ? nc : 1), sizeof *f->cells);
    f->peak = tocsin_xcalloc(nc ? nc : 1, sizeof *f->peak);
    curve_of(&cv, m);
    for (i = 0; i < n_sends; i++)
        add_send(f->total, m, &cv, &sends[i], n);
    contacts = tocsin_xcalloc(n, sizeof *contacts);
    col = tocsin_xcalloc(n, sizeof *col);
    for (ch = 0; ch < nc; ch++) {
        for (i = 0; i < n; i++)
            contacts[i] = m->channels[ch].share * f->total[i];
        if ((rc = tocsin_staff_size(col, m, ch, contacts, err)))
            goto out;
        for (i = 0; i < n; i++) {
            f->cells[i * nc + ch] = col[i];
            if (col[i].agents > f->peak[ch])
                f->peak[ch] = col[i].agents;
        }
    }
    find_surges(f, m);
    *out = f;
    f = NULL;
out:
    free(contacts);
    free(col);
    tocsin_staff_forecast_free(f);
    return rc;
}

struct pacer {
    const struct tocsin_staff_model *m;
    struct curve cv;
    size_t n;
    double *base;     /* contacts per interval from the other sends */
    double *total;    /* base plus the wave being paced */
    double *contacts; /* one channel's share */
    struct tocsin_staff_cell *cells;
    int64_t *limit;   /* per channel: most agents on task within capacity */
    /* the first overflow of the last check that failed */
    size_t bad_ch, bad_i;
};

/* 1 when every channel stays within baseline + surge_max with the wave
 * 's' (NULL: the other sends alone) added; else 0 with the earliest
 * overflow in bad_ch, bad_i. */
static int pacer_fits(struct pacer *p, const struct tocsin_staff_send *s)
{
    size_t ch, i, first = p->n;
    int ok = 1;

    memcpy(p->total, p->base, p->n * sizeof *p->total);
    if (s)
        add_send(p->total, p->m, &p->cv, s, p->n);
    for (ch = 0; ch < p->m->n_channels; ch++) {
        size_t over;

        for (i = 0; i < p->n; i++)
            p->contacts[i] = p->m->channels[ch].share * p->total[i];
        over = size_channel(p->cells, p->m, ch, p->contacts, p->n,
                            p->limit[ch]);
        if (over < first) {
            first = over;
            p->bad_ch = ch;
            p->bad_i = over;
            ok = 0;
        }
    }
    return ok;
}

/* The worst need of the overflowing channel, for the finding: its most
 * agents in any interval and when ('*need' -1: more than the model's cap,
 * at '*at_i'). */
static void pacer_worst(struct pacer *p, int64_t *need, size_t *at_i)
{
    size_t i, over;

    for (i = 0; i < p->n; i++)
        p->contacts[i] = p->m->channels[p->bad_ch].share * p->total[i];
    over = size_channel(p->cells, p->m, p->bad_ch, p->contacts, p->n,
                        TOCSIN_ERLANG_MAX_AGENTS);
    *need = -1;
    *at_i = over;
    if (over < p->n)
        return;
    for (i = 0; i < p->n; i++)
        if (p->cells[i].agents > *need) {
            *need = p->cells[i].agents;
            *at_i = i;
        }
}

static int pacer_init(struct pacer *p, const struct tocsin_staff_model *m,
                      const struct tocsin_staff_send *others,
                      size_t n_others, double recipients, int64_t at_s,
                      struct tocsin_error *err)
{
    struct tocsin_staff_send self = {at_s, 0, recipients};
    size_t i;
    int rc;

    memset(p, 0, sizeof *p);
    if ((rc = tocsin_staff_check(m, err)) ||
        (rc = check_sends(others, n_others, err)) ||
        (rc = check_send(&self, n_others, err)))
        return rc;
    p->m = m;
    curve_of(&p->cv, m);
    p->n = tocsin_staff_n_intervals(m);
    p->base = tocsin_xcalloc(3 * p->n, sizeof *p->base);
    p->total = p->base + p->n;
    p->contacts = p->base + 2 * p->n;
    p->cells = tocsin_xcalloc(p->n, sizeof *p->cells);
    p->limit = tocsin_xcalloc(m->n_channels + 1, sizeof *p->limit);
    for (i = 0; i < m->n_channels; i++)
        p->limit[i] = on_task_cap(m->channels[i].baseline +
                                      m->channels[i].surge_max,
                                  m->shrinkage);
    for (i = 0; i < n_others; i++)
        add_send(p->base, m, &p->cv, &others[i], p->n);
    return 0;
}

static void pacer_cleanup(struct pacer *p)
{
    free(p->base);
    free(p->cells);
    free(p->limit);
}

/* The finding: "voice needs 31 agents at +2h30m, more than 12 + 8". */
static void set_finding(struct tocsin_staff_pacing *out, struct tocsin_buf *b,
                        struct pacer *p)
{
    const struct tocsin_staff_channel *c = &p->m->channels[p->bad_ch];
    size_t at_i;
    char at[40];

    pacer_worst(p, &out->need, &at_i);
    out->fits = 0;
    out->channel = p->bad_ch;
    out->need_at_s = (int64_t)at_i * p->m->interval_s;
    at_text(at, sizeof at, out->need_at_s);
    if (out->need < 0)
        tocsin_buf_addf(b, "%s needs more than %lld agents at %s", c->name,
                        (long long)TOCSIN_ERLANG_MAX_AGENTS, at);
    else
        tocsin_buf_addf(b, "%s needs %lld agents at %s", c->name,
                        (long long)out->need, at);
    tocsin_buf_addf(b, ", more than %g + %g", c->baseline, c->surge_max);
}

static void set_reason(struct tocsin_staff_pacing *out, struct tocsin_buf *b)
{
    size_t len = b->len < sizeof out->reason - 1 ? b->len
                                                 : sizeof out->reason - 1;

    memcpy(out->reason, b->ptr, len);
    out->reason[len] = '\0';
}

static void pacing_init(struct tocsin_staff_pacing *out)
{
    memset(out, 0, sizeof *out);
    out->fits = 1;
    out->channel = SIZE_MAX;
}

int tocsin_staff_pace_auto(struct tocsin_staff_pacing *out,
                           const struct tocsin_staff_model *m,
                           const struct tocsin_staff_send *others,
                           size_t n_others, double recipients, int64_t at_s,
                           struct tocsin_error *err)
{
    struct tocsin_staff_send s = {at_s, 0, recipients};
    struct tocsin_buf why = TOCSIN_BUF_INIT(1024);
    struct pacer p;
    int64_t room, lo, hi;
    char dur[32], left[32];
    int rc;

    pacing_init(out);
    if ((rc = pacer_init(&p, m, others, n_others, recipients, at_s, err)))
        goto out;
    room = m->horizon_s - at_s;
    if (room <= 0) {
        tocsin_buf_adds(&why, "sent after the staffing horizon: not paced");
        goto done;
    }
    if (!pacer_fits(&p, NULL)) {
        out->others = 1;
        tocsin_buf_adds(&why, "cannot fit: without this wave ");
        set_finding(out, &why, &p);
        goto done;
    }
    if (pacer_fits(&p, &s)) {
        tocsin_buf_adds(&why, "sent at once: every channel stays within "
                              "staffed capacity");
        goto done;
    }
    /* Minutes: lo does not fit (0 did not), hi does; a longer spread that
     * still does not fit means no pacing can help. */
    lo = 0;
    hi = (room + 59) / 60;
    s.duration_s = room;
    if (!pacer_fits(&p, &s)) {
        tocsin_duration_format(left, sizeof left, room);
        tocsin_buf_addf(&why, "cannot fit: even spread over the %s left in "
                              "the horizon ", left);
        set_finding(out, &why, &p);
        goto done;
    }
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        s.duration_s = mid * 60 < room ? mid * 60 : room;
        if (pacer_fits(&p, &s))
            hi = mid;
        else
            lo = mid;
    }
    /* Recompute the overflow at lo: the last failing check may have been
     * an earlier, shorter duration. */
    s.duration_s = lo * 60;
    pacer_fits(&p, &s);
    out->duration_s = hi * 60 < room ? hi * 60 : room;
    out->channel = p.bad_ch;
    tocsin_duration_format(dur, sizeof dur, out->duration_s);
    tocsin_buf_addf(&why, "spread over %s so %s need stays within %g + %g "
                          "agents", dur, m->channels[p.bad_ch].name,
                    m->channels[p.bad_ch].baseline,
                    m->channels[p.bad_ch].surge_max);
done:
    set_reason(out, &why);
    pacer_cleanup(&p);
out:
    tocsin_buf_cleanup(&why);
    return rc;
}

int tocsin_staff_pace_rate(struct tocsin_staff_pacing *out,
                           const struct tocsin_staff_model *m,
                           const struct tocsin_staff_send *others,
                           size_t n_others, double recipients, int64_t at_s,
                           double per_s, struct tocsin_error *err)
{
    struct tocsin_staff_send s = {at_s, 0, recipients};
    struct tocsin_buf why = TOCSIN_BUF_INIT(1024);
    struct pacer p;
    double d;
    char dur[32];
    int rc;

    pacing_init(out);
    if (!(per_s > 0 && per_s <= 1e9))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "pace: a rate of %g per second is not a "
                                "rate", per_s);
    if ((rc = pacer_init(&p, m, others, n_others, recipients, at_s, err)))
        goto out;
    d = ceil(recipients / per_s);
    if (d > (double)TOCSIN_DURATION_MAX) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "pace: %g recipients at %g/h take more than "
                              "100 years", recipients, per_s * 3600);
        goto done;
    }
    s.duration_s = (int64_t)d;
    out->duration_s = s.duration_s;
    tocsin_duration_format(dur, sizeof dur, s.duration_s);
    tocsin_buf_addf(&why, "at %g/h the wave takes %s", per_s * 3600, dur);
    if (!pacer_fits(&p, &s)) {
        out->others = !pacer_fits(&p, NULL);
        if (!out->others)
            pacer_fits(&p, &s);
        tocsin_buf_adds(&why, out->others ? "; without this wave "
                                          : " and ");
        set_finding(out, &why, &p);
    } else {
        tocsin_buf_adds(&why, "; every channel stays within staffed "
                              "capacity");
    }
done:
    set_reason(out, &why);
    pacer_cleanup(&p);
out:
    tocsin_buf_cleanup(&why);
    return rc;
}
