/*
 * source.h - where a monitor's number comes from (DESIGN §10): a JSON
 * document and a path into it, a CSV file and a column, or an RSS/Atom feed
 * and keywords. One fetch, one number; baselines, triggers and schedules
 * are the watcher's business, not this file's.
 *
 * Fetches with libcurl's easy interface over http, https and file only,
 * with timeouts, a body cap and at most 3 redirects (never to file://).
 * Every error names the URL with its credentials taken out
 * (tocsin_source_redact_url). Nothing here prints or retries.
 */
#ifndef TOCSIN_SOURCE_H
#define TOCSIN_SOURCE_H

#include <stddef.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

enum tocsin_source_kind {
    TOCSIN_SOURCE_JSON = 1, /* the number at 'json_path' */
    TOCSIN_SOURCE_CSV = 2,  /* a column's last value or sum, or the rows */
    TOCSIN_SOURCE_FEED = 3  /* the feed items that match 'keywords' */
};

enum tocsin_source_agg {
    TOCSIN_AGG_LAST = 0,  /* the value in the last row */
    TOCSIN_AGG_COUNT = 1, /* the number of rows after the header */
    TOCSIN_AGG_SUM = 2    /* the sum of the column over every row */
};

#define TOCSIN_SOURCE_CONNECT_TIMEOUT_MS 10000L
#define TOCSIN_SOURCE_TIMEOUT_MS 30000L
#define TOCSIN_SOURCE_MAX_BYTES ((size_t)16 << 20)
#define TOCSIN_SOURCE_MAX_ROWS ((size_t)10000000)
#define TOCSIN_SOURCE_MAX_REDIRECTS 3L

/* A source as the monitors file declares it. Strings are borrowed. */
struct tocsin_source {
    enum tocsin_source_kind kind;
    const char *url; /* http://, https:// or file:// */
    /* JSON: names separated by dots, array indexes in brackets:
     * "orders.unshipped", "data.items[0].count"; "" is the whole document.
     * The value must be a number, or a string holding one ("12.5"). */
    const char *json_path;
    /* CSV (RFC 4180, a header row): the column's name, NULL for COUNT. */
    const char *csv_column;
    enum tocsin_source_agg csv_agg;
    /* FEED: an item counts when any keyword matches (tocsin_feed_match);
     * with no keywords every item counts. */
    const char *const *keywords;
    size_t n_keywords;
    long connect_timeout_ms; /* 0: TOCSIN_SOURCE_CONNECT_TIMEOUT_MS */
    long timeout_ms;         /* 0: TOCSIN_SOURCE_TIMEOUT_MS, whole fetch */
};

/* Zero fields take the defaults; a NULL pointer means all defaults. */
struct tocsin_source_limits {
    size_t max_bytes; /* the body, after decompression */
    size_t max_rows;  /* CSV data rows */
    size_t max_items; /* feed items (see feed.h) */
};

struct tocsin_source_result {
    double value;
    size_t n_read;  /* CSV rows or feed items read */
    char **ids;     /* FEED: the ids of the matching items, in feed order,
                       so the watcher can count each post once across
                       polls; NULL otherwise */
    size_t n_ids;
    char note[128]; /* "" or what the reader left out ("stopped after ...") */
};

/* Check a source's definition without fetching: a supported scheme, a
 * well-formed JSON path, a column where one is needed. Returns 0 or
 * TOCSIN_EINPUT (the caller adds the monitors file's path and line). */
int tocsin_source_validate(const struct tocsin_source *src,
                           struct tocsin_error *err);

/* Fetch 'src' once and compute its value. On success the caller frees
 * '*out' with tocsin_source_result_free().
 * Returns 0; TOCSIN_ERUNTIME when the source cannot be reached or answers
 * badly (timeout, refused or reset connection, HTTP status other than 2xx,
 * too many redirects, a body over the cap, an unreadable file);
 * TOCSIN_EINPUT when the definition is invalid or the document does not
 * hold what it should (HTML instead of JSON, malformed JSON or CSV, a path
 * or column that does not exist, a value that is not a number, not a
 * feed). */
int tocsin_source_fetch(struct tocsin_source_result **out,
                        const struct tocsin_source *src,
                        const struct tocsin_source_limits *limits,
                        struct tocsin_error *err);

void tocsin_source_result_free(struct tocsin_source_result *r);

/* Append 'url' as it may be shown: no user name or password, every query
 * value replaced by "***" (API keys travel there as often as in userinfo),
 * no fragment. An unparseable URL is shown as "(invalid URL)". */
void tocsin_source_redact_url(struct tocsin_buf *out, const char *url);

#endif
