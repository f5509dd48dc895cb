/*
 * playbook.h - a loaded playbook as plain C data.
 *
 * dsl.c runs the playbook file in the sandbox once, turns every declaration
 * into the structs below and checks cross-references (a wave naming an
 * unknown template, ...). Only the 'where' functions of audiences stay in
 * Lua: tocsin_playbook_match() calls them per audience row. The playbook
 * owns its sandbox and closes it in tocsin_playbook_free().
 *
 * Times are seconds relative to the incident's open time. Every struct
 * carries the 1-based line of its declaration in 'path' for diagnostics.
 */
#ifndef TOCSIN_PLAYBOOK_H
#define TOCSIN_PLAYBOOK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tocsin/config.h"
#include "tocsin/error.h"

struct tocsin_tpl;     /* a compiled template part (template.h) */
struct tocsin_sandbox; /* sandbox.h */
struct tocsin_row;     /* one audience row (audience.h) */

enum tocsin_param_kind {
    TOCSIN_PARAM_STRING,
    TOCSIN_PARAM_NUMBER,
    TOCSIN_PARAM_INTEGER,
    TOCSIN_PARAM_BOOL,
    TOCSIN_PARAM_DURATION, /* "48h" */
    TOCSIN_PARAM_MONEY,    /* "USD 20", "TWD 500", "CNY 88.50" */
    TOCSIN_PARAM_DATETIME, /* ISO 8601 */
    TOCSIN_PARAM_CHOICE    /* one of 'choices' */
};

struct tocsin_param {
    char *name;
    enum tocsin_param_kind kind;
    char *default_value; /* text form; NULL when the param is required */
    char *value;         /* resolved: the --set override or the default */
    char *doc;
    char **choices;      /* TOCSIN_PARAM_CHOICE only */
    size_t n_choices;
    int line;
};

struct tocsin_audience_def {
    char *name;
    char *doc;
    int where_ref; /* registry ref of the 'where' function, or -2 (none:
                      every row) */
    int line;
};

struct tocsin_compensation {
    char *name;
    char *kind;       /* "credit", "refund", "coupon", "gift" */
    char *amount;     /* money text "USD 20", or NULL */
    char *codes_path; /* coupon pool CSV (relative to the playbook), or NULL */
    char *doc;
    int line;
};

struct tocsin_deadline {
    char *name;
    int64_t within_s;
    char *from;       /* "open" or an event name */
    char *wave;       /* the wave whose first occurrence must fall within */
    int line;
};

enum tocsin_wave_kind {
    TOCSIN_WAVE_AT,    /* once, at 'at_s' after open */
    TOCSIN_WAVE_EVERY, /* first at 'at_s' (default: every_s), then every
                          'every_s' until 'until_event' or close */
    TOCSIN_WAVE_ON     /* once, 'after_s' after event 'on_event' */
};

enum tocsin_pace_kind {
    TOCSIN_PACE_NONE,  /* as fast as the channels allow */
    TOCSIN_PACE_RATE,  /* at most 'pace_per_s' messages per second */
    TOCSIN_PACE_AUTO   /* spread to fit staffed capacity (staffing.h) */
};

struct tocsin_wave {
    char *name;
    enum tocsin_wave_kind kind;
    int64_t at_s;
    int64_t every_s;
    char *until_event;    /* EVERY: "resolve" by default */
    char *on_event;       /* ON */
    int64_t after_s;      /* ON: delay after the event */
    char *audience;       /* audience name; NULL for broadcast channels or
                             "everyone in the file" */
    char **channels;
    size_t n_channels;
    int first;            /* channels = { first = {...} }: one channel per
                             recipient, in the recipient's preference order,
                             failing over on permanent failure */
    char *template_name;
    char *approval;       /* role name, or NULL */
    char *compensation;   /* compensation name, or NULL */
    enum tocsin_pace_kind pace;
    double pace_per_s;    /* TOCSIN_PACE_RATE */
    int quiet_hours;      /* 1 unless the wave says quiet_hours = false */
    int sms_segments;     /* the wave's SMS segment budget (default 3) */
    int index;            /* position in pb->waves */
    int line;
};

/* One part of one locale of a template: subject, text, html, sms, social,
 * banner, call, or a custom channel's name. */
struct tocsin_template_part {
    char *name;
    char *source;             /* the template text as written */
    struct tocsin_tpl *tpl;   /* compiled */
    int line, col;            /* where the string literal starts */
    int long_string;          /* 1 for [[...]]: line + newlines = exact */
};

struct tocsin_template_locale {
    char *locale;             /* "en", "zh-TW", ... */
    struct tocsin_template_part *parts;
    size_t n_parts;
    int line;
};

struct tocsin_template_def {
    char *name;
    struct tocsin_template_locale *locales;
    size_t n_locales;
    char **disabled_rules;    /* linter rules disabled for this template */
    char **disabled_reasons;
    size_t n_disabled;
    int line;
};

struct tocsin_mix {
    char *channel;            /* "voice", "chat", "email" */
    double share;
    int64_t aht_s;
    double target_sl;         /* 0.80 of "80/20s"; 0 when not given */
    int64_t target_s;         /* 20 of "80/20s" */
    int concurrency;          /* chat: 1 when not given */
    int64_t reply_within_s;   /* email; 0 when not given */
    int line;
};

struct tocsin_staffing {
    int present;              /* 0 when the playbook has no staffing block */
    int64_t interval_s;       /* default 30m */
    int64_t horizon_s;        /* default 72h */
    double shrinkage;         /* default 0.30 */
    double max_occupancy;     /* default 0.85 */
    char **baseline_channels;
    double *baseline_agents;
    size_t n_baseline;
    double response_rate;
    int64_t peak_after_s;
    int64_t half_life_s;
    struct tocsin_mix *mix;
    size_t n_mix;
    int64_t surge_lead_s;
    char *surge_channel;      /* "staff" */
    char *surge_template;     /* or NULL: a built-in text */
    char **surge_max_channels; /* planned surge capacity per channel */
    double *surge_max_agents;
    size_t n_surge_max;
    int line;
};

struct tocsin_playbook {
    char *path;               /* as given (a file name the user recognises) */
    char *source;             /* the exact bytes that ran (audit snapshot) */
    size_t source_len;
    char *id, *title, *summary;
    char **jurisdictions;     /* "us-ca", "eu", "cn", "tw"; may be empty */
    size_t n_jurisdictions;
    json_t *sample;           /* the sample recipient: an object of strings */
    int line;

    struct tocsin_param *params;
    size_t n_params;
    struct tocsin_audience_def *audiences;
    size_t n_audiences;
    struct tocsin_compensation *compensations;
    size_t n_compensations;
    struct tocsin_deadline *deadlines;
    size_t n_deadlines;
    struct tocsin_staffing staffing;
    struct tocsin_wave *waves;   /* in declaration order */
    size_t n_waves;
    struct tocsin_template_def *templates;
    size_t n_templates;

    struct tocsin_sandbox *sb;   /* owns the 'where' functions */
};

/* One --set K=V. */
struct tocsin_param_set {
    const char *key;
    const char *value;
};

/* Load the workspace config from 'path' (NULL or a missing file gives the
 * embedded defaults: outbox for every channel). Findings go to 'diags'
 * (every error in the file, not only the first); returns 0, or
 * TOCSIN_EINPUT when 'diags' holds an error, or TOCSIN_ERUNTIME (I/O) with
 * 'err' set. */
int tocsin_config_load(struct tocsin_config **out, const char *path,
                       struct tocsin_diags *diags, struct tocsin_error *err);

/* Load and check the playbook at 'path' against 'cfg' (channels, roles,
 * locales), with the --set overrides 'sets'. Templates are compiled; every
 * cross-reference is resolved or reported with a "did you mean" hint.
 * Returns 0 or TOCSIN_EINPUT (findings in 'diags') or TOCSIN_ERUNTIME. */
int tocsin_playbook_load(struct tocsin_playbook **out, const char *path,
                         const struct tocsin_config *cfg,
                         const struct tocsin_param_set *sets, size_t n_sets,
                         struct tocsin_diags *diags, struct tocsin_error *err);

/* The same from the bytes 'source' (an incident's snapshot), reported as
 * 'path'. */
int tocsin_playbook_load_source(struct tocsin_playbook **out,
                                const char *path, const char *source,
                                size_t len, const struct tocsin_config *cfg,
                                const struct tocsin_param_set *sets,
                                size_t n_sets, struct tocsin_diags *diags,
                                struct tocsin_error *err);

void tocsin_playbook_free(struct tocsin_playbook *pb);

/* Evaluate every audience's 'where' on 'row'. Bit i of '*out' is set when
 * row belongs to audience i (at most 64 audiences). Errors in a 'where'
 * (a Lua error, the instruction budget, the memory cap) are TOCSIN_EINPUT
 * with the playbook's file:line and the row's line in the message. */
int tocsin_playbook_match(uint64_t *out, struct tocsin_playbook *pb,
                          const struct tocsin_row *row,
                          struct tocsin_error *err);

/* Lookups by name; NULL when absent. Borrowed. */
const struct tocsin_wave *tocsin_playbook_wave(const struct tocsin_playbook *pb,
                                               const char *name);
const struct tocsin_template_def *
tocsin_playbook_template(const struct tocsin_playbook *pb, const char *name);
int tocsin_playbook_audience_index(const struct tocsin_playbook *pb,
                                   const char *name);
const struct tocsin_param *tocsin_playbook_param(const struct tocsin_playbook *pb,
                                                 const char *name);
const struct tocsin_compensation *
tocsin_playbook_compensation(const struct tocsin_playbook *pb,
                             const char *name);

/* The part 'part' of 'tpl' for 'locale', or NULL. Borrowed. */
const struct tocsin_template_part *
tocsin_template_part(const struct tocsin_template_locale *tl,
                     const char *part);

#endif
