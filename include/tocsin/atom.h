/*
 * atom.h - writing the status page's Atom feed (RFC 4287, DESIGN §9).
 *
 * The caller describes the feed in plain structs of borrowed strings; this
 * file checks that every element RFC 4287 requires is there, writes the
 * document with libxml2's xmlTextWriter (which does all the XML escaping)
 * and appends it, UTF-8, to a tocsin_buf. It never reads feeds (feed.h
 * does) and never decides what an update says: the caller's text is
 * written as given, as text or as already-sanitized HTML.
 */
#ifndef TOCSIN_ATOM_H
#define TOCSIN_ATOM_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

enum tocsin_atom_type {
    TOCSIN_ATOM_TEXT = 0, /* content type="text" */
    TOCSIN_ATOM_HTML = 1  /* content type="html": the caller's sanitized
                             HTML, escaped into the document as text */
};

struct tocsin_atom_entry {
    const char *id;        /* an absolute IRI, stable across rewrites of the
                              feed: tocsin_atom_uuid() makes one */
    const char *title;     /* required, plain text */
    int64_t updated;       /* required, seconds since the epoch */
    int64_t published;     /* -1 when none */
    const char *author;    /* NULL: the feed's author speaks for it */
    const char *link;      /* the entry's web page (rel="alternate"), or
                              NULL; an entry needs a link or content */
    const char *summary;   /* plain text, or NULL */
    const char *content;   /* or NULL */
    enum tocsin_atom_type content_type;
};

struct tocsin_atom_feed {
    const char *id;            /* an absolute IRI, required */
    const char *title;         /* required */
    const char *subtitle;      /* or NULL */
    const char *lang;          /* xml:lang of the document ("en"), or NULL */
    int64_t updated;           /* -1: the newest entry's 'updated' */
    const char *author_name;   /* required unless every entry has one */
    const char *author_email;  /* or NULL */
    const char *author_uri;    /* or NULL */
    const char *self_url;      /* where the feed lives (rel="self"), or NULL */
    const char *alternate_url; /* the status page (rel="alternate"), or NULL */
    const struct tocsin_atom_entry *entries; /* in the order to write them,
                                                newest first by convention */
    size_t n_entries;
};

/* "urn:uuid:" and a name-based UUID (RFC 4122 version 5, URL namespace)
 * of 'name', e.g. the status URL and the incident id: the same name gives
 * the same id on every run, which is what lets feed readers tell new
 * entries from old ones. */
#define TOCSIN_ATOM_UUID_LEN 46 /* "urn:uuid:" + 36 + NUL */
void tocsin_atom_uuid(char out[TOCSIN_ATOM_UUID_LEN], const char *name);

/* Append the Atom document for 'f' to 'out'. Characters XML 1.0 cannot
 * carry (C0 controls other than tab and newline, U+FFFE, U+FFFF) are
 * written as U+FFFD rather than making the whole feed unreadable.
 * Returns 0; TOCSIN_EINPUT when a required element is missing, an id is not
 * an absolute IRI, two entries share an id, a time cannot be written as
 * RFC 3339, a URL holds spaces, or a string is not UTF-8 (the message names
 * the entry by its id); TOCSIN_ERUNTIME when 'out' reaches its cap.
 * On error nothing is appended to 'out'. */
int tocsin_atom_write(struct tocsin_buf *out, const struct tocsin_atom_feed *f,
                      struct tocsin_error *err);

#endif
