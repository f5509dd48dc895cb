/*
 * journal.c - incidents, events, approvals, occurrences, recipients and
 * the recorded audit tip, in SQLite.
 *
 * WAL mode with synchronous=NORMAL: a committed transaction survives the
 * process being killed at any instant (the WAL is in the kernel's hands);
 * only a power cut can lose the last few commits, and then the outbox
 * files, git and the journal roll back together to an earlier consistent
 * point because the run loop journals a send only after the channel has
 * it. synchronous=FULL would fsync every commit and cap the dispatcher at
 * the disk's flush rate; docs/journal.md says how to switch.
 */
#include "tocsin/journal.h"
#include "tocsin/buf.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"
#include "tocsin/outbox.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

struct tocsin_journal {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *add_recipient;
};

/* The schema, version by version. Each runs in one transaction. */
static const char *const migrations[] = {
    /* 1 */
    "CREATE TABLE incidents ("
    " id TEXT PRIMARY KEY, playbook TEXT NOT NULL, playbook_path TEXT,"
    " title TEXT, state TEXT NOT NULL, opened_by TEXT, opened_at INTEGER,"
    " resolved_at INTEGER, closed_at INTEGER, params TEXT, audience TEXT,"
    " snapshot BLOB, updated_at INTEGER);"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY, incident TEXT NOT NULL REFERENCES incidents,"
    " name TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT, note TEXT);"
    "CREATE INDEX events_incident ON events(incident, name);"
    "CREATE TABLE approvals ("
    " incident TEXT NOT NULL REFERENCES incidents, wave TEXT NOT NULL,"
    " actor TEXT, note TEXT, at INTEGER, PRIMARY KEY (incident, wave));"
    "CREATE TABLE occurrences ("
    " id INTEGER PRIMARY KEY, incident TEXT NOT NULL REFERENCES incidents,"
    " wave TEXT NOT NULL, seq INTEGER NOT NULL, due_at INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'scheduled', started_at INTEGER,"
    " done_at INTEGER, start_order INTEGER,"
    " UNIQUE (incident, wave, seq));"
    "CREATE TABLE recipients ("
    " incident TEXT NOT NULL, rid INTEGER NOT NULL, id TEXT NOT NULL,"
    " audiences INTEGER NOT NULL, data BLOB,"
    " PRIMARY KEY (incident, rid)) WITHOUT ROWID;"
    "CREATE TABLE messages ("
    " occurrence INTEGER NOT NULL, rid INTEGER NOT NULL,"
    " channel TEXT NOT NULL, incident TEXT NOT NULL, recipient TEXT,"
    " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at INTEGER NOT NULL, provider_ref TEXT, error TEXT,"
    " text_sha256 TEXT, sent_at INTEGER, alt INTEGER NOT NULL DEFAULT 0,"
    " coupon INTEGER, updated_at INTEGER,"
    " idempotency_key TEXT GENERATED ALWAYS AS"
    "  (incident || '/' || occurrence || '/' || rid || '/' || channel)"
    "  VIRTUAL,"
    " PRIMARY KEY (occurrence, rid, channel)) WITHOUT ROWID;"
    "CREATE INDEX messages_due ON messages(incident, next_attempt_at)"
    " WHERE state IN ('pending', 'sending');"
    "CREATE TABLE audit_tips ("
    " id INTEGER PRIMARY KEY, tip TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE TABLE monitor_state ("
    " scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT, updated_at INTEGER,"
    " PRIMARY KEY (scope, key));",
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

static int db_fail(struct tocsin_journal *j, struct tocsin_error *err,
                   const char *what)
{
    int code = sqlite3_extended_errcode(j->db);

    return tocsin_error_set(err, code == SQLITE_BUSY ? TOCSIN_EBUSY
                                                     : TOCSIN_ERUNTIME,
                            j->path, 0, "journal: %s: %s", what,
                            sqlite3_errmsg(j->db));
}

sqlite3 *tocsin_journal_db(struct tocsin_journal *j)
{
    return j->db;
}

static int exec(struct tocsin_journal *j, const char *sql,
                struct tocsin_error *err)
{
    char *msg = NULL;

    if (sqlite3_exec(j->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        tocsin_error_set(err, TOCSIN_ERUNTIME, j->path, 0, "journal: %s",
                         msg ? msg : sqlite3_errmsg(j->db));
        sqlite3_free(msg);
        return TOCSIN_ERUNTIME;
    }
    return 0;
}

int tocsin_journal_begin(struct tocsin_journal *j, struct tocsin_error *err)
{
    return exec(j, "BEGIN IMMEDIATE", err);
}

int tocsin_journal_commit(struct tocsin_journal *j, struct tocsin_error *err)
{
    int rc = exec(j, "COMMIT", err);

    if (rc)
        tocsin_journal_rollback(j);
    return rc;
}

void tocsin_journal_rollback(struct tocsin_journal *j)
{
    if (!sqlite3_get_autocommit(j->db))
        sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

static int migrate(struct tocsin_journal *j, struct tocsin_error *err)
{
    sqlite3_stmt *st = NULL;
    int version = 0, rc;
    size_t v;

    if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_fail(j, err, "cannot read the schema version");
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > (int)N_MIGRATIONS) {
        tocsin_error_set(err, TOCSIN_ERUNTIME, j->path, 0,
                         "journal schema %d is newer than this tocsin "
                         "understands (%d)", version, (int)N_MIGRATIONS);
        tocsin_error_hint(err, "use a newer tocsin");
        return TOCSIN_ERUNTIME;
    }
    for (v = (size_t)version; v < N_MIGRATIONS; v++) {
        struct tocsin_buf sql = TOCSIN_BUF_INIT(0);

        tocsin_buf_addf(&sql, "BEGIN IMMEDIATE; %s PRAGMA user_version = "
                              "%zu; COMMIT;", migrations[v], v + 1);
        rc = exec(j, sql.ptr, err);
        tocsin_buf_cleanup(&sql);
        if (rc) {
            tocsin_journal_rollback(j);
            return rc;
        }
    }
    return 0;
}

int tocsin_journal_open(struct tocsin_journal **out, const char *path,
                        struct tocsin_error *err)
{
    struct tocsin_journal *j = tocsin_xcalloc(1, sizeof *j);
    int rc;

    j->path = tocsin_xstrdup(path);
    if (sqlite3_open_v2(path, &j->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = db_fail(j, err, "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(j->db, 30000);
    sqlite3_extended_result_codes(j->db, 1);
    /* a file that is not a database fails here, with SQLite's words */
    if ((rc = exec(j, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                      "PRAGMA foreign_keys = ON;", err)))
        goto fail;
    if ((rc = migrate(j, err)))
        goto fail;
    *out = j;
    return 0;
fail:
    tocsin_error_hint(err, "the journal is .tocsin/journal.db; restore it "
                           "from a backup, or move it aside to start over");
    tocsin_journal_free(j);
    return rc ? rc : TOCSIN_ERUNTIME;
}

void tocsin_journal_free(struct tocsin_journal *j)
{
    if (!j)
        return;
    sqlite3_finalize(j->add_recipient);
    sqlite3_close(j->db);
    free(j->path);
    free(j);
}

/* Prepare, bind text/int arguments by a tiny format, step once. 'fmt':
 * 's' text (NULL binds NULL), 'i' int64, 'b' blob (ptr, len). */
static int run(struct tocsin_journal *j, sqlite3_stmt **keep,
               struct tocsin_error *err, const char *sql, const char *fmt,
               ...)
{
    sqlite3_stmt *st;
    va_list ap;
    int i, rc;

    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(j, err, "prepare");
    va_start(ap, fmt);
    for (i = 0; fmt[i]; i++) {
        if (fmt[i] == 's') {
            const char *s = va_arg(ap, const char *);

            if (s)
                sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
        } else if (fmt[i] == 'i') {
            sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
        } else {
            const void *p = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);

            sqlite3_bind_blob64(st, i + 1, p, n, SQLITE_TRANSIENT);
        }
    }
    va_end(ap);
    rc = sqlite3_step(st);
    if (keep && rc == SQLITE_ROW) {
        *keep = st;
        return 0;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        if (keep)
            *keep = NULL;
        return 0;
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return TOCSIN_EINPUT; /* the caller words it */
    return db_fail(j, err, "write");
}

static char *col_str(sqlite3_stmt *st, int c)
{
    const unsigned char *t = sqlite3_column_text(st, c);

    return t ? tocsin_xstrdup((const char *)t) : NULL;
}

static int64_t col_time(sqlite3_stmt *st, int c)
{
    return sqlite3_column_type(st, c) == SQLITE_NULL
               ? -1
               : sqlite3_column_int64(st, c);
}

/* ----- incidents ------------------------------------------------------- */

void tocsin_incident_rec_free(struct tocsin_incident_rec *r)
{
    if (!r)
        return;
    free(r->id);
    free(r->playbook);
    free(r->playbook_path);
    free(r->title);
    free(r->state);
    free(r->opened_by);
    free(r->params);
    free(r->audience);
    free(r->snapshot);
    free(r);
}

int tocsin_journal_next_id(char out[32], struct tocsin_journal *j,
                           int64_t when, struct tocsin_error *err)
{
    char day[32], prefix[32];
    sqlite3_stmt *st = NULL;
    int n = 1, rc;

    tocsin_time_format(day, sizeof day, when);
    tocsin_format(prefix, sizeof prefix, "INC-%.4s%.2s%.2s-", day, day + 5,
                  day + 8);
    rc = run(j, &st, err,
             "SELECT id FROM incidents WHERE id LIKE ?1 || '%' ORDER BY "
             "length(id) DESC, id DESC LIMIT 1", "s", prefix);
    if (rc)
        return rc;
    if (st) {
        const char *last = (const char *)sqlite3_column_text(st, 0);
        long k = strtol(last + strlen(prefix), NULL, 10);

        n = (int)k + 1;
        sqlite3_finalize(st);
    }
    tocsin_format(out, 32, "%s%02d", prefix, n);
    return 0;
}

int tocsin_journal_incident_add(struct tocsin_journal *j,
                                const struct tocsin_incident_rec *r,
                                struct tocsin_error *err)
{
    int rc = run(j, NULL, err,
                 "INSERT INTO incidents (id, playbook, playbook_path, title,"
                 " state, opened_by, opened_at, params, audience, snapshot,"
                 " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                 "ssssssissbi", r->id, r->playbook, r->playbook_path,
                 r->title, r->state, r->opened_by, r->opened_at, r->params,
                 r->audience, r->snapshot, r->snapshot_len, r->opened_at);

    if (rc == TOCSIN_EINPUT)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "incident '%s' already exists", r->id);
    return rc;
}

static struct tocsin_incident_rec *row_incident(sqlite3_stmt *st)
{
    struct tocsin_incident_rec *r = tocsin_xcalloc(1, sizeof *r);
    const void *b;

    r->id = col_str(st, 0);
    r->playbook = col_str(st, 1);
    r->playbook_path = col_str(st, 2);
    r->title = col_str(st, 3);
    r->state = col_str(st, 4);
    r->opened_by = col_str(st, 5);
    r->opened_at = col_time(st, 6);
    r->resolved_at = col_time(st, 7);
    r->closed_at = col_time(st, 8);
    r->params = col_str(st, 9);
    r->audience = col_str(st, 10);
    b = sqlite3_column_blob(st, 11);
    r->snapshot_len = (size_t)sqlite3_column_bytes(st, 11);
    r->snapshot = tocsin_xmalloc(r->snapshot_len + 1);
    if (b)
        memcpy(r->snapshot, b, r->snapshot_len);
    r->snapshot[r->snapshot_len] = '\0';
    return r;
}

#define INCIDENT_COLS                                                        \
    "id, playbook, playbook_path, title, state, opened_by, opened_at,"       \
    " resolved_at, closed_at, params, audience, snapshot"

int tocsin_journal_incident_get(struct tocsin_incident_rec **out,
                                struct tocsin_journal *j, const char *id,
                                struct tocsin_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = run(j, &st, err,
                 "SELECT " INCIDENT_COLS " FROM incidents WHERE id = ?", "s",
                 id);

    if (rc)
        return rc;
    if (!st) {
        /* a did-you-mean over the known ids */
        const char *names[64];
        char *owned[64];
        size_t n = 0, i;
        const char *g;
        sqlite3_stmt *l;

        tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                         "unknown incident '%s'", id);
        if (sqlite3_prepare_v2(j->db, "SELECT id FROM incidents ORDER BY "
                                      "opened_at DESC LIMIT 64",
                               -1, &l, NULL) == SQLITE_OK) {
            while (sqlite3_step(l) == SQLITE_ROW && n < 64) {
                owned[n] = col_str(l, 0);
                names[n] = owned[n];
                n++;
            }
            sqlite3_finalize(l);
        }
        if ((g = tocsin_did_you_mean(id, names, n)))
            tocsin_error_hint(err, "did you mean '%s'?", g);
        else
            tocsin_error_hint(err, "'tocsin list' shows the incidents");
        for (i = 0; i < n; i++)
            free(owned[i]);
        return TOCSIN_EINPUT;
    }
    *out = row_incident(st);
    sqlite3_finalize(st);
    return 0;
}

int tocsin_journal_incidents(struct tocsin_journal *j, tocsin_incident_fn fn,
                             void *payload, struct tocsin_error *err)
{
    sqlite3_stmt *st;
    int rc = 0, s;

    if (sqlite3_prepare_v2(j->db,
                           "SELECT " INCIDENT_COLS " FROM incidents ORDER BY "
                           "opened_at DESC, id DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(j, err, "read incidents");
    while ((s = sqlite3_step(st)) == SQLITE_ROW && !rc) {
        struct tocsin_incident_rec *r = row_incident(st);

        rc = fn(payload, r);
        tocsin_incident_rec_free(r);
    }
    if (s != SQLITE_DONE && s != SQLITE_ROW && !rc)
        rc = db_fail(j, err, "read incidents");
    sqlite3_finalize(st);
    return rc;
}

int tocsin_journal_incident_audience(struct tocsin_journal *j, const char *id,
                                     const char *json,
                                     struct tocsin_error *err)
{
    return run(j, NULL, err, "UPDATE incidents SET audience = ? WHERE id = ?",
               "ss", json, id);
}

int tocsin_journal_incident_state(struct tocsin_journal *j, const char *id,
                                  const char *state, int64_t at,
                                  struct tocsin_error *err)
{
    const char *sql =
        !strcmp(state, "resolved")
            ? "UPDATE incidents SET state = ?, resolved_at = ?3, updated_at"
              " = ?3 WHERE id = ?2"
        : !strcmp(state, "closed")
            ? "UPDATE incidents SET state = ?, closed_at = ?3, updated_at ="
              " ?3 WHERE id = ?2"
            : "UPDATE incidents SET state = ?, updated_at = ?3 WHERE id = ?2";

    return run(j, NULL, err, sql, "ssi", state, id, at);
}

/* ----- events and approvals -------------------------------------------- */

int tocsin_journal_event_add(struct tocsin_journal *j, const char *incident,
                             const char *name, int64_t at, const char *actor,
                             const char *note, struct tocsin_error *err)
{
    return run(j, NULL, err,
               "INSERT INTO events (incident, name, at, actor, note) VALUES "
               "(?,?,?,?,?)", "ssiss", incident, name, at, actor, note);
}

int tocsin_journal_event_time(int64_t *out, struct tocsin_journal *j,
                              const char *incident, const char *name,
                              struct tocsin_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = run(j, &st, err,
                 "SELECT min(at) FROM events WHERE incident = ? AND name = ?"
                 " HAVING count(*) > 0", "ss", incident, name);

    *out = -1;
    if (rc)
        return rc;
    if (st) {
        *out = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return 0;
}

int tocsin_journal_approval_add(struct tocsin_journal *j,
                                const char *incident, const char *wave,
                                const char *actor, const char *note,
                                int64_t at, struct tocsin_error *err)
{
    int rc = run(j, NULL, err,
                 "INSERT INTO approvals (incident, wave, actor, note, at) "
                 "VALUES (?,?,?,?,?)", "ssssi", incident, wave, actor, note,
                 at);

    if (rc == TOCSIN_EINPUT) {
        sqlite3_stmt *st = NULL;

        tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                         "wave '%s' of %s is already approved", wave,
                         incident);
        if (!run(j, &st, NULL, "SELECT actor FROM approvals WHERE incident ="
                               " ? AND wave = ?", "ss", incident, wave) &&
            st) {
            tocsin_error_hint(err, "approved by %s",
                              sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
        }
    }
    return rc;
}

int tocsin_journal_approved(int *out, struct tocsin_journal *j,
                            const char *incident, const char *wave,
                            struct tocsin_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = run(j, &st, err,
                 "SELECT 1 FROM approvals WHERE incident = ? AND wave = ?",
                 "ss", incident, wave);

    *out = 0;
    if (rc)
        return rc;
    if (st) {
        *out = 1;
        sqlite3_finalize(st);
    }
    return 0;
}

/* ----- occurrences ----------------------------------------------------- */

int tocsin_journal_occ_add(int64_t *id_out, struct tocsin_journal *j,
                           const char *incident, const char *wave, int seq,
                           int64_t due_at, struct tocsin_error *err)
{
    int rc = run(j, NULL, err,
                 "INSERT INTO occurrences (incident, wave, seq, due_at) "
                 "VALUES (?,?,?,?)", "ssii", incident, wave, (int64_t)seq,
                 due_at);

    if (rc == TOCSIN_EINPUT)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "occurrence %s#%d exists", wave, seq);
    if (!rc && id_out)
        *id_out = sqlite3_last_insert_rowid(j->db);
    return rc;
}

int tocsin_journal_occ_list(struct tocsin_occ **out, size_t *n_out,
                            struct tocsin_journal *j, const char *incident,
                            struct tocsin_error *err)
{
    sqlite3_stmt *st;
    struct tocsin_occ *v = NULL;
    size_t n = 0, cap = 0;
    int s;

    *out = NULL;
    *n_out = 0;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT id, wave, seq, due_at, state, started_at,"
                           " done_at, coalesce(start_order, 0) FROM "
                           "occurrences WHERE incident = ? ORDER BY due_at,"
                           " id", -1, &st, NULL) != SQLITE_OK)
        return db_fail(j, err, "read occurrences");
    sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct tocsin_occ *o;

        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = tocsin_xreallocarray(v, cap, sizeof *v);
        }
        o = &v[n++];
        memset(o, 0, sizeof *o);
        o->id = sqlite3_column_int64(st, 0);
        tocsin_format(o->wave, sizeof o->wave, "%s",
                      sqlite3_column_text(st, 1));
        o->seq = sqlite3_column_int(st, 2);
        o->due_at = sqlite3_column_int64(st, 3);
        tocsin_format(o->state, sizeof o->state, "%s",
                      sqlite3_column_text(st, 4));
        o->started_at = col_time(st, 5);
        o->done_at = col_time(st, 6);
        o->order = sqlite3_column_int64(st, 7);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        free(v);
        return db_fail(j, err, "read occurrences");
    }
    *out = v;
    *n_out = n;
    return 0;
}

int tocsin_journal_occ_state(struct tocsin_journal *j, int64_t id,
                             const char *state, int64_t at,
                             struct tocsin_error *err)
{
    if (!strcmp(state, "started"))
        return run(j, NULL, err,
                   "UPDATE occurrences SET state = 'started', started_at = ?,"
                   " start_order = (SELECT coalesce(max(start_order), 0) + 1"
                   " FROM occurrences WHERE incident = (SELECT incident FROM"
                   " occurrences WHERE id = ?2)) WHERE id = ?2", "ii", at,
                   id);
    return run(j, NULL, err,
               "UPDATE occurrences SET state = ?, done_at = ? WHERE id = ?",
               "sii", state, at, id);
}

/* ----- recipients ------------------------------------------------------ */

int tocsin_journal_recipient_add(struct tocsin_journal *j,
                                 const char *incident, int64_t rid,
                                 const char *id, uint64_t audiences,
                                 const char *data, size_t len,
                                 struct tocsin_error *err)
{
    sqlite3_stmt *st = j->add_recipient;

    if (!st) {
        if (sqlite3_prepare_v2(j->db,
                               "INSERT INTO recipients (incident, rid, id, "
                               "audiences, data) VALUES (?,?,?,?,?)",
                               -1, &j->add_recipient, NULL) != SQLITE_OK)
            return db_fail(j, err, "prepare");
        st = j->add_recipient;
    }
    sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, rid);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)audiences);
    sqlite3_bind_blob64(st, 5, data, len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        return db_fail(j, err, "add a recipient");
    }
    sqlite3_reset(st);
    return 0;
}

int tocsin_journal_recipients(struct tocsin_journal *j, const char *incident,
                              tocsin_recipient_fn fn, void *payload,
                              struct tocsin_error *err)
{
    sqlite3_stmt *st;
    int rc = 0, s;

    if (sqlite3_prepare_v2(j->db,
                           "SELECT rid, id, audiences, data FROM recipients"
                           " WHERE incident = ? ORDER BY rid", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(j, err, "read recipients");
    sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(payload, sqlite3_column_int64(st, 0),
                (const char *)sqlite3_column_text(st, 1),
                (uint64_t)sqlite3_column_int64(st, 2),
                sqlite3_column_blob(st, 3),
                (size_t)sqlite3_column_bytes(st, 3));
    if (!rc && s != SQLITE_DONE)
        rc = db_fail(j, err, "read recipients");
    sqlite3_finalize(st);
    return rc;
}

int tocsin_journal_recipient_get(int64_t *rid_out, char **id_out,
                                 char **data_out, struct tocsin_journal *j,
                                 const char *incident, int64_t rid,
                                 const char *id, struct tocsin_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (rid >= 0)
        rc = run(j, &st, err, "SELECT rid, id, data FROM recipients WHERE "
                              "incident = ? AND rid = ?", "si", incident,
                 rid);
    else
        rc = run(j, &st, err, "SELECT rid, id, data FROM recipients WHERE "
                              "incident = ? AND id = ?", "ss", incident, id);
    if (rc)
        return rc;
    if (!st)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "no recipient '%s' in %s",
                                id ? id : "?", incident);
    if (rid_out)
        *rid_out = sqlite3_column_int64(st, 0);
    if (id_out)
        *id_out = col_str(st, 1);
    if (data_out) {
        size_t n = (size_t)sqlite3_column_bytes(st, 2);

        *data_out = tocsin_xmalloc(n + 1);
        if (n)
            memcpy(*data_out, sqlite3_column_blob(st, 2), n);
        (*data_out)[n] = '\0';
    }
    sqlite3_finalize(st);
    return 0;
}

/* ----- audit tip, monitor state ---------------------------------------- */

int tocsin_journal_tip_set(struct tocsin_journal *j, const char *tip,
                           int64_t at, struct tocsin_error *err)
{
    return run(j, NULL, err,
               "INSERT INTO audit_tips (tip, at) VALUES (?, ?)", "si", tip,
               at);
}

int tocsin_journal_tip_get(char out[41], struct tocsin_journal *j,
                           struct tocsin_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = run(j, &st, err,
                 "SELECT tip FROM audit_tips ORDER BY id DESC LIMIT 1", "");

    out[0] = '\0';
    if (rc)
        return rc;
    if (st) {
        tocsin_format(out, 41, "%s", sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    return 0;
}

int tocsin_journal_kv_set(struct tocsin_journal *j, const char *scope,
                          const char *key, const char *json, int64_t at,
                          struct tocsin_error *err)
{
    return run(j, NULL, err,
               "INSERT INTO monitor_state (scope, key, value, updated_at) "
               "VALUES (?,?,?,?) ON CONFLICT (scope, key) DO UPDATE SET "
               "value = excluded.value, updated_at = excluded.updated_at",
               "sssi", scope, key, json, at);
}

int tocsin_journal_kv_get(char **out, struct tocsin_journal *j,
                          const char *scope, const char *key,
                          struct tocsin_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = run(j, &st, err,
                 "SELECT value FROM monitor_state WHERE scope = ? AND key = ?",
                 "ss", scope, key);

    *out = NULL;
    if (rc)
        return rc;
    if (st) {
        *out = col_str(st, 0);
        sqlite3_finalize(st);
    }
    return 0;
}
