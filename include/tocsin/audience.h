/*
 * audience.h - streaming the audience CSV (DESIGN §5).
 *
 * RFC 4180 parsing is libcsv's, in strict mode; this layer adds line
 * numbers, UTF-8 validation, the header and the known columns. Rows are
 * handed to a callback one at a time and never kept: memory is constant in
 * the number of rows except for the duplicate-id set (an 8-byte hash per
 * row, 11 to 23 bytes with the table's slack; a duplicate is confirmed and
 * its first line found by a second pass).
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

/* Zero in any size field means its default, so that a caller's opts
 * written before a field existed keeps today's behaviour. */
struct tocsin_audience_opts {
    size_t max_field;   /* bytes of one field; default 1 MiB */
    size_t max_fields;  /* columns; default 1024 */
    size_t max_rows;    /* 0: unlimited */
    int check_dup_ids;  /* default 1 (set by TOCSIN_AUDIENCE_OPTS_INIT) */
    int optional_id;    /* 1: no 'id' column needed, empty ids allowed
                           (conformance tests); default 0 */
    size_t max_record;  /* bytes of one record; default 4 MiB */
    size_t block_size;  /* bytes per read; default 64 KiB (tests make it
                           tiny to put block boundaries everywhere) */
};
#define TOCSIN_AUDIENCE_OPTS_INIT {1 << 20, 1024, 0, 1, 0, 4 << 20, 0}

struct tocsin_audience_stats {
    size_t rows;
    size_t bad_emails, bad_phones;
    size_t lines;       /* lines read, the last one counted without a
                           newline too */
    size_t bad_locales, bad_channels, bad_stages;
};

/* Stream 'path' (or standard input when path is "-", shown as "<stdin>"),
 * calling 'fn' for each data row. 'opts' may be NULL (the defaults).
 * Warnings (an invalid email, phone, locale or channels, an unknown stage,
 * a header name that looks like a misspelt known column) go to 'warnings'
 * as "path:line: warning: ..." findings, naming the row by its id, never a
 * value; 'warnings' may be NULL, and its 'max' caps how many are kept.
 * A malformed file, invalid UTF-8 or a NUL byte, a missing header or 'id'
 * column, an empty id, a row with the wrong number of fields, a field,
 * record, column count or row count over its limit, or a duplicate id
 * (naming both lines) is TOCSIN_EINPUT with 'err' at the line; so is a
 * missing file. An I/O error is TOCSIN_ERUNTIME. When 'fn' returns
 * nonzero the stream stops and returns that code ('err' as 'fn' left it,
 * with the audience's path and line filled in if it had none).
 * A duplicate id in a file is confirmed by reading the file a second time;
 * standard input or a pipe keeps each id's line instead (8 more bytes a
 * row).
 * 'stats' may be NULL; it is filled in on failure too (rows so far). */
int tocsin_audience_stream(const char *path,
                           const struct tocsin_audience_opts *opts,
                           tocsin_row_fn fn, void *payload,
                           struct tocsin_diags *warnings,
                           struct tocsin_audience_stats *stats,
                           struct tocsin_error *err);

/* Read only the header of 'path' (checked as the stream checks it: names
 * present, none twice, an 'id' column). The caller frees it with
 * tocsin_header_free(). Returns 0 or TOCSIN_EINPUT; on "-" it consumes
 * standard input. */
int tocsin_audience_header(struct tocsin_header **out, const char *path,
                           struct tocsin_error *err);
void tocsin_header_free(struct tocsin_header *h);

/* The value of column 'name' in 'row', or NULL when the file has no such
 * column. Borrowed. */
const char *tocsin_row_get(const struct tocsin_row *row, const char *name);

/* Validators used by the stream, exposed for tests and the dispatcher
 * (docs/audience.md says what each accepts). 'email' is a pragmatic
 * check, not RFC 5322: one '@', a local part without spaces, controls or
 * header specials, a domain of LDH (or UTF-8) labels with a dot. */
int tocsin_email_valid(const char *s);
int tocsin_phone_valid(const char *s);
/* Returns the byte offset of the first invalid UTF-8 sequence, or -1. */
long tocsin_utf8_invalid_at(const char *s, size_t len);

/* The recognised customer stages (DESIGN §2 point 9), NULL-terminated. */
extern const char *const tocsin_stages[];

/* ----- a raw RFC 4180 reader for tests and conformance ----------------- */

/* Parse all of 'data' (no header handling) and call 'fn' with each record
 * and the line where it starts. Used by the conformance tests and the fuzz
 * target; the streaming reader above is built on the same code, so a
 * leading BOM is dropped, fields must be UTF-8 without NUL, and the
 * default limits apply. Returns 0 or TOCSIN_EINPUT; a nonzero return from
 * 'fn' stops the parse and is returned, with 'err' naming the line. */
typedef int (*tocsin_record_fn)(void *payload, size_t line,
                                const char *const *fields,
                                const size_t *lens, size_t n);
int tocsin_csv_parse_buffer(const char *data, size_t len, tocsin_record_fn fn,
                            void *payload, struct tocsin_error *err);

#endif
