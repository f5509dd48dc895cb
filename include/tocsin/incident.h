/*
 * incident.h - incidents from open to close (DESIGN §8, §11): open streams
 * the audience once and enqueues; run delivers what is due; approve,
 * signal, update, resolve and close move the incident; every action is an
 * audit commit and every message a journal row first.
 *
 * The engine that the CLI commands drive. Never prints: results come back
 * as structs and JSON, progress through a callback.
 */
#ifndef TOCSIN_INCIDENT_H
#define TOCSIN_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tocsin/audit.h"
#include "tocsin/config.h"
#include "tocsin/error.h"
#include "tocsin/journal.h"
#include "tocsin/outbox.h"
#include "tocsin/playbook.h"
#include "tocsin/workspace.h"

/* An open workspace with everything the incident commands need. */
struct tocsin_ctx {
    struct tocsin_workspace *ws;
    struct tocsin_config *cfg;
    struct tocsin_journal *j;
    struct tocsin_outbox *ob;
    struct tocsin_audit *audit;
    unsigned char secret[32];
};

/* Open the workspace at 'dir' (NULL: find it from the current directory),
 * its config (findings in 'diags'), journal, outbox and audit branch. */
int tocsin_ctx_open(struct tocsin_ctx **out, const char *dir,
                    struct tocsin_diags *diags, struct tocsin_error *err);
void tocsin_ctx_free(struct tocsin_ctx *c);

/* Who acts: "Name <email>" from --as, else git's user.name and user.email
 * of the workspace repository. TOCSIN_EUSAGE when neither is known. */
struct tocsin_actor {
    char name[128];
    char email[128];
};
int tocsin_actor_resolve(struct tocsin_actor *out, const char *as,
                         const struct tocsin_ctx *c, struct tocsin_error *err);

struct tocsin_open_opts {
    const char *playbook;   /* id or path */
    const char *audience;   /* CSV path */
    const char *id;         /* or NULL: INC-YYYYMMDD-NN */
    const struct tocsin_param_set *sets;
    size_t n_sets;
    const struct tocsin_actor *actor;
    int64_t now;
    int draft;              /* hold every wave until the draft is approved */
    /* progress: called every few thousand rows (may be NULL) */
    void (*progress)(void *payload, size_t rows);
    void *payload;
};

struct tocsin_open_result {
    char id[32];
    size_t recipients;
    size_t messages;       /* enqueued now (the waves due at fixed times) */
    size_t occurrences;
    char commit[41];
};

/* Open an incident. Every row is checked first (audience, 'where',
 * rendering for every channel it will get); nothing is written unless all
 * of it passes. Findings go to 'diags'. */
int tocsin_incident_open(struct tocsin_open_result *out,
                         struct tocsin_ctx *c,
                         const struct tocsin_open_opts *o,
                         struct tocsin_diags *diags,
                         struct tocsin_error *err);

/* Per-channel tallies of one run. */
struct tocsin_run_tally {
    char channel[32];
    size_t sent, failed, unknown, deferred, skipped;
};

struct tocsin_run_report {
    struct tocsin_run_tally tally[32];
    size_t n_tally;
    size_t started, finished;  /* wave occurrences */
    size_t due;                /* dry run: messages that would go now */
    int closed;
};

struct tocsin_run_opts {
    int follow;                 /* keep going until the incident closes */
    int dry_run;                /* say what is due; change nothing */
    const struct tocsin_actor *actor;
    void (*progress)(void *payload, const char *what, size_t done,
                     size_t total);
    void *payload;
    volatile int *stop;         /* set by a signal handler to stop */
};

/* Deliver what is due now (and, with follow, whatever becomes due until
 * the incident closes). TOCSIN_EBUSY when another run holds the incident.
 * Returns 0; the report says what failed. */
int tocsin_incident_run(struct tocsin_run_report *out, struct tocsin_ctx *c,
                        const char *id, const struct tocsin_run_opts *o,
                        struct tocsin_error *err);

int tocsin_incident_approve(struct tocsin_ctx *c, const char *id,
                            const char *wave, const struct tocsin_actor *a,
                            const char *note, int64_t now,
                            struct tocsin_error *err);
int tocsin_incident_signal(struct tocsin_ctx *c, const char *id,
                           const char *event, const struct tocsin_actor *a,
                           const char *note, int64_t now,
                           struct tocsin_error *err);
/* Publish 'message' on 'channels' (NULL: banner and status). */
int tocsin_incident_update(struct tocsin_ctx *c, const char *id,
                           const char *message, const char *const *channels,
                           size_t n_channels, const struct tocsin_actor *a,
                           int64_t now, struct tocsin_error *err);
int tocsin_incident_resolve(struct tocsin_ctx *c, const char *id,
                            const struct tocsin_actor *a, const char *message,
                            int64_t now, struct tocsin_error *err);
int tocsin_incident_close(struct tocsin_ctx *c, const char *id,
                          const struct tocsin_actor *a, int64_t now,
                          struct tocsin_error *err);

/* Settle messages whose outcome is unknown: 'how' is "resend",
 * "mark-sent" or "mark-failed". '*n' gets how many. */
int tocsin_incident_reconcile(size_t *n, struct tocsin_ctx *c,
                              const char *id, const char *how,
                              const struct tocsin_actor *a, int64_t now,
                              struct tocsin_error *err);

/* The status document of one incident (docs/cmd-status.md). */
int tocsin_incident_status(json_t **out, struct tocsin_ctx *c,
                           const char *id, int64_t now,
                           struct tocsin_error *err);

/* {"incidents": [{"id", "state", "playbook", "title", "opened_at"}]}. */
int tocsin_incident_list(json_t **out, struct tocsin_ctx *c,
                         struct tocsin_error *err);

/* The audit expectations of the workspace's journal: the recorded tip and
 * the occurrences still in progress ("INC-1 wave#n"). Free with
 * tocsin_expect_free(). */
int tocsin_incident_expect(struct tocsin_audit_expect *out,
                           struct tocsin_ctx *c, struct tocsin_error *err);
void tocsin_expect_free(struct tocsin_audit_expect *x);

/* What 'audit prove' needs: re-render what recipient 'rid' (the audience
 * id) was sent in incident 'id', and find its receipts. The result is an
 * array of {wave, channel, locale, sha256, receipt, commit, text}. */
int tocsin_incident_prove(json_t **out, struct tocsin_ctx *c, const char *id,
                          const char *rid, struct tocsin_error *err);

#endif
