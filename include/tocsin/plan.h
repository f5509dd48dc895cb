/*
 * plan.h - what a playbook would do with an audience, before anything is
 * sent: every wave's time, who it reaches on which channel in which
 * language, approvals and deadlines, the staffing forecast, and a preview of
 * each message for one real recipient.
 *
 * The audience is streamed once. The same per-row pass (audiences, routing,
 * de-duplication) serves 'open', which passes a row callback to enqueue, so
 * the plan's counts are the counts that are sent.
 */
#ifndef TOCSIN_PLAN_H
#define TOCSIN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tocsin/audience.h"
#include "tocsin/config.h"
#include "tocsin/error.h"
#include "tocsin/playbook.h"
#include "tocsin/render.h"
#include "tocsin/route.h"

/* Counts for one channel of one wave. */
struct tocsin_plan_channel {
    const char *channel;  /* borrowed from the wave */
    int broadcast;        /* one message per occurrence */
    size_t messages;      /* per occurrence */
    size_t opted_out, no_address, duplicates;
};

struct tocsin_plan_locale {
    char *locale;         /* the template locale used */
    size_t recipients;
};

/* One message rendered for one real recipient (or the broadcast). */
struct tocsin_plan_preview {
    char *locale;
    const char *channel;
    char *recipient_id;   /* audience id, or NULL for broadcasts */
    size_t line;          /* its audience line, 0 for broadcasts */
    struct tocsin_message msg;
    struct tocsin_error err; /* code != 0 when it failed to render */
};

/* Recipients that share an audience and a routing rule share
 * de-duplication: the same email in two rows gets one message. */
struct tocsin_plan_group {
    int audience;         /* index into pb->audiences, -1: every row */
    const struct tocsin_wave *route; /* the first wave with this rule */
};

struct tocsin_plan_wave {
    const struct tocsin_wave *w;
    size_t group;         /* index into plan->groups, or (size_t)-1 when the
                             wave has no per-recipient channel */
    int64_t first_at;     /* absolute; -1 when it waits for an event */
    int64_t *occurrences; /* EVERY: every occurrence within the horizon */
    size_t n_occurrences;
    int64_t next_update;  /* after the first occurrence, -1: none */
    size_t recipients;    /* rows in the wave's audience */
    size_t reached;       /* recipients getting at least one message */
    struct tocsin_plan_channel *channels; /* one per wave channel */
    size_t n_channels;
    struct tocsin_plan_locale *locales;
    size_t n_locales;
    struct tocsin_plan_preview *previews;
    size_t n_previews;
    int64_t send_s;       /* how long sending takes under its pace */
    char *pace_reason;    /* why, or NULL */
};

struct tocsin_plan_deadline {
    const struct tocsin_deadline *d;
    int64_t due;          /* -1 when it runs from an event */
    int64_t planned;      /* the wave's first time, -1 when unknown */
    int status;           /* 1 met, 0 missed, -1 depends (event, approval) */
    char *why;
};

struct tocsin_plan {
    const struct tocsin_config *cfg;
    const struct tocsin_playbook *pb;
    int64_t start;
    int64_t horizon_s;
    char *audience_path;
    char audience_sha256[65];
    size_t rows;
    struct tocsin_header *header;
    size_t *audience_rows; /* per pb->audiences */
    struct tocsin_plan_group groups[16];
    size_t n_groups;
    struct tocsin_plan_wave *waves;
    size_t n_waves;
    struct tocsin_plan_deadline *deadlines;
    size_t n_deadlines;
    json_t *staffing;      /* the forecast and surge schedule, or NULL */
    struct tocsin_diags findings; /* audience warnings, plan warnings */
};

/* What the per-row pass decided for one row, handed to 'open'. */
struct tocsin_plan_row {
    const struct tocsin_plan *plan; /* groups and waves; counts so far */
    const struct tocsin_row *row;
    size_t rid;              /* 0-based data row ordinal */
    uint64_t audiences;      /* bit i: in pb->audiences[i] */
    /* per group: bit k set when wave channel k (of the group's routing
     * wave, in its route order) is to be sent; for 'first' groups the
     * route's candidates in order */
    struct tocsin_route routes[16];
    uint32_t dup[16];        /* per group: bit k when route channel k was a
                                duplicate address and is not sent */
};

typedef int (*tocsin_plan_row_fn)(void *payload,
                                  const struct tocsin_plan_row *r,
                                  struct tocsin_error *err);

struct tocsin_plan_opts {
    int64_t start;           /* open time */
    int previews;            /* render previews of real recipients */
    tocsin_plan_row_fn row_fn; /* may be NULL */
    void *payload;
};

/* Stream 'audience_path' once and build the plan. Audience warnings and
 * plan findings go to plan->findings; a fatal audience, render or 'where'
 * error is returned with 'err' at its place. Free with tocsin_plan_free(). */
int tocsin_plan_build(struct tocsin_plan **out,
                      const struct tocsin_config *cfg,
                      struct tocsin_playbook *pb, const char *audience_path,
                      const struct tocsin_plan_opts *opts,
                      struct tocsin_error *err);
void tocsin_plan_free(struct tocsin_plan *plan);

/* The plan as the documented JSON document (docs/plan-json.md). With
 * 'with_previews' 0 it holds no customer data (the audit's plan.json). */
json_t *tocsin_plan_json(const struct tocsin_plan *plan, int with_previews);

/* When is the next scheduled customer update after 't' for an incident
 * opened at 'start': the next occurrence of any wave with per-recipient
 * channels that is due at a fixed time. -1 when none is scheduled. */
int64_t tocsin_plan_next_update(const struct tocsin_config *cfg,
                                const struct tocsin_playbook *pb,
                                int64_t start, int64_t t);

/* Add the staffing forecast, the surge schedule and pacing to a plan whose
 * counts are done (forecast.c). No-op without a staffing block. */
int tocsin_plan_staffing(struct tocsin_plan *plan, struct tocsin_error *err);

/* The horizon of a playbook: its staffing horizon, else 72 hours. */
int64_t tocsin_plan_horizon(const struct tocsin_playbook *pb);

#endif
