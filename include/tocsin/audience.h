/*
 * audience.h - streaming the audience CSV (DESIGN §5).
 *
 * RFC 4180 parsing is libcsv's, in strict mode; this layer adds line
 * numbers, UTF-8 validation, the header and the known columns. Rows are
 * handed to a callback one at a time and never kept: memory is constant in
 * the number of rows except for the duplicate-id set (8 bytes of hash per
 * row; a duplicate is confirmed and its first line found by a second pass).
 * Knows nothing of playbooks, Lua or channels.
 */
#ifndef TOCSIN_AUDIENCE_H
#define TOCSIN_AUDIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/error.h"

/* Known columns; TOCSIN_COL_NONE when the file has no such column. */
enum tocsin_col {
    TOCSIN_COL_ID,
    TOCSIN_COL_NAME,
    TOCSIN_COL_FIRST_NAME,
    TOCSIN_COL_EMAIL,
    TOCSIN_COL_PHONE,
    TOCSIN_COL_LOCALE,
    TOCSIN_COL_TZ,
    TOCSIN_COL_CHANNELS,
    TOCSIN_COL_STAGE,
    TOCSIN_N_COLS
};
#define TOCSIN_COL_NONE ((size_t)-1)

struct tocsin_header {
    char **names;         /* column names in file order, UTF-8 */
    size_t n;
    size_t known[TOCSIN_N_COLS]; /* index into names, or TOCSIN_COL_NONE */
};

/* One data row. Everything is borrowed and valid only during the callback. */
struct tocsin_row {
    size_t line;               /* 1-based line where the record starts */
    const struct tocsin_header *hdr;
    const char *const *fields; /* hdr->n NUL-terminated UTF-8 strings */
    const size_t *lens;
    /* The known columns, validated; NULL when absent, empty or invalid
     * (an invalid email or phone has been reported as a warning). */
    const char *id;
    const char *email;
    const char *phone;         /* E.164: '+' and 8-15 digits */
    const char *locale;
    const char *tz;
    const char *channels;      /* "sms;email;-social" */
    const char *stage;
};

/* Return 0 to continue, or an error code (with 'err' set) to stop. */
typedef int (*tocsin_row_fn)(void *payload, const struct tocsin_row *row,
                             struct tocsin_error *err);

struct tocsin_audience_opts {
    size_t max_field;   /* bytes; default 1 MiB */
    size_t max_fields;  /* columns; default 1024 */
    size_t max_rows;    /* 0: unlimited */
    int check_dup_ids;  /* default 1 (set by TOCSIN_AUDIENCE_OPTS_INIT) */
    int require_id;     /* default 1: an 'id' column in every row */
    size_t block;       /* read size in bytes; default 64 KiB */
};
#define TOCSIN_AUDIENCE_OPTS_INIT {1 << 20, 1024, 0, 1, 1, 0}

struct tocsin_audience_stats {
    size_t rows;
    size_t bad_emails, bad_phones;
    size_t lines;
};

/* Stream 'path' (or standard input when path is "-"), calling 'fn' for each
 * data row. Warnings (an invalid email or phone, an unknown stage) go to
 * 'warnings' as "path:line: warning: ..." findings, naming the row, never
 * the value. A malformed file, invalid UTF-8, a missing header or 'id'
 * column, a row with the wrong number of fields, an oversized field or a
 * duplicate id (naming both lines) is TOCSIN_EINPUT with 'err' at the
 * line. An I/O error is TOCSIN_ERUNTIME. 'stats' may be NULL. */
int tocsin_audience_stream(const char *path,
                           const struct tocsin_audience_opts *opts,
                           tocsin_row_fn fn, void *payload,
                           struct tocsin_diags *warnings,
                           struct tocsin_audience_stats *stats,
                           struct tocsin_error *err);

/* Read only the header of 'path'. The caller frees it with
 * tocsin_header_free(). */
int tocsin_audience_header(struct tocsin_header **out, const char *path,
                           struct tocsin_error *err);
void tocsin_header_free(struct tocsin_header *h);

/* The value of column 'name' in 'row', or NULL when the file has no such
 * column. Borrowed. */
const char *tocsin_row_get(const struct tocsin_row *row, const char *name);

/* Validators used by the stream, exposed for tests and the dispatcher. */
int tocsin_email_valid(const char *s);
int tocsin_phone_valid(const char *s);
/* Returns the byte offset of the first invalid UTF-8 sequence, or -1. */
long tocsin_utf8_invalid_at(const char *s, size_t len);

/* The recognised customer stages (DESIGN §2 point 9), NULL-terminated. */
extern const char *const tocsin_stages[];

/* ----- a raw RFC 4180 reader for tests and conformance ----------------- */

/* Parse all of 'data' (no header handling) and call 'fn' with each record.
 * Used by the conformance tests and the fuzz target; the streaming reader
 * above is built on the same code. */
typedef int (*tocsin_record_fn)(void *payload, size_t line,
                                const char *const *fields,
                                const size_t *lens, size_t n);
int tocsin_csv_parse_buffer(const char *data, size_t len, tocsin_record_fn fn,
                            void *payload, struct tocsin_error *err);

#endif
