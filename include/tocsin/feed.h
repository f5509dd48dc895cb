/*
 * feed.h - reading RSS and Atom feeds into plain items, and matching
 * keywords against them (the 'complaints' monitors of DESIGN §10).
 *
 * Reads RSS 2.0 (and 0.9x, and RSS 1.0/RDF), Atom 1.0 feeds and Atom entry
 * documents, parsed with libxml2 as hostile input: no network, no DTD
 * loading, entities never substituted, a cap on the input size and on the
 * number of items. Refuses HTML pages, Atom 0.3 and anything else with
 * TOCSIN_EINPUT. Knows nothing about HTTP: source.c fetches.
 */
#ifndef TOCSIN_FEED_H
#define TOCSIN_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/error.h"

#define TOCSIN_FEED_MAX_BYTES_DEFAULT ((size_t)16 << 20)
#define TOCSIN_FEED_MAX_ITEMS_DEFAULT ((size_t)100000)

/* Zero fields take the defaults above; a NULL limits pointer means all
 * defaults. */
struct tocsin_feed_limits {
    size_t max_bytes; /* larger input is refused before parsing */
    size_t max_items; /* items beyond this are not read (see 'truncated') */
};

struct tocsin_feed_item {
    /* RSS guid, RSS 1.0 rdf:about or Atom id; else the link; else
     * "sha256:<hex>" of the title and text. Never NULL or empty. */
    char *id;
    char *title;       /* plain text, whitespace collapsed; "" if none */
    char *text;        /* description/summary/content as plain text: markup
                          stripped, whitespace collapsed; "" if none */
    char *link;        /* absolute when a base was known; "" if none */
    int64_t published; /* seconds since the epoch, or -1 when absent or
                          unreadable (Atom: published, else updated; RSS:
                          pubDate, else dc:date) */
};

enum tocsin_feed_kind {
    TOCSIN_FEED_RSS = 1,  /* RSS 0.9x/2.0 and RSS 1.0 (RDF) */
    TOCSIN_FEED_ATOM = 2  /* an Atom feed or a single Atom entry document */
};

struct tocsin_feed {
    enum tocsin_feed_kind kind;
    char *title; /* the channel's or feed's title, "" if none */
    struct tocsin_feed_item *items;
    size_t n_items;
    /* Set when the feed had more than limits->max_items items: only the
     * first max_items were read. 'note' then says so in words. */
    int truncated;
    char note[128];
};

/* Parse the feed in 'bytes' ('len' bytes, any encoding its XML declaration
 * names). 'base_url' (may be NULL) is where the feed came from: relative
 * links resolve against it and any xml:base. On success '*out' holds the
 * items in document order; free it with tocsin_feed_free().
 * Returns 0, or TOCSIN_EINPUT when the input is too large, is malformed XML
 * (err->line is the XML line), is HTML or another kind of document ("not an
 * RSS or Atom feed"). A hostile document (entity bombs, deep nesting) is an
 * error or yields harmless text; it never expands. */
int tocsin_feed_parse(struct tocsin_feed **out, const char *bytes, size_t len,
                      const char *base_url,
                      const struct tocsin_feed_limits *limits,
                      struct tocsin_error *err);

void tocsin_feed_free(struct tocsin_feed *feed);

/* Whether any of the 'n' keywords occurs in the item's title or text,
 * ignoring case (Unicode full case folding) and normalisation (both sides
 * NFC), so "SEAM" finds "seam", "Café" finds "CAFÉ" written with a
 * combining accent, and "脫線" finds itself inside Chinese text. Substring
 * match, no word boundaries (Chinese has none). Empty keywords never match;
 * invalid UTF-8 in a keyword is read with U+FFFD. Returns 1 or 0. */
int tocsin_feed_match(const struct tocsin_feed_item *item,
                      const char *const *keywords, size_t n);

#endif
