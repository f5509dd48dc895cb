/*
 * outbox.h - the seam between the engine and where messages wait (DESIGN
 * §15): enqueue, claim a batch, mark a result, recover after a crash,
 * count. The engine only speaks this interface; the SQLite journal is one
 * backend, and a PostgreSQL backend (claims with FOR UPDATE SKIP LOCKED and
 * a lease column) slots in without touching callers.
 */
#ifndef TOCSIN_OUTBOX_H
#define TOCSIN_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/error.h"

struct tocsin_journal;

/* Message states (the journal stores their names). */
enum tocsin_mstate {
    TOCSIN_M_PENDING, TOCSIN_M_SENDING, TOCSIN_M_SENT, TOCSIN_M_FAILED,
    TOCSIN_M_SKIPPED, TOCSIN_M_UNKNOWN, TOCSIN_M_HELD, TOCSIN_M_N
};

extern const char *const tocsin_mstate_names[TOCSIN_M_N];

/* One message as the outbox holds it: what to send is re-derived from the
 * recipient and the occurrence, never stored rendered. */
struct tocsin_msg {
    int64_t occurrence;
    int64_t rid;           /* audience row; < 0: a broadcast (-1 - locale) */
    char channel[32];
    char recipient[64];    /* customer id, "" for broadcasts */
    int attempts;
    int alt;               /* failover position in the recipient's route */
    int64_t coupon;        /* index into the wave's coupon pool, or -1 */
    int64_t next_attempt_at;
    enum tocsin_mstate state;
    char key[160];         /* the idempotency key */
    char ref[192];         /* provider reference, "" if none */
    char sha[65];          /* hex, "" if none */
    int64_t sent_at;       /* -1 if not sent */
};

/* A result to record. */
struct tocsin_mark {
    enum tocsin_mstate state;  /* SENT, FAILED, SKIPPED, UNKNOWN, PENDING
                                  (retry), HELD */
    const char *ref;           /* or NULL */
    const char *error;         /* or NULL; no customer data, no secrets */
    const char *sha;           /* hex or NULL */
    int64_t at;                /* when */
    int64_t next_attempt_at;   /* PENDING: when to retry */
    int alt;                   /* PENDING after failover: the next channel */
    const char *channel;       /* PENDING after failover, else NULL */
};

struct tocsin_count {
    int64_t occurrence;
    char channel[32];
    enum tocsin_mstate state;
    int64_t n;
};

struct tocsin_outbox;

struct tocsin_outbox_ops {
    /* Add a message (part of the caller's transaction). */
    int (*enqueue)(struct tocsin_outbox *o, const char *incident,
                   int64_t occurrence, int64_t rid, const char *recipient,
                   const char *channel, enum tocsin_mstate state,
                   int64_t next_attempt_at, int alt, int64_t coupon,
                   struct tocsin_error *err);
    /* Claim up to 'max' due pending messages of 'incident': they become
     * 'sending' with attempts + 1, in one transaction. '*out' is
     * malloc'd. */
    int (*claim)(struct tocsin_outbox *o, struct tocsin_msg **out,
                 size_t *n_out, const char *incident, int64_t now,
                 size_t max, struct tocsin_error *err);
    /* Record results; 'n' marks in one transaction. */
    int (*mark)(struct tocsin_outbox *o, const struct tocsin_msg *const *msgs,
                const struct tocsin_mark *marks, size_t n,
                struct tocsin_error *err);
    /* Messages left in 'sending' (a crash): '*out' malloc'd. */
    int (*in_doubt)(struct tocsin_outbox *o, struct tocsin_msg **out,
                    size_t *n_out, const char *incident,
                    struct tocsin_error *err);
    /* Move every message of 'occurrence' in state 'from' to 'to'. */
    int (*move)(struct tocsin_outbox *o, int64_t occurrence,
                enum tocsin_mstate from, enum tocsin_mstate to, int64_t at,
                const char *why, struct tocsin_error *err);
    /* Counts by occurrence, channel, state ('occurrence' < 0: all of the
     * incident). '*out' malloc'd. */
    int (*counts)(struct tocsin_outbox *o, struct tocsin_count **out,
                  size_t *n_out, const char *incident, int64_t occurrence,
                  struct tocsin_error *err);
    /* Every message of the incident (receipts, status), in key order. */
    int (*each)(struct tocsin_outbox *o, const char *incident,
                enum tocsin_mstate only, /* TOCSIN_M_N: all */
                int (*fn)(void *payload, const struct tocsin_msg *m),
                void *payload, struct tocsin_error *err);
    /* The earliest next_attempt_at of a pending message, or -1. */
    int (*next_due)(struct tocsin_outbox *o, int64_t *out,
                    const char *incident, struct tocsin_error *err);
    void (*free)(struct tocsin_outbox *o);
};

struct tocsin_outbox {
    const struct tocsin_outbox_ops *ops;
};

/* The SQLite backend on an open journal (which must outlive it). */
int tocsin_outbox_sqlite(struct tocsin_outbox **out, struct tocsin_journal *j,
                         struct tocsin_error *err);

/* "INC-1/3/1234/email": the idempotency key of a message. */
void tocsin_msg_key(char out[160], const char *incident, int64_t occurrence,
                    int64_t rid, const char *channel);

enum tocsin_mstate tocsin_mstate_parse(const char *s);

#endif
