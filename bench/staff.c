/*
 * bench/staff.c - how long the staffing model takes at incident scale.
 *
 * 1. The full forecast of a 1,000,000-recipient incident: five waves, two
 *    of them recurring every 12 h, 15-minute intervals over 7 days, voice,
 *    chat and email (the DESIGN §4 staffing block).
 * 2. pace = "auto" for the first wave against the call-back wave (the
 *    recurring waves alone outgrow any surge, so pacing against them
 *    would stop at the first check).
 * 3. One Erlang C sizing near 10,000 agents, against its peer: the same
 *    recurrence restarted for every candidate N, as spreadsheet solvers
 *    do, and the textbook A^N/N! formula, which is not even finite there.
 * Prints the median of several runs. Not a test: no limits asserted.
 *
 * Build: make build/bench/staff, or by hand:
 *   cc -std=c11 -D_DEFAULT_SOURCE -O2 -Iinclude -o build/bench/staff \
 *      bench/staff.c build/libtocsin.a -lm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tocsin/clock.h"
#include "tocsin/staffing.h"

#define RUNS 9
#define HOUR 3600
#define DAY (24 * HOUR)

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

static struct tocsin_staff_channel mix[3] = {
    {"voice", TOCSIN_STAFF_QUEUE, 0.5, 360, 0.80, 20, 1, 0, 12, 400},
    {"chat", TOCSIN_STAFF_QUEUE, 0.3, 540, 0.80, 60, 2, 0, 6, 200},
    {"email", TOCSIN_STAFF_DEFERRED, 0.2, 300, 0, 0, 0, 4 * HOUR, 8, 200},
};

static const struct tocsin_staff_model model = {
    15 * 60, 7 * DAY, 0.30, 0.85, 0.12, HOUR, 6 * HOUR, 30 * 60, mix, 3,
};

/* The incident's sends: acknowledge (1M at once), call-back (20k
 * complainers), still-working (1M every 12h from 12h), a reminder to the
 * 200k with open orders every 12h from 6h, resolved (1M at 96h). */
static size_t incident(struct tocsin_staff_send *s, size_t max)
{
    size_t n = 0;
    int64_t t;

    s[n++] = (struct tocsin_staff_send){0, 0, 1000000};
    s[n++] = (struct tocsin_staff_send){0, 0, 20000};
    for (t = 12 * HOUR; t < 7 * DAY && n < max; t += 12 * HOUR)
        s[n++] = (struct tocsin_staff_send){t, 0, 1000000};
    for (t = 6 * HOUR; t < 7 * DAY && n < max; t += 12 * HOUR)
        s[n++] = (struct tocsin_staff_send){t, 0, 200000};
    if (n < max)
        s[n++] = (struct tocsin_staff_send){96 * HOUR, 0, 1000000};
    return n;
}

/* The peer: Erlang B recomputed from n = 1 for every candidate N. */
static int64_t naive_solve(double a, double aht, double sl, double t)
{
    int64_t n, k;

    for (n = (int64_t)floor(a) + 1; n < TOCSIN_ERLANG_MAX_AGENTS; n++) {
        double b = 1, c;

        for (k = 1; k <= n; k++)
            b = a * b / ((double)k + a * b);
        c = (double)n * b / ((double)n - a * (1 - b));
        if (1 - c * exp(-((double)n - a) * t / aht) >= sl)
            return n;
    }
    return -1;
}

/* The textbook formula in doubles: A^N/N! over the sum of A^k/k!. */
static double textbook_p_wait(double a, int64_t n)
{
    double sum = 0, term = 1, top;
    int64_t k;

    for (k = 0; k < n; k++) {
        sum += term;
        term = pow(a, (double)(k + 1)) / tgamma((double)(k + 2));
    }
    top = pow(a, (double)n) / tgamma((double)n + 1) * n / (n - a);
    return top / (sum + top);
}

int main(void)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_staff_send sends[64];
    struct tocsin_staff_forecast *f = NULL;
    struct tocsin_staff_pacing pace;
    struct tocsin_erlang_goal goal = {0.80, 20, 0, 1.0, 0};
    struct tocsin_erlang e;
    double t_fc[RUNS], t_pace[RUNS], t_solve[RUNS], t_eval[RUNS], t_naive[3];
    double a = 9900, t0;
    size_t n = incident(sends, 64), i, r;
    int64_t naive_n = 0;

    for (r = 0; r < RUNS; r++) {
        tocsin_staff_forecast_free(f);
        f = NULL;
        t0 = tocsin_clock_mono();
        if (tocsin_staff_forecast_new(&f, &model, sends, n, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        t_fc[r] = tocsin_clock_mono() - t0;
    }
    printf("forecast: 1000000 recipients, 5 waves (%zu sends), %zu "
           "intervals of 15m over 7d x 3 channels: median %.2f ms "
           "(%d runs)\n", n, f->n_intervals, median(t_fc, RUNS) * 1e3, RUNS);
    printf("  peak agents: voice %lld, chat %lld, email %lld; %zu surge "
           "runs\n", (long long)f->peak[0], (long long)f->peak[1],
           (long long)f->peak[2], f->n_surges);
    for (r = 0; r < RUNS; r++) {
        t0 = tocsin_clock_mono();
        if (tocsin_staff_pace_auto(&pace, &model, sends + 1, 1, 1000000, 0,
                                   &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        t_pace[r] = tocsin_clock_mono() - t0;
    }
    printf("pace auto (acknowledge, 1000000 recipients): median %.2f ms: "
           "%s\n", median(t_pace, RUNS) * 1e3, pace.reason);

    for (r = 0; r < RUNS; r++) {
        t0 = tocsin_clock_mono();
        tocsin_erlang_solve(&e, a, 360, &goal, NULL);
        t_solve[r] = tocsin_clock_mono() - t0;
    }
    printf("erlang c solve: A=%.0f E, 80/20s -> %lld agents: median %.1f us "
           "(%d runs)\n", a, (long long)e.agents,
           median(t_solve, RUNS) * 1e6, RUNS);
    for (r = 0; r < RUNS; r++) {
        t0 = tocsin_clock_mono();
        tocsin_erlang_eval(&e, a, 10000, 360, 20, NULL);
        t_eval[r] = tocsin_clock_mono() - t0;
    }
    printf("erlang c eval at 10000 agents: SL %.6f, ASA %.3f s: median "
           "%.1f us\n", e.service_level, e.asa_s,
           median(t_eval, RUNS) * 1e6);
    for (i = 0; i < 3; i++) {
        t0 = tocsin_clock_mono();
        naive_n = naive_solve(a, 360, 0.80, 20);
        t_naive[i] = tocsin_clock_mono() - t0;
    }
    printf("peer, recurrence restarted per candidate N: %lld agents, median "
           "%.2f ms (3 runs): ratio %.0fx\n", (long long)naive_n,
           median(t_naive, 3) * 1e3,
           median(t_naive, 3) / median(t_solve, RUNS));
    printf("peer, textbook A^N/N! in doubles at N=10000: p_wait = %g\n",
           textbook_p_wait(a, 10000));
    tocsin_staff_forecast_free(f);
    return 0;
}
