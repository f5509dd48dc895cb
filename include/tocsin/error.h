/*
 * error.h - how every failure in libtocsin reaches the user.
 *
 * A 'struct tocsin_error' is caller-owned and fixed-size, so setting one
 * never allocates (jansson's json_error_t). There is no global "last error".
 * The first error wins: outer layers may fill in a missing path or line with
 * tocsin_error_at(), never overwrite what an inner layer said.
 *
 * 'struct tocsin_diags' collects many findings (check, the linter, an
 * audience's warnings) so that a file reports every problem, not the first.
 *
 * Nothing here prints; cli.c renders errors as "path:line:col: error: msg".
 */
#ifndef TOCSIN_ERROR_H
#define TOCSIN_ERROR_H

#include <stddef.h>
#include <stdarg.h>

/* The values are the CLI's exit codes (DESIGN §11). */
enum tocsin_code {
    TOCSIN_OK = 0,
    TOCSIN_ERUNTIME = 1, /* runtime failure: I/O, a message failed */
    TOCSIN_EUSAGE = 2,   /* bad command line */
    TOCSIN_EINPUT = 3,   /* invalid playbook, config, template, audience */
    TOCSIN_EBUSY = 4,    /* the incident is locked by another tocsin */
    TOCSIN_EAUDIT = 5    /* audit verification failed */
};

struct tocsin_error {
    enum tocsin_code code;
    char path[256]; /* the user's file, "" if none */
    int line, col;  /* 1-based, 0 if unknown */
    char msg[512];
    char hint[256]; /* "did you mean 'recall'?", "" if none */
};

#define TOCSIN_ERROR_INIT {TOCSIN_OK, "", 0, 0, "", ""}

/* Reset 'err' to "no error". 'err' may be NULL. */
void tocsin_error_clear(struct tocsin_error *err);

/* Record an error unless 'err' already holds one (first error wins) and
 * return 'code', so that 'return tocsin_error_set(err, ...)' reads well.
 * 'path' may be NULL or "". 'err' may be NULL (the code is still returned). */
int tocsin_error_set(struct tocsin_error *err, enum tocsin_code code,
                     const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int tocsin_error_vset(struct tocsin_error *err, enum tocsin_code code,
                      const char *path, int line, const char *fmt,
                      va_list ap) __attribute__((format(printf, 5, 0)));

/* Set the column of the recorded error when it has none. */
void tocsin_error_col(struct tocsin_error *err, int col);

/* Set the hint of the recorded error (overwrites an empty hint only). */
void tocsin_error_hint(struct tocsin_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fill in 'path' (and 'line' when nonzero) when the error has none. */
void tocsin_error_at(struct tocsin_error *err, const char *path, int line);

/* Prefix the message with "what: " (an outer layer adding context). */
void tocsin_error_prefix(struct tocsin_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A "did you mean" helper: of the 'n' names in 'names', return the one
 * closest to 'name' by edit distance when it is close enough to be a likely
 * typo, else NULL. The result is borrowed from 'names'. */
const char *tocsin_did_you_mean(const char *name, const char *const *names,
                                size_t n);

/* ----- many findings --------------------------------------------------- */

enum tocsin_severity {
    TOCSIN_SEV_NOTE = 0,
    TOCSIN_SEV_WARNING = 1,
    TOCSIN_SEV_ERROR = 2
};

struct tocsin_diag {
    enum tocsin_severity severity;
    char *path;  /* "" if none */
    int line, col;
    char *rule;  /* linter rule id, or "" */
    char *msg;
    char *hint;  /* "" if none */
};

struct tocsin_diags {
    struct tocsin_diag *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
    size_t max; /* keep at most this many (0: unlimited); the rest count */
    size_t n_dropped;
};

#define TOCSIN_DIAGS_INIT {NULL, 0, 0, 0, 0, 0, 0}

void tocsin_diags_init(struct tocsin_diags *d);
void tocsin_diags_cleanup(struct tocsin_diags *d);

/* Append one finding. 'path', 'rule' and 'hint' may be NULL. */
void tocsin_diags_add(struct tocsin_diags *d, enum tocsin_severity sev,
                      const char *path, int line, int col, const char *rule,
                      const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Append 'err' as an error finding (no-op when err->code is TOCSIN_OK). */
void tocsin_diags_add_error(struct tocsin_diags *d,
                            const struct tocsin_error *err);

/* Sort by path, line, column (stable), for deterministic output. */
void tocsin_diags_sort(struct tocsin_diags *d);

#endif
