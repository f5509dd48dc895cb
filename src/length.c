/*
 * length.c - message lengths counted the way each network counts them
 * (length.h; the rules and their sources are in docs/lengths.md).
 *
 * Text arrives as UTF-8 and is checked at the door. SMS is counted straight
 * from the UTF-8 with a GSM 03.38 table. The other counters convert to
 * UTF-16 once, because that is what ICU works on and what twitter-text's
 * indices are measured in, and keep their scratch memory in a
 * 'struct tocsin_length' so that a loop of calls allocates nothing new.
 *
 * Links are found by a hand-written matcher that reproduces twitter-text's
 * VALID_URL regular expression, backtracking order included. ICU's regex
 * engine runs that pattern correctly but tries its 1,500-way TLD
 * alternation at every backtracking step: "a.a.a..." of 2 KB took minutes.
 * Here every step is decided once per position (memo tables filled right to
 * left), so the whole search is linear in the text.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uidna.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "tocsin/length.h"
#include "tocsin/mem.h"
#include "length_tables.h"

#define MAX_URL_LENGTH 4096     /* twitter-text's Extractor.MAX_URL_LENGTH */
#define MAX_TCO_SLUG 40         /* Extractor.MAX_TCO_SLUG_LENGTH */
#define NO_SCHEME_EXTRA 8       /* "https://", added when a link has none */
#define MAX_MENTION_DOMAIN 253  /* Mastodon's Extractor::MAX_DOMAIN_LENGTH */
#define MAX_TLD_BYTES 96        /* the longest label in the tables is 33 */

struct u16buf {
    UChar *p;
    size_t len, cap;
};

struct i32buf {
    int32_t *p;
    size_t cap;
};

enum { SPAN_URL, SPAN_MENTION };

struct span {
    int32_t start, end;
    int kind;
    int32_t keep; /* mentions: UTF-16 units of "@user" to keep */
};

struct spans {
    struct span *p;
    size_t n, cap;
};

struct tocsin_length {
    UBreakIterator *chars;
    UIDNA *idna;
    const UNormalizer2 *nfc;
    struct u16buf text, work, joined, host;
    struct i32buf run_sub, run_name, memo, chain;
    struct spans urls, mentions, merged;
};

static const UChar empty_u16[1] = {0};

/* ----- plumbing ---------------------------------------------------------- */

static int icu_error(struct tocsin_error *err, const char *what,
                     UErrorCode st)
{
    return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0, "ICU %s: %s",
                            what, u_errorName(st));
}

static void u16_reserve(struct u16buf *b, size_t n)
{
    if (n > b->cap) {
        b->p = tocsin_xreallocarray(b->p, n, sizeof *b->p);
        b->cap = n;
    }
}

static void u16_add(struct u16buf *b, const UChar *s, size_t n)
{
    u16_reserve(b, b->len + n + 1);
    memcpy(b->p + b->len, s, n * sizeof *s);
    b->len += n;
}

static void i32_reserve(struct i32buf *b, size_t n)
{
    if (n > b->cap) {
        b->p = tocsin_xreallocarray(b->p, n, sizeof *b->p);
        b->cap = n;
    }
}

static void spans_add(struct spans *v, int32_t start, int32_t end, int kind,
                      int32_t keep)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        v->p = tocsin_xreallocarray(v->p, v->cap, sizeof *v->p);
    }
    v->p[v->n].start = start;
    v->p[v->n].end = end;
    v->p[v->n].kind = kind;
    v->p[v->n].keep = keep;
    v->n++;
}

int tocsin_length_new(struct tocsin_length **out, struct tocsin_error *err)
{
    struct tocsin_length *lc = tocsin_xcalloc(1, sizeof *lc);
    UErrorCode st = U_ZERO_ERROR;
    int rc = 0;

    lc->chars = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        rc = icu_error(err, "grapheme iterator", st);
        goto out;
    }
    /* UIDNA_DEFAULT: no STD3 rules, so "sub_domain" stays valid as it is
     * for java.net.IDN without USE_STD3_ASCII_RULES */
    lc->idna = uidna_openUTS46(UIDNA_DEFAULT, &st);
    if (U_FAILURE(st)) {
        rc = icu_error(err, "IDNA", st);
        goto out;
    }
    lc->nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st)) {
        rc = icu_error(err, "NFC", st);
        goto out;
    }
    *out = lc;
    lc = NULL;
out:
    tocsin_length_free(lc);
    return rc;
}

void tocsin_length_free(struct tocsin_length *lc)
{
    if (!lc)
        return;
    if (lc->chars)
        ubrk_close(lc->chars);
    if (lc->idna)
        uidna_close(lc->idna);
    free(lc->text.p);
    free(lc->work.p);
    free(lc->joined.p);
    free(lc->host.p);
    free(lc->run_sub.p);
    free(lc->run_name.p);
    free(lc->memo.p);
    free(lc->chain.p);
    free(lc->urls.p);
    free(lc->mentions.p);
    free(lc->merged.p);
    free(lc);
}

/* Use the caller's state, or make a temporary one into '*tmp'. */
static int borrow(struct tocsin_length **lc, struct tocsin_length **tmp,
                  struct tocsin_error *err)
{
    int rc;

    *tmp = NULL;
    if (*lc)
        return 0;
    if ((rc = tocsin_length_new(tmp, err)))
        return rc;
    *lc = *tmp;
    return 0;
}

static int check_size(size_t len, struct tocsin_error *err)
{
    if (len > TOCSIN_LENGTH_MAX_TEXT)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "text is %zu bytes, more than the %zu "
                                "a length is counted for",
                                len, TOCSIN_LENGTH_MAX_TEXT);
    return 0;
}

/* Decode the code point at text[*i] and step past it. */
static int next_cp(UChar32 *out, const char *text, size_t len, size_t *i,
                   struct tocsin_error *err)
{
    int32_t j = (int32_t)*i;
    UChar32 c;

    U8_NEXT(text, j, (int32_t)len, c);
    if (c < 0)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "invalid UTF-8 at byte %zu", *i);
    *i = (size_t)j;
    *out = c;
    return 0;
}

/* Append 'len' bytes of UTF-8 to 'b' as UTF-16, refusing ill-formed
 * input. UTF-16 never needs more units than UTF-8 has bytes. */
static int add_utf8(struct u16buf *b, const char *text, size_t len,
                    struct tocsin_error *err)
{
    size_t i = 0;
    UChar32 c;
    int rc;

    if ((rc = check_size(len, err)))
        return rc;
    u16_reserve(b, b->len + len + 1);
    while (i < len) {
        if ((rc = next_cp(&c, text, len, &i, err)))
            return rc;
        if (c <= 0xFFFF) {
            b->p[b->len++] = (UChar)c;
        } else {
            b->p[b->len++] = U16_LEAD(c);
            b->p[b->len++] = U16_TRAIL(c);
        }
    }
    return 0;
}

static int set_utf8(struct u16buf *b, const char *text, size_t len,
                    struct tocsin_error *err)
{
    b->len = 0;
    return add_utf8(b, text, len, err);
}

static UChar32 cp_at(const UChar *s, int32_t n, int32_t i, int32_t *next)
{
    UChar32 c;

    U16_NEXT(s, i, n, c);
    if (next)
        *next = i;
    return c;
}

/* The code point that ends just before s[i]. */
static UChar32 cp_before(const UChar *s, int32_t i)
{
    UChar32 c;

    U16_PREV(s, 0, i, c);
    return c;
}

static int count_graphemes(size_t *out, struct tocsin_length *lc,
                           const UChar *s, size_t n,
                           struct tocsin_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    size_t count = 0;

    ubrk_setText(lc->chars, n ? s : empty_u16, (int32_t)n, &st);
    if (U_FAILURE(st))
        return icu_error(err, "grapheme iterator", st);
    ubrk_first(lc->chars);
    while (ubrk_next(lc->chars) != UBRK_DONE)
        count++;
    *out = count;
    return 0;
}

/* ----- SMS --------------------------------------------------------------- */

/* Septets of 'c' in GSM 03.38 (3GPP TS 23.038 6.2.1): 1 in the basic
 * table, 2 in the extension table (escape + character), 0 if absent.
 * 'ç' is not here: the basic table's 0x09 is 'Ç', as in Twilio's map. */
static int gsm_septets(UChar32 c)
{
    if (c < 0x80) {
        switch (c) {
        case '\n':
        case '\r':
            return 1;
        case '\f':
        case '^':
        case '{':
        case '}':
        case '\\':
        case '[':
        case ']':
        case '~':
        case '|':
            return 2;
        case '`':
            return 0;
        default:
            return c >= 0x20 && c < 0x7F;
        }
    }
    switch (c) {
    case 0xA1: case 0xA3: case 0xA4: case 0xA5: case 0xA7: case 0xBF:
    case 0xC4: case 0xC5: case 0xC6: case 0xC7: case 0xC9: case 0xD1:
    case 0xD6: case 0xD8: case 0xDC: case 0xDF: case 0xE0: case 0xE4:
    case 0xE5: case 0xE6: case 0xE8: case 0xE9: case 0xEC: case 0xF1:
    case 0xF2: case 0xF6: case 0xF8: case 0xF9: case 0xFC:
    case 0x393: case 0x394: case 0x398: case 0x39B: case 0x39E:
    case 0x3A0: case 0x3A3: case 0x3A6: case 0x3A8: case 0x3A9:
        return 1;
    case 0x20AC:
        return 2;
    default:
        return 0;
    }
}

/* Typographic characters with a GSM 03.38 stand-in, sorted by code point.
 * Only punctuation and spaces: dropping an accent changes a word, so
 * letters are left to the writer. */
static const struct swap_def {
    uint32_t from;
    const char *to;
} swap_table[] = {
    {0x0009, " "},   {0x0060, "'"},   {0x00A0, " "},   {0x00AB, "\""},
    {0x00AD, ""},    {0x00B4, "'"},   {0x00BB, "\""},  {0x00D7, "x"},
    {0x02BC, "'"},   {0x2000, " "},   {0x2001, " "},   {0x2002, " "},
    {0x2003, " "},   {0x2004, " "},   {0x2005, " "},   {0x2006, " "},
    {0x2007, " "},   {0x2008, " "},   {0x2009, " "},   {0x200A, " "},
    {0x200B, ""},    {0x2010, "-"},   {0x2011, "-"},   {0x2012, "-"},
    {0x2013, "-"},   {0x2014, "-"},   {0x2015, "-"},   {0x2018, "'"},
    {0x2019, "'"},   {0x201A, "'"},   {0x201B, "'"},   {0x201C, "\""},
    {0x201D, "\""},  {0x201E, "\""},  {0x201F, "\""},  {0x2022, "-"},
    {0x2026, "..."}, {0x202F, " "},   {0x2032, "'"},   {0x2033, "\""},
    {0x205F, " "},   {0x2060, ""},    {0x2212, "-"},   {0x3000, " "},
    {0xFEFF, ""},
};

_Static_assert(sizeof swap_table / sizeof swap_table[0] <=
                   TOCSIN_SMS_MAX_SWAPS,
               "TOCSIN_SMS_MAX_SWAPS must hold every stand-in");

static const struct swap_def *find_swap(UChar32 c)
{
    size_t lo = 0, hi = sizeof swap_table / sizeof swap_table[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (swap_table[mid].from == (uint32_t)c)
            return &swap_table[mid];
        if (swap_table[mid].from < (uint32_t)c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Parts filled greedily with indivisible items of 1 or 2 units: an escape
 * pair or a surrogate pair never straddles two parts. */
struct parts {
    size_t units, n, used, per;
};

static void parts_init(struct parts *p, size_t per)
{
    p->units = 0;
    p->n = 0;
    p->used = per; /* the first item opens part 1 */
    p->per = per;
}

static void parts_add(struct parts *p, size_t w)
{
    p->units += w;
    if (p->used + w > p->per) {
        p->n++;
        p->used = 0;
    }
    p->used += w;
}

struct sms_scan {
    struct parts gsm, ucs;
    int non_gsm;
    uint32_t first;
    struct tocsin_text_pos at;
};

static void scan_init(struct sms_scan *s)
{
    memset(s, 0, sizeof *s);
    parts_init(&s->gsm, TOCSIN_SMS_GSM7_MULTI);
    parts_init(&s->ucs, TOCSIN_SMS_UCS2_MULTI);
}

static void scan_feed(struct sms_scan *s, UChar32 c,
                      const struct tocsin_text_pos *pos)
{
    int w = gsm_septets(c);

    if (w)
        parts_add(&s->gsm, (size_t)w);
    else if (!s->non_gsm) {
        s->non_gsm = 1;
        s->first = (uint32_t)c;
        s->at = *pos;
    }
    parts_add(&s->ucs, (size_t)U16_LENGTH(c));
}

static void scan_finish(struct tocsin_sms_count *out,
                        const struct sms_scan *s)
{
    const struct parts *p = s->non_gsm ? &s->ucs : &s->gsm;
    size_t single = s->non_gsm ? TOCSIN_SMS_UCS2_SINGLE
                               : TOCSIN_SMS_GSM7_SINGLE;

    memset(out, 0, sizeof *out);
    out->encoding = s->non_gsm ? TOCSIN_SMS_UCS2 : TOCSIN_SMS_GSM7;
    out->units = p->units;
    if (p->units <= single) {
        out->segments = p->units ? 1 : 0;
        out->per_segment = single;
        out->free_units = single - p->units;
    } else {
        out->segments = p->n;
        out->per_segment = p->per;
        out->free_units = p->per - p->used;
    }
    if (s->non_gsm) {
        out->ucs2_char = s->first;
        out->ucs2_at = s->at;
    }
}

static void pos_step(struct tocsin_text_pos *pos, UChar32 c, size_t next)
{
    pos->offset = next;
    if (c == '\n') {
        pos->line++;
        pos->col = 1;
    } else {
        pos->col++;
    }
}

/* One pass over the text: the plain count and, with 'sg', the stand-ins
 * and the count with them applied. */
static int sms_pass(struct tocsin_sms_count *count,
                    struct tocsin_sms_suggest *sg, const char *text,
                    size_t len, struct tocsin_error *err)
{
    struct sms_scan plain, after;
    struct tocsin_text_pos pos = {0, 1, 1};
    size_t i = 0;
    UChar32 c;
    int rc;

    if ((rc = check_size(len, err)))
        return rc;
    scan_init(&plain);
    scan_init(&after);
    if (sg)
        memset(sg, 0, sizeof *sg);
    while (i < len) {
        if ((rc = next_cp(&c, text, len, &i, err)))
            return rc;
        scan_feed(&plain, c, &pos);
        if (sg) {
            const struct swap_def *sw = gsm_septets(c) ? NULL : find_swap(c);

            if (gsm_septets(c)) {
                scan_feed(&after, c, &pos);
            } else if (sw) {
                size_t k;
                const char *t;

                for (k = 0; k < sg->n_swaps; k++)
                    if (sg->swaps[k].from == (uint32_t)c)
                        break;
                if (k == sg->n_swaps) {
                    sg->n_swaps++;
                    sg->swaps[k].from = (uint32_t)c;
                    sg->swaps[k].to = sw->to;
                    sg->swaps[k].first = pos;
                }
                sg->swaps[k].n++;
                for (t = sw->to; *t; t++)
                    scan_feed(&after, (UChar32)(unsigned char)*t, &pos);
            } else {
                if (!sg->n_unfixable++) {
                    sg->first_unfixable = (uint32_t)c;
                    sg->unfixable_at = pos;
                }
                scan_feed(&after, c, &pos);
            }
        }
        pos_step(&pos, c, i);
    }
    if (count)
        scan_finish(count, &plain);
    if (sg)
        scan_finish(&sg->after, &after);
    return 0;
}

int tocsin_sms_count(struct tocsin_sms_count *out, const char *text,
                     size_t len, struct tocsin_error *err)
{
    return sms_pass(out, NULL, text, len, err);
}

const char *tocsin_sms_encoding_name(enum tocsin_sms_encoding e)
{
    return e == TOCSIN_SMS_UCS2 ? "UCS-2" : "GSM-7";
}

int tocsin_sms_gsm_suggest(struct tocsin_sms_suggest *out, const char *text,
                           size_t len, struct tocsin_error *err)
{
    return sms_pass(NULL, out, text, len, err);
}

/* "'’' (U+2019)" for a visible character; "U+00A0 NO-BREAK SPACE" for one
 * a reader cannot see (spaces, controls, format characters). */
static void describe_char(struct tocsin_buf *out, uint32_t c)
{
    int8_t t = u_charType((UChar32)c);
    char name[128];
    UErrorCode st = U_ZERO_ERROR;

    if (t != U_SPACE_SEPARATOR && t != U_CONTROL_CHAR && t != U_FORMAT_CHAR &&
        t != U_LINE_SEPARATOR && t != U_PARAGRAPH_SEPARATOR &&
        t != U_NON_SPACING_MARK && t != U_ENCLOSING_MARK) {
        char utf8[5];
        int32_t k = 0;

        U8_APPEND_UNSAFE(utf8, k, c);
        utf8[k] = '\0';
        tocsin_buf_addf(out, "'%s' (U+%04X)", utf8, (unsigned)c);
        return;
    }
    tocsin_buf_addf(out, "U+%04X", (unsigned)c);
    u_charName((UChar32)c, U_UNICODE_CHAR_NAME, name, sizeof name, &st);
    if (U_SUCCESS(st) && name[0])
        tocsin_buf_addf(out, " %s", name);
    else if (c == '\t')
        tocsin_buf_adds(out, " TAB");
}

static void describe_at(struct tocsin_buf *out,
                        const struct tocsin_text_pos *at)
{
    if (at->line > 1)
        tocsin_buf_addf(out, " at line %d, column %d", at->line, at->col);
    else
        tocsin_buf_addf(out, " at column %d", at->col);
}

int tocsin_sms_explain(struct tocsin_buf *out, const char *text, size_t len,
                       struct tocsin_error *err)
{
    struct tocsin_sms_count count;
    struct tocsin_sms_suggest sg;
    size_t k;
    int rc;

    if ((rc = sms_pass(&count, &sg, text, len, err)))
        return rc;
    if (count.encoding == TOCSIN_SMS_GSM7)
        return 0;
    describe_char(out, count.ucs2_char);
    describe_at(out, &count.ucs2_at);
    if (sg.n_unfixable) {
        tocsin_buf_addf(out, " forces UCS-2 (%zu segment%s)", count.segments,
                        count.segments == 1 ? "" : "s");
        if (sg.first_unfixable == count.ucs2_char &&
            sg.unfixable_at.offset == count.ucs2_at.offset) {
            tocsin_buf_adds(out, "; it has no GSM-7 stand-in");
        } else {
            tocsin_buf_adds(out, "; so does ");
            describe_char(out, sg.first_unfixable);
            describe_at(out, &sg.unfixable_at);
            tocsin_buf_adds(out, ", which has no GSM-7 stand-in");
        }
        return 0;
    }
    if (count.segments == sg.after.segments)
        tocsin_buf_addf(out, " forces UCS-2 (%zu segment%s either way)",
                        count.segments, count.segments == 1 ? "" : "s");
    else
        tocsin_buf_addf(out, " forces UCS-2: %zu segment%s instead of %zu",
                        count.segments, count.segments == 1 ? "" : "s",
                        sg.after.segments);
    tocsin_buf_adds(out, "; GSM-7 stand-ins: ");
    for (k = 0; k < sg.n_swaps; k++) {
        const struct tocsin_sms_swap *sw = &sg.swaps[k];

        if (k)
            tocsin_buf_adds(out, ", ");
        if (u_isgraph((UChar32)sw->from)) {
            char utf8[5];
            int32_t j = 0;

            U8_APPEND_UNSAFE(utf8, j, sw->from);
            utf8[j] = '\0';
            tocsin_buf_adds(out, utf8);
        } else {
            tocsin_buf_addf(out, "U+%04X", (unsigned)sw->from);
        }
        if (!*sw->to)
            tocsin_buf_adds(out, " -> (nothing)");
        else if (!strcmp(sw->to, " "))
            tocsin_buf_adds(out, " -> space");
        else
            tocsin_buf_addf(out, " -> %s", sw->to);
        if (sw->n > 1)
            tocsin_buf_addf(out, " (%zux)", sw->n);
    }
    return 0;
}

/* ----- link matching ----------------------------------------------------- */

/*
 * twitter-text's VALID_URL, one dialect per network:
 *
 *   (preceding char | ^) (scheme://)? domain (:port)? (/path*)? (?query)?
 *
 * X follows the Java library (Regex.java, Extractor.java at the commit of
 * the conformance suite). Mastodon runs the Ruby gem with the regexes of
 * its config/initializers/twitter_regex.rb: any non-punctuation character
 * in host labels, a liberal path and query, more schemes, and a scheme is
 * required (extract_url_without_protocol: false).
 */
struct dialect {
    int (*label)(UChar32 c);     /* a host label character */
    int (*path)(UChar32 c);      /* valid_general_url_path_chars */
    int (*path_end)(UChar32 c);  /* valid_url_path_ending_chars */
    int (*query)(UChar32 c);     /* valid_url_query_chars */
    int (*query_end)(UChar32 c); /* valid_url_query_ending_chars */
    const char *const *schemes;  /* without "://", tried in order */
    int at_path;      /* Java's (?:@path+/) alternative needs the '@' */
    int unicode_host; /* Java's (?<=https?://) unicode "label.tld" */
    int punycode_dash;
    int tco_query;    /* Java's VALID_TCO_URL allows a query */
    int scheme_required;
    int utf16_length; /* Java measures URLs in UTF-16, Ruby in code points */
};

static int in_set(const char *set, UChar32 c)
{
    return c > 0 && c < 0x80 && strchr(set, (int)c) != NULL;
}

static int ascii_alnum(UChar32 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static int ascii_digit(UChar32 c)
{
    return c >= '0' && c <= '9';
}

/* LATIN_ACCENTS_CHARS */
static int latin_accent(UChar32 c)
{
    return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
           (c >= 0xF8 && c <= 0x24F) || c == 0x253 || c == 0x254 ||
           c == 0x256 || c == 0x257 || c == 0x259 || c == 0x25B ||
           c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 ||
           c == 0x289 || c == 0x28B || c == 0x2BB ||
           (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}

static int cyrillic(UChar32 c)
{
    return c >= 0x400 && c <= 0x4FF;
}

static int directional(UChar32 c)
{
    return c == 0x61C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static int invalid_char(UChar32 c)
{
    return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF;
}

/* Both libraries' PUNCTUATION_CHARS (no backslash in either). */
static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~";

/* Ruby's UNICODE_SPACES. */
static int unicode_space(UChar32 c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 ||
           c == 0xA0 || c == 0x1680 || c == 0x180E ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

/* URL_VALID_PRECEDING_CHARS: [^a-z0-9@＠$#＃\uFFFE\uFEFF\uFFFF] under
 * CASE_INSENSITIVE (ASCII only, as Java without UNICODE_CASE). The
 * directional marks are allowed by the negated class already. */
static int preceding_ok(UChar32 c)
{
    return !(ascii_alnum(c) || c == '@' || c == 0xFF20 || c == '$' ||
             c == '#' || c == 0xFF03 || invalid_char(c));
}

static int x_label(UChar32 c)
{
    return ascii_alnum(c) || latin_accent(c);
}

/* Ruby's DOMAIN_VALID_CHARS */
static int rb_label(UChar32 c)
{
    return !(directional(c) || in_set(punct, c) || c <= 0x1F || c == 0x7F ||
             invalid_char(c) || unicode_space(c));
}

static int x_path(UChar32 c)
{
    return ascii_alnum(c) || in_set("!*';:=+,.$/%#[]-_~|&@", c) ||
           c == 0x2013 || latin_accent(c) || cyrillic(c);
}

static int x_path_end(UChar32 c)
{
    return ascii_alnum(c) || in_set("=_#/-+", c) || latin_accent(c) ||
           cyrillic(c);
}

static int x_query(UChar32 c)
{
    return ascii_alnum(c) || in_set("!?*'();:&=+$/%#[]-_.,~|@", c);
}

static int x_query_end(UChar32 c)
{
    return ascii_alnum(c) || in_set("-_&=#/", c);
}

static int m_path(UChar32 c)
{
    return !(u_isUWhiteSpace(c) || in_set("<>()?", c));
}

static int m_path_end(UChar32 c)
{
    return !(u_isUWhiteSpace(c) || in_set("()?!*\"';:=,.$%[]~&|@<>", c) ||
             c == 0x300C || c == 0x300D);
}

/* Mastodon's UCHARS: RFC 3987's ucschar and iprivate */
static int m_uchar(UChar32 c)
{
    if (c >= 0xA0 && c <= 0xD7FF)
        return 1;
    if ((c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFEF) ||
        (c >= 0xE000 && c <= 0xF8FF))
        return 1;
    if (c >= 0x10000 && c <= 0x10FFFF && (c & 0xFFFF) <= 0xFFFD)
        return c < 0xE0000 || c >= 0xE1000;
    return 0;
}

static int m_query(UChar32 c)
{
    return ascii_alnum(c) || in_set("!?*'();:&=+$/%#[]-_.,~|@^", c) ||
           m_uchar(c);
}

static int m_query_end(UChar32 c)
{
    return ascii_alnum(c) || in_set("_&=#/-", c) || m_uchar(c);
}

static const char *const x_schemes[] = {"https", "http", NULL};
static const char *const m_schemes[] = {"https", "http",   "dat",
                                        "dweb",  "ipfs",   "ipns",
                                        "ssb",   "gopher", "gemini",
                                        NULL};

static const struct dialect dialect_x = {
    x_label, x_path, x_path_end, x_query, x_query_end, x_schemes,
    1, 1, 1, 1, 0, 1};
static const struct dialect dialect_mastodon = {
    rb_label, m_path, m_path_end, m_query, m_query_end, m_schemes,
    0, 0, 0, 0, 1, 0};

struct matcher {
    struct tocsin_length *lc;
    const struct dialect *d;
    const UChar *s;
    int32_t n;
};

/* 's' at 'i' spells 'lit' (ASCII, compared case-insensitively). */
static int ci_at(const UChar *s, int32_t n, int32_t i, const char *lit)
{
    for (; *lit; lit++, i++) {
        UChar c;

        if (i >= n)
            return 0;
        c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (UChar)(c - 'A' + 'a');
        if (c != (UChar)*lit)
            return 0;
    }
    return 1;
}

static int32_t scheme_len(const struct matcher *m, int32_t p)
{
    const char *const *sc;

    for (sc = m->d->schemes; *sc; sc++) {
        int32_t k = (int32_t)strlen(*sc);

        if (ci_at(m->s, m->n, p, *sc) && ci_at(m->s, m->n, p + k, "://"))
            return k + 3;
    }
    return 0;
}

/*
 * Host labels. URL_VALID_SUBDOMAIN is (?:L[L\-_]*)?L\. and
 * URL_VALID_DOMAIN_NAME is (?:L[L\-]*)?L\. : a label matches at q only as
 * the whole run of label characters (and '-', '_') from q, since no
 * shorter prefix can be followed by the '.'; it must start and end with L.
 * run[i] holds the end of that run for every i, filled right to left, so
 * each of the many positions a search starts from costs O(1).
 */
static void fill_runs(struct matcher *m)
{
    struct tocsin_length *lc = m->lc;
    int32_t i = m->n;

    i32_reserve(&lc->run_sub, (size_t)m->n + 1);
    i32_reserve(&lc->run_name, (size_t)m->n + 1);
    lc->run_sub.p[i] = i;
    lc->run_name.p[i] = i;
    while (i > 0) {
        int32_t end = i, k;
        UChar32 c;
        int lab, sub, name;

        U16_PREV(m->s, 0, i, c);
        lab = m->d->label(c);
        sub = lab || c == '-' || c == '_';
        name = lab || c == '-';
        for (k = i; k < end; k++) {
            lc->run_sub.p[k] = sub ? lc->run_sub.p[end] : k;
            lc->run_name.p[k] = name ? lc->run_name.p[end] : k;
        }
    }
}

static int32_t label_end(const struct matcher *m, int32_t q, int subdomain)
{
    const int32_t *run = subdomain ? m->lc->run_sub.p : m->lc->run_name.p;
    int32_t e;

    if (q >= m->n || !m->d->label(cp_at(m->s, m->n, q, NULL)))
        return -1;
    e = run[q];
    if (e >= m->n || m->s[e] != '.' || !m->d->label(cp_before(m->s, e)))
        return -1;
    return e + 1;
}

static int tld_char(UChar32 c)
{
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK)) !=
           0;
}

/* (?=[^a-z0-9@+-]|$) under ASCII case-insensitivity */
static int tld_lookahead(const UChar *s, int32_t n, int32_t i)
{
    UChar c;

    if (i >= n)
        return 1;
    c = s[i];
    return !(ascii_alnum(c) || c == '@' || c == '+' || c == '-');
}

static int tld_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

static int is_tld(const char *label, const char *const *table, size_t n)
{
    return bsearch(label, table, n, sizeof *table, tld_cmp) != NULL;
}

/* The end of (?:valid_gTLD|valid_ccTLD|punycode) at r, or -1. Within each
 * list the longest TLD whose lookahead holds wins, as in the regex, whose
 * lists run in descending order ("com" before "co"). */
static int32_t tld_end(const struct matcher *m, int32_t r, int punycode)
{
    char buf[MAX_TLD_BYTES + 8];
    int32_t blen = 0, i = r, g = -1, cc = -1;

    while (i < m->n) {
        int32_t next;
        UChar32 c = cp_at(m->s, m->n, i, &next);

        if (!tld_char(c) || blen + U8_MAX_LENGTH > MAX_TLD_BYTES)
            break;
        if (c >= 'A' && c <= 'Z')
            c = c - 'A' + 'a';
        U8_APPEND_UNSAFE(buf, blen, c);
        buf[blen] = '\0';
        i = next;
        if (!tld_lookahead(m->s, m->n, i))
            continue;
        if (is_tld(buf, tocsin_length_gtlds, tocsin_length_n_gtlds))
            g = i;
        if (is_tld(buf, tocsin_length_cctlds, tocsin_length_n_cctlds))
            cc = i;
    }
    if (g >= 0)
        return g;
    if (cc >= 0)
        return cc;
    if (punycode && ci_at(m->s, m->n, r, "xn--")) {
        i = r + 4;
        while (i < m->n && (ascii_alnum(m->s[i]) ||
                            (m->d->punycode_dash && m->s[i] == '-')))
            i++;
        if (i > r + 4)
            return i;
    }
    return -1;
}

/*
 * URL_VALID_SUBDOMAIN* URL_VALID_DOMAIN_NAME (TLD): the star is greedy and
 * gives subdomains back one at a time, so the deepest label that is
 * followed by a TLD wins. best(q) = best(after the subdomain at q) if that
 * matches, else domain-name-and-TLD at q. memo[q]: 0 unknown, 1 none,
 * e + 2 a match ending at e. The chain of subdomains is walked with an
 * explicit stack: "a.a.a..." must not recurse 50,000 deep.
 */
static int32_t host_end(struct matcher *m, int32_t q)
{
    int32_t *memo = m->lc->memo.p, *chain = m->lc->chain.p;
    int32_t depth = 0, x = q;

    while (!memo[x]) {
        int32_t sub = label_end(m, x, 1);

        chain[depth++] = x;
        if (sub < 0)
            break;
        x = sub;
    }
    while (depth > 0) {
        int32_t node = chain[--depth];
        int32_t sub = label_end(m, node, 1);
        int32_t end = -1;

        if (sub >= 0 && memo[sub] > 1) {
            end = memo[sub] - 2;
        } else {
            int32_t name = label_end(m, node, 0);

            if (name >= 0)
                end = tld_end(m, name, 1);
        }
        memo[node] = end >= 0 ? end + 2 : 1;
    }
    return memo[q] > 1 ? memo[q] - 2 : -1;
}

/* Java's unicode alternative, after a scheme only: one label of anything
 * but punctuation and spaces, then a gTLD or ccTLD. */
static int java_unicode_char(UChar32 c)
{
    if (in_set(punct, c) || in_set(" \t\n\v\f\r", c) ||
        (c >= 0x2000 && c <= 0x206F))
        return 0;
    return !(U_GET_GC_MASK(c) & U_GC_Z_MASK);
}

static int32_t unicode_host_end(const struct matcher *m, int32_t q)
{
    int32_t i = q, next;
    UChar32 c, last = 0;

    if (q >= m->n || !java_unicode_char(cp_at(m->s, m->n, q, NULL)))
        return -1;
    while (i < m->n) {
        c = cp_at(m->s, m->n, i, &next);
        if (!java_unicode_char(c) && c != '-')
            break;
        last = c;
        i = next;
    }
    if (i >= m->n || m->s[i] != '.' || last == '-')
        return -1;
    return tld_end(m, i + 1, 0);
}

/* A run of characters satisfying 'ok' from i. */
static int32_t run_of(const struct matcher *m, int32_t i,
                      int (*ok)(UChar32 c))
{
    while (i < m->n) {
        int32_t next;

        if (!ok(cp_at(m->s, m->n, i, &next)))
            break;
        i = next;
    }
    return i;
}

/* The end of the last character in [from, to) satisfying 'ok', or -1. */
static int32_t last_of(const struct matcher *m, int32_t from, int32_t to,
                       int (*ok)(UChar32 c))
{
    while (to > from) {
        int32_t end = to;
        UChar32 c;

        U16_PREV(m->s, from, to, c);
        if (ok(c))
            return end;
    }
    return -1;
}

/* URL_BALANCED_PARENS at q: \( (?: P+ | P* \( P+ \) P* ) \) */
static int32_t parens_end(const struct matcher *m, int32_t q)
{
    int32_t a, b, c;

    if (q >= m->n || m->s[q] != '(')
        return -1;
    a = run_of(m, q + 1, m->d->path);
    if (a > q + 1 && a < m->n && m->s[a] == ')')
        return a + 1;
    if (a >= m->n || m->s[a] != '(')
        return -1;
    b = run_of(m, a + 1, m->d->path);
    if (b == a + 1 || b >= m->n || m->s[b] != ')')
        return -1;
    c = run_of(m, b + 1, m->d->path);
    if (c >= m->n || m->s[c] != ')')
        return -1;
    return c + 1;
}

/*
 * One URL_VALID_PATH at q:  P* (?:PARENS P*)* END  |  @P+/
 * Greedy search order: the runs and parens are taken as far as they go;
 * END then backs into the last run to its last ending character, and if
 * that run has none, the last parenthesised group itself is the END.
 * Returns the end or -1.
 */
static int32_t path_part_end(const struct matcher *m, int32_t q)
{
    int32_t run_start = q, e = run_of(m, q, m->d->path), last_parens = -1;
    int32_t p, t;

    while ((p = parens_end(m, e)) >= 0) {
        last_parens = p;
        run_start = p;
        e = run_of(m, p, m->d->path);
    }
    if ((t = last_of(m, run_start, e, m->d->path_end)) >= 0)
        return t;
    if (last_parens >= 0)
        return last_parens;
    if (m->d->at_path) {
        if (q >= m->n || m->s[q] != '@')
            return -1;
        q++;
    }
    e = run_of(m, q, m->d->path);
    for (t = e; t > q + 1; t--)
        if (m->s[t - 1] == '/')
            return t;
    return -1;
}

struct url_match {
    int32_t start, end;   /* group 3, the URL */
    int32_t host, host_end;
    int32_t scheme;       /* its length, 0 if none */
    int32_t match_end;    /* where the search resumes */
};

/* Everything after "preceding character" at p. */
static int match_at(struct url_match *u, struct matcher *m, int32_t p)
{
    int32_t pos, e;

    u->start = p;
    u->scheme = scheme_len(m, p);
    u->host = p + u->scheme;
    u->host_end = host_end(m, u->host);
    if (u->host_end < 0 && u->scheme && m->d->unicode_host)
        u->host_end = unicode_host_end(m, u->host);
    if (u->host_end < 0 && u->scheme) {
        u->scheme = 0;
        u->host = p;
        u->host_end = host_end(m, p);
    }
    /* (?<=https?://) looks at the text, not at the scheme group: after
     * "xhttp://" the search reaches the host with '/' as its preceding
     * character, matches, and the match is then dropped for lack of a
     * scheme - but it has consumed the text, so it must be found */
    if (u->host_end < 0 && m->d->unicode_host &&
        ((p >= 7 && ci_at(m->s, m->n, p - 7, "http://")) ||
         (p >= 8 && ci_at(m->s, m->n, p - 8, "https://"))))
        u->host_end = unicode_host_end(m, p);
    if (u->host_end < 0)
        return 0;
    pos = u->host_end;
    if (pos + 1 < m->n && m->s[pos] == ':' && ascii_digit(m->s[pos + 1])) {
        pos += 2;
        while (pos < m->n && ascii_digit(m->s[pos]))
            pos++;
    }
    if (pos < m->n && m->s[pos] == '/') {
        pos++;
        while ((e = path_part_end(m, pos)) > pos)
            pos = e;
    }
    if (pos < m->n && m->s[pos] == '?') {
        e = run_of(m, pos + 1, m->d->query);
        if ((e = last_of(m, pos + 1, e, m->d->query_end)) >= 0)
            pos = e;
    }
    u->end = pos;
    u->match_end = pos;
    return 1;
}

static int32_t cp_count(const UChar *s, int32_t from, int32_t to)
{
    return u_countChar32(s + from, to - from);
}

/* Extractor.isValidHostAndLength / is_valid_domain: the host must survive
 * IDNA ToASCII (labels of 1-63 octets once punycoded) and the whole URL
 * must stay within 4,096. */
static int host_ok(struct matcher *m, const struct url_match *u,
                   struct tocsin_error *err, int *ok)
{
    struct tocsin_length *lc = m->lc;
    int32_t hn = u->host_end - u->host, alen, ulen, hlen;
    UErrorCode st = U_ZERO_ERROR;
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    const uint32_t fatal = UIDNA_ERROR_EMPTY_LABEL |
                           UIDNA_ERROR_LABEL_TOO_LONG |
                           UIDNA_ERROR_DISALLOWED | UIDNA_ERROR_PUNYCODE |
                           UIDNA_ERROR_INVALID_ACE_LABEL |
                           UIDNA_ERROR_LABEL_HAS_DOT;

    *ok = 0;
    u16_reserve(&lc->host, (size_t)hn * 4 + 64);
    alen = uidna_nameToASCII(lc->idna, m->s + u->host, hn, lc->host.p,
                             (int32_t)lc->host.cap, &info, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        st = U_ZERO_ERROR;
        u16_reserve(&lc->host, (size_t)alen + 1);
        info = (UIDNAInfo)UIDNA_INFO_INITIALIZER;
        alen = uidna_nameToASCII(lc->idna, m->s + u->host, hn, lc->host.p,
                                 (int32_t)lc->host.cap, &info, &st);
    }
    /* java.net.IDN throws on such hosts too: no link, not a failure */
    if (st == U_INPUT_TOO_LONG_ERROR)
        return 0;
    if (U_FAILURE(st))
        return icu_error(err, "IDNA", st);
    if ((info.errors & fatal) || alen <= 0)
        return 0;
    if (m->d->utf16_length) {
        ulen = u->end - u->start + alen - hn;
    } else {
        ulen = cp_count(m->s, u->start, u->end);
        hlen = cp_count(m->s, u->host, u->host_end);
        if (alen > hlen)
            ulen += alen - hlen;
    }
    if (!u->scheme)
        ulen += NO_SCHEME_EXTRA;
    *ok = ulen <= MAX_URL_LENGTH;
    return 0;
}

/* VALID_TCO_URL: a t.co link keeps only its slug (and, for Java, a
 * query); a slug over 40 characters is no link at all. Returns 0 to drop
 * the URL. */
static int tco_trim(const struct matcher *m, struct url_match *u)
{
    int32_t i = u->start, slug, e;

    if (ci_at(m->s, u->end, i, "https://t.co/"))
        i += 13;
    else if (ci_at(m->s, u->end, i, "http://t.co/"))
        i += 12;
    else
        return 1;
    slug = i;
    while (i < u->end && ascii_alnum(m->s[i]))
        i++;
    if (i == slug)
        return 1;
    if (i - slug > MAX_TCO_SLUG)
        return 0;
    if (m->d->tco_query && i < u->end && m->s[i] == '?') {
        struct matcher sub = *m;

        sub.n = u->end;
        e = run_of(&sub, i + 1, m->d->query);
        if ((e = last_of(&sub, i + 1, e, m->d->query_end)) >= 0)
            i = e;
    }
    u->end = i;
    return 1;
}

/* Find the links of s[0..n) into lc->urls (UTF-16 spans). */
static int find_urls(struct tocsin_length *lc, const struct dialect *d,
                     const UChar *s, int32_t n, struct tocsin_error *err)
{
    struct matcher m = {lc, d, s, n};
    int32_t i = 0, next;
    int rc;

    lc->urls.n = 0;
    /* no '.' means no host, no ':' no scheme (Extractor's shortcut) */
    if (n == 0 || !u_memchr(s, d->scheme_required ? ':' : '.', n))
        return 0;
    fill_runs(&m);
    i32_reserve(&lc->memo, (size_t)n + 1);
    i32_reserve(&lc->chain, (size_t)n + 1);
    memset(lc->memo.p, 0, ((size_t)n + 1) * sizeof *lc->memo.p);
    while (i < n) {
        struct url_match u;
        UChar32 c = cp_at(s, n, i, &next);
        int found = 0, keep = 0;
        UChar32 before = -1;

        /* (?:[^a-z0-9@...]|[directional]|^): the consuming alternative
         * first, then the start of the text */
        if (preceding_ok(c) && match_at(&u, &m, next)) {
            found = 1;
            before = c;
        } else if (i == 0 && match_at(&u, &m, 0)) {
            found = 1;
        }
        if (!found) {
            i = next;
            continue;
        }
        i = u.match_end;
        if (!u.scheme) {
            /* INVALID_URL_WITHOUT_PROTOCOL_MATCH_BEGIN: [-_./]$ */
            if (d->scheme_required || in_set("-_./", before))
                continue;
        } else if (!tco_trim(&m, &u)) {
            continue;
        }
        if ((rc = host_ok(&m, &u, err, &keep)))
            return rc;
        if (keep)
            spans_add(&lc->urls, u.start, u.end, SPAN_URL, 0);
    }
    return 0;
}

/* ----- X / Twitter ------------------------------------------------------- */

const struct tocsin_x_config tocsin_x_config_v2 = {
    2, 280, 100, 200, 23, 0, 4,
    {{0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100},
     {8242, 8247, 100}}};

const struct tocsin_x_config tocsin_x_config_v3 = {
    3, 280, 100, 200, 23, 1, 4,
    {{0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100},
     {8242, 8247, 100}}};

static int has_prop(UChar32 c, UProperty p)
{
    return u_hasBinaryProperty(c, p) != 0;
}

/* One UTS #51 emoji element at s[i] within [i, end): a base, then a skin
 * tone, VS16 (and keycap), a lone keycap or a tag sequence. Sets '*q' when
 * the element is an emoji on its own merits. Returns its end, or -1 when
 * VS15 asks for text presentation. */
static int32_t emoji_element(const UChar *s, int32_t i, int32_t end,
                             int *q)
{
    int32_t next;
    UChar32 base = cp_at(s, end, i, &i), c;

    if (has_prop(base, UCHAR_EMOJI_PRESENTATION))
        *q = 1;
    if (i >= end)
        return i;
    c = cp_at(s, end, i, &next);
    if (c == 0xFE0E)
        return -1;
    if (has_prop(c, UCHAR_EMOJI_MODIFIER) || c == 0x20E3) {
        *q = 1;
        return next;
    }
    if (c == 0xFE0F) {
        *q = 1;
        i = next;
        if (i < end && cp_at(s, end, i, &next) == 0x20E3)
            i = next;
        return i;
    }
    if (c >= 0xE0020 && c <= 0xE007F) {
        *q = 1;
        while (i < end) {
            c = cp_at(s, end, i, &next);
            if (c < 0xE0020 || c > 0xE007F)
                break;
            i = next;
            if (c == 0xE007F)
                break;
        }
    }
    return i;
}

/* The length of the emoji sequence starting at s[o], or 0. It must start
 * a grapheme cluster (ICU) and lies within it; a text-default symbol
 * ('1', '©', '☺') alone is no emoji, "1⃣" and "☺️" are. */
static int32_t emoji_at(UBreakIterator *bi, const UChar *s, int32_t n,
                        int32_t o)
{
    UChar32 c = cp_at(s, n, o, NULL);
    int32_t end, i, next;
    int q = 0;

    if (has_prop(c, UCHAR_REGIONAL_INDICATOR)) {
        if (!ubrk_isBoundary(bi, o))
            return 0;
        end = ubrk_following(bi, o);
        return end - o;
    }
    if (!has_prop(c, UCHAR_EMOJI) || !ubrk_isBoundary(bi, o))
        return 0;
    end = ubrk_following(bi, o);
    if ((i = emoji_element(s, o, end, &q)) < 0)
        return 0;
    while (i < end && cp_at(s, end, i, &next) == 0x200D && next < end) {
        UChar32 d = cp_at(s, end, next, NULL);
        int32_t j;
        int dq = 0;

        if (!has_prop(d, UCHAR_EMOJI) &&
            !has_prop(d, UCHAR_EXTENDED_PICTOGRAPHIC))
            break;
        if ((j = emoji_element(s, next, end, &dq)) < 0)
            break;
        q = 1;
        i = j;
    }
    return q ? i - o : 0;
}

static int x_weight(const struct tocsin_x_config *cfg, UChar32 c)
{
    size_t k;

    for (k = 0; k < cfg->n_ranges && k < 8; k++)
        if ((uint32_t)c >= cfg->ranges[k].start &&
            (uint32_t)c <= cfg->ranges[k].end)
            return cfg->ranges[k].weight;
    return cfg->default_weight;
}

/* NFC of s[0..n): s itself when already normalised, else lc->work. */
static int to_nfc(const UChar **out, int32_t *out_n, struct tocsin_length *lc,
                  const UChar *s, int32_t n, struct tocsin_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t done = unorm2_spanQuickCheckYes(lc->nfc, s, n, &st), k;

    if (U_FAILURE(st))
        return icu_error(err, "NFC", st);
    if (done == n) {
        *out = s;
        *out_n = n;
        return 0;
    }
    k = unorm2_normalize(lc->nfc, s, n, lc->work.p, (int32_t)lc->work.cap,
                         &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        st = U_ZERO_ERROR;
        u16_reserve(&lc->work, (size_t)k + 1);
        k = unorm2_normalize(lc->nfc, s, n, lc->work.p,
                             (int32_t)lc->work.cap, &st);
    }
    if (U_FAILURE(st))
        return icu_error(err, "NFC", st);
    *out = lc->work.p;
    *out_n = k;
    return 0;
}

/* TwitterTextParser.parseTweet, step for step. */
static int x_count(struct tocsin_x_count *out, struct tocsin_length *lc,
                   const char *text, size_t len,
                   const struct tocsin_x_config *cfg,
                   struct tocsin_error *err)
{
    const UChar *t = NULL;
    int32_t tn = 0, n, off = 0, valid_off = 0;
    size_t k = 0, weight = 0, scaled_max;
    int rc, invalid = 0, blank = 1;
    UErrorCode st = U_ZERO_ERROR;
    long shift;

    if ((rc = set_utf8(&lc->text, text, len, err)))
        return rc;
    n = (int32_t)lc->text.len;
    for (off = 0; off < n && blank; off++)
        blank = lc->text.p[off] <= 0x20; /* String.trim() */
    if (blank) {
        out->display_start = out->display_end = -1;
        out->valid_start = out->valid_end = -1;
        return 0;
    }
    if ((rc = to_nfc(&t, &tn, lc, lc->text.p, n, err)) ||
        (rc = find_urls(lc, &dialect_x, t, tn, err)))
        return rc;
    if (cfg->emoji_parsing) {
        ubrk_setText(lc->chars, t, tn, &st);
        if (U_FAILURE(st))
            return icu_error(err, "grapheme iterator", st);
    }
    scaled_max = cfg->max_weighted_length * (size_t)cfg->scale;
    off = 0;
    while (off < tn) {
        while (k < lc->urls.n && lc->urls.p[k].start < off)
            k++;
        if (k < lc->urls.n && lc->urls.p[k].start == off) {
            int32_t ul = lc->urls.p[k].end - lc->urls.p[k].start;

            weight += (size_t)cfg->transformed_url_length *
                      (size_t)cfg->scale;
            off += ul;
            if (weight <= scaled_max)
                valid_off += ul;
            k++;
            out->n_urls++;
        }
        if (off < tn) {
            int32_t next, delta;
            UChar32 c = cp_at(t, tn, off, &next);
            int32_t elen = cfg->emoji_parsing ? emoji_at(lc->chars, t, tn, off)
                                              : 0;

            weight += (size_t)(elen ? cfg->default_weight
                                    : x_weight(cfg, c));
            /* Validator.hasInvalidCharacters(substring(offset, offset+1)):
             * only the first UTF-16 unit is looked at */
            invalid = invalid || invalid_char(t[off]);
            delta = elen ? elen : next - off;
            off += delta;
            if (!invalid && weight <= scaled_max)
                valid_off += delta;
        }
    }
    shift = (long)n - (long)tn;
    out->weighted_length = weight / (size_t)cfg->scale;
    out->has_invalid_chars = invalid;
    out->valid = !invalid &&
                 out->weighted_length <= cfg->max_weighted_length;
    out->permillage = cfg->max_weighted_length
                          ? out->weighted_length * 1000 /
                                cfg->max_weighted_length
                          : 0;
    out->display_start = 0;
    out->display_end = (long)off + shift - 1;
    out->valid_start = 0;
    out->valid_end = (long)valid_off + shift - 1;
    return 0;
}

int tocsin_x_count(struct tocsin_x_count *out, struct tocsin_length *lc,
                   const char *text, size_t len,
                   const struct tocsin_x_config *cfg,
                   struct tocsin_error *err)
{
    struct tocsin_length *tmp;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = check_size(len, err)) || (rc = borrow(&lc, &tmp, err)))
        return rc;
    rc = x_count(out, lc, text, len, cfg ? cfg : &tocsin_x_config_v3, err);
    tocsin_length_free(tmp);
    return rc;
}

/* ----- Mastodon ---------------------------------------------------------- */

/* Onigmo's [[:word:]]: letters, marks, decimal digits, connectors. */
static int rb_word(UChar32 c)
{
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK |
                                U_GC_PC_MASK)) != 0;
}

static int username_char(UChar32 c)
{
    return ascii_alnum(c) || c == '_';
}

/* The longest run from i of 'word' characters and '.'/'-' that starts and
 * ends with a 'word' character: W+([.-]+W+)*, greedy. -1 if none. */
static int32_t dotted_end(const UChar *s, int32_t n, int32_t i,
                          int (*word)(UChar32 c))
{
    int32_t end = -1, next;

    while (i < n) {
        UChar32 c = cp_at(s, n, i, &next);

        if (word(c))
            end = next;
        else if (c != '.' && c != '-')
            break;
        else if (end < 0)
            break;
        i = next;
    }
    return end;
}

/*
 * Mastodon's Extractor.extract_mentions_or_lists_with_indices with
 * Account::MENTION_RE:
 *   (?<![=/[:word:]])@((USERNAME)(?:@[[:word:]]+(?:[.-]+[[:word:]]+)*)?)
 * USERNAME = [a-z0-9_]+(?:[.-]+[a-z0-9_]+)* (case-insensitive). A match
 * followed by an at sign, a Latin accent or "://" (end_mention_match) or
 * with a domain over 253 characters is dropped; the scan goes on after it.
 */
static void find_mentions(struct tocsin_length *lc, const UChar *s,
                          int32_t n)
{
    int32_t i = 0;

    lc->mentions.n = 0;
    while (i < n) {
        int32_t at = i, user_end, end, dom = -1;
        UChar32 c, b;

        i++;
        if (s[at] != '@')
            continue;
        if (at > 0) {
            b = cp_before(s, at);
            if (b == '=' || b == '/' || rb_word(b))
                continue;
        }
        if ((user_end = dotted_end(s, n, at + 1, username_char)) < 0)
            continue;
        end = user_end;
        if (user_end + 1 < n && s[user_end] == '@' &&
            (dom = dotted_end(s, n, user_end + 1, rb_word)) >= 0)
            end = dom;
        i = end;
        if (end < n) {
            c = cp_at(s, n, end, NULL);
            if (c == '@' || c == 0xFF20 || latin_accent(c) ||
                ci_at(s, n, end, "://"))
                continue;
        }
        if (dom >= 0 && cp_count(s, user_end + 1, dom) > MAX_MENTION_DOMAIN)
            continue;
        spans_add(&lc->mentions, at, end, SPAN_MENTION, user_end - at);
    }
}

/* Extractor.remove_overlapping_entities: by start, and an entity that
 * begins inside the last one kept is dropped. Both lists are sorted. */
static void merge_entities(struct tocsin_length *lc)
{
    size_t a = 0, b = 0;
    int32_t kept_end = -1;

    lc->merged.n = 0;
    while (a < lc->urls.n || b < lc->mentions.n) {
        const struct span *e;

        if (b >= lc->mentions.n ||
            (a < lc->urls.n &&
             lc->urls.p[a].start <= lc->mentions.p[b].start))
            e = &lc->urls.p[a++];
        else
            e = &lc->mentions.p[b++];
        if (kept_end > e->start)
            continue;
        spans_add(&lc->merged, e->start, e->end, e->kind, e->keep);
        kept_end = e->end;
    }
}

static int all_white(const UChar *s, int32_t n)
{
    int32_t i = 0, next;

    while (i < n) {
        if (!u_isUWhiteSpace(cp_at(s, n, i, &next)))
            return 0;
        i = next;
    }
    return 1;
}

static int mastodon_count(struct tocsin_mastodon_count *out,
                          struct tocsin_length *lc, const char *text,
                          size_t len, const char *spoiler,
                          size_t spoiler_len, struct tocsin_error *err)
{
    static const UChar x23[TOCSIN_MASTODON_URL_LENGTH] = {
        'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
        'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'};
    struct u16buf *j = &lc->joined;
    const UChar *s;
    int32_t n, pos = 0;
    size_t k;
    int rc;

    if ((rc = set_utf8(&lc->text, text, len, err)))
        return rc;
    s = lc->text.p;
    n = (int32_t)lc->text.len;
    /* [spoiler_text, countable_text(text)].join: one string, so a
     * grapheme may span the seam as it does in Ruby */
    j->len = 0;
    if (spoiler && (rc = add_utf8(j, spoiler, spoiler_len, err)))
        return rc;
    if (all_white(s, n)) /* countable_text returns '' if str.blank? */
        return count_graphemes(&out->length, lc, j->p, j->len, err);
    if ((rc = find_urls(lc, &dialect_mastodon, s, n, err)))
        return rc;
    find_mentions(lc, s, n);
    merge_entities(lc);
    for (k = 0; k < lc->merged.n; k++) {
        const struct span *e = &lc->merged.p[k];

        u16_add(j, s + pos, (size_t)(e->start - pos));
        if (e->kind == SPAN_URL) {
            u16_add(j, x23, TOCSIN_MASTODON_URL_LENGTH);
            out->n_urls++;
        } else {
            u16_add(j, s + e->start, (size_t)e->keep);
            out->n_mentions++;
        }
        pos = e->end;
    }
    u16_add(j, s + pos, (size_t)(n - pos));
    return count_graphemes(&out->length, lc, j->p, j->len, err);
}

int tocsin_mastodon_count(struct tocsin_mastodon_count *out,
                          struct tocsin_length *lc, const char *text,
                          size_t len, const char *spoiler,
                          size_t spoiler_len, size_t limit,
                          struct tocsin_error *err)
{
    struct tocsin_length *tmp;
    int rc;

    memset(out, 0, sizeof *out);
    out->limit = limit ? limit : TOCSIN_MASTODON_DEFAULT_LIMIT;
    if ((rc = check_size(len, err)) ||
        (spoiler && (rc = check_size(spoiler_len, err))) ||
        (rc = borrow(&lc, &tmp, err)))
        return rc;
    rc = mastodon_count(out, lc, text, len, spoiler, spoiler_len, err);
    out->valid = rc == 0 && out->length <= out->limit;
    tocsin_length_free(tmp);
    return rc;
}

/* ----- Bluesky ----------------------------------------------------------- */

int tocsin_bluesky_count(struct tocsin_bluesky_count *out,
                         struct tocsin_length *lc, const char *text,
                         size_t len, struct tocsin_error *err)
{
    struct tocsin_length *tmp;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = check_size(len, err)) || (rc = borrow(&lc, &tmp, err)))
        return rc;
    if (!(rc = set_utf8(&lc->text, text, len, err)))
        rc = count_graphemes(&out->graphemes, lc, lc->text.p, lc->text.len,
                             err);
    out->bytes = len;
    out->valid = rc == 0 && out->graphemes <= TOCSIN_BLUESKY_MAX_GRAPHEMES &&
                 out->bytes <= TOCSIN_BLUESKY_MAX_BYTES;
    tocsin_length_free(tmp);
    return rc;
}

/* ----- email subject ----------------------------------------------------- */

/* Columns of one grapheme cluster: 2 if any of it is East Asian Wide or
 * Fullwidth, or it is an emoji asked for with VS16; 0 if it is only
 * marks, format and control characters (nothing is drawn); else 1. */
static size_t cluster_columns(const UChar *s, int32_t from, int32_t to,
                              size_t *bytes)
{
    const uint32_t invisible = U_GC_MN_MASK | U_GC_ME_MASK | U_GC_CF_MASK |
                               U_GC_CC_MASK;
    int32_t i = from, next;
    int wide = 0, seen = 0, vs16 = 0;
    UChar32 first = cp_at(s, to, from, NULL);

    *bytes = 0;
    while (i < to) {
        UChar32 c = cp_at(s, to, i, &next);
        int eaw = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);

        if (eaw == U_EA_WIDE || eaw == U_EA_FULLWIDTH)
            wide = 1;
        if (!(U_GET_GC_MASK(c) & invisible))
            seen = 1;
        if (c == 0xFE0F)
            vs16 = 1;
        *bytes += (size_t)U8_LENGTH(c);
        i = next;
    }
    if (vs16 && has_prop(first, UCHAR_EMOJI))
        wide = 1;
    return !seen ? 0 : wide ? 2 : 1;
}

int tocsin_subject_columns(struct tocsin_subject_count *out,
                           struct tocsin_length *lc, const char *text,
                           size_t len, struct tocsin_error *err)
{
    struct tocsin_length *tmp;
    UErrorCode st = U_ZERO_ERROR;
    size_t offset = 0;
    int32_t from, to;
    int rc;

    memset(out, 0, sizeof *out);
    out->overflow_offset = len;
    if ((rc = check_size(len, err)) || (rc = borrow(&lc, &tmp, err)))
        return rc;
    if ((rc = set_utf8(&lc->text, text, len, err)))
        goto out;
    ubrk_setText(lc->chars, lc->text.len ? lc->text.p : empty_u16,
                 (int32_t)lc->text.len, &st);
    if (U_FAILURE(st)) {
        rc = icu_error(err, "grapheme iterator", st);
        goto out;
    }
    from = ubrk_first(lc->chars);
    while ((to = ubrk_next(lc->chars)) != UBRK_DONE) {
        size_t bytes, w = cluster_columns(lc->text.p, from, to, &bytes);

        if (out->columns + w > TOCSIN_SUBJECT_MAX_COLUMNS &&
            out->overflow_offset == len)
            out->overflow_offset = offset;
        out->columns += w;
        offset += bytes;
        from = to;
    }
    out->fits = out->columns <= TOCSIN_SUBJECT_MAX_COLUMNS;
out:
    tocsin_length_free(tmp);
    return rc;
}

/* ----- links ------------------------------------------------------------- */

int tocsin_length_urls(struct tocsin_url_span *out, size_t max,
                       size_t *n_out, struct tocsin_length *lc,
                       enum tocsin_url_dialect dialect, const char *text,
                       size_t len, struct tocsin_error *err)
{
    struct tocsin_length *tmp;
    size_t k, bytes = 0;
    int32_t i = 0;
    int rc;

    *n_out = 0;
    if ((rc = check_size(len, err)) || (rc = borrow(&lc, &tmp, err)))
        return rc;
    if ((rc = set_utf8(&lc->text, text, len, err)) ||
        (rc = find_urls(lc, dialect == TOCSIN_URLS_MASTODON
                                ? &dialect_mastodon
                                : &dialect_x,
                        lc->text.p, (int32_t)lc->text.len, err)))
        goto out;
    /* the spans are in order: one walk turns UTF-16 indices into bytes */
    for (k = 0; k < lc->urls.n; k++) {
        const struct span *e = &lc->urls.p[k];
        size_t start = 0;

        while (i < e->end) {
            int32_t next;
            UChar32 c;

            if (i == e->start)
                start = bytes;
            c = cp_at(lc->text.p, (int32_t)lc->text.len, i, &next);
            bytes += (size_t)U8_LENGTH(c);
            i = next;
        }
        if (k < max) {
            out[k].start = start;
            out[k].end = bytes;
            out[k].start16 = (size_t)e->start;
            out[k].end16 = (size_t)e->end;
        }
    }
    *n_out = lc->urls.n;
out:
    tocsin_length_free(tmp);
    return rc;
}
