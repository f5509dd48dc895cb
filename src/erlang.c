/*
 * erlang.c - Erlang C: how long contacts wait for N agents.
 *
 * The textbook formula divides A^N/N! by a sum of such terms; both overflow
 * a double near 170 agents and lose every digit well before. The Erlang B
 * recurrence B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)) keeps every value in
 * (0, 1], is forward-stable (each step damps the previous error), and gives
 * C = N B / (N - A (1 - B)) at the end. The solver walks the recurrence up
 * once, so finding N costs O(N), not O(N^2), and it need not start at 0
 * (see erlang_b). Refuses: an unstable queue (N <= A has no steady state),
 * goals no finite N meets, non-finite input.
 */
#include "tocsin/staffing.h"

#include <math.h>

/* Above this many Erlangs even TOCSIN_ERLANG_MAX_AGENTS cannot carry the
 * traffic; checked first so that absurd input fails at once. */
#define MAX_TRAFFIC ((double)TOCSIN_ERLANG_MAX_AGENTS)

/* Floating tolerance when comparing against a goal, so that 10 Erlangs on
 * 14 agents is not "over" an occupancy cap of 10/14 computed elsewhere. */
#define GOAL_EPS 1e-12

/* How many standard deviations below A the recurrence starts: the start
 * value's error shrinks by about e^(-WARM^2 / 2) = e^-72 by the time the
 * recurrence reaches A, far below a double's precision. */
#define WARM 12.0

/* Erlang B(n, a). The recurrence's step maps B to a B / (k + a B); two
 * values B1, B2 differ after it by a k |B1 - B2| / ((k + a B1)(k + a B2)).
 * Erlang B is at least 1 - k / a (the carried traffic a (1 - B) is at most
 * k), so starting from B = 1, an upper bound, every step shrinks the
 * error by k / a or better, and from k0 = a - WARM sqrt(a) to a the
 * product is e^(-WARM^2 / 2). That makes 10,000 agents ~1,200 steps
 * instead of 10,000, and the result the same to the last bit or two. */
static double erlang_b(double a, int64_t n)
{
    double b = 1, k0 = floor(a - WARM * sqrt(a));
    int64_t k = k0 > 0 ? (int64_t)k0 : 0;

    while (++k <= n)
        b = a * b / ((double)k + a * b);
    return b;
}

static int check_common(double traffic, double aht_s, double answer_s,
                        struct tocsin_error *err)
{
    if (!(traffic >= 0 && traffic <= MAX_TRAFFIC))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "traffic of %g Erlangs is outside [0, %g]",
                                traffic, MAX_TRAFFIC);
    if (!(aht_s > 0 && aht_s <= 1e7))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "handle time %g s must be positive and "
                                "finite", aht_s);
    if (!(answer_s >= 0 && answer_s <= 1e9))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "answer time %g s must be >= 0 and finite",
                                answer_s);
    return 0;
}

/* Fill 'out' from B = Erlang B(n, a). Requires n > a. */
static void figures(struct tocsin_erlang *out, double a, int64_t n, double b,
                    double aht_s, double answer_s)
{
    double nd = (double)n, spare = nd - a;
    /* N - A(1 - B) >= N - A > 0, so the division is safe. */
    double c = nd * b / (spare + a * b);

    if (c > 1)
        c = 1;
    out->traffic = a;
    out->agents = n;
    out->p_wait = c;
    out->service_level = 1 - c * exp(-spare * answer_s / aht_s);
    out->asa_s = c * aht_s / spare;
    out->occupancy = a / nd;
    out->queue_len = c * a / spare;
}

static void idle(struct tocsin_erlang *out)
{
    out->traffic = 0;
    out->agents = 0;
    out->p_wait = 0;
    out->service_level = 1;
    out->asa_s = 0;
    out->occupancy = 0;
    out->queue_len = 0;
}

int tocsin_erlang_eval(struct tocsin_erlang *out, double traffic,
                       int64_t agents, double aht_s, double answer_s,
                       struct tocsin_error *err)
{
    int rc;

    if ((rc = check_common(traffic, aht_s, answer_s, err)))
        return rc;
    if (agents > TOCSIN_ERLANG_MAX_AGENTS)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "%lld agents is more than the model's cap "
                                "of %lld", (long long)agents,
                                (long long)TOCSIN_ERLANG_MAX_AGENTS);
    if (traffic == 0 && agents >= 0) {
        idle(out);
        out->agents = agents;
        return 0;
    }
    if (agents <= 0 || (double)agents <= traffic)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "%lld agents cannot carry %g Erlangs: the "
                                "queue grows without bound",
                                (long long)agents, traffic);
    figures(out, traffic, agents, erlang_b(traffic, agents), aht_s,
            answer_s);
    return 0;
}

static int meets(const struct tocsin_erlang *e,
                 const struct tocsin_erlang_goal *g)
{
    if (g->service_level > 0 &&
        e->service_level < g->service_level - GOAL_EPS)
        return 0;
    if (g->asa_s > 0 && e->asa_s > g->asa_s * (1 + GOAL_EPS))
        return 0;
    return 1;
}

int tocsin_erlang_solve(struct tocsin_erlang *out, double traffic,
                        double aht_s, const struct tocsin_erlang_goal *g,
                        struct tocsin_error *err)
{
    double occ = g->max_occupancy, b = 1, first;
    int64_t limit = g->max_agents > 0 ? g->max_agents
                                      : TOCSIN_ERLANG_MAX_AGENTS;
    int64_t n, start;
    int rc;

    if ((rc = check_common(traffic, aht_s, g->answer_s, err)))
        return rc;
    if (!(g->service_level >= 0 && g->service_level < 1))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "a service level of %g %% cannot be met by "
                                "any number of agents", g->service_level *
                                100);
    if (!(g->asa_s >= 0 && g->asa_s <= 1e9))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "an average speed of answer of %g s is not "
                                "a goal", g->asa_s);
    if (!(occ > 0 && occ <= 1))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "maximum occupancy %g must be in (0, 1]",
                                g->max_occupancy);
    if (limit > TOCSIN_ERLANG_MAX_AGENTS)
        limit = TOCSIN_ERLANG_MAX_AGENTS;
    if (traffic == 0) {
        idle(out);
        return 0;
    }
    /* The smallest N that is stable (N > A) and within the occupancy cap
     * (A / N <= occ); the goals only ever push N up from there, because
     * service level rises and ASA falls with every agent added. */
    first = floor(traffic) + 1;
    if (ceil(traffic / occ * (1 - GOAL_EPS)) > first)
        first = ceil(traffic / occ * (1 - GOAL_EPS));
    if (first > (double)limit)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "%g Erlangs need more than %lld agents",
                                traffic, (long long)limit);
    start = (int64_t)first;
    b = erlang_b(traffic, start - 1);
    for (n = start; n <= limit; n++) {
        b = traffic * b / ((double)n + traffic * b);
        figures(out, traffic, n, b, aht_s, g->answer_s);
        if (meets(out, g))
            return 0;
    }
    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                            "%g Erlangs need more than %lld agents to meet "
                            "the target", traffic, (long long)limit);
}
