/*
 * audience.c - the audience CSV, streamed.
 *
 * libcsv does the RFC 4180 parsing (strict mode); this file feeds it one
 * line at a time so that it can say on which line each record starts (libcsv
 * reports no positions), validates UTF-8 and the known columns, and hands
 * each row to a callback. Nothing grows with the number of rows but the set
 * of id hashes (8 bytes a row); a repeated hash is confirmed, and its first
 * line found, by a second pass over the file - a rare error path.
 */
#include "tocsin/audience.h"
#include "tocsin/buf.h"
#include "tocsin/hashset.h"
#include "tocsin/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

/* libcsv's parser state between records (libcsv.c's ROW_NOT_BEGUN; the
 * struct is public, the constant is not). */
#define CSV_ROW_NOT_BEGUN 0

const char *const tocsin_stages[] = {
    "lost", "complaint", "grumbling", "dissatisfied", "not_dissatisfied",
    "not_satisfied", "satisfied", "praising", "loyal", NULL};

static const char *const known_names[TOCSIN_N_COLS] = {
    "id", "name", "first_name", "email", "phone", "locale", "tz",
    "channels", "stage"};

struct reader {
    const char *path;
    const struct tocsin_audience_opts *opts;
    tocsin_row_fn fn;
    tocsin_record_fn raw_fn;  /* raw mode: no header handling */
    void *payload;
    struct tocsin_diags *warnings;
    struct tocsin_audience_stats *stats;
    struct tocsin_error *err;
    int rc;                   /* sticky: the first failure */
    int header_only;          /* stop after the header */
    int done;

    struct csv_parser p;
    size_t line;              /* lines fed so far */
    size_t record_line;       /* where the record being parsed began */
    int at_line_start;

    /* the current record: fields concatenated, NUL-separated */
    struct tocsin_buf fields;
    size_t *offs, *lens;
    size_t n_fields, cap_fields;

    struct tocsin_header *hdr;
    const char **ptrs;        /* per row, into 'fields' */
    struct tocsin_hashset ids;
    FILE *f;
};

static int fail(struct reader *r, enum tocsin_code code, size_t line,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct reader *r, enum tocsin_code code, size_t line,
                const char *fmt, ...)
{
    va_list ap;

    if (r->rc)
        return r->rc;
    va_start(ap, fmt);
    tocsin_error_vset(r->err, code, r->path, (int)line, fmt, ap);
    va_end(ap);
    r->rc = code;
    return code;
}

long tocsin_utf8_invalid_at(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n, k;
        unsigned long cp;

        if (c < 0x80) {
            /* ASCII runs, eight bytes at a time */
            while (i + 8 <= len) {
                uint64_t w;

                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            if (i < len && s[i] < 0x80)
                i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return (long)i;
        }
        for (k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return (long)i;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        /* overlongs, surrogates, beyond U+10FFFF */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return (long)i;
        i += n + 1;
    }
    return -1;
}

int tocsin_email_valid(const char *s)
{
    const char *at = strchr(s, '@'), *p, *dom;
    size_t len = strlen(s);
    int dot = 0, label = 0;

    if (!at || at == s || strchr(at + 1, '@') || len > 254 ||
        (size_t)(at - s) > 64)
        return 0;
    for (p = s; p < at; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' ||
            *p == '>' || *p == '(' || *p == ')' || *p == ',' || *p == ';' ||
            *p == ':' || *p == '\\' || *p == '"' || *p == '[' || *p == ']')
            return 0;
    if (s[0] == '.' || at[-1] == '.' || strstr(s, ".."))
        return 0;
    dom = at + 1;
    if (!*dom || *dom == '.' || *dom == '-')
        return 0;
    for (p = dom; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '.') {
            if (!label || p[-1] == '-')
                return 0;
            dot = 1;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-' || c >= 0x80) {
            label++;
            if (label > 63)
                return 0;
        } else {
            return 0;
        }
    }
    return dot && label >= 2 && p[-1] != '-';
}

int tocsin_phone_valid(const char *s)
{
    size_t n = 0;

    if (s[0] != '+' || s[1] < '1' || s[1] > '9')
        return 0;
    for (s++; *s; s++, n++)
        if (*s < '0' || *s > '9')
            return 0;
    return n >= 8 && n <= 15;
}

static int locale_shape(const char *s)
{
    size_t first = strcspn(s, "-_"), i;

    if (first < 2 || first > 3)
        return 0;
    for (i = 0; s[i]; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-'))
            return 0;
        if (c == '-' && (s[i + 1] == '-' || !s[i + 1]))
            return 0;
    }
    for (i = 0; i < first; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return 0;
    return 1;
}

static int channels_shape(const char *s)
{
    const char *p;
    int in_name = 0;

    for (p = s; *p; p++) {
        char c = *p;

        if (c == ';') {
            if (!in_name)
                return 0;
            in_name = 0;
        } else if (c == '-' && !in_name) {
            if (p[1] == ';' || !p[1])
                return 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '_' || c == '-') {
            in_name = 1;
        } else {
            return 0;
        }
    }
    return in_name;
}

/* ----- libcsv callbacks ------------------------------------------------ */

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    size_t max_fields = r->opts->max_fields ? r->opts->max_fields : 1024;

    if (r->rc || r->done)
        return;
    if (r->n_fields >= max_fields) {
        fail(r, TOCSIN_EINPUT, r->record_line,
             "row has more than %zu fields", max_fields);
        return;
    }
    if (tocsin_utf8_invalid_at(s ? s : "", len) >= 0) {
        fail(r, TOCSIN_EINPUT, r->record_line,
             "invalid UTF-8 in field %zu (the file must be UTF-8)",
             r->n_fields + 1);
        return;
    }
    if (r->n_fields == r->cap_fields) {
        r->cap_fields = r->cap_fields ? r->cap_fields * 2 : 32;
        r->offs = tocsin_xreallocarray(r->offs, r->cap_fields,
                                       sizeof *r->offs);
        r->lens = tocsin_xreallocarray(r->lens, r->cap_fields,
                                       sizeof *r->lens);
    }
    r->offs[r->n_fields] = r->fields.len;
    r->lens[r->n_fields] = len;
    tocsin_buf_add(&r->fields, s ? s : "", len);
    tocsin_buf_addc(&r->fields, '\0');
    r->n_fields++;
}

static int take_header(struct reader *r)
{
    struct tocsin_header *h = tocsin_xcalloc(1, sizeof *h);
    size_t i, j;

    r->hdr = h;
    h->n = r->n_fields;
    h->names = tocsin_xcalloc(h->n + 1, sizeof *h->names);
    for (i = 0; i < TOCSIN_N_COLS; i++)
        h->known[i] = TOCSIN_COL_NONE;
    for (i = 0; i < h->n; i++) {
        const char *name = r->fields.ptr + r->offs[i];

        h->names[i] = tocsin_xstrdup(name);
        if (!*name)
            return fail(r, TOCSIN_EINPUT, r->record_line,
                        "column %zu of the header has no name", i + 1);
        for (j = 0; j < i; j++)
            if (!strcmp(h->names[j], name))
                return fail(r, TOCSIN_EINPUT, r->record_line,
                            "column '%s' appears twice in the header", name);
        for (j = 0; j < TOCSIN_N_COLS; j++)
            if (!strcmp(name, known_names[j]))
                h->known[j] = i;
    }
    if (r->opts->require_id && h->known[TOCSIN_COL_ID] == TOCSIN_COL_NONE) {
        fail(r, TOCSIN_EINPUT, r->record_line,
             "the header has no 'id' column");
        tocsin_error_hint(r->err, "the first line must name the columns, "
                                  "one of them 'id'");
        return r->rc;
    }
    r->ptrs = tocsin_xcalloc(h->n + 1, sizeof *r->ptrs);
    return 0;
}

static const char *known(const struct reader *r, enum tocsin_col c)
{
    size_t i = r->hdr->known[c];
    const char *v;

    if (i == TOCSIN_COL_NONE)
        return NULL;
    v = r->ptrs[i];
    return *v ? v : NULL;
}

static void warn(struct reader *r, size_t line, const char *id,
                 const char *what, const char *hint)
{
    if (r->stats) {
        if (!strcmp(what, "email"))
            r->stats->bad_emails++;
        else if (!strcmp(what, "phone"))
            r->stats->bad_phones++;
    }
    if (!r->warnings)
        return;
    tocsin_diags_add(r->warnings, TOCSIN_SEV_WARNING, r->path, (int)line, 0,
                     NULL, hint, "invalid %s in row '%s'; skipped for %s",
                     what, id, !strcmp(what, "email")   ? "email"
                               : !strcmp(what, "phone") ? "sms"
                                                        : "this column");
}

struct find_first {
    const char *id;
    size_t line;
};

static int find_first_cb(void *payload, const struct tocsin_row *row,
                         struct tocsin_error *err)
{
    struct find_first *ff = payload;

    (void)err;
    if (row->id && !strcmp(row->id, ff->id)) {
        ff->line = row->line;
        return TOCSIN_EUSAGE; /* stop; not an error the caller sees */
    }
    return 0;
}

/* A repeated id hash: find where the id was first seen (a second pass).
 * Returns that line, or 0 when the hash collided with a different id. */
static size_t first_line_of(struct reader *r, const char *id, size_t before)
{
    struct tocsin_audience_opts o = *r->opts;
    struct tocsin_error e = TOCSIN_ERROR_INIT;
    struct find_first ff = {id, 0};

    o.check_dup_ids = 0;
    o.max_rows = 0;
    tocsin_audience_stream(r->path, &o, find_first_cb, &ff, NULL, NULL, &e);
    return ff.line && ff.line < before ? ff.line : 0;
}

static void deliver_row(struct reader *r)
{
    struct tocsin_row row;
    size_t i, line = r->record_line;
    const char *v;

    for (i = 0; i < r->n_fields; i++)
        r->ptrs[i] = r->fields.ptr + r->offs[i];
    memset(&row, 0, sizeof row);
    row.line = line;
    row.hdr = r->hdr;
    row.fields = r->ptrs;
    row.lens = r->lens;
    row.id = known(r, TOCSIN_COL_ID);
    if (r->opts->require_id && !row.id) {
        fail(r, TOCSIN_EINPUT, line, "row has an empty 'id'");
        return;
    }
    if (row.id && r->opts->check_dup_ids &&
        !tocsin_hashset_add(&r->ids,
                            tocsin_hash64(row.id, strlen(row.id), 0))) {
        if (!strcmp(r->path, "-")) {
            fail(r, TOCSIN_EINPUT, line,
                 "duplicate id in row at line %zu; first seen earlier", line);
            return;
        }
        i = first_line_of(r, row.id, line);
        if (i) {
            fail(r, TOCSIN_EINPUT, line,
                 "duplicate id in row at line %zu; first seen at line %zu",
                 line, i);
            return;
        }
    }
    v = row.id ? row.id : "?";
    if ((row.email = known(r, TOCSIN_COL_EMAIL)) &&
        !tocsin_email_valid(row.email)) {
        warn(r, line, v, "email", NULL);
        row.email = NULL;
    }
    if ((row.phone = known(r, TOCSIN_COL_PHONE)) &&
        !tocsin_phone_valid(row.phone)) {
        warn(r, line, v, "phone", "phones are E.164: '+' and 8 to 15 "
                                  "digits");
        row.phone = NULL;
    }
    if ((row.locale = known(r, TOCSIN_COL_LOCALE)) &&
        !locale_shape(row.locale)) {
        warn(r, line, v, "locale", "use a BCP 47 tag such as en, zh-TW");
        row.locale = NULL;
    }
    row.tz = known(r, TOCSIN_COL_TZ);
    if ((row.channels = known(r, TOCSIN_COL_CHANNELS)) &&
        !channels_shape(row.channels)) {
        warn(r, line, v, "channels", "write preferences as sms;email and "
                                     "opt-outs as -sms");
        row.channels = NULL;
    }
    if ((row.stage = known(r, TOCSIN_COL_STAGE))) {
        for (i = 0; tocsin_stages[i]; i++)
            if (!strcmp(tocsin_stages[i], row.stage))
                break;
        if (!tocsin_stages[i]) {
            const char *g = tocsin_did_you_mean(row.stage, tocsin_stages, 9);
            char hint[96] = "";

            if (g) {
                struct tocsin_buf h = TOCSIN_BUF_INIT(sizeof hint - 1);

                tocsin_buf_addf(&h, "did you mean '%s'?", g);
                memcpy(hint, h.ptr, h.len + 1);
                tocsin_buf_cleanup(&h);
            }
            warn(r, line, v, "stage", hint[0] ? hint : NULL);
            row.stage = NULL;
        }
    }
    if (r->stats)
        r->stats->rows++;
    if (r->fn) {
        int rc = r->fn(r->payload, &row, r->err);

        if (rc) {
            r->rc = rc;
            if (r->err && r->err->code == TOCSIN_OK && rc != TOCSIN_EUSAGE)
                tocsin_error_set(r->err, (enum tocsin_code)rc, r->path,
                                 (int)line, "stopped at this row");
        }
    }
}

static void on_record(int term, void *data)
{
    struct reader *r = data;

    (void)term;
    if (r->rc || r->done)
        goto reset;
    if (r->raw_fn) {
        size_t i;

        for (i = 0; i < r->n_fields; i++)
            r->ptrs[i] = r->fields.ptr + r->offs[i];
        if (r->raw_fn(r->payload, r->record_line, r->ptrs, r->lens,
                      r->n_fields))
            r->done = 1;
        goto reset;
    }
    if (!r->hdr) {
        if (!take_header(r) && r->header_only)
            r->done = 1;
        goto reset;
    }
    if (r->n_fields != r->hdr->n) {
        fail(r, TOCSIN_EINPUT, r->record_line,
             "row has %zu field%s; the header has %zu", r->n_fields,
             r->n_fields == 1 ? "" : "s", r->hdr->n);
        goto reset;
    }
    deliver_row(r);
    if (r->opts->max_rows && r->stats && r->stats->rows >= r->opts->max_rows)
        r->done = 1;
reset:
    r->n_fields = 0;
    tocsin_buf_reset(&r->fields);
}

static int no_space(unsigned char c)
{
    (void)c;
    return 0; /* RFC 4180: spaces are part of the field */
}

static int reader_init(struct reader *r)
{
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        return fail(r, TOCSIN_ERUNTIME, 0, "cannot start the CSV parser");
    csv_set_space_func(&r->p, no_space);
    tocsin_buf_init(&r->fields, 0);
    r->at_line_start = 1;
    r->line = 0;
    return 0;
}

static void reader_cleanup(struct reader *r)
{
    csv_free(&r->p);
    tocsin_buf_cleanup(&r->fields);
    free(r->offs);
    free(r->lens);
    free(r->ptrs);
    tocsin_header_free(r->hdr);
    tocsin_hashset_cleanup(&r->ids);
}

static void parse_error(struct reader *r)
{
    fail(r, TOCSIN_EINPUT, r->record_line,
         "malformed CSV: a quote inside an unquoted field, or text after "
         "a closing quote");
    tocsin_error_hint(r->err, "quote fields that contain commas, quotes or "
                              "line breaks, and double the quotes inside "
                              "them (RFC 4180)");
}

/* Feed 'len' bytes, a line at a time, tracking where records begin. */
static void feed(struct reader *r, const char *data, size_t len)
{
    size_t max_field = r->opts->max_field ? r->opts->max_field
                                          : (size_t)1 << 20;

    while (len && !r->rc && !r->done) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) + 1 : len;

        if (r->at_line_start && r->p.pstate == CSV_ROW_NOT_BEGUN)
            r->record_line = r->line + 1;
        if (csv_parse(&r->p, data, n, on_field, on_record, r) != n &&
            !r->rc && !r->done) {
            if (csv_error(&r->p) == CSV_EPARSE)
                parse_error(r);
            else
                fail(r, TOCSIN_ERUNTIME, r->record_line,
                     "CSV parser: %s", csv_strerror(csv_error(&r->p)));
        }
        if (!r->rc && r->p.entry_pos > max_field)
            fail(r, TOCSIN_EINPUT, r->record_line,
                 "a field is longer than %zu bytes", max_field);
        if (nl) {
            r->line++;
            r->at_line_start = 1;
        } else {
            r->at_line_start = 0;
        }
        data += n;
        len -= n;
    }
}

static void finish(struct reader *r)
{
    if (r->rc || r->done)
        return;
    if (csv_fini(&r->p, on_field, on_record, r) && !r->rc) {
        if (csv_error(&r->p) == CSV_EPARSE) {
            fail(r, TOCSIN_EINPUT, r->record_line,
                 "unterminated quoted field (it starts at this line and "
                 "runs to the end of the file)");
        } else {
            parse_error(r);
        }
    }
}

static int run(struct reader *r)
{
    size_t block = r->opts->block ? r->opts->block : (size_t)1 << 16;
    char *buf = tocsin_xmalloc(block);
    int first = 1;

    if (reader_init(r))
        goto out;
    while (!r->rc && !r->done) {
        size_t n = fread(buf, 1, block, r->f);
        const char *p = buf;

        if (n == 0) {
            if (ferror(r->f))
                fail(r, TOCSIN_ERUNTIME, 0, "cannot read: %s",
                     strerror(errno));
            break;
        }
        if (first) {
            first = 0;
            if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
                p += 3;
                n -= 3;
            }
        }
        feed(r, p, n);
    }
    finish(r);
    if (!r->rc && !r->raw_fn && !r->hdr)
        fail(r, TOCSIN_EINPUT, 1, "the file is empty (a header row is "
                                  "required)");
    if (r->stats)
        r->stats->lines = r->line;
out:
    free(buf);
    return r->rc == TOCSIN_EUSAGE ? 0 : r->rc;
}

int tocsin_audience_stream(const char *path,
                           const struct tocsin_audience_opts *opts,
                           tocsin_row_fn fn, void *payload,
                           struct tocsin_diags *warnings,
                           struct tocsin_audience_stats *stats,
                           struct tocsin_error *err)
{
    static const struct tocsin_audience_opts defaults =
        TOCSIN_AUDIENCE_OPTS_INIT;
    struct tocsin_audience_stats local;
    struct reader r;
    int rc;

    memset(&r, 0, sizeof r);
    memset(&local, 0, sizeof local);
    r.path = path;
    r.opts = opts ? opts : &defaults;
    r.fn = fn;
    r.payload = payload;
    r.warnings = warnings;
    r.stats = stats ? stats : &local;
    memset(r.stats, 0, sizeof *r.stats);
    r.err = err;
    r.f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!r.f)
        return tocsin_error_set(err, errno == ENOENT ? TOCSIN_EINPUT
                                                     : TOCSIN_ERUNTIME,
                                path, 0, "cannot open audience: %s",
                                strerror(errno));
    rc = run(&r);
    if (r.f != stdin)
        fclose(r.f);
    reader_cleanup(&r);
    return rc;
}

static int header_cb(void *payload, const struct tocsin_row *row,
                     struct tocsin_error *err)
{
    (void)payload;
    (void)row;
    (void)err;
    return 0;
}

int tocsin_audience_header(struct tocsin_header **out, const char *path,
                           struct tocsin_error *err)
{
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    struct reader r;
    int rc;

    memset(&r, 0, sizeof r);
    r.path = path;
    r.opts = &o;
    r.fn = header_cb;
    r.err = err;
    r.header_only = 1;
    r.f = fopen(path, "rb");
    if (!r.f)
        return tocsin_error_set(err, errno == ENOENT ? TOCSIN_EINPUT
                                                     : TOCSIN_ERUNTIME,
                                path, 0, "cannot open audience: %s",
                                strerror(errno));
    rc = run(&r);
    fclose(r.f);
    if (!rc) {
        *out = r.hdr;
        r.hdr = NULL;
    }
    reader_cleanup(&r);
    return rc;
}

void tocsin_header_free(struct tocsin_header *h)
{
    if (!h)
        return;
    tocsin_strv_free(h->names, h->n);
    free(h);
}

const char *tocsin_row_get(const struct tocsin_row *row, const char *name)
{
    size_t i;

    for (i = 0; i < row->hdr->n; i++)
        if (!strcmp(row->hdr->names[i], name))
            return row->fields[i];
    return NULL;
}

int tocsin_csv_parse_buffer(const char *data, size_t len, tocsin_record_fn fn,
                            void *payload, struct tocsin_error *err)
{
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    struct reader r;
    int rc = 0;

    memset(&r, 0, sizeof r);
    r.path = "";
    r.opts = &o;
    r.raw_fn = fn;
    r.payload = payload;
    r.err = err;
    if (reader_init(&r))
        goto out;
    r.ptrs = tocsin_xcalloc(o.max_fields + 1, sizeof *r.ptrs);
    if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
        data += 3;
        len -= 3;
    }
    feed(&r, data, len);
    finish(&r);
out:
    rc = r.rc;
    reader_cleanup(&r);
    return rc;
}
