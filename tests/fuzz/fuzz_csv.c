/*
 * fuzz_csv.c - libFuzzer target for the audience CSV reader.
 *
 * Every input is parsed three ways and checked against a small reference
 * reader written here, byte by byte, straight from RFC 4180 and the rules
 * in docs/audience.md: tocsin_csv_parse_buffer() must give the same
 * records and start lines, or fail at the same line for the same reason;
 * the streaming reader, given the input as a file read in tiny blocks,
 * must agree with the reference's header and row checks; and the stream
 * with every default check on (ids, duplicates and their rescan) must
 * never crash and never accept what the reference refuses.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_csv -max_total_time=60
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tocsin/audience.h"
#include "tocsin/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 1024

enum kind {
    K_OK,
    K_QUOTE,    /* a quote inside an unquoted field */
    K_AFTER,    /* text after a closing quote */
    K_UNTERM,   /* a quoted field open at the end */
    K_UTF8,
    K_NUL,
    K_MANY,     /* more than MAX_FIELDS fields */
    K_HDR_EMPTY,
    K_HDR_DUP,
    K_COUNT,    /* a row's width differs from the header's */
    K_NOHDR
};

static const struct {
    enum kind k;
    const char *text;
} kinds[] = {
    {K_QUOTE, "unexpected quote inside"},
    {K_AFTER, "unexpected character after the closing quote"},
    {K_UNTERM, "unterminated quoted"},
    {K_UTF8, "invalid UTF-8"},
    {K_NUL, "NUL byte"},
    {K_MANY, "record has more than 1024 fields"},
    {K_HDR_EMPTY, "empty column name"},
    {K_HDR_DUP, "duplicate column"},
    {K_COUNT, "row has "},
    {K_NOHDR, "no header row"},
};

static void die(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_csv: %s\n--- expected\n%s\n--- got\n%s\n", what, a,
            b);
    abort();
}

static enum kind kind_of(const char *msg)
{
    size_t i;

    /* by the start only: a column's name may say anything */
    for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strncmp(msg, kinds[i].text, strlen(kinds[i].text)))
            return kinds[i].k;
    die("unexpected error message", "", msg);
    return K_OK;
}

/* Append one record as "L<line>" then "[len]bytes" per field. */
static void log_record(struct tocsin_buf *log, size_t line,
                       const char *const *fields, const size_t *lens,
                       size_t n)
{
    size_t i;

    tocsin_buf_addf(log, "L%zu", line);
    for (i = 0; i < n; i++) {
        tocsin_buf_addf(log, "[%zu]", lens[i]);
        tocsin_buf_add(log, fields[i], lens[i]);
    }
    tocsin_buf_addc(log, '\n');
}

/* ----- the reference reader ------------------------------------------- */

/* The code point at 's' the long way: decode, then reject what is too
 * long for its value, a surrogate or past U+10FFFF. Returns the length or
 * 0. */
static size_t ref_utf8(const unsigned char *s, size_t len)
{
    uint32_t cp;
    size_t n, i;

    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
        (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

struct ref {
    int stream;           /* header and row-width rules apply */
    struct tocsin_buf log;
    enum kind err;
    size_t err_line;
    size_t lines;
    /* the current record */
    struct tocsin_buf cur;
    size_t offs[MAX_FIELDS], lens[MAX_FIELDS], nf, rec_line;
    size_t hdr_n;
    int have_hdr;
};

static int ref_fail(struct ref *r, enum kind k, size_t line)
{
    r->err = k;
    r->err_line = line;
    return -1;
}

/* A field is complete: count it, check its bytes (the line of a bad byte
 * is the field's first line plus the breaks before it), keep it. */
static int ref_field(struct ref *r, const struct tocsin_buf *f,
                     size_t first_line)
{
    const unsigned char *p = (const unsigned char *)f->ptr;
    size_t i = 0, n, line = first_line;

    if (r->nf >= MAX_FIELDS)
        return ref_fail(r, K_MANY, r->rec_line);
    while (i < f->len) {
        if (p[i] == 0)
            return ref_fail(r, K_NUL, line);
        if (p[i] == '\n' ||
            (p[i] == '\r' && !(i + 1 < f->len && p[i + 1] == '\n')))
            line++;
        if (!(n = ref_utf8(p + i, f->len - i)))
            return ref_fail(r, K_UTF8, line);
        i += n;
    }
    r->offs[r->nf] = r->cur.len;
    r->lens[r->nf] = f->len;
    tocsin_buf_add(&r->cur, f->ptr, f->len);
    tocsin_buf_addc(&r->cur, '\0');
    r->nf++;
    return 0;
}

static int ref_record(struct ref *r)
{
    const char *fields[MAX_FIELDS];
    size_t i, j;

    for (i = 0; i < r->nf; i++)
        fields[i] = r->cur.ptr + r->offs[i];
    if (r->stream && !r->have_hdr) {
        for (i = 0; i < r->nf; i++) {
            if (!r->lens[i])
                return ref_fail(r, K_HDR_EMPTY, r->rec_line);
            for (j = 0; j < i; j++)
                if (!strcmp(fields[i], fields[j]))
                    return ref_fail(r, K_HDR_DUP, r->rec_line);
        }
        r->have_hdr = 1;
        r->hdr_n = r->nf;
        return 0;
    }
    if (r->stream && r->nf != r->hdr_n)
        return ref_fail(r, K_COUNT, r->rec_line);
    log_record(&r->log, r->rec_line, fields, r->lens, r->nf);
    return 0;
}

static void ref_run(struct ref *r, const unsigned char *s, size_t n)
{
    struct tocsin_buf f = TOCSIN_BUF_INIT(0);
    size_t i = 0, line = 1, first;

    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    r->lines = 0;
    if (i < n) {
        size_t k;

        for (k = i; k < n; k++)
            if (s[k] == '\n' || (s[k] == '\r' && !(k + 1 < n &&
                                                   s[k + 1] == '\n')))
                r->lines++;
        if (s[n - 1] != '\n' && s[n - 1] != '\r')
            r->lines++;
    }
    while (i < n) {
        /* between records: blank lines */
        if (s[i] == '\n' || s[i] == '\r') {
            i += s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
            line++;
            continue;
        }
        r->rec_line = line;
        r->nf = 0;
        tocsin_buf_reset(&r->cur);
        for (;;) {
            first = line;
            tocsin_buf_reset(&f);
            if (i < n && s[i] == '"') {
                for (i++;; i++) {
                    if (i >= n) {
                        ref_fail(r, K_UNTERM, first);
                        goto out;
                    }
                    if (s[i] == '"') {
                        if (i + 1 < n && s[i + 1] == '"') {
                            tocsin_buf_addc(&f, '"');
                            i++;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < n &&
                                                           s[i + 1] == '\n')))
                        line++;
                    tocsin_buf_addc(&f, (char)s[i]);
                }
                if (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
                    ref_fail(r, K_AFTER, line);
                    goto out;
                }
            } else {
                for (; i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n';
                     i++) {
                    if (s[i] == '"') {
                        ref_fail(r, K_QUOTE, line);
                        goto out;
                    }
                    tocsin_buf_addc(&f, (char)s[i]);
                }
            }
            if (ref_field(r, &f, first))
                goto out;
            if (i < n && s[i] == ',') {
                i++;
                continue;
            }
            if (ref_record(r))
                goto out;
            if (i < n) {
                i += s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
                line++;
            }
            break;
        }
    }
    if (r->stream && !r->have_hdr)
        ref_fail(r, K_NOHDR, 1);
out:
    tocsin_buf_cleanup(&f);
}

/* ----- the readers under test ----------------------------------------- */

static int raw_record(void *payload, size_t line, const char *const *fields,
                      const size_t *lens, size_t n)
{
    log_record(payload, line, fields, lens, n);
    return 0;
}

static int stream_row(void *payload, const struct tocsin_row *row,
                      struct tocsin_error *err)
{
    (void)err;
    if (row->email && !tocsin_email_valid(row->email))
        die("an invalid email passed", "", row->email);
    if (row->phone && !tocsin_phone_valid(row->phone))
        die("an invalid phone passed", "", row->phone);
    log_record(payload, row->line, row->fields, row->lens, row->hdr->n);
    return 0;
}

static void compare(const char *what, const struct ref *r, int rc,
                    const struct tocsin_error *err,
                    const struct tocsin_buf *log)
{
    char a[64], b[600];
    struct tocsin_buf x = TOCSIN_BUF_INIT(sizeof a - 1);
    struct tocsin_buf y = TOCSIN_BUF_INIT(sizeof b - 1);

    if (r->err == K_OK && rc == 0) {
        if (strcmp(r->log.ptr, log->ptr) || r->log.len != log->len)
            die(what, r->log.ptr, log->ptr);
        return;
    }
    if (r->err != K_OK && rc == TOCSIN_EINPUT &&
        kind_of(err->msg) == r->err && (size_t)err->line == r->err_line)
        return;
    tocsin_buf_addf(&x, "kind %d at line %zu", (int)r->err, r->err_line);
    tocsin_buf_addf(&y, "rc %d at line %d: %s", rc, err->line, err->msg);
    memcpy(a, x.ptr, x.len + 1);
    memcpy(b, y.ptr, y.len + 1);
    tocsin_buf_cleanup(&x);
    tocsin_buf_cleanup(&y);
    die(what, a, b);
}

static int memfd = -1;
static char memfd_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_buf log = TOCSIN_BUF_INIT(0);
    struct tocsin_diags warnings = TOCSIN_DIAGS_INIT;
    struct tocsin_audience_stats st;
    struct ref r;
    char *s;
    int rc;

    /* the validators on the raw bytes */
    s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    tocsin_email_valid(s);
    tocsin_phone_valid(s);
    {
        long at = tocsin_utf8_invalid_at(s, size);
        size_t i = 0, n;

        while (i < size && (n = ref_utf8(data + i, size - i)))
            i += n;
        if ((i == size && at != -1) || (i < size && at != (long)i))
            die("tocsin_utf8_invalid_at", "", "");
    }
    free(s);

    /* 1. raw records */
    memset(&r, 0, sizeof r);
    tocsin_buf_init(&r.log, 0);
    tocsin_buf_init(&r.cur, 0);
    ref_run(&r, data, size);
    rc = tocsin_csv_parse_buffer((const char *)data, size, raw_record, &log,
                                 &err);
    compare("tocsin_csv_parse_buffer", &r, rc, &err, &log);
    tocsin_buf_cleanup(&r.log);
    tocsin_buf_cleanup(&r.cur);
    tocsin_buf_reset(&log);

    /* 2. the stream, from a file, in blocks of 1 to 17 bytes */
    if (memfd < 0) {
        struct tocsin_buf p = TOCSIN_BUF_INIT(sizeof memfd_path - 1);

        memfd = memfd_create("fuzz_csv", 0);
        if (memfd < 0)
            abort();
        tocsin_buf_addf(&p, "/proc/self/fd/%d", memfd);
        memcpy(memfd_path, p.ptr, p.len + 1);
        tocsin_buf_cleanup(&p);
    }
    if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
        abort();
    memset(&r, 0, sizeof r);
    r.stream = 1;
    tocsin_buf_init(&r.log, 0);
    tocsin_buf_init(&r.cur, 0);
    ref_run(&r, data, size);
    o.optional_id = 1;
    o.check_dup_ids = 0;
    o.block_size = 1 + (size * 7) % 17;
    tocsin_error_clear(&err);
    warnings.max = 4;
    rc = tocsin_audience_stream(memfd_path, &o, stream_row, &log, &warnings,
                                &st, &err);
    compare("tocsin_audience_stream", &r, rc, &err, &log);
    if (rc == 0 && st.lines != r.lines)
        die("stats.lines", "", "");
    tocsin_diags_cleanup(&warnings);

    /* 3. every default check on: stricter, so it accepts no more, and
     * what it accepts it reads the same */
    {
        struct tocsin_audience_opts d = TOCSIN_AUDIENCE_OPTS_INIT;
        struct tocsin_buf log2 = TOCSIN_BUF_INIT(0);

        d.block_size = 1 + (size * 3) % 11;
        tocsin_error_clear(&err);
        rc = tocsin_audience_stream(memfd_path, &d, stream_row, &log2, NULL,
                                    NULL, &err);
        if (rc != 0 && rc != TOCSIN_EINPUT)
            die("default stream: unexpected code", "", err.msg);
        if (rc == 0 && (r.err != K_OK || strcmp(log2.ptr, r.log.ptr)))
            die("default stream accepted more", r.log.ptr, log2.ptr);
        tocsin_buf_cleanup(&log2);
    }
    tocsin_buf_cleanup(&r.log);
    tocsin_buf_cleanup(&r.cur);
    tocsin_buf_cleanup(&log);
    return 0;
}
