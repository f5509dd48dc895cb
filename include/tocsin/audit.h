/*
 * audit.h - the append-only history on branch 'audit' (DESIGN §8).
 *
 * One commit per action, written through the object database only (blobs,
 * tree builder, commit, compare-and-swap of the ref): the index and the
 * working tree are never touched, so people editing playbooks on 'main' are
 * never disturbed. The branch only moves forward; a tip that does not
 * descend from the one tocsin last saw means someone rewrote history, and
 * nothing more is written. Knows nothing of incidents beyond file paths
 * and trailers.
 */
#ifndef TOCSIN_AUDIT_H
#define TOCSIN_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

struct tocsin_audit;

#define TOCSIN_AUDIT_REF "refs/heads/audit"
#define TOCSIN_COMMITTER_DEFAULT "tocsin <tocsin@localhost>"

/* The actions a commit may record, NULL-terminated. */
extern const char *const tocsin_audit_actions[];

/* Open the repository of 'workspace_dir'. 'committer' is "Name <email>";
 * NULL gives TOCSIN_COMMITTER_DEFAULT. Returns 0 or TOCSIN_ERUNTIME. */
int tocsin_audit_open(struct tocsin_audit **out, const char *workspace_dir,
                      const char *committer, struct tocsin_error *err);
void tocsin_audit_free(struct tocsin_audit *a);

/* fsync every object and ref the audit writes (off by default: a killed
 * process loses nothing either way; a power cut can lose the last commits
 * without it). */
void tocsin_audit_set_fsync(int on);

/* Write the branch's first commit (README.md for auditors) unless the
 * branch exists. */
int tocsin_audit_init(struct tocsin_audit *a, int64_t when,
                      struct tocsin_error *err);

/* The tip's 40-hex id. Returns TOCSIN_EINPUT when there is no branch
 * ('err' may be NULL). */
int tocsin_audit_tip(struct tocsin_audit *a, char out[41],
                     struct tocsin_error *err);

struct tocsin_audit_file {
    const char *path;   /* "incidents/INC-1/summary.json" */
    const void *data;   /* NULL: delete the path */
    size_t len;
};

struct tocsin_trailer {
    const char *key;    /* "Tocsin-Approved-By" */
    const char *value;  /* one line; newlines become spaces */
};

struct tocsin_audit_entry {
    const char *action;       /* one of tocsin_audit_actions */
    const char *incident;     /* NULL only for init */
    const char *wave;         /* "acknowledge#1" or NULL */
    const char *playbook;     /* playbook id or NULL */
    const char *author_name;  /* the acting person */
    const char *author_email;
    int64_t when;             /* the event time (author and committer) */
    const char *subject;      /* "wave-done: INC-1 acknowledge#1 ..." */
    const char *body;         /* or NULL */
    const struct tocsin_audit_file *files;
    size_t n_files;
    const struct tocsin_trailer *trailers; /* extra trailers */
    size_t n_trailers;
    const char *expected_tip; /* the tip tocsin last recorded, or NULL */
};

/* Commit one action. Retries (bounded) when another tocsin moved the branch
 * forward meanwhile. TOCSIN_EAUDIT when the branch was rewritten (the tip
 * does not descend from 'expected_tip' or from what this call read);
 * TOCSIN_ERUNTIME on I/O errors (the branch is left as it was). Writes the
 * new commit's id to 'out' (may be NULL). */
int tocsin_audit_commit(struct tocsin_audit *a,
                        const struct tocsin_audit_entry *e, char out[41],
                        struct tocsin_error *err);

/* The content of 'path' at 'rev' (NULL: the tip), appended to 'out'.
 * TOCSIN_EINPUT when the path does not exist there. */
int tocsin_audit_read(struct tocsin_audit *a, const char *rev,
                      const char *path, struct tocsin_buf *out,
                      struct tocsin_error *err);

struct tocsin_audit_commit_info {
    char oid[41];
    const char *action, *incident, *wave; /* from trailers, "" if none */
    const char *author_name, *author_email;
    const char *committer;                /* "Name <email>" */
    int64_t time;
    const char *subject;
    const char *body;                     /* message without the subject */
    size_t n_parents;
    const struct tocsin_trailer *trailers;
    size_t n_trailers;
};

/* Return nonzero to stop the walk (that value is returned). */
typedef int (*tocsin_audit_log_fn)(void *payload,
                                   const struct tocsin_audit_commit_info *c);

/* Walk the branch's first-parent chain oldest first, calling 'fn' for
 * every commit (only those of 'incident' when it is not NULL). */
int tocsin_audit_log(struct tocsin_audit *a, const char *incident,
                     tocsin_audit_log_fn fn, void *payload,
                     struct tocsin_error *err);

/* Walk the commits after 'since' (a 40-hex id; NULL or "": all), newest
 * first, calling 'fn' for each. For recovery: the commits a crashed
 * process made but never recorded. */
int tocsin_audit_log_since(struct tocsin_audit *a, const char *since,
                           tocsin_audit_log_fn fn, void *payload,
                           struct tocsin_error *err);

/* The oldest commit whose version of 'path' has a line starting with
 * 'prefix'. TOCSIN_EINPUT when none has. */
int tocsin_audit_find_origin(struct tocsin_audit *a, const char *path,
                             const char *prefix, char out[41],
                             struct tocsin_error *err);

/* git's user.name and user.email for the repository (its config, then the
 * global one). Returns 0, or TOCSIN_EINPUT when either is unset. */
int tocsin_audit_identity(struct tocsin_audit *a, char name[128],
                          char email[128]);

/* Push refs/heads/audit to a configured remote name, or to a path/URL. */
int tocsin_audit_push(struct tocsin_audit *a, const char *remote,
                      struct tocsin_error *err);

struct tocsin_audit_expect {
    const char *tip;                 /* recorded tip, or NULL */
    const char *const *in_progress;  /* "INC-1 acknowledge#2" entries */
    size_t n_in_progress;
};

/* Check the history (see docs/audit.md): commits well formed, trailers
 * present and known, every wave-start finished or in progress, receipts
 * consistent with summaries at the tip, and the recorded tip an ancestor
 * of the current one. Findings (naming the commit and the file) go to
 * 'findings'; returns 0 when clean, TOCSIN_EAUDIT when any, another code on
 * failure to read. */
int tocsin_audit_verify(struct tocsin_audit *a, const char *incident,
                        const struct tocsin_audit_expect *expect,
                        struct tocsin_diags *findings,
                        struct tocsin_error *err);

#endif
