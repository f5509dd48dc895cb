/*
 * journal.h - the durable state of every incident (DESIGN §8): SQLite in
 * WAL mode at .tocsin/journal.db. Every message is a row here before any
 * channel sees it and changes state in transactions, so a process killed at
 * any instant loses nothing; 'tocsin run' resumes where it stopped.
 *
 * The message rows are reached through the outbox interface (outbox.h) so
 * that another backend can serve them; incidents, events, approvals,
 * occurrences, recipients and the recorded audit tip are here. Knows no
 * channels, no templates, no git. Table and column names are a public
 * interface: operators query them with sqlite3 (docs/journal.md).
 */
#ifndef TOCSIN_JOURNAL_H
#define TOCSIN_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/error.h"

struct tocsin_journal;

#define TOCSIN_JOURNAL_SCHEMA 1

/* Open (creating or migrating) the journal at 'path'. A file that is not a
 * journal, a newer schema or an I/O error is TOCSIN_ERUNTIME naming the
 * file. */
int tocsin_journal_open(struct tocsin_journal **out, const char *path,
                        struct tocsin_error *err);
void tocsin_journal_free(struct tocsin_journal *j);

/* Transactions (BEGIN IMMEDIATE / COMMIT / ROLLBACK). */
int tocsin_journal_begin(struct tocsin_journal *j, struct tocsin_error *err);
int tocsin_journal_commit(struct tocsin_journal *j, struct tocsin_error *err);
void tocsin_journal_rollback(struct tocsin_journal *j);

/* ----- incidents ------------------------------------------------------- */

struct tocsin_incident_rec {
    char *id;
    char *playbook;      /* playbook id */
    char *playbook_path; /* where it was loaded from */
    char *title;
    char *state;         /* draft, open, resolved, closed */
    char *opened_by;
    int64_t opened_at, resolved_at, closed_at; /* -1 when not yet */
    char *params;        /* JSON object */
    char *audience;      /* JSON: path, sha256, rows, columns */
    char *snapshot;      /* the playbook source that runs */
    size_t snapshot_len;
};

void tocsin_incident_rec_free(struct tocsin_incident_rec *r);

/* "INC-YYYYMMDD-NN" for the UTC day of 'when': the next free number. */
int tocsin_journal_next_id(char out[32], struct tocsin_journal *j,
                           int64_t when, struct tocsin_error *err);

/* Insert; TOCSIN_EINPUT when the id exists. */
int tocsin_journal_incident_add(struct tocsin_journal *j,
                                const struct tocsin_incident_rec *r,
                                struct tocsin_error *err);

/* Read one; TOCSIN_EINPUT "unknown incident" with a "did you mean". */
int tocsin_journal_incident_get(struct tocsin_incident_rec **out,
                                struct tocsin_journal *j, const char *id,
                                struct tocsin_error *err);

/* Every incident, newest first. */
typedef int (*tocsin_incident_fn)(void *payload,
                                  const struct tocsin_incident_rec *r);
int tocsin_journal_incidents(struct tocsin_journal *j, tocsin_incident_fn fn,
                             void *payload, struct tocsin_error *err);

/* Record the audience digest (JSON) of an incident. */
int tocsin_journal_incident_audience(struct tocsin_journal *j, const char *id,
                                     const char *json,
                                     struct tocsin_error *err);

/* Set the state (and resolved_at / closed_at for those states). */
int tocsin_journal_incident_state(struct tocsin_journal *j, const char *id,
                                  const char *state, int64_t at,
                                  struct tocsin_error *err);

/* ----- events and approvals -------------------------------------------- */

int tocsin_journal_event_add(struct tocsin_journal *j, const char *incident,
                             const char *name, int64_t at, const char *actor,
                             const char *note, struct tocsin_error *err);

/* When 'name' first happened, or -1. */
int tocsin_journal_event_time(int64_t *out, struct tocsin_journal *j,
                              const char *incident, const char *name,
                              struct tocsin_error *err);

/* TOCSIN_EINPUT when the wave was already approved (naming by whom). */
int tocsin_journal_approval_add(struct tocsin_journal *j,
                                const char *incident, const char *wave,
                                const char *actor, const char *note,
                                int64_t at, struct tocsin_error *err);
int tocsin_journal_approved(int *out, struct tocsin_journal *j,
                            const char *incident, const char *wave,
                            struct tocsin_error *err);

/* ----- wave occurrences ------------------------------------------------ */

struct tocsin_occ {
    int64_t id;
    char wave[128];
    int seq;            /* n of wave#n */
    int64_t due_at;
    char state[16];     /* scheduled, started, done, cancelled */
    int64_t started_at, done_at, order; /* order: start order, 0 before */
};

int tocsin_journal_occ_add(int64_t *id_out, struct tocsin_journal *j,
                           const char *incident, const char *wave, int seq,
                           int64_t due_at, struct tocsin_error *err);

/* Every occurrence of the incident by due time. Free with free(). */
int tocsin_journal_occ_list(struct tocsin_occ **out, size_t *n_out,
                            struct tocsin_journal *j, const char *incident,
                            struct tocsin_error *err);

/* Move to 'state' at 'at' (started sets started_at and the start order,
 * done and cancelled set done_at). */
int tocsin_journal_occ_state(struct tocsin_journal *j, int64_t id,
                             const char *state, int64_t at,
                             struct tocsin_error *err);

/* ----- recipients ------------------------------------------------------ */

/* Insert one (use inside a transaction; the statement is reused). */
int tocsin_journal_recipient_add(struct tocsin_journal *j,
                                 const char *incident, int64_t rid,
                                 const char *id, uint64_t audiences,
                                 const char *data, size_t len,
                                 struct tocsin_error *err);

typedef int (*tocsin_recipient_fn)(void *payload, int64_t rid,
                                   const char *id, uint64_t audiences,
                                   const char *data, size_t len);

/* Every recipient in rid order (file order). */
int tocsin_journal_recipients(struct tocsin_journal *j, const char *incident,
                              tocsin_recipient_fn fn, void *payload,
                              struct tocsin_error *err);

/* One recipient by rid or by customer id (rid < 0). TOCSIN_EINPUT when
 * unknown. 'data' is malloc'd; free it. */
int tocsin_journal_recipient_get(int64_t *rid_out, char **id_out,
                                 char **data_out, struct tocsin_journal *j,
                                 const char *incident, int64_t rid,
                                 const char *id, struct tocsin_error *err);

/* ----- the audit tip and monitor state --------------------------------- */

int tocsin_journal_tip_set(struct tocsin_journal *j, const char *tip,
                           int64_t at, struct tocsin_error *err);
/* '*out' is "" when nothing was recorded. */
int tocsin_journal_tip_get(char out[41], struct tocsin_journal *j,
                           struct tocsin_error *err);

int tocsin_journal_kv_set(struct tocsin_journal *j, const char *scope,
                          const char *key, const char *json, int64_t at,
                          struct tocsin_error *err);
/* '*out' (malloc'd) is NULL when absent. */
int tocsin_journal_kv_get(char **out, struct tocsin_journal *j,
                          const char *scope, const char *key,
                          struct tocsin_error *err);

/* The SQLite handle, for the outbox backend (outbox_sqlite.c) only. */
struct sqlite3 *tocsin_journal_db(struct tocsin_journal *j);

#endif
