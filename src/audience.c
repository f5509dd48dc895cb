/*
 * audience.c - the audience CSV, streamed (DESIGN §5).
 *
 * libcsv does the RFC 4180 parsing, in strict mode, fed one block at a
 * time. It reports neither positions nor blank lines, so the reader counts
 * lines from what libcsv hands back: the line breaks inside each field
 * (only a quoted field can hold one) and every record terminator, which
 * CSV_REPALL_NL reports even for blank lines. That makes the line of each
 * record exact whatever the block boundaries are. Every field is checked
 * for UTF-8 and NUL as it arrives; the record is copied into one buffer
 * that is reused for every row, so nothing grows with the number of rows
 * except the duplicate-id set.
 *
 * Refuses: guessing encodings or delimiters, trimming spaces (RFC 4180
 * §2.4: spaces are part of a field), and printing any customer value in a
 * message (a row is named by its line and id).
 */
#include "tocsin/audience.h"
#include "tocsin/buf.h"
#include "tocsin/mem.h"

#include <assert.h>
#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_BLOCK ((size_t)64 << 10)
#define DEFAULT_MAX_FIELD ((size_t)1 << 20)
#define DEFAULT_MAX_FIELDS ((size_t)1024)
#define DEFAULT_MAX_RECORD ((size_t)4 << 20)
/* A record callback's way to end the parse early without an error. */
#define STOP (-1)

const char *const tocsin_stages[] = {
    "lost",           "complaint",     "grumbling",
    "dissatisfied",   "not_dissatisfied", "not_satisfied",
    "satisfied",      "praising",      "loyal",
    NULL};
#define N_STAGES 9

static const char *const known_names[TOCSIN_N_COLS] = {
    "id", "name", "first_name", "email", "phone",
    "locale", "tz", "channels", "stage"};

static int iline(size_t line)
{
    return line > INT_MAX ? INT_MAX : (int)line;
}

/* ----- UTF-8 ----------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence that starts 's' (Unicode
 * Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return len >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        return len >= 3 && s[1] >= lo && s[1] <= hi &&
                       (s[2] & 0xC0) == 0x80
                   ? 3
                   : 0;
    }
    if (c < 0xF5) {
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        return len >= 4 && s[1] >= lo && s[1] <= hi &&
                       (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

/* Does any of the eight bytes at 'p' need a closer look: a byte >= 0x80
 * or a control below 0x20? The subtraction borrows into the high bit of
 * the lowest byte under 0x20; later bytes may be flagged falsely, which
 * only costs the slow path. */
static int word_special(const unsigned char *p)
{
    uint64_t w;

    memcpy(&w, p, 8);
    return (((w - 0x2020202020202020ULL) | w) & 0x8080808080808080ULL) != 0;
}

long tocsin_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n;

    while (i < len) {
        if (len - i >= 8 && !word_special(p + i)) {
            i += 8;
            continue;
        }
        n = utf8_seq(p + i, len - i);
        if (!n)
            return (long)i;
        i += n;
    }
    return -1;
}

/* ----- the duplicate-id set -------------------------------------------- */

/*
 * Only a 64-bit hash of each id is kept (8 bytes a slot, at most 70% full),
 * so the set costs 11 to 23 bytes per row and nothing else grows. A repeat
 * is confirmed, and its first line found, by reading the file again: rare,
 * since it is an error. The hash is SipHash-1-3 with a random key: a file
 * crafted so that different ids collide would otherwise cost a rescan per
 * row. Standard input or a pipe cannot be read twice, so there the set
 * also keeps each id's line and a repeated hash is reported as a duplicate
 * (a false one needs a 64-bit collision under a secret key).
 */
struct idset {
    uint64_t *slots; /* 0: empty */
    size_t *lines;   /* inputs that cannot be reread only */
    size_t cap, n;
    uint64_t k0, k1;
};

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                       \
    do {                                                               \
        v0 += v1;                                                      \
        v1 = ROTL(v1, 13);                                             \
        v1 ^= v0;                                                      \
        v0 = ROTL(v0, 32);                                             \
        v2 += v3;                                                      \
        v3 = ROTL(v3, 16);                                             \
        v3 ^= v2;                                                      \
        v0 += v3;                                                      \
        v3 = ROTL(v3, 21);                                             \
        v3 ^= v0;                                                      \
        v2 += v1;                                                      \
        v1 = ROTL(v1, 17);                                             \
        v1 ^= v2;                                                      \
        v2 = ROTL(v2, 32);                                             \
    } while (0)

/* SipHash-1-3. Words are read in host order: the hashes never leave the
 * process, so they need not match another machine's. */
static uint64_t siphash13(const void *data, size_t len, uint64_t k0,
                          uint64_t k1)
{
    const unsigned char *p = data;
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    uint64_t m, b = (uint64_t)len << 56;
    size_t i, tail = len & 7, end = len - tail;

    for (i = 0; i < end; i += 8) {
        memcpy(&m, p + i, 8);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    for (i = 0; i < tail; i++)
        b |= (uint64_t)p[end + i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static void idset_init(struct idset *s, int keep_lines)
{
    uint64_t key[2];

    memset(s, 0, sizeof *s);
    s->cap = 1024;
    s->slots = tocsin_xcalloc(s->cap, sizeof *s->slots);
    if (keep_lines)
        s->lines = tocsin_xcalloc(s->cap, sizeof *s->lines);
    if (getrandom(key, sizeof key, GRND_NONBLOCK) != (ssize_t)sizeof key) {
        /* no entropy yet (early boot): still unpredictable enough to
         * make crafting collisions a guess */
        key[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)s;
        key[1] = (uint64_t)clock() ^ ((uint64_t)(uintptr_t)&key << 17);
    }
    s->k0 = key[0];
    s->k1 = key[1];
}

static void idset_cleanup(struct idset *s)
{
    free(s->slots);
    free(s->lines);
}

static uint64_t idset_hash(const struct idset *s, const char *id, size_t len)
{
    uint64_t h = siphash13(id, len, s->k0, s->k1);

    return h ? h : 1;
}

static void idset_grow(struct idset *s)
{
    size_t cap = s->cap * 2, i, j;
    uint64_t *slots = tocsin_xcalloc(cap, sizeof *slots);
    size_t *lines = s->lines ? tocsin_xcalloc(cap, sizeof *lines) : NULL;

    for (i = 0; i < s->cap; i++) {
        if (!s->slots[i])
            continue;
        for (j = s->slots[i] & (cap - 1); slots[j]; j = (j + 1) & (cap - 1))
            ;
        slots[j] = s->slots[i];
        if (lines)
            lines[j] = s->lines[i];
    }
    free(s->slots);
    free(s->lines);
    s->slots = slots;
    s->lines = lines;
    s->cap = cap;
}

/* Add hash 'h' first seen at 'line'. Returns 0 when it is new, else 1 with
 * '*first' the line kept for it (0 when lines are not kept). */
static int idset_add(struct idset *s, uint64_t h, size_t line, size_t *first)
{
    size_t j;

    if ((s->n + 1) * 10 > s->cap * 7)
        idset_grow(s);
    for (j = h & (s->cap - 1); s->slots[j]; j = (j + 1) & (s->cap - 1)) {
        if (s->slots[j] == h) {
            *first = s->lines ? s->lines[j] : 0;
            return 1;
        }
    }
    s->slots[j] = h;
    if (s->lines)
        s->lines[j] = line;
    s->n++;
    return 0;
}

/* ----- the record reader on top of libcsv ------------------------------ */

struct reader;
/* Called with each complete record. Returns 0, STOP, or a code with
 * r->err set. */
typedef int (*record_cb)(struct reader *r, void *payload);

struct reader {
    struct csv_parser csv;
    const char *path;           /* for messages */
    struct tocsin_error *err;
    size_t max_field, max_fields;
    record_cb on_record;
    void *payload;
    const char *const *names;   /* the header, for messages; may be NULL */
    size_t n_names;

    /* The record being assembled: its fields, each NUL-terminated, one
     * after the other in 'data', which is reused for every record. */
    char *data;
    size_t data_len, data_cap, max_record;
    size_t *offs, *lens;
    const char **fields;
    size_t n, cap;

    /* The id column's hash, computed as soon as the field arrives so that
     * its slot in the duplicate-id set is fetched into the cache while the
     * rest of the record is parsed. */
    struct idset *ids;
    size_t hash_col;
    uint64_t hash;

    size_t line;      /* the line libcsv has reached, 1-based */
    size_t rec_line;  /* the line where the current record starts */
    int after_cr;     /* the last event was a CR terminator: an LF next
                         ends the same line */
    int mapped;       /* spaces and tabs are being hidden: map_spaces() */
    size_t mapped_prefix; /* mapped bytes at the start of the open field */
    int bom_n;        /* bytes of a leading UTF-8 BOM matched so far */
    int bom_done;
    int fed;          /* any byte reached libcsv */
    unsigned char last; /* the last byte fed, to count a final line */
    int rc;           /* the first error or STOP; silences callbacks */
};

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void reader_init(struct reader *r, const char *path, size_t max_field,
                        size_t max_fields, size_t max_record, record_cb cb,
                        void *payload, struct tocsin_error *err)
{
    memset(r, 0, sizeof *r);
    /* CSV_REPALL_NL reports blank lines too, which line counting needs;
     * CSV_STRICT_FINI makes an unterminated quote at the end an error. */
    csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
                          CSV_REPALL_NL);
    csv_set_realloc_func(&r->csv, tocsin_xrealloc);
    /* libcsv grows its field buffer linearly by this much */
    csv_set_blk_size(&r->csv, (size_t)16 << 10);
    r->path = path;
    r->err = err;
    r->max_field = max_field;
    r->max_fields = max_fields;
    r->on_record = cb;
    r->payload = payload;
    r->max_record = max_record;
    r->hash_col = TOCSIN_COL_NONE;
    r->mapped = 1;
    r->line = 1;
}

static void reader_cleanup(struct reader *r)
{
    csv_free(&r->csv);
    free(r->data);
    free(r->offs);
    free(r->lens);
    free(r->fields);
}

/* Copy 'name' into 'out' for a message: at most about 60 bytes, cut on a
 * character boundary, controls shown as '?'. */
static const char *shown(char *out, size_t cap, const char *name)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t i = 0, o = 0, len = strlen(name), n;

    while (i < len) {
        n = utf8_seq(p + i, len - i);
        if (!n)
            n = 1;
        if (o + n + 4 >= cap || o >= 60) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (p[i] < 0x20 || p[i] == 0x7F)
            out[o++] = '?';
        else {
            memcpy(out + o, p + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    return out;
}

/* "column 'email'" when the header is known, else "field 3". */
static const char *which_field(char *out, size_t cap, const struct reader *r,
                               size_t i)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    char name[96];
    size_t n;

    if (r->names && i < r->n_names)
        tocsin_buf_addf(&b, "column '%s'",
                        shown(name, sizeof name, r->names[i]));
    else
        tocsin_buf_addf(&b, "field %zu", i + 1);
    n = b.len < cap ? b.len : cap - 1;
    memcpy(out, b.ptr, n);
    out[n] = '\0';
    tocsin_buf_cleanup(&b);
    return out;
}

static int fail(struct reader *r, enum tocsin_code code, size_t line,
                const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(struct reader *r, enum tocsin_code code, size_t line,
                const char *hint, const char *fmt, ...)
{
    va_list ap;

    if (r->rc)
        return r->rc;
    va_start(ap, fmt);
    tocsin_error_vset(r->err, code, r->path, iline(line), fmt, ap);
    va_end(ap);
    if (hint)
        tocsin_error_hint(r->err, "%s", hint);
    r->rc = code;
    return code;
}

/* Count the line breaks in 'p': LF, CRLF and a lone CR each end a line,
 * as libcsv ends a record on any of them. */
static size_t count_breaks(const unsigned char *p, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (p[i] == '\n') {
            n++;
        } else if (p[i] == '\r') {
            n++;
            if (i + 1 < len && p[i + 1] == '\n')
                i++;
        }
    }
    return n;
}

/* Check one field for UTF-8 and NUL while counting its line breaks into
 * r->line, so that an error names the line of the bad byte. Its first
 * 'mapped' bytes went through map_spaces(): turn 0xFF and 0xFE back into
 * the space and the tab they stand for. */
static int scan_field(struct reader *r, unsigned char *p, size_t len,
                      size_t mapped)
{
    size_t i = 0, n;
    char what[128];

    for (;;) {
        unsigned char c;

        while (len - i >= 8 && !word_special(p + i))
            i += 8;
        while (i < len && p[i] >= 0x20 && p[i] < 0x80)
            i++;
        if (i == len)
            return 0;
        c = p[i];
        if (c >= 0xFE && i < mapped) {
            p[i++] = c == 0xFF ? ' ' : '\t';
        } else if (c == '\n') {
            r->line++;
            i++;
        } else if (c == '\r') {
            r->line++;
            i++;
            if (i < len && p[i] == '\n')
                i++;
        } else if (c == 0) {
            return fail(r, TOCSIN_EINPUT, r->line,
                        "an audience file is UTF-8 text; NUL bytes often "
                        "mean UTF-16: save it as 'CSV UTF-8'",
                        "NUL byte in %s",
                        which_field(what, sizeof what, r, r->n));
        } else if (c < 0x20) {
            i++;
        } else if ((n = utf8_seq(p + i, len - i)) != 0) {
            i += n;
        } else {
            const char *hint = "save the file as 'CSV UTF-8'";

            if (r->rec_line == 1 && r->n == 0 && i == 0 && len >= 2 &&
                ((p[0] == 0xFF && p[1] == 0xFE) ||
                 (p[0] == 0xFE && p[1] == 0xFF)))
                hint = "the file is UTF-16; save it as 'CSV UTF-8'";
            return fail(r, TOCSIN_EINPUT, r->line, hint,
                        "invalid UTF-8 in %s (byte %zu of the field)",
                        which_field(what, sizeof what, r, r->n), i + 1);
        }
    }
}

static void on_field(void *s, size_t len, void *payload)
{
    struct reader *r = payload;
    unsigned char *dst;
    size_t off, mapped;

    if (r->rc)
        return;
    if (r->n == 0)
        r->rec_line = r->line;
    r->after_cr = 0;
    if (r->n >= r->max_fields) {
        fail(r, TOCSIN_EINPUT, r->rec_line, NULL,
             "record has more than %zu fields", r->max_fields);
        return;
    }
    if (len > r->max_field) {
        fail(r, TOCSIN_EINPUT, r->line,
             "is a quote missing its closing quote?",
             "field %zu is larger than the limit of %zu bytes", r->n + 1,
             r->max_field);
        return;
    }
    off = r->data_len;
    if (len + 1 > r->max_record - off) {
        fail(r, TOCSIN_EINPUT, r->rec_line, NULL,
             "record is larger than the limit of %zu bytes", r->max_record);
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->offs = tocsin_xreallocarray(r->offs, r->cap, sizeof *r->offs);
        r->lens = tocsin_xreallocarray(r->lens, r->cap, sizeof *r->lens);
        r->fields = tocsin_xreallocarray(r->fields, r->cap + 1,
                                         sizeof *r->fields);
    }
    if (off + len + 1 > r->data_cap) {
        r->data_cap = r->data_cap ? r->data_cap : 4096;
        while (r->data_cap < off + len + 1)
            r->data_cap *= 2;
        r->data = tocsin_xrealloc(r->data, r->data_cap);
    }
    /* CSV_APPEND_NULL: the field's NUL comes along */
    dst = (unsigned char *)r->data + off;
    memcpy(dst, s, len + 1);
    mapped = r->mapped ? len : r->mapped_prefix < len ? r->mapped_prefix
                                                       : len;
    r->mapped_prefix = 0;
    if (scan_field(r, dst, len, mapped))
        return;
    r->data_len = off + len + 1;
    r->offs[r->n] = off;
    r->lens[r->n] = len;
    if (r->n == r->hash_col) {
        r->hash = idset_hash(r->ids, (const char *)dst, len);
        __builtin_prefetch(&r->ids->slots[r->hash & (r->ids->cap - 1)]);
    }
    r->n++;
}

static void on_row(int c, void *payload)
{
    struct reader *r = payload;
    size_t i;
    int rc;

    if (r->rc)
        return;
    if (r->n) {
        for (i = 0; i < r->n; i++)
            r->fields[i] = r->data + r->offs[i];
        r->fields[r->n] = NULL;
        rc = r->on_record(r, r->payload);
        if (rc && !r->rc)
            r->rc = rc;
        r->n = 0;
        r->data_len = 0;
    }
    if (c == '\n' && r->after_cr) {
        r->after_cr = 0;
    } else if (c == '\r' || c == '\n') {
        r->line++;
        r->after_cr = c == '\r';
    }
}

static void parse_block(struct reader *r, const unsigned char *p, size_t len)
{
    size_t done;
    char what[128];

    if (r->rc || !len)
        return;
    r->fed = 1;
    r->last = p[len - 1];
    done = csv_parse(&r->csv, p, len, on_field, on_row, r);
    if (r->rc)
        return;
    if (done < len || csv_error(&r->csv) != CSV_SUCCESS) {
        /* Strict mode stops on the offending byte; the field that holds
         * it is still in libcsv's buffer, line breaks and all. */
        size_t line = r->line + count_breaks(r->csv.entry_buf,
                                             r->csv.entry_pos);

        which_field(what, sizeof what, r, r->n);
        if (csv_error(&r->csv) != CSV_EPARSE)
            fail(r, TOCSIN_EINPUT, line, NULL, "cannot parse CSV: %s",
                 csv_strerror(csv_error(&r->csv)));
        else if (r->csv.quoted)
            fail(r, TOCSIN_EINPUT, line,
                 "a quote inside a quoted field is written twice: "
                 "\"say \"\"hi\"\"\"",
                 "unexpected character after the closing quote of %s",
                 what);
        else
            fail(r, TOCSIN_EINPUT, line,
                 "quote the whole field and write the quote twice: "
                 "\"say \"\"hi\"\"\"",
                 "unexpected quote inside the unquoted %s", what);
        return;
    }
    if (r->csv.entry_pos > r->max_field)
        fail(r, TOCSIN_EINPUT, r->line,
             "is a quote missing its closing quote?",
             "field %zu is larger than the limit of %zu bytes", r->n + 1,
             r->max_field);
}

#define ONES 0x0101010101010101ULL
#define HAS_ZERO(x) (((x)-ONES) & ~(x) & (ONES * 0x80))

/*
 * libcsv trims spaces and tabs around unquoted fields unless it is given a
 * space function, and calling that function for every byte costs a third
 * of the parse. RFC 4180 §2.4 keeps the spaces, so instead of the function
 * the reader hides them: in valid UTF-8 the bytes 0xFF and 0xFE never
 * occur, so a space becomes 0xFF and a tab 0xFE on the way in, libcsv sees
 * nothing to trim, and scan_field() turns them back. Replace spaces and
 * tabs in 'p' up to the first 0xFF or 0xFE already there and return where
 * that is ('len' when there is none).
 */
static size_t map_spaces(unsigned char *p, size_t len)
{
    size_t i = 0, end;
    uint64_t w;

    for (;;) {
        for (; len - i >= 8; i += 8) {
            memcpy(&w, p + i, 8);
            if (HAS_ZERO(w ^ (ONES * ' ')) | HAS_ZERO(w ^ (ONES * '\t')) |
                HAS_ZERO(~w & (ONES * 0xFE)))
                break;
        }
        if (i == len)
            return len;
        for (end = len - i >= 8 ? i + 8 : len; i < end; i++) {
            if (p[i] >= 0xFE)
                return i;
            if (p[i] == ' ')
                p[i] = 0xFF;
            else if (p[i] == '\t')
                p[i] = 0xFE;
        }
    }
}

/* Parse the next bytes (changed in place). A 0xFF or 0xFE in the input
 * makes the file invalid, but the error must still name the right field
 * and line: from there on the reader feeds bytes as they are with a space
 * function, remembering how much of the open field was mapped. */
static void parse(struct reader *r, unsigned char *p, size_t len)
{
    size_t k;

    if (r->mapped) {
        k = map_spaces(p, len);
        if (k < len) {
            parse_block(r, p, k);
            r->mapped = 0;
            r->mapped_prefix = r->csv.entry_pos;
            csv_set_space_func(&r->csv, never_space);
            p += k;
            len -= k;
        }
    }
    parse_block(r, p, len);
}

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

/* Feed the next bytes of the input (changed in place), dropping a leading
 * UTF-8 BOM even when it is split across blocks. */
static void feed(struct reader *r, unsigned char *p, size_t len)
{
    unsigned char part[3];

    if (!r->bom_done) {
        while (len && r->bom_n < 3 && *p == bom[r->bom_n]) {
            r->bom_n++;
            p++;
            len--;
        }
        if (r->bom_n == 3) {
            r->bom_done = 1;
        } else if (len) {
            r->bom_done = 1;
            memcpy(part, bom, sizeof part);
            parse(r, part, (size_t)r->bom_n);
        } else {
            return;
        }
    }
    parse(r, p, len);
}

static void finish(struct reader *r)
{
    unsigned char part[3];

    if (!r->bom_done) {
        r->bom_done = 1;
        memcpy(part, bom, sizeof part);
        parse(r, part, (size_t)r->bom_n);
    }
    if (r->rc)
        return;
    if (csv_fini(&r->csv, on_field, on_row, r) != 0 && !r->rc) {
        char what[128];

        /* The open field's breaks are not counted yet: r->line is the
         * line where it starts. */
        fail(r, TOCSIN_EINPUT, r->line,
             "close the field with '\"', and write a quote inside it "
             "twice",
             "unterminated quoted %s: it runs to the end of the file",
             which_field(what, sizeof what, r, r->n));
    }
}

/* Lines in the input: a last line without a newline counts too. */
static size_t reader_lines(const struct reader *r)
{
    if (!r->fed)
        return 0;
    return r->last == '\n' || r->last == '\r' ? r->line - 1 : r->line;
}

/* Read 'f' to the end (or until a callback stops) in 'block'-byte reads. */
static int reader_run(struct reader *r, FILE *f, size_t block)
{
    unsigned char *buf = tocsin_xmalloc(block);
    size_t n;

    for (;;) {
        n = fread(buf, 1, block, f);
        feed(r, buf, n);
        if (r->rc)
            break;
        if (n < block) {
            if (ferror(f))
                fail(r, TOCSIN_ERUNTIME, 0, NULL, "cannot read: %s",
                     strerror(errno));
            else
                finish(r);
            break;
        }
    }
    free(buf);
    return r->rc == STOP ? 0 : r->rc;
}

/* ----- tocsin_csv_parse_buffer ----------------------------------------- */

struct raw_ctx {
    tocsin_record_fn fn;
    void *payload;
};

static int raw_record(struct reader *r, void *payload)
{
    struct raw_ctx *c = payload;
    int rc = c->fn(c->payload, r->rec_line, r->fields, r->lens, r->n);

    if (rc)
        return fail(r, rc, r->rec_line, NULL,
                    "the record callback stopped at line %zu", r->rec_line);
    return 0;
}

int tocsin_csv_parse_buffer(const char *data, size_t len, tocsin_record_fn fn,
                            void *payload, struct tocsin_error *err)
{
    struct raw_ctx c = {fn, payload};
    struct reader r;
    int rc;

    unsigned char *block = tocsin_xmalloc(DEFAULT_BLOCK);
    size_t off, n;

    reader_init(&r, "", DEFAULT_MAX_FIELD, DEFAULT_MAX_FIELDS,
                DEFAULT_MAX_RECORD, raw_record, &c, err);
    /* the reader changes its input in place: feed copies */
    for (off = 0; off < len && !r.rc; off += n) {
        n = len - off < DEFAULT_BLOCK ? len - off : DEFAULT_BLOCK;
        memcpy(block, data + off, n);
        feed(&r, block, n);
    }
    if (!r.rc)
        finish(&r);
    rc = r.rc == STOP ? 0 : r.rc;
    reader_cleanup(&r);
    free(block);
    return rc;
}

/* ----- validators ------------------------------------------------------ */

int tocsin_phone_valid(const char *s)
{
    size_t n = 0;

    /* E.164: '+', a country code that never starts with 0, at most 15
     * digits in all; 8 is the shortest number in use. */
    if (*s++ != '+' || *s == '0')
        return 0;
    for (; *s; s++, n++)
        if (*s < '0' || *s > '9')
            return 0;
    return n >= 8 && n <= 15;
}

static int label_char(unsigned char c)
{
    /* letters, digits and '-', and the bytes of a non-ASCII letter:
     * internationalized domains may be written in UTF-8 */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
}

#define BIT(c) ((uint64_t)1 << ((c)&63))

/* No spaces or controls in a local part, and none of the specials that
 * would need quoting in a header: the address goes into "To:" as it is. */
static int local_bad(unsigned char c)
{
    static const uint64_t lo = 0x1FFFFFFFFULL | BIT('"') | BIT('(') |
                               BIT(')') | BIT(',') | BIT(':') | BIT(';') |
                               BIT('<') | BIT('>');
    static const uint64_t hi = BIT('[') | BIT('\\') | BIT(']') | BIT(0x7F);

    if (c < 64)
        return (lo >> c) & 1;
    return c < 128 && ((hi >> (c - 64)) & 1);
}

int tocsin_email_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *at, *d, *label;
    size_t len = strlen(s), i, n_labels = 0, llen = 0;
    int all_digits = 1;

    /* RFC 5321 §4.5.3.1: a path is at most 256 octets with its angle
     * brackets, so an address is at most 254; a local part at most 64. */
    if (len == 0 || len > 254)
        return 0;
    at = memchr(p, '@', len);
    if (!at || at == p || at - p > 64 || memchr(at + 1, '@', len -
                                              (size_t)(at - p) - 1))
        return 0;
    for (i = 0; p + i < at; i++) {
        unsigned char c = p[i];

        if (local_bad(c))
            return 0;
        if (c == '.' && (i == 0 || p + i + 1 == at || p[i + 1] == '.'))
            return 0;
    }
    d = at + 1;
    label = d;
    for (;; d++) {
        if (*d == '.' || *d == '\0') {
            llen = (size_t)(d - label);
            if (llen == 0 || llen > 63 || label[0] == '-' ||
                label[llen - 1] == '-')
                return 0;
            n_labels++;
            if (*d == '\0')
                break;
            label = d + 1;
            all_digits = 1;
            continue;
        }
        if (!label_char(*d))
            return 0;
        if (*d < '0' || *d > '9')
            all_digits = 0;
    }
    /* a domain with a dot, and a top-level label of two or more that is
     * not a number (an IP address is a typo, not a mailbox) */
    return n_labels >= 2 && llen >= 2 && !all_digits;
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* The shape of a BCP 47 tag: a language of 2 or 3 letters, then subtags of
 * 1 to 8 letters or digits separated by '-'. Whether the subtags exist is
 * ICU's business, in the locale layer. */
static int locale_shape_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n;

    while (is_alpha(p[i]))
        i++;
    if (i < 2 || i > 3)
        return 0;
    while (p[i] == '-') {
        i++;
        for (n = 0; is_alnum(p[i]); n++)
            i++;
        if (n < 1 || n > 8)
            return 0;
    }
    return p[i] == '\0' && i <= 64;
}

/* "sms;email;-social": names of letters, digits, '-' and '_' (starting
 * with a letter or digit), an opt-out marked by a leading '-', separated
 * by ';'. */
static int channels_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    for (;;) {
        if (*p == '-')
            p++;
        if (!is_alnum(*p))
            return 0;
        while (is_alnum(*p) || *p == '-' || *p == '_')
            p++;
        if (*p == '\0')
            return 1;
        if (*p++ != ';')
            return 0;
    }
}

static int stage_valid(const char *s)
{
    size_t i;

    for (i = 0; i < N_STAGES; i++)
        if (!strcmp(s, tocsin_stages[i]))
            return 1;
    return 0;
}

/* ----- the header ------------------------------------------------------ */

void tocsin_header_free(struct tocsin_header *h)
{
    if (!h)
        return;
    tocsin_strv_free(h->names, h->n);
    free(h);
}

/* Take the first record as the header: names as written, none empty, none
 * twice, and an 'id' unless 'optional_id'. Near misses of the known
 * columns ("Email", "firstname") are warnings when 'warnings' is given. */
static int take_header(struct tocsin_header **out, struct reader *r,
                       int optional_id, struct tocsin_diags *warnings)
{
    struct tocsin_header *h = tocsin_xcalloc(1, sizeof *h);
    char a[96];
    size_t i, j, k;
    int rc = 0;

    h->n = r->n;
    h->names = tocsin_xcalloc(r->n + 1, sizeof *h->names);
    for (i = 0; i < r->n; i++)
        h->names[i] = tocsin_xmemdup(r->fields[i], r->lens[i] + 1);
    for (k = 0; k < TOCSIN_N_COLS; k++)
        h->known[k] = TOCSIN_COL_NONE;
    for (i = 0; i < h->n; i++) {
        if (!h->names[i][0]) {
            rc = fail(r, TOCSIN_EINPUT, r->rec_line,
                      "every column needs a name",
                      "empty column name in the header (column %zu)", i + 1);
            goto out;
        }
        for (j = 0; j < i; j++) {
            if (!strcmp(h->names[i], h->names[j])) {
                rc = fail(r, TOCSIN_EINPUT, r->rec_line, NULL,
                          "duplicate column '%s' in the header (columns "
                          "%zu and %zu)",
                          shown(a, sizeof a, h->names[i]), j + 1, i + 1);
                goto out;
            }
        }
        for (k = 0; k < TOCSIN_N_COLS; k++)
            if (!strcmp(h->names[i], known_names[k]))
                h->known[k] = i;
    }
    if (!optional_id && h->known[TOCSIN_COL_ID] == TOCSIN_COL_NONE) {
        const char *hint = "the first line must be a header naming the "
                           "columns, one of them 'id'";

        for (i = 0; i < h->n; i++)
            if (!strcasecmp(h->names[i], "id"))
                hint = "column names are case-sensitive: name it 'id'";
        rc = fail(r, TOCSIN_EINPUT, r->rec_line, hint,
                  "no 'id' column in the header");
        goto out;
    }
    for (i = 0; warnings && i < h->n; i++) {
        const char *near = NULL;

        for (k = 0; k < TOCSIN_N_COLS; k++)
            if (h->known[k] == i)
                break;
        if (k < TOCSIN_N_COLS)
            continue;
        for (k = 0; k < TOCSIN_N_COLS && !near; k++)
            if (!strcasecmp(h->names[i], known_names[k]))
                near = known_names[k];
        if (!near)
            near = tocsin_did_you_mean(h->names[i], known_names,
                                       TOCSIN_N_COLS);
        for (k = 0; near && k < TOCSIN_N_COLS; k++)
            if (near == known_names[k] &&
                h->known[k] != TOCSIN_COL_NONE)
                near = NULL;
        if (near)
            tocsin_diags_add(warnings, TOCSIN_SEV_WARNING, r->path,
                             iline(r->rec_line), 0, NULL, NULL,
                             "column '%s' is not the known column '%s'; it "
                             "is read as a custom column",
                             shown(a, sizeof a, h->names[i]), near);
    }
    r->names = (const char *const *)h->names;
    r->n_names = h->n;
    *out = h;
    h = NULL;
out:
    tocsin_header_free(h);
    return rc;
}

static int header_record(struct reader *r, void *payload)
{
    struct tocsin_header **out = payload;

    if (take_header(out, r, 0, NULL))
        return r->rc;
    return STOP;
}

static int open_input(FILE **out, const char *path, const char *shown_path,
                      struct tocsin_error *err)
{
    if (!strcmp(path, "-")) {
        *out = stdin;
        return 0;
    }
    if ((*out = fopen(path, "rb")))
        return 0;
    return tocsin_error_set(err, errno == ENOENT ? TOCSIN_EINPUT
                                                 : TOCSIN_ERUNTIME,
                            shown_path, 0, "cannot open: %s",
                            strerror(errno));
}

static void close_input(FILE *f)
{
    if (f && f != stdin)
        fclose(f);
}

static int no_header(const struct reader *r, struct tocsin_error *err)
{
    return tocsin_error_set(err, TOCSIN_EINPUT, r->path, 1,
                            r->fed ? "no header row: the file has only "
                                     "blank lines"
                                   : "no header row: the file is empty");
}

/* Can the duplicate check read this input a second time? Not standard
 * input, and not a pipe given by name (--audience <(cmd)): reopening a
 * FIFO would wait for a writer that never comes. */
static int rereadable(FILE *f)
{
    struct stat st;

    return f != stdin && !fstat(fileno(f), &st) && S_ISREG(st.st_mode);
}

static const char *display_path(const char *path)
{
    return strcmp(path, "-") ? path : "<stdin>";
}

int tocsin_audience_header(struct tocsin_header **out, const char *path,
                           struct tocsin_error *err)
{
    struct tocsin_header *h = NULL;
    const char *dp = display_path(path);
    struct reader r;
    FILE *f;
    int rc;

    *out = NULL;
    if ((rc = open_input(&f, path, dp, err)))
        return rc;
    reader_init(&r, dp, DEFAULT_MAX_FIELD, DEFAULT_MAX_FIELDS,
                DEFAULT_MAX_RECORD, header_record, &h, err);
    rc = reader_run(&r, f, DEFAULT_BLOCK);
    if (!rc && !h)
        rc = no_header(&r, err);
    if (!rc) {
        *out = h;
        h = NULL;
    }
    tocsin_header_free(h);
    reader_cleanup(&r);
    close_input(f);
    return rc;
}

const char *tocsin_row_get(const struct tocsin_row *row, const char *name)
{
    size_t i;

    for (i = 0; i < row->hdr->n; i++)
        if (!strcmp(row->hdr->names[i], name))
            return row->fields[i];
    return NULL;
}

/* ----- the stream ------------------------------------------------------ */

struct stream {
    const char *path;       /* as given; "-" is standard input */
    const char *dpath;      /* as shown in messages */
    struct tocsin_audience_opts o;
    tocsin_row_fn fn;
    void *payload;
    struct tocsin_diags *warnings;
    struct tocsin_audience_stats stats;
    struct tocsin_header *hdr;
    struct idset ids;
    int ids_on;
};

/* The second pass that confirms a repeated id hash: the line of the first
 * row before 'line' whose id is 'id', or 0. */
struct rescan {
    struct stream *s;
    const char *id;
    size_t id_len, line, first, col;
    int header_seen;
};

static int rescan_record(struct reader *r, void *payload)
{
    struct rescan *x = payload;

    if (!x->header_seen) {
        x->header_seen = 1;
        return 0;
    }
    if (r->rec_line >= x->line)
        return STOP;
    if (x->col < r->n && r->lens[x->col] == x->id_len &&
        !memcmp(r->fields[x->col], x->id, x->id_len)) {
        x->first = r->rec_line;
        return STOP;
    }
    return 0;
}

static int rescan_first(size_t *first, struct stream *s, const char *id,
                        size_t id_len, size_t line, struct tocsin_error *err)
{
    struct rescan x = {s, id, id_len, line, 0, s->hdr->known[TOCSIN_COL_ID],
                       0};
    struct tocsin_error sub = TOCSIN_ERROR_INIT;
    struct reader r;
    FILE *f;
    int rc;

    *first = 0;
    if (!(f = fopen(s->path, "rb")))
        return tocsin_error_set(err, TOCSIN_ERUNTIME, s->dpath, iline(line),
                                "cannot reopen to find the first row of a "
                                "duplicate id: %s",
                                strerror(errno));
    reader_init(&r, s->dpath, s->o.max_field, s->o.max_fields,
                s->o.max_record, rescan_record, &x, &sub);
    rc = reader_run(&r, f, s->o.block_size);
    reader_cleanup(&r);
    fclose(f);
    /* An input error before 'line' means the file changed under us: the
     * stream goes on and meets whatever is there. A read error is real. */
    if (rc == TOCSIN_ERUNTIME)
        return tocsin_error_set(err, rc, s->dpath, iline(line),
                                "cannot reread to find the first row of a "
                                "duplicate id: %s",
                                sub.msg);
    *first = x.first;
    return 0;
}

static void warn(struct stream *s, const struct tocsin_row *row,
                 const char *hint, const char *fmt, const char *what)
{
    char id[96], where[128];
    struct tocsin_buf b = TOCSIN_BUF_INIT(sizeof where - 1);

    if (!s->warnings)
        return;
    if (row->id)
        tocsin_buf_addf(&b, "row '%s'", shown(id, sizeof id, row->id));
    else
        tocsin_buf_addf(&b, "row at line %zu", row->line);
    tocsin_diags_add(s->warnings, TOCSIN_SEV_WARNING, s->dpath,
                     iline(row->line), 0, NULL, hint, fmt, what, b.ptr);
    tocsin_buf_cleanup(&b);
}

static const char *col_value(const struct reader *r,
                             const struct tocsin_header *h, enum tocsin_col c)
{
    size_t i = h->known[c];

    return i == TOCSIN_COL_NONE || !r->lens[i] ? NULL : r->fields[i];
}

static int data_record(struct stream *s, struct reader *r)
{
    const struct tocsin_header *h = s->hdr;
    struct tocsin_row row;
    const char *v;
    size_t line = r->rec_line;
    int rc;

    if (r->n != h->n)
        return fail(r, TOCSIN_EINPUT, line,
                    r->n > h->n ? "a field that holds a comma must be "
                                  "quoted"
                                : "is a separator missing, or a quoted "
                                  "field cut short?",
                    "row has %zu field%s, expected %zu as in the header",
                    r->n, r->n == 1 ? "" : "s", h->n);
    if (s->o.max_rows && s->stats.rows >= s->o.max_rows)
        return fail(r, TOCSIN_EINPUT, line, NULL,
                    "more than %zu rows", s->o.max_rows);
    s->stats.rows++;
    memset(&row, 0, sizeof row);
    row.line = line;
    row.hdr = h;
    row.fields = r->fields;
    row.lens = r->lens;
    row.id = col_value(r, h, TOCSIN_COL_ID);
    if (!row.id && !s->o.optional_id)
        return fail(r, TOCSIN_EINPUT, line,
                    "every row needs an id, unique in the file",
                    "empty id in row at line %zu", line);
    if (row.id && s->ids_on) {
        size_t idx = h->known[TOCSIN_COL_ID], len = r->lens[idx], first;

        if (idset_add(&s->ids, r->hash, line, &first)) {
            if (!s->ids.lines &&
                (rc = rescan_first(&first, s, row.id, len, line, r->err)))
                return r->rc = rc;
            if (first)
                return fail(r, TOCSIN_EINPUT, line,
                            "ids must be unique in the file",
                            "duplicate id in row at line %zu; first seen "
                            "at line %zu",
                            line, first);
        }
    }
    if ((v = col_value(r, h, TOCSIN_COL_EMAIL))) {
        if (tocsin_email_valid(v)) {
            row.email = v;
        } else {
            s->stats.bad_emails++;
            warn(s, &row, NULL, "invalid %s in %s; skipped for email",
                 "email");
        }
    }
    if ((v = col_value(r, h, TOCSIN_COL_PHONE))) {
        if (tocsin_phone_valid(v)) {
            row.phone = v;
        } else {
            s->stats.bad_phones++;
            warn(s, &row,
                 "a phone is written in E.164: '+', the country code and "
                 "the number, 8 to 15 digits, no spaces",
                 "invalid %s in %s; skipped for sms", "phone");
        }
    }
    if ((v = col_value(r, h, TOCSIN_COL_LOCALE))) {
        if (locale_shape_valid(v)) {
            row.locale = v;
        } else {
            s->stats.bad_locales++;
            warn(s, &row,
                 strchr(v, '_') ? "BCP 47 tags use '-', not '_': 'zh-TW'"
                                : "a BCP 47 tag: 'en', 'zh-TW', "
                                  "'zh-Hant-HK'",
                 "invalid %s in %s; the brand's first locale is used",
                 "locale");
        }
    }
    row.tz = col_value(r, h, TOCSIN_COL_TZ);
    if ((v = col_value(r, h, TOCSIN_COL_CHANNELS))) {
        if (channels_valid(v)) {
            row.channels = v;
        } else {
            s->stats.bad_channels++;
            warn(s, &row,
                 "channel names separated by ';', an opt-out marked "
                 "with '-': 'sms;email;-social'",
                 "invalid %s in %s; the wave's channel order is used",
                 "channels");
        }
    }
    if ((v = col_value(r, h, TOCSIN_COL_STAGE))) {
        if (stage_valid(v)) {
            row.stage = v;
        } else {
            const char *near = tocsin_did_you_mean(v, tocsin_stages,
                                                   N_STAGES);
            char hint[64];
            struct tocsin_buf b = TOCSIN_BUF_INIT(sizeof hint - 1);

            if (near)
                tocsin_buf_addf(&b, "did you mean '%s'?", near);
            else
                tocsin_buf_adds(&b, "see the stages in docs/audience.md");
            memcpy(hint, b.ptr, b.len + 1);
            tocsin_buf_cleanup(&b);
            s->stats.bad_stages++;
            warn(s, &row, hint, "unknown %s in %s; ignored", "stage");
        }
    }
    rc = s->fn(s->payload, &row, r->err);
    if (rc) {
        if (r->err && r->err->code == TOCSIN_OK)
            tocsin_error_set(r->err, rc, s->dpath, iline(line),
                             "stopped at the row on line %zu", line);
        else
            tocsin_error_at(r->err, s->dpath, iline(line));
        return r->rc = rc;
    }
    return 0;
}

static int stream_record(struct reader *r, void *payload)
{
    struct stream *s = payload;

    int rc;

    if (s->hdr)
        return data_record(s, r);
    rc = take_header(&s->hdr, r, s->o.optional_id, s->warnings);
    if (!rc && s->ids_on) {
        r->ids = &s->ids;
        r->hash_col = s->hdr->known[TOCSIN_COL_ID];
    }
    return rc;
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
    struct stream s;
    struct reader r;
    FILE *f;
    int rc;

    assert(path && fn);
    memset(&s, 0, sizeof s);
    s.path = path;
    s.dpath = display_path(path);
    s.o = opts ? *opts : defaults;
    if (!s.o.max_field)
        s.o.max_field = DEFAULT_MAX_FIELD;
    if (!s.o.max_fields)
        s.o.max_fields = DEFAULT_MAX_FIELDS;
    if (!s.o.max_record)
        s.o.max_record = DEFAULT_MAX_RECORD;
    if (!s.o.block_size)
        s.o.block_size = DEFAULT_BLOCK;
    s.fn = fn;
    s.payload = payload;
    s.warnings = warnings;
    if (stats)
        memset(stats, 0, sizeof *stats);
    if ((rc = open_input(&f, path, s.dpath, err)))
        return rc;
    s.ids_on = s.o.check_dup_ids;
    if (s.ids_on)
        idset_init(&s.ids, !rereadable(f));
    reader_init(&r, s.dpath, s.o.max_field, s.o.max_fields, s.o.max_record,
                stream_record, &s, err);
    rc = reader_run(&r, f, s.o.block_size);
    if (!rc && !s.hdr)
        rc = no_header(&r, err);
    s.stats.lines = reader_lines(&r);
    if (stats)
        *stats = s.stats;
    reader_cleanup(&r);
    if (s.ids_on)
        idset_cleanup(&s.ids);
    tocsin_header_free(s.hdr);
    close_input(f);
    return rc;
}
