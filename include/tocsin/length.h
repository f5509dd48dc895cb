/*
 * length.h - how long a message is, counted the way each network counts it.
 *
 * SMS segments (GSM 03.38 septets or UCS-2 units, split as Twilio splits
 * them), X/Twitter weighted length (twitter-text's parseTweet), Mastodon
 * status length, Bluesky graphemes and the display columns of an email
 * subject. 'check' and 'plan' call these once per template; dispatch calls
 * the SMS counter once per message, and that one allocates nothing.
 *
 * Every counter takes UTF-8 text with an explicit length and refuses
 * ill-formed UTF-8 with TOCSIN_EINPUT naming the byte. None prints, and none
 * knows templates, channels or configuration: the caller renders the text
 * and decides what a count over a limit means (error, warning, more parts).
 * docs/lengths.md gives each rule with its source and examples.
 */
#ifndef TOCSIN_LENGTH_H
#define TOCSIN_LENGTH_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

/* The longest text any counter accepts; longer is TOCSIN_EINPUT. The link
 * finder keeps 16 bytes of tables per UTF-16 unit, and no message on any
 * channel comes near a megabyte. */
#define TOCSIN_LENGTH_MAX_TEXT ((size_t)1 << 20)

/* Where a character sits in the counted text: the byte offset, and the
 * 1-based line and column, the column counting characters (code points). */
struct tocsin_text_pos {
    size_t offset;
    int line, col;
};

/*
 * The ICU state the Unicode-aware counters reuse from call to call: a
 * grapheme break iterator, an IDNA converter for link hosts, and scratch
 * buffers. Not thread-safe: use one per thread. Every function below that
 * takes one also accepts NULL and then makes (and frees) a temporary one,
 * which is fine for a single call and wasteful in a loop.
 */
struct tocsin_length;

/* Returns 0 or TOCSIN_ERUNTIME when ICU cannot open its data. The caller
 * frees '*out' with tocsin_length_free(). */
int tocsin_length_new(struct tocsin_length **out, struct tocsin_error *err);
void tocsin_length_free(struct tocsin_length *lc);

/* ----- SMS --------------------------------------------------------------- */

enum tocsin_sms_encoding {
    TOCSIN_SMS_GSM7 = 0, /* every character is in GSM 03.38 */
    TOCSIN_SMS_UCS2 = 1  /* at least one is not: UTF-16 code units */
};

#define TOCSIN_SMS_GSM7_SINGLE 160 /* septets in a one-part message */
#define TOCSIN_SMS_GSM7_MULTI 153  /* per part once a UDH is needed */
#define TOCSIN_SMS_UCS2_SINGLE 70
#define TOCSIN_SMS_UCS2_MULTI 67

struct tocsin_sms_count {
    enum tocsin_sms_encoding encoding;
    size_t units;       /* septets (extension characters count 2), or
                           UTF-16 units (astral characters count 2) */
    size_t segments;    /* parts billed; 0 for empty text */
    size_t per_segment; /* 160, 153, 70 or 67: the capacity that applied */
    size_t free_units;  /* room left in the last part */
    /* UCS-2 only: the first character outside GSM 03.38, the one that
     * forced UCS-2; 0 and a zero position for GSM-7 text */
    uint32_t ucs2_char;
    struct tocsin_text_pos ucs2_at;
};

/* Count 'len' bytes of 'text' as one SMS. Parts never split a GSM escape
 * pair or a UTF-16 surrogate pair (Twilio's rule), so a part can hold one
 * unit less than its capacity. Allocates nothing.
 * Returns 0 or TOCSIN_EINPUT (ill-formed UTF-8, text too long). */
int tocsin_sms_count(struct tocsin_sms_count *out, const char *text,
                     size_t len, struct tocsin_error *err);

/* "GSM-7" or "UCS-2". */
const char *tocsin_sms_encoding_name(enum tocsin_sms_encoding e);

/* One typographic character that has a GSM 03.38 stand-in. */
struct tocsin_sms_swap {
    uint32_t from;                /* the character found, e.g. U+2019 */
    const char *to;               /* its stand-in ("'"), static; "" means
                                     drop it (zero-width space, BOM) */
    size_t n;                     /* how many times it occurs */
    struct tocsin_text_pos first; /* where it first occurs */
};

#define TOCSIN_SMS_MAX_SWAPS 64 /* more than the table holds */

struct tocsin_sms_suggest {
    struct tocsin_sms_swap swaps[TOCSIN_SMS_MAX_SWAPS]; /* by first use */
    size_t n_swaps;
    /* characters outside GSM 03.38 that have no stand-in (emoji, CJK,
     * accented letters: dropping an accent changes the word, so that
     * choice is left to the writer) */
    size_t n_unfixable;
    uint32_t first_unfixable;
    struct tocsin_text_pos unfixable_at;
    struct tocsin_sms_count after; /* the count with every swap applied;
                                      GSM-7 when n_unfixable is 0 */
};

/* Say which characters of 'text' have GSM 03.38 stand-ins (’ -> ', “ ” ->
 * ", – -> -, … -> ..., no-break space -> space) and what the message
 * would cost with them swapped. For GSM-7 text n_swaps is 0 and 'after'
 * equals the plain count. Allocates nothing.
 * Returns 0 or TOCSIN_EINPUT (ill-formed UTF-8, text too long). */
int tocsin_sms_gsm_suggest(struct tocsin_sms_suggest *out, const char *text,
                           size_t len, struct tocsin_error *err);

/* Append to 'out' the sentence 'check' shows for UCS-2 text, e.g.
 *   '’' (U+2019) at line 1, column 41 forces UCS-2: 3 segments instead of
 *   1; GSM-7 stand-ins: ’ -> ' (2x), – -> -
 * or, when a character has no stand-in, "... forces UCS-2 (3 segments);
 * it has no GSM-7 stand-in". Appends nothing for GSM-7 text.
 * Returns 0 or TOCSIN_EINPUT (ill-formed UTF-8, text too long). */
int tocsin_sms_explain(struct tocsin_buf *out, const char *text, size_t len,
                       struct tocsin_error *err);

/* ----- X / Twitter ------------------------------------------------------- */

struct tocsin_x_range {
    uint32_t start, end; /* code points, inclusive */
    int weight;
};

/* twitter-text's configuration (config/v2.json, v3.json). */
struct tocsin_x_config {
    int version;
    size_t max_weighted_length;    /* 280 */
    int scale;                     /* 100 */
    int default_weight;            /* 200: code points outside 'ranges' */
    int transformed_url_length;    /* 23: what every link counts */
    int emoji_parsing;             /* 1: an emoji sequence weighs
                                      default_weight as a whole */
    size_t n_ranges;
    struct tocsin_x_range ranges[8];
};

extern const struct tocsin_x_config tocsin_x_config_v2;
extern const struct tocsin_x_config tocsin_x_config_v3; /* X's current */

struct tocsin_x_count {
    size_t weighted_length; /* what X shows against its 280 */
    size_t permillage;      /* weighted_length * 1000 / max, rounded down */
    int valid;              /* not blank, no U+FFFE/FEFF/FFFF, and within
                               max_weighted_length */
    int has_invalid_chars;
    size_t n_urls;          /* links counted as transformed_url_length */
    /* twitter-text's ranges, kept for conformance: inclusive, in UTF-16
     * code units of the input; -1..-1 for blank text */
    long display_start, display_end, valid_start, valid_end;
};

/* Weigh 'text' as X does: NFC first, then every link (scheme-less ones
 * too, when their TLD is real) counts transformed_url_length, each code
 * point its range weight, and with emoji_parsing each emoji sequence
 * (grapheme clusters from ICU, ZWJ and skin tones included) counts
 * default_weight once. 'cfg' NULL means tocsin_x_config_v3.
 * Returns 0, TOCSIN_EINPUT (ill-formed UTF-8, text too long) or
 * TOCSIN_ERUNTIME (ICU). */
int tocsin_x_count(struct tocsin_x_count *out, struct tocsin_length *lc,
                   const char *text, size_t len,
                   const struct tocsin_x_config *cfg,
                   struct tocsin_error *err);

/* ----- Mastodon ---------------------------------------------------------- */

#define TOCSIN_MASTODON_DEFAULT_LIMIT 500
#define TOCSIN_MASTODON_URL_LENGTH 23

struct tocsin_mastodon_count {
    size_t length;     /* graphemes of spoiler + countable text */
    size_t limit;
    int valid;         /* length <= limit */
    size_t n_urls;     /* links counted as 23 */
    size_t n_mentions; /* "@user@domain" counted as "@user" */
};

/* Count a status as Mastodon's StatusLengthValidator does: grapheme
 * clusters of the content warning 'spoiler' (may be NULL) followed by the
 * text in which every link with a scheme counts 23 and every remote
 * mention counts only its "@user" part. 'limit' 0 means 500 (instances
 * raise it: use the channel's 'limit').
 * Returns 0, TOCSIN_EINPUT (ill-formed UTF-8, text too long) or
 * TOCSIN_ERUNTIME (ICU). */
int tocsin_mastodon_count(struct tocsin_mastodon_count *out,
                          struct tocsin_length *lc, const char *text,
                          size_t len, const char *spoiler,
                          size_t spoiler_len, size_t limit,
                          struct tocsin_error *err);

/* ----- Bluesky ----------------------------------------------------------- */

#define TOCSIN_BLUESKY_MAX_GRAPHEMES 300
#define TOCSIN_BLUESKY_MAX_BYTES 3000

struct tocsin_bluesky_count {
    size_t graphemes; /* extended grapheme clusters (UAX #29, ICU) */
    size_t bytes;     /* UTF-8 bytes: the lexicon's other limit */
    int valid;        /* graphemes <= 300 and bytes <= 3000 */
};

/* Count a post's text as app.bsky.feed.post's lexicon does
 * (maxGraphemes 300, maxLength 3000). Links count as written: a client
 * that shortens them does so in the text it sends.
 * Returns 0, TOCSIN_EINPUT or TOCSIN_ERUNTIME. */
int tocsin_bluesky_count(struct tocsin_bluesky_count *out,
                         struct tocsin_length *lc, const char *text,
                         size_t len, struct tocsin_error *err);

/* ----- email subject ----------------------------------------------------- */

#define TOCSIN_SUBJECT_MAX_COLUMNS 78 /* RFC 5322 2.1.1's line advice */

struct tocsin_subject_count {
    size_t columns; /* East Asian Wide/Fullwidth and emoji count 2,
                       combining marks and controls 0, the rest 1 */
    int fits;       /* columns <= 78 */
    size_t overflow_offset; /* byte offset of the first character past
                               column 78; 'len' when it fits */
};

/* Measure a subject as a mail client lays it out, grapheme by grapheme
 * (ICU's UCHAR_EAST_ASIAN_WIDTH). An advisory: long subjects are cut in
 * inbox lists, they are not refused.
 * Returns 0, TOCSIN_EINPUT or TOCSIN_ERUNTIME. */
int tocsin_subject_columns(struct tocsin_subject_count *out,
                           struct tocsin_length *lc, const char *text,
                           size_t len, struct tocsin_error *err);

/* ----- links ------------------------------------------------------------- */

enum tocsin_url_dialect {
    TOCSIN_URLS_X,       /* twitter-text (Java): scheme-less links too */
    TOCSIN_URLS_MASTODON /* twitter-text (Ruby) with Mastodon's changes:
                            a scheme is required */
};

struct tocsin_url_span {
    size_t start, end;         /* bytes of the input, end exclusive */
    size_t start16, end16;     /* the same in UTF-16 code units */
};

/* The links a network would count in 'text', in order, as it finds them
 * (without X's NFC step). Stores at most 'max' spans in 'out' and the
 * total found in '*n_out' (which may exceed 'max'). For 'check' to show
 * what was taken for a link, and for the conformance tests.
 * Returns 0, TOCSIN_EINPUT or TOCSIN_ERUNTIME. */
int tocsin_length_urls(struct tocsin_url_span *out, size_t max,
                       size_t *n_out, struct tocsin_length *lc,
                       enum tocsin_url_dialect dialect, const char *text,
                       size_t len, struct tocsin_error *err);

#endif
