/*
 * staffing.h - how many support agents a crisis needs, and when (DESIGN §7).
 *
 * Two layers. erlang.c is the queueing arithmetic: Erlang C for voice and
 * chat, computed with the Erlang B recurrence so that it stays finite and
 * exact to ~1e-12 for tens of thousands of agents (no factorials, no
 * powers). staffing.c turns wave sends into contacts per interval with a
 * response curve, sizes every channel per interval, derives the surge over
 * the baseline and the paging schedule, and paces waves to staffed
 * capacity.
 *
 * This header knows nothing of playbooks, Lua or the clock: inputs are the
 * plain structs below, times are seconds relative to the incident's open
 * time. Another layer adapts a playbook's 'struct tocsin_staffing' to
 * 'struct tocsin_staff_model'. Nothing here prints or allocates on error;
 * every invalid number is TOCSIN_EINPUT naming the field, and no function
 * ever returns or stores a NaN or an infinity.
 *
 * The model, its formulas and how to calibrate it: docs/staffing.md.
 */
#ifndef TOCSIN_STAFFING_H
#define TOCSIN_STAFFING_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/error.h"

/* ----- Erlang C (erlang.c) -------------------------------------------- */

/* The solver never searches above this many agents (on the phone, before
 * shrinkage): a bound on every loop, and far beyond any contact centre. */
#define TOCSIN_ERLANG_MAX_AGENTS ((int64_t)1000000)

/* One queue (M/M/N, patient callers) at a fixed number of agents. */
struct tocsin_erlang {
    double traffic;       /* A = arrival rate x AHT, in Erlangs */
    int64_t agents;       /* N, agents taking contacts (no shrinkage) */
    double p_wait;        /* Erlang C: probability that a contact waits */
    double service_level; /* probability of an answer within answer_s */
    double asa_s;         /* mean wait over all contacts, seconds */
    double occupancy;     /* A / N */
    double queue_len;     /* mean number waiting (Lq) */
};

/* What the solver must meet. Every goal given must hold at once. */
struct tocsin_erlang_goal {
    double service_level; /* e.g. 0.80, in (0, 1); 0: no service-level goal */
    double answer_s;      /* "within answer_s seconds", >= 0 */
    double asa_s;         /* mean wait at most this, > 0; 0: no ASA goal */
    double max_occupancy; /* in (0, 1]; 1 puts no cap on A / N */
    int64_t max_agents;   /* search no further (0: TOCSIN_ERLANG_MAX_AGENTS) */
};

/* The figures of a queue of 'traffic' Erlangs served by 'agents' agents
 * with handle time 'aht_s', the service level counted at 'answer_s'.
 * 'agents' must exceed 'traffic' (otherwise the queue grows without bound
 * and there is no steady state): that, a non-finite or negative number or
 * a zero AHT is TOCSIN_EINPUT. O(sqrt(traffic) + agents - traffic). */
int tocsin_erlang_eval(struct tocsin_erlang *out, double traffic,
                       int64_t agents, double aht_s, double answer_s,
                       struct tocsin_error *err);

/* The smallest integer N > traffic that meets every goal of 'g', with its
 * figures in '*out'. Zero traffic needs zero agents. A goal that no finite
 * N can meet (a service level of 100 %, an ASA of 0 s), an invalid number,
 * or a need above g->max_agents is TOCSIN_EINPUT with a message saying
 * which. The Erlang B recurrence runs once, upwards, from a dozen
 * standard deviations below the traffic: O(sqrt(traffic) + N - traffic). */
int tocsin_erlang_solve(struct tocsin_erlang *out, double traffic,
                        double aht_s, const struct tocsin_erlang_goal *g,
                        struct tocsin_error *err);

/* ----- the staffing model (staffing.c) -------------------------------- */

/* Refuse a horizon cut into more intervals than this (a 10-year horizon
 * at 1-second intervals is a typo, not a plan). */
#define TOCSIN_STAFF_MAX_INTERVALS ((size_t)100000)
/* Shrinkage above this leaves agents on contacts for less than 5 % of
 * their paid time: a typo for 0.30 rather than a plan. */
#define TOCSIN_STAFF_MAX_SHRINKAGE 0.95
/* At most this many contacts per recipient (response.rate). */
#define TOCSIN_STAFF_MAX_RATE 10.0
/* Defaults a zero field stands for (the playbook's "not given"). */
#define TOCSIN_STAFF_DEFAULT_SL 0.80
#define TOCSIN_STAFF_DEFAULT_ANSWER_S 20
#define TOCSIN_STAFF_DEFAULT_REPLY_S ((int64_t)24 * 3600)

enum tocsin_staff_kind {
    TOCSIN_STAFF_QUEUE,   /* voice, chat: answered live, sized by Erlang C */
    TOCSIN_STAFF_DEFERRED /* email: replied to within reply_within_s */
};

/* One support channel of the mix. */
struct tocsin_staff_channel {
    const char *name;           /* "voice", "chat", "email"; borrowed */
    enum tocsin_staff_kind kind;
    double share;               /* of all contacts, in [0, 1]; shares of
                                   the channels sum to at most 1 */
    int64_t aht_s;              /* average handle time of one contact, > 0 */
    double target_sl;           /* QUEUE: 0.80 of "80/20s", in (0, 1);
                                   0: TOCSIN_STAFF_DEFAULT_SL and
                                   TOCSIN_STAFF_DEFAULT_ANSWER_S */
    int64_t target_s;           /* QUEUE: 20 of "80/20s" */
    int concurrency;            /* QUEUE: contacts one agent handles at
                                   once (chat); 0 means 1 */
    int64_t reply_within_s;     /* DEFERRED: promised reply time; 0:
                                   TOCSIN_STAFF_DEFAULT_REPLY_S */
    double baseline;            /* agents on shift anyway (with shrinkage) */
    double surge_max;           /* extra agents that can be paged in; pacing
                                   keeps need <= baseline + surge_max */
};

struct tocsin_staff_model {
    int64_t interval_s;         /* > 0 */
    int64_t horizon_s;          /* > 0; the last interval is shorter when
                                   the horizon is not a multiple */
    double shrinkage;           /* [0, TOCSIN_STAFF_MAX_SHRINKAGE] */
    double max_occupancy;       /* (0, 1] */
    double response_rate;       /* contacts per recipient reached */
    int64_t peak_after_s;       /* the response curve peaks this long after
                                   a send, >= 0 */
    int64_t half_life_s;        /* and then halves every half_life_s, > 0 */
    int64_t surge_lead_s;       /* page the staff this long before a surge */
    const struct tocsin_staff_channel *channels; /* borrowed */
    size_t n_channels;
};

/* One send of a wave: R recipients reached, all at 'at_s' or spread
 * uniformly over [at_s, at_s + duration_s) when paced. A recurring wave is
 * one send per occurrence. */
struct tocsin_staff_send {
    int64_t at_s;               /* >= 0 */
    int64_t duration_s;         /* 0: at once */
    double recipients;          /* R >= 0 */
};

/* One channel in one interval. */
struct tocsin_staff_cell {
    double contacts;            /* arriving in the interval */
    double traffic;             /* QUEUE: Erlangs; DEFERRED: agents' worth
                                   of reply work done in the interval */
    int64_t agents_on_task;     /* taking contacts (before shrinkage) */
    int64_t agents;             /* scheduled: ceil(on_task / (1 - shrinkage)) */
    int64_t surge;              /* max(0, agents - baseline), rounded up */
    double service_level;       /* QUEUE: P(answer within target_s);
                                   DEFERRED: 1 (every reply on time) */
    double asa_s;               /* QUEUE: mean wait; DEFERRED: the model's
                                   reply time, reply_within_s */
    double occupancy;           /* traffic / agents_on_task, 0 when idle */
};

/* A run of intervals in which one channel needs more than its baseline. */
struct tocsin_staff_surge {
    size_t channel;             /* index into the model's channels */
    int64_t start_s, end_s;     /* [start, end) relative to open */
    int64_t peak;               /* most extra agents needed in the run */
    int64_t page_at_s;          /* start - lead, but never before 0 */
    int64_t short_s;            /* how much of the lead could not be given
                                   (the surge starts sooner than 'lead') */
};

struct tocsin_staff_forecast {
    int64_t interval_s, horizon_s;
    size_t n_intervals, n_channels;
    double *total;              /* all contacts per interval (before the
                                   mix split) */
    struct tocsin_staff_cell *cells; /* [interval * n_channels + channel] */
    int64_t *peak;              /* per channel: most agents in any interval */
    struct tocsin_staff_surge *surges; /* by channel, then by time */
    size_t n_surges;
};

/* Check every number of 'm' (ranges in the comments above; the interval
 * count at most TOCSIN_STAFF_MAX_INTERVALS). Returns 0 or TOCSIN_EINPUT
 * with a message naming the field ("staffing: 'max_occupancy' must be in
 * (0, 1], not 0"); the caller adds the playbook's path and line. */
int tocsin_staff_check(const struct tocsin_staff_model *m,
                       struct tocsin_error *err);

/* The number of intervals of 'm' (ceil(horizon / interval)). */
size_t tocsin_staff_n_intervals(const struct tocsin_staff_model *m);

/* The kind for a mix channel name: DEFERRED for "email", else QUEUE. */
enum tocsin_staff_kind tocsin_staff_kind_of(const char *channel);

/* Parse a queue target "80/20s" (percent in (0, 100), then a duration)
 * into 0.80 and 20. Returns 0 or TOCSIN_EINPUT ('path' and 'line' only
 * label the error). */
int tocsin_staff_target_parse(double *sl, int64_t *answer_s, const char *s,
                              const char *path, int line,
                              struct tocsin_error *err);

/* The share of one send's contacts that arrive in [from_s, to_s): the
 * response curve (docs/staffing.md) integrated exactly over the send's
 * spread. In [0, 1]; multiply by recipients x response_rate. */
double tocsin_staff_arrivals(const struct tocsin_staff_model *m,
                             const struct tocsin_staff_send *s,
                             int64_t from_s, int64_t to_s);

/* Size channel 'ch' of 'm' for 'contacts[i]' arriving in interval i, for
 * the model's n_intervals intervals; fills out[0..n_intervals) (surge
 * included). Returns 0 or TOCSIN_EINPUT (an invalid model or contact
 * count, or a need above TOCSIN_ERLANG_MAX_AGENTS, named with its
 * interval). 'tocsin staff' is this function on evenly spread contacts. */
int tocsin_staff_size(struct tocsin_staff_cell *out,
                      const struct tocsin_staff_model *m, size_t ch,
                      const double *contacts, struct tocsin_error *err);

/* The forecast of 'n_sends' sends under 'm': contacts, agents and surge per
 * channel per interval, and the surge schedule. The caller frees '*out'
 * with tocsin_staff_forecast_free(). Returns 0 or TOCSIN_EINPUT. */
int tocsin_staff_forecast_new(struct tocsin_staff_forecast **out,
                              const struct tocsin_staff_model *m,
                              const struct tocsin_staff_send *sends,
                              size_t n_sends, struct tocsin_error *err);

void tocsin_staff_forecast_free(struct tocsin_staff_forecast *f);

/* The cell of channel 'ch' in interval 'i'; borrowed from 'f'. */
const struct tocsin_staff_cell *
tocsin_staff_cell(const struct tocsin_staff_forecast *f, size_t i, size_t ch);

/* How one wave is paced, and why. */
struct tocsin_staff_pacing {
    int64_t duration_s;   /* send over [at_s, at_s + duration_s); 0: at once */
    int fits;             /* 1: need <= baseline + surge_max on every
                             channel in every interval */
    size_t channel;       /* the channel that binds or overflows, or
                             SIZE_MAX when none does */
    int64_t need;         /* !fits: that channel's peak need (agents
                             with shrinkage; -1: above the model's cap) */
    int64_t need_at_s;    /* !fits: when the peak falls */
    int others;           /* !fits: the other sends overflow without this
                             wave */
    char reason[256];     /* for the plan: "spread over 3h10m so voice need
                             stays within 12 + 8 agents" */
};

/* pace = "auto": the shortest duration, in whole minutes (or the rest of
 * the horizon), over which 'recipients' sent from 'at_s' keep every
 * channel's need within baseline + surge_max, given the 'n_others' other
 * sends. Binary search between "at once" and "to the end of the horizon";
 * the result always fits and one minute less does not. When even the
 * whole horizon is not enough (or the other sends alone overflow),
 * '*out' says so with fits = 0 and duration 0 - no pacing helps, so the
 * notice is not delayed and the surge schedule shows the real need - and
 * the return is still 0: that is a finding for the plan, not an error.
 * Contacts after the horizon are not modelled: the horizon should outlast
 * the last send by a few half-lives.
 * Returns 0 or TOCSIN_EINPUT (invalid model or sends). */
int tocsin_staff_pace_auto(struct tocsin_staff_pacing *out,
                           const struct tocsin_staff_model *m,
                           const struct tocsin_staff_send *others,
                           size_t n_others, double recipients, int64_t at_s,
                           struct tocsin_error *err);

/* pace = "N/h": send at 'per_s' recipients per second (duration
 * ceil(recipients / per_s)), and say whether staffing holds, as above. */
int tocsin_staff_pace_rate(struct tocsin_staff_pacing *out,
                           const struct tocsin_staff_model *m,
                           const struct tocsin_staff_send *others,
                           size_t n_others, double recipients, int64_t at_s,
                           double per_s, struct tocsin_error *err);

#endif
