/*
 * atom.c - an RFC 4287 Atom feed written with libxml2's xmlTextWriter.
 *
 * Everything a validator would call missing or invalid is refused before
 * the first byte is written (the feedvalidator's Missing*, Invalid* and
 * Duplicate* cases are the shapes to avoid), so a written feed is a valid
 * feed. Escaping is the writer's: no string reaches the document by hand.
 */
#include "tocsin/atom.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"

#include <libxml/xmlwriter.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define XC(s) ((const xmlChar *)(s))

/* 9999-12-31T23:59:59Z: RFC 3339 has four-digit years. */
#define TIME_MAX ((int64_t)253402300799)

void tocsin_atom_uuid(char out[TOCSIN_ATOM_UUID_LEN], const char *name)
{
    /* RFC 4122 §4.3 and Appendix C: the URL namespace, then the name. */
    static const unsigned char ns_url[16] = {
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
        0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0, i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char *p = out;

    /* SHA-1 is what version 5 is defined with; it names, it does not
     * protect anything. */
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) ||
        !EVP_DigestUpdate(ctx, ns_url, sizeof ns_url) ||
        !EVP_DigestUpdate(ctx, name, strlen(name)) ||
        !EVP_DigestFinal_ex(ctx, md, &md_len))
        abort(); /* only allocation can fail here */
    EVP_MD_CTX_free(ctx);
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
    memcpy(p, "urn:uuid:", 9);
    p += 9;
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[md[i] >> 4];
        *p++ = hex[md[i] & 15];
    }
    *p = '\0';
}

/* ----- checking the description --------------------------------------- */

static int is_utf8(const char *s)
{
    UErrorCode st = U_ZERO_ERROR;
    size_t n = strlen(s);
    int32_t len = 0;

    if (n > INT32_MAX)
        return 0;
    /* A preflight conversion: ICU reports ill-formed UTF-8 (overlongs,
     * surrogates, truncated sequences) as U_INVALID_CHAR_FOUND. */
    u_strFromUTF8(NULL, 0, &len, s, (int32_t)n, &st);
    return st == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(st);
}

/* An absolute IRI, as atom:id requires (RFC 4287 §4.2.6): a scheme
 * (RFC 3986 §3.1), a colon, something after it, and no white space. */
static int is_abs_iri(const char *s)
{
    const char *p = s;

    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':' || !p[1])
        return 0;
    for (; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

static int has_space(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 1;
    return 0;
}

struct checker {
    struct tocsin_error *err;
    const char *where; /* "feed" or "entry" */
    const char *id;    /* names the entry in messages */
};

static int bad(struct checker *c, const char *what)
{
    return tocsin_error_set(c->err, TOCSIN_EINPUT, NULL, 0,
                            "atom %s '%.200s': %s", c->where,
                            c->id && *c->id ? c->id : "(no id)", what);
}

static int check_str(struct checker *c, const char *s, const char *name,
                     int required)
{
    struct tocsin_buf m = TOCSIN_BUF_INIT(128);
    int rc = 0;

    if (!s || !*s) {
        if (required) {
            tocsin_buf_addf(&m, "the required %s is missing", name);
            rc = bad(c, m.ptr);
        }
    } else if (!is_utf8(s)) {
        tocsin_buf_addf(&m, "the %s is not valid UTF-8", name);
        rc = bad(c, m.ptr);
    }
    tocsin_buf_cleanup(&m);
    return rc;
}

static int check_url(struct checker *c, const char *s, const char *name)
{
    struct tocsin_buf m = TOCSIN_BUF_INIT(128);
    int rc;

    if ((rc = check_str(c, s, name, 0)))
        return rc;
    if (s && has_space(s)) {
        tocsin_buf_addf(&m, "the %s holds white space", name);
        rc = bad(c, m.ptr);
    }
    tocsin_buf_cleanup(&m);
    return rc;
}

static int check_time(struct checker *c, int64_t t, const char *name,
                      int required)
{
    struct tocsin_buf m = TOCSIN_BUF_INIT(128);
    int rc = 0;

    if (t < 0 && required) {
        tocsin_buf_addf(&m, "the required %s time is missing", name);
        rc = bad(c, m.ptr);
    } else if (t > TIME_MAX) {
        tocsin_buf_addf(&m, "the %s time is after the year 9999", name);
        rc = bad(c, m.ptr);
    }
    tocsin_buf_cleanup(&m);
    return rc;
}

static int check_id(struct checker *c, const char *id)
{
    int rc;

    if ((rc = check_str(c, id, "id", 1)))
        return rc;
    if (!is_abs_iri(id))
        return bad(c, "the id is not an absolute IRI (write a tag: or "
                      "urn:uuid: URI)");
    return 0;
}

static int check_entry(const struct tocsin_atom_entry *e, int feed_author,
                       struct tocsin_error *err)
{
    struct checker c = {err, "entry", e->id};
    int rc;

    if ((rc = check_id(&c, e->id)) || (rc = check_str(&c, e->title, "title",
                                                      1)) ||
        (rc = check_time(&c, e->updated, "updated", 1)) ||
        (rc = check_time(&c, e->published, "published", 0)) ||
        (rc = check_str(&c, e->author, "author", 0)) ||
        (rc = check_url(&c, e->link, "link")) ||
        (rc = check_str(&c, e->summary, "summary", 0)) ||
        (rc = check_str(&c, e->content, "content", 0)))
        return rc;
    if (!feed_author && !(e->author && *e->author))
        return bad(&c, "no author, and the feed has none (RFC 4287 "
                       "§4.1.1)");
    /* RFC 4287 §4.1.1: without content, an alternate link is required. */
    if (!(e->content && *e->content) && !(e->link && *e->link))
        return bad(&c, "an entry needs content or a link (RFC 4287 "
                       "§4.1.1)");
    if (e->content_type != TOCSIN_ATOM_TEXT &&
        e->content_type != TOCSIN_ATOM_HTML)
        return bad(&c, "the content type is neither text nor html");
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    const struct tocsin_atom_entry *const *x = a, *const *y = b;

    return strcmp((*x)->id, (*y)->id);
}

static int check_feed(const struct tocsin_atom_feed *f, int64_t *updated,
                      struct tocsin_error *err)
{
    struct checker c = {err, "feed", f->id};
    const struct tocsin_atom_entry **sorted = NULL;
    int feed_author = f->author_name && *f->author_name;
    size_t i;
    int rc;

    if ((rc = check_id(&c, f->id)) ||
        (rc = check_str(&c, f->title, "title", 1)) ||
        (rc = check_str(&c, f->subtitle, "subtitle", 0)) ||
        (rc = check_url(&c, f->lang, "language")) ||
        (rc = check_time(&c, f->updated, "updated", 0)) ||
        (rc = check_str(&c, f->author_name, "author name", 0)) ||
        (rc = check_url(&c, f->author_email, "author email")) ||
        (rc = check_url(&c, f->author_uri, "author uri")) ||
        (rc = check_url(&c, f->self_url, "self link")) ||
        (rc = check_url(&c, f->alternate_url, "alternate link")))
        return rc;
    *updated = f->updated;
    for (i = 0; i < f->n_entries; i++) {
        if ((rc = check_entry(&f->entries[i], feed_author, err)))
            return rc;
        if (f->entries[i].updated > *updated && f->updated < 0)
            *updated = f->entries[i].updated;
    }
    if (*updated < 0)
        return bad(&c, "no updated time and no entries to take it from");
    if (!feed_author && f->n_entries == 0)
        return bad(&c, "the required author name is missing");
    /* RFC 4287 §4.1.1: no two entries with the same id (and the same
     * updated time); we refuse any two, since ours are one per update. */
    sorted = tocsin_xreallocarray(NULL, f->n_entries ? f->n_entries : 1,
                                  sizeof *sorted);
    for (i = 0; i < f->n_entries; i++)
        sorted[i] = &f->entries[i];
    qsort(sorted, f->n_entries, sizeof *sorted, cmp_id);
    for (i = 1; i < f->n_entries && !rc; i++)
        if (!strcmp(sorted[i - 1]->id, sorted[i]->id)) {
            struct checker ce = {err, "entry", sorted[i]->id};

            rc = bad(&ce, "two entries share this id");
        }
    free(sorted);
    return rc;
}

/* ----- writing ---------------------------------------------------------- */

/* 's' with the characters XML 1.0 §2.2 forbids replaced by U+FFFD. The
 * result is borrowed from 'tmp'. */
static const char *xml_chars(struct tocsin_buf *tmp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    tocsin_buf_reset(tmp);
    for (; *p; p++) {
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
            (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))) {
            tocsin_buf_adds(tmp, "\xEF\xBF\xBD");
            if (*p == 0xEF)
                p += 2;
            continue;
        }
        tocsin_buf_addc(tmp, (char)*p);
    }
    return tmp->ptr;
}

struct writer {
    xmlTextWriterPtr w;
    struct tocsin_buf tmp;
    int failed;
};

static void start(struct writer *wr, const char *name)
{
    if (xmlTextWriterStartElement(wr->w, XC(name)) < 0)
        wr->failed = 1;
}

static void end(struct writer *wr)
{
    if (xmlTextWriterEndElement(wr->w) < 0)
        wr->failed = 1;
}

static void attr(struct writer *wr, const char *name, const char *value)
{
    if (xmlTextWriterWriteAttribute(wr->w, XC(name),
                                    XC(xml_chars(&wr->tmp, value))) < 0)
        wr->failed = 1;
}

static void text_el(struct writer *wr, const char *name, const char *type,
                    const char *value)
{
    start(wr, name);
    if (type)
        attr(wr, "type", type);
    if (xmlTextWriterWriteString(wr->w, XC(xml_chars(&wr->tmp, value))) < 0)
        wr->failed = 1;
    end(wr);
}

static void time_el(struct writer *wr, const char *name, int64_t t)
{
    char s[32];

    /* "2026-11-22T09:00:00Z": uppercase T and Z, as RFC 3339 §5.6 writes
     * them and the feedvalidator demands. */
    tocsin_time_format(s, sizeof s, t);
    text_el(wr, name, NULL, s);
}

static void link_el(struct writer *wr, const char *rel, const char *type,
                    const char *href)
{
    start(wr, "link");
    attr(wr, "rel", rel);
    if (type)
        attr(wr, "type", type);
    attr(wr, "href", href);
    end(wr);
}

static void person(struct writer *wr, const char *name, const char *email,
                   const char *uri)
{
    start(wr, "author");
    text_el(wr, "name", NULL, name);
    if (email && *email)
        text_el(wr, "email", NULL, email);
    if (uri && *uri)
        text_el(wr, "uri", NULL, uri);
    end(wr);
}

static void write_entry(struct writer *wr, const struct tocsin_atom_entry *e)
{
    start(wr, "entry");
    text_el(wr, "id", NULL, e->id);
    text_el(wr, "title", "text", e->title);
    time_el(wr, "updated", e->updated);
    if (e->published >= 0)
        time_el(wr, "published", e->published);
    if (e->author && *e->author)
        person(wr, e->author, NULL, NULL);
    if (e->link && *e->link)
        link_el(wr, "alternate", "text/html", e->link);
    if (e->summary && *e->summary)
        text_el(wr, "summary", "text", e->summary);
    if (e->content && *e->content)
        text_el(wr, "content",
                e->content_type == TOCSIN_ATOM_HTML ? "html" : "text",
                e->content);
    end(wr);
}

int tocsin_atom_write(struct tocsin_buf *out, const struct tocsin_atom_feed *f,
                      struct tocsin_error *err)
{
    struct writer wr = {NULL, TOCSIN_BUF_INIT(0), 0};
    xmlBufferPtr xb = NULL;
    int64_t updated = -1;
    size_t i;
    int rc;

    if ((rc = check_feed(f, &updated, err)))
        return rc;
    xb = xmlBufferCreate();
    if (!xb || !(wr.w = xmlNewTextWriterMemory(xb, 0)))
        abort(); /* libxml2 fails here only when out of memory */
    xmlTextWriterSetIndent(wr.w, 1);
    xmlTextWriterSetIndentString(wr.w, XC("  "));
    if (xmlTextWriterStartDocument(wr.w, "1.0", "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElementNS(wr.w, NULL, XC("feed"), XC(NS_ATOM)) < 0)
        wr.failed = 1;
    if (f->lang && *f->lang &&
        xmlTextWriterWriteAttribute(wr.w, XC("xml:lang"), XC(f->lang)) < 0)
        wr.failed = 1;
    text_el(&wr, "id", NULL, f->id);
    text_el(&wr, "title", "text", f->title);
    if (f->subtitle && *f->subtitle)
        text_el(&wr, "subtitle", "text", f->subtitle);
    time_el(&wr, "updated", updated);
    if (f->author_name && *f->author_name)
        person(&wr, f->author_name, f->author_email, f->author_uri);
    if (f->self_url && *f->self_url)
        link_el(&wr, "self", "application/atom+xml", f->self_url);
    if (f->alternate_url && *f->alternate_url)
        link_el(&wr, "alternate", "text/html", f->alternate_url);
    text_el(&wr, "generator", NULL, "tocsin");
    for (i = 0; i < f->n_entries && !wr.failed; i++)
        write_entry(&wr, &f->entries[i]);
    if (xmlTextWriterEndDocument(wr.w) < 0)
        wr.failed = 1;
    xmlFreeTextWriter(wr.w); /* flushes into 'xb' */
    if (wr.failed) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "atom feed '%.200s': libxml2 could not write "
                              "the document", f->id);
        goto out;
    }
    /* An append over the cap is dropped whole: 'out' keeps its text. */
    tocsin_buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    if (tocsin_buf_failed(out))
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "atom feed '%.200s' is larger than %zu bytes",
                              f->id, out->max);
out:
    xmlBufferFree(xb);
    tocsin_buf_cleanup(&wr.tmp);
    return rc;
}
