/*
 * outbox_sqlite.c - the outbox interface on the journal's 'messages'
 * table (WITHOUT ROWID, keyed by occurrence, row, channel: inserts arrive
 * in key order, so a million of them append instead of scattering; the
 * idempotency key is a virtual column derived from that key).
 *
 * A claim is one transaction: pick due 'pending' rows through the partial
 * index messages_due, set them 'sending' and count the attempt. Marks are
 * batched by the caller into one transaction per batch. A process killed
 * between the two leaves rows in 'sending'; in_doubt() finds them.
 */
#include "tocsin/outbox.h"
#include "tocsin/journal.h"
#include "tocsin/buf.h"
#include "tocsin/mem.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

const char *const tocsin_mstate_names[TOCSIN_M_N] = {
    "pending", "sending", "sent", "failed", "skipped", "unknown", "held"};

enum tocsin_mstate tocsin_mstate_parse(const char *s)
{
    int i;

    for (i = 0; s && i < TOCSIN_M_N; i++)
        if (!strcmp(s, tocsin_mstate_names[i]))
            return (enum tocsin_mstate)i;
    return TOCSIN_M_N;
}

void tocsin_msg_key(char out[160], const char *incident, int64_t occurrence,
                    int64_t rid, const char *channel)
{
    tocsin_format(out, 160, "%s/%lld/%lld/%s", incident,
                  (long long)occurrence, (long long)rid, channel);
}

struct sq {
    struct tocsin_outbox base;
    struct tocsin_journal *j;
    sqlite3 *db;
    sqlite3_stmt *ins, *upd;
};

static int fail(struct sq *q, struct tocsin_error *err, const char *what)
{
    return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                            "journal: %s: %s", what, sqlite3_errmsg(q->db));
}

static int sq_enqueue(struct tocsin_outbox *o, const char *incident,
                      int64_t occurrence, int64_t rid, const char *recipient,
                      const char *channel, enum tocsin_mstate state,
                      int64_t next_attempt_at, int alt, int64_t coupon,
                      struct tocsin_error *err)
{
    struct sq *q = (struct sq *)o;
    sqlite3_stmt *st;

    if (!q->ins && sqlite3_prepare_v2(
                       q->db,
                       "INSERT INTO messages (occurrence, rid, channel, "
                       "incident, recipient, state, next_attempt_at, alt, "
                       "coupon, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?7)",
                       -1, &q->ins, NULL) != SQLITE_OK)
        return fail(q, err, "prepare");
    st = q->ins;
    sqlite3_bind_int64(st, 1, occurrence);
    sqlite3_bind_int64(st, 2, rid);
    sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, incident, -1, SQLITE_STATIC);
    if (recipient && *recipient)
        sqlite3_bind_text(st, 5, recipient, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, tocsin_mstate_names[state], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, next_attempt_at);
    sqlite3_bind_int(st, 8, alt);
    if (coupon >= 0)
        sqlite3_bind_int64(st, 9, coupon);
    else
        sqlite3_bind_null(st, 9);
    if (sqlite3_step(st) != SQLITE_DONE) {
        int constraint = (sqlite3_errcode(q->db) & 0xff) == SQLITE_CONSTRAINT;

        sqlite3_reset(st);
        if (constraint)
            return 0; /* enqueued already: once per occurrence and channel */
        return fail(q, err, "enqueue");
    }
    sqlite3_reset(st);
    return 0;
}

static void read_msg(struct tocsin_msg *m, sqlite3_stmt *st,
                     const char *incident)
{
    const unsigned char *t;

    memset(m, 0, sizeof *m);
    m->occurrence = sqlite3_column_int64(st, 0);
    m->rid = sqlite3_column_int64(st, 1);
    tocsin_format(m->channel, sizeof m->channel, "%s",
                  sqlite3_column_text(st, 2));
    t = sqlite3_column_text(st, 3);
    tocsin_format(m->recipient, sizeof m->recipient, "%s",
                  t ? (const char *)t : "");
    m->state = tocsin_mstate_parse((const char *)sqlite3_column_text(st, 4));
    m->attempts = sqlite3_column_int(st, 5);
    m->next_attempt_at = sqlite3_column_int64(st, 6);
    m->alt = sqlite3_column_int(st, 7);
    t = sqlite3_column_text(st, 8);
    tocsin_format(m->ref, sizeof m->ref, "%s", t ? (const char *)t : "");
    t = sqlite3_column_text(st, 9);
    tocsin_format(m->sha, sizeof m->sha, "%s", t ? (const char *)t : "");
    m->sent_at = sqlite3_column_type(st, 10) == SQLITE_NULL
                     ? -1
                     : sqlite3_column_int64(st, 10);
    m->coupon = sqlite3_column_type(st, 11) == SQLITE_NULL
                    ? -1
                    : sqlite3_column_int64(st, 11);
    tocsin_msg_key(m->key, incident, m->occurrence, m->rid, m->channel);
}

#define MSG_COLS                                                             \
    "occurrence, rid, channel, recipient, state, attempts, next_attempt_at," \
    " alt, provider_ref, text_sha256, coalesce(sent_at, updated_at), coupon"

static int select_msgs(struct sq *q, struct tocsin_msg **out, size_t *n_out,
                       const char *sql, const char *incident, int64_t a,
                       int64_t b, struct tocsin_error *err)
{
    sqlite3_stmt *st;
    struct tocsin_msg *v = NULL;
    size_t n = 0, cap = 0;
    int s;

    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(q, err, "prepare");
    sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a);
    sqlite3_bind_int64(st, 3, b);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = tocsin_xreallocarray(v, cap, sizeof *v);
        }
        read_msg(&v[n++], st, incident);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        free(v);
        return fail(q, err, "read messages");
    }
    *out = v;
    *n_out = n;
    return 0;
}

static int sq_claim(struct tocsin_outbox *o, struct tocsin_msg **out,
                    size_t *n_out, const char *incident, int64_t now,
                    size_t max, struct tocsin_error *err)
{
    struct sq *q = (struct sq *)o;
    sqlite3_stmt *st;
    size_t i;
    int rc;

    *out = NULL;
    *n_out = 0;
    if ((rc = tocsin_journal_begin(q->j, err)))
        return rc;
    rc = select_msgs(q, out, n_out,
                     "SELECT " MSG_COLS " FROM messages WHERE incident = ?1"
                     " AND state IN ('pending', 'sending') AND state ="
                     " 'pending' AND next_attempt_at <= ?2 ORDER BY"
                     " next_attempt_at, occurrence, rid LIMIT ?3",
                     incident, now, (int64_t)max, err);
    if (rc)
        goto fail;
    if (sqlite3_prepare_v2(q->db,
                           "UPDATE messages SET state = 'sending', attempts "
                           "= attempts + 1, updated_at = ? WHERE occurrence ="
                           " ? AND rid = ? AND channel = ?", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = fail(q, err, "prepare");
        goto fail;
    }
    for (i = 0; i < *n_out; i++) {
        struct tocsin_msg *m = &(*out)[i];

        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, m->occurrence);
        sqlite3_bind_int64(st, 3, m->rid);
        sqlite3_bind_text(st, 4, m->channel, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            rc = fail(q, err, "claim");
            goto fail;
        }
        sqlite3_reset(st);
        m->state = TOCSIN_M_SENDING;
        m->attempts++;
    }
    sqlite3_finalize(st);
    if ((rc = tocsin_journal_commit(q->j, err)))
        goto fail;
    return 0;
fail:
    tocsin_journal_rollback(q->j);
    free(*out);
    *out = NULL;
    *n_out = 0;
    return rc;
}

static int sq_mark(struct tocsin_outbox *o, const struct tocsin_msg *const *msgs,
                   const struct tocsin_mark *marks, size_t n,
                   struct tocsin_error *err)
{
    struct sq *q = (struct sq *)o;
    sqlite3_stmt *st;
    size_t i;
    int rc;

    if (!n)
        return 0;
    if ((rc = tocsin_journal_begin(q->j, err)))
        return rc;
    if (!q->upd &&
        sqlite3_prepare_v2(q->db,
                           "UPDATE messages SET state = ?1, provider_ref = "
                           "coalesce(?2, provider_ref), error = ?3, "
                           "text_sha256 = coalesce(?4, text_sha256), "
                           "sent_at = CASE WHEN ?1 = 'sent' THEN ?5 ELSE "
                           "sent_at END, next_attempt_at = ?6, updated_at = "
                           "?5, alt = ?7, channel = coalesce(?8, channel) "
                           "WHERE occurrence = ?9 AND rid = ?10 AND channel "
                           "= ?11", -1, &q->upd, NULL) != SQLITE_OK) {
        rc = fail(q, err, "prepare");
        goto fail;
    }
    st = q->upd;
    for (i = 0; i < n; i++) {
        const struct tocsin_mark *k = &marks[i];
        const struct tocsin_msg *m = msgs[i];

        sqlite3_bind_text(st, 1, tocsin_mstate_names[k->state], -1,
                          SQLITE_STATIC);
        if (k->ref)
            sqlite3_bind_text(st, 2, k->ref, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 2);
        if (k->error)
            sqlite3_bind_text(st, 3, k->error, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 3);
        if (k->sha)
            sqlite3_bind_text(st, 4, k->sha, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int64(st, 5, k->at);
        sqlite3_bind_int64(st, 6, k->state == TOCSIN_M_PENDING
                                      ? k->next_attempt_at
                                      : m->next_attempt_at);
        sqlite3_bind_int(st, 7, k->state == TOCSIN_M_PENDING ? k->alt
                                                             : m->alt);
        if (k->channel)
            sqlite3_bind_text(st, 8, k->channel, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 8);
        sqlite3_bind_int64(st, 9, m->occurrence);
        sqlite3_bind_int64(st, 10, m->rid);
        sqlite3_bind_text(st, 11, m->channel, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_reset(st);
            rc = fail(q, err, "record a result");
            goto fail;
        }
        sqlite3_reset(st);
    }
    if ((rc = tocsin_journal_commit(q->j, err)))
        goto fail;
    return 0;
fail:
    tocsin_journal_rollback(q->j);
    return rc;
}

static int sq_in_doubt(struct tocsin_outbox *o, struct tocsin_msg **out,
                       size_t *n_out, const char *incident,
                       struct tocsin_error *err)
{
    return select_msgs((struct sq *)o, out, n_out,
                       "SELECT " MSG_COLS " FROM messages WHERE incident = ?1"
                       " AND state IN ('pending', 'sending') AND state = "
                       "'sending' AND ?2 = ?2 AND ?3 = ?3 ORDER BY "
                       "occurrence, rid", incident, 0, 0, err);
}

static int sq_move(struct tocsin_outbox *o, int64_t occurrence,
                   enum tocsin_mstate from, enum tocsin_mstate to, int64_t at,
                   const char *why, struct tocsin_error *err)
{
    struct sq *q = (struct sq *)o;
    sqlite3_stmt *st;
    int ok;

    if (sqlite3_prepare_v2(q->db,
                           "UPDATE messages SET state = ?, updated_at = ?, "
                           "error = coalesce(?, error), next_attempt_at = "
                           "max(next_attempt_at, ?2) WHERE occurrence = ? "
                           "AND state = ?", -1, &st, NULL) != SQLITE_OK)
        return fail(q, err, "prepare");
    sqlite3_bind_text(st, 1, tocsin_mstate_names[to], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    if (why)
        sqlite3_bind_text(st, 3, why, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, occurrence);
    sqlite3_bind_text(st, 5, tocsin_mstate_names[from], -1, SQLITE_STATIC);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : fail(q, err, "move messages");
}

static int sq_counts(struct tocsin_outbox *o, struct tocsin_count **out,
                     size_t *n_out, const char *incident, int64_t occurrence,
                     struct tocsin_error *err)
{
    struct sq *q = (struct sq *)o;
    sqlite3_stmt *st;
    struct tocsin_count *v = NULL;
    size_t n = 0, cap = 0;
    int s;
    const char *sql =
        occurrence >= 0
            ? "SELECT occurrence, channel, state, count(*) FROM messages "
              "WHERE occurrence = ?2 AND ?1 = ?1 GROUP BY occurrence, "
              "channel, state"
            : "SELECT m.occurrence, m.channel, m.state, count(*) FROM "
              "occurrences o JOIN messages m ON m.occurrence = o.id WHERE "
              "o.incident = ?1 AND ?2 = ?2 GROUP BY m.occurrence, m.channel,"
              " m.state";

    *out = NULL;
    *n_out = 0;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(q, err, "prepare");
    sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, occurrence);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            v = tocsin_xreallocarray(v, cap, sizeof *v);
        }
        v[n].occurrence = sqlite3_column_int64(st, 0);
        tocsin_format(v[n].channel, sizeof v[n].channel, "%s",
                      sqlite3_column_text(st, 1));
        v[n].state = tocsin_mstate_parse(
            (const char *)sqlite3_column_text(st, 2));
        v[n].n = sqlite3_column_int64(st, 3);
        n++;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        free(v);
        return fail(q, err, "count messages");
    }
    *out = v;
    *n_out = n;
    return 0;
}

static int sq_each(struct tocsin_outbox *o, const char *incident,
                   enum tocsin_mstate only,
                   int (*fn)(void *payload, const struct tocsin_msg *m),
                   void *payload, struct tocsin_error *err)
{
    struct sq *q = (struct sq *)o;
    sqlite3_stmt *st;
    struct tocsin_msg m;
    int rc = 0, s;

    if (sqlite3_prepare_v2(q->db,
                           "SELECT m.occurrence, m.rid, m.channel, "
                           "m.recipient, m.state, m.attempts, "
                           "m.next_attempt_at, m.alt, m.provider_ref, "
                           "m.text_sha256, coalesce(m.sent_at, m.updated_at),"
                           " m.coupon FROM occurrences o JOIN messages m ON "
                           "m.occurrence = o.id WHERE o.incident = ?1 AND "
                           "(?2 = '' OR m.state = ?2) ORDER BY m.occurrence,"
                           " m.rid, m.channel", -1, &st, NULL) != SQLITE_OK)
        return fail(q, err, "prepare");
    sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, only < TOCSIN_M_N ? tocsin_mstate_names[only]
                                               : "", -1, SQLITE_STATIC);
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        read_msg(&m, st, incident);
        rc = fn(payload, &m);
    }
    if (!rc && s != SQLITE_DONE)
        rc = fail(q, err, "read messages");
    sqlite3_finalize(st);
    return rc;
}

static int sq_next_due(struct tocsin_outbox *o, int64_t *out,
                       const char *incident, struct tocsin_error *err)
{
    struct sq *q = (struct sq *)o;
    sqlite3_stmt *st;
    int s;

    *out = -1;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT min(next_attempt_at) FROM messages WHERE "
                           "incident = ? AND state IN ('pending', 'sending')"
                           " AND state = 'pending'", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(q, err, "prepare");
    sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    if (s == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? 0 : fail(q, err, "read");
}

static void sq_free(struct tocsin_outbox *o)
{
    struct sq *q = (struct sq *)o;

    if (!q)
        return;
    sqlite3_finalize(q->ins);
    sqlite3_finalize(q->upd);
    free(q);
}

static const struct tocsin_outbox_ops sqlite_ops = {
    sq_enqueue, sq_claim, sq_mark, sq_in_doubt, sq_move,
    sq_counts,  sq_each,  sq_next_due, sq_free};

int tocsin_outbox_sqlite(struct tocsin_outbox **out, struct tocsin_journal *j,
                         struct tocsin_error *err)
{
    struct sq *q = tocsin_xcalloc(1, sizeof *q);

    (void)err;
    q->base.ops = &sqlite_ops;
    q->j = j;
    q->db = tocsin_journal_db(j);
    *out = &q->base;
    return 0;
}
