/*
 * feed.c - RSS and Atom feeds to plain items, with libxml2.
 *
 * Feeds come from servers we do not control, so the document is parsed as
 * hostile: XML_PARSE_NONET, no DTD loading, and entities are never
 * substituted (no XML_PARSE_NOENT), which together shut out XXE and keep
 * libxml2's entity-amplification checks in charge of billion-laughs
 * documents. Text is collected by our own walk, which never follows an
 * entity reference node: in a tree built without substitution those point
 * at the entity's shared content, and following them would expand the very
 * bomb the parser refused to. Markup inside RSS descriptions and Atom
 * html/xhtml constructs is reduced to its text with libxml2's HTML parser.
 */
#include "tocsin/feed.h"
#include "tocsin/buf.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"

#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <limits.h>
#include <openssl/evp.h>
#include <string.h>
#include <strings.h>
#include <unicode/ustring.h>
#include <unicode/unorm2.h>

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"

#define XC(s) ((const xmlChar *)(s))

/* Text with whitespace runs collapsed to one space and trimmed at both
 * ends: feed titles and descriptions are laid out for XML, not for a
 * one-line alert. 'space' is a space owed before the next visible byte. */
struct text {
    struct tocsin_buf b;
    int space;
};

#define TEXT_INIT {TOCSIN_BUF_INIT(0), 0}

static void text_add(struct text *t, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t ws = 0;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
            ws = 1;
        else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
            ws = 2; /* U+00A0: HTML's &nbsp; is a space to a reader */
        if (ws) {
            t->space = t->b.len > 0;
            i += ws;
            continue;
        }
        if (t->space) {
            tocsin_buf_addc(&t->b, ' ');
            t->space = 0;
        }
        tocsin_buf_addc(&t->b, (char)c);
        i++;
    }
}

static void text_break(struct text *t)
{
    t->space = t->b.len > 0;
}

static char *text_take(struct text *t)
{
    t->space = 0;
    return tocsin_buf_detach(&t->b, NULL);
}

static int ns_is(const xmlNode *n, const char *ns)
{
    if (!ns)
        return n->ns == NULL;
    return n->ns && n->ns->href && xmlStrEqual(n->ns->href, XC(ns));
}

static int is_el(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           xmlStrEqual(n->name, XC(name)) && ns_is(n, ns);
}

static xmlNode *child(const xmlNode *parent, const char *ns, const char *name)
{
    xmlNode *c;

    for (c = parent->children; c; c = c->next)
        if (is_el(c, ns, name))
            return c;
    return NULL;
}

/* Elements whose text is not prose (dropped) and elements that end a
 * block of prose (a space between their text and the next). */
static int html_skipped(const xmlChar *name)
{
    static const char *const skip[] = {"script", "style", "template",
                                       "noscript", "iframe", "object",
                                       "head", "title"};
    size_t i;

    for (i = 0; i < sizeof skip / sizeof *skip; i++)
        if (!xmlStrcasecmp(name, XC(skip[i])))
            return 1;
    return 0;
}

static int html_inline(const xmlChar *name)
{
    static const char *const inl[] = {"a", "abbr", "b", "bdi", "bdo", "cite",
                                      "code", "data", "dfn", "em", "i",
                                      "kbd", "mark", "q", "s", "samp",
                                      "small", "span", "strong", "sub",
                                      "sup", "time", "u", "var", "wbr"};
    size_t i;

    for (i = 0; i < sizeof inl / sizeof *inl; i++)
        if (!xmlStrcasecmp(name, XC(inl[i])))
            return 1;
    return 0;
}

/* Append the text below 'top'. Iterative, so that no document depth can
 * exhaust the C stack. With 'html', script-like elements are skipped and
 * block elements separate words. Entity reference nodes are skipped: see
 * the head of this file. */
static void walk_text(struct text *t, xmlNode *top, int html)
{
    xmlNode *cur = top->children;

    while (cur) {
        int descend = 0;

        switch (cur->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (cur->content)
                text_add(t, (const char *)cur->content,
                         strlen((const char *)cur->content));
            break;
        case XML_ELEMENT_NODE:
            if (html && html_skipped(cur->name))
                break;
            if (html && !html_inline(cur->name))
                text_break(t);
            descend = cur->children != NULL;
            break;
        default:
            break;
        }
        if (descend) {
            cur = cur->children;
            continue;
        }
        while (cur != top && !cur->next) {
            cur = cur->parent;
            if (html && cur != top && cur->type == XML_ELEMENT_NODE &&
                !html_inline(cur->name))
                text_break(t);
        }
        if (cur == top)
            break;
        cur = cur->next;
    }
}

/* Append the text of an HTML fragment. Most descriptions are plain text, so
 * the HTML parser only runs when there is markup or an entity to read. */
static void html_text(struct text *t, const char *html, size_t len)
{
    htmlDocPtr doc;

    if (!memchr(html, '<', len) && !memchr(html, '&', len)) {
        text_add(t, html, len);
        return;
    }
    if (len > INT_MAX)
        return;
    doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                         HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING);
    if (!doc)
        return;
    text_break(t);
    walk_text(t, (xmlNode *)doc, 1);
    text_break(t);
    xmlFreeDoc(doc);
}

/* The text and CDATA directly inside 'el', as written: whitespace is the
 * HTML parser's business when this is escaped HTML. */
static void raw_text(struct tocsin_buf *b, xmlNode *el)
{
    xmlNode *cur;

    for (cur = el->children; cur; cur = cur->next)
        if ((cur->type == XML_TEXT_NODE ||
             cur->type == XML_CDATA_SECTION_NODE) && cur->content)
            tocsin_buf_adds(b, (const char *)cur->content);
}

/* Append an element holding escaped HTML (an RSS description, an Atom
 * type="html" construct) as text. */
static void escaped_html_text(struct text *t, xmlNode *el)
{
    struct tocsin_buf raw = TOCSIN_BUF_INIT(0);

    raw_text(&raw, el);
    html_text(t, raw.ptr, raw.len);
    tocsin_buf_cleanup(&raw);
}

/* Append an Atom text construct or atom:content (RFC 4287 §3.1, §4.1.3) as
 * text. Returns 0 when the element holds no text to read: content given by
 * 'src', or a non-text media type (base64 images, embedded SVG). */
static int atom_text(struct text *t, xmlNode *el)
{
    xmlChar *type = xmlGetNoNsProp(el, XC("type"));
    xmlChar *src = xmlGetNoNsProp(el, XC("src"));
    const char *ty = (const char *)type;
    int rc = 1;

    if (src)
        rc = 0;
    else if (!ty || !strcmp(ty, "text") || !strcasecmp(ty, "text/plain"))
        walk_text(t, el, 0);
    else if (!strcmp(ty, "html") || !strcasecmp(ty, "text/html"))
        escaped_html_text(t, el);
    else if (!strcmp(ty, "xhtml") ||
             !strcasecmp(ty, "application/xhtml+xml"))
        walk_text(t, el, 1);
    else if (!strncasecmp(ty, "text/", 5))
        walk_text(t, el, 0);
    else
        rc = 0;
    xmlFree(type);
    xmlFree(src);
    return rc;
}

static char *plain(xmlNode *el)
{
    struct text t = TEXT_INIT;

    if (el)
        walk_text(&t, el, 0);
    return text_take(&t);
}

/* 'href' made absolute against xml:base and the document's URL (RFC 4287
 * §2, RFC 3986 §5). Kept as written when there is no base. */
static char *resolve(xmlNode *ctx, const char *href)
{
    xmlChar *base, *abs = NULL;
    char *r;

    if (!*href)
        return tocsin_xstrdup("");
    base = xmlNodeGetBase(ctx->doc, ctx);
    if (base)
        abs = xmlBuildURI(XC(href), base);
    r = tocsin_xstrdup(abs ? (const char *)abs : href);
    xmlFree(abs);
    xmlFree(base);
    return r;
}

/* RFC 3339 first (Atom, dc:date), then curl's reader of the RFC 822 dates
 * of RSS pubDate ("Tue, 10 Jun 2003 04:00:00 GMT"), which also copes with
 * the zone names and missing weekdays real feeds use. */
static int64_t read_date(const char *s)
{
    int64_t v;
    time_t t;

    if (!*s)
        return -1;
    if (!tocsin_time_parse(&v, s, NULL))
        return v;
    t = curl_getdate(s, NULL);
    return t == (time_t)-1 ? -1 : (int64_t)t;
}

static char *digest_id(const char *title, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0, i;
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    /* The NUL separates title from text, so that ("ab", "c") and
     * ("a", "bc") are different items. */
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ctx, title, strlen(title) + 1) ||
        !EVP_DigestUpdate(ctx, text, strlen(text)) ||
        !EVP_DigestFinal_ex(ctx, md, &md_len))
        abort(); /* only allocation can fail here */
    EVP_MD_CTX_free(ctx);
    tocsin_buf_adds(&b, "sha256:");
    for (i = 0; i < md_len; i++) {
        tocsin_buf_addc(&b, hex[md[i] >> 4]);
        tocsin_buf_addc(&b, hex[md[i] & 15]);
    }
    return tocsin_buf_detach(&b, NULL);
}

struct builder {
    struct tocsin_feed *feed;
    size_t cap, max_items;
};

/* Returns 1 when the item limit is reached and reading should stop. */
static int push_item(struct builder *bd, struct tocsin_feed_item *it)
{
    struct tocsin_feed *f = bd->feed;

    if (f->n_items == bd->max_items) {
        struct tocsin_buf note = TOCSIN_BUF_INIT(sizeof f->note - 1);

        f->truncated = 1;
        tocsin_buf_addf(&note, "stopped after %zu items; the feed has more",
                        bd->max_items);
        memcpy(f->note, note.ptr, note.len + 1);
        tocsin_buf_cleanup(&note);
        free(it->id);
        free(it->title);
        free(it->text);
        free(it->link);
        return 1;
    }
    if (f->n_items == bd->cap) {
        bd->cap = bd->cap ? bd->cap * 2 : 16;
        f->items = tocsin_xreallocarray(f->items, bd->cap, sizeof *f->items);
    }
    if (!it->id || !*it->id) {
        free(it->id);
        it->id = it->link && *it->link ? tocsin_xstrdup(it->link)
                                       : digest_id(it->title, it->text);
    }
    f->items[f->n_items++] = *it;
    return 0;
}

/* An RSS 0.9x/2.0 <item>, or with 'ns' set an RSS 1.0 (RDF) one. */
static int rss_item(struct builder *bd, xmlNode *item, const char *ns)
{
    struct tocsin_feed_item it = {NULL, NULL, NULL, NULL, -1};
    struct text t = TEXT_INIT;
    xmlNode *el;
    char *s;

    it.title = plain(child(item, ns, "title"));
    if ((el = child(item, NS_CONTENT, "encoded")) ||
        (el = child(item, ns, "description")))
        escaped_html_text(&t, el);
    it.text = text_take(&t);
    s = plain(child(item, ns, "link"));
    it.link = resolve(item, s);
    free(s);
    if (ns) {
        xmlChar *about = xmlGetNsProp(item, XC("about"), XC(NS_RDF));

        if (about)
            it.id = tocsin_xstrdup((const char *)about);
        xmlFree(about);
    } else if ((el = child(item, NULL, "guid"))) {
        xmlChar *perma = xmlGetNoNsProp(el, XC("isPermaLink"));

        it.id = plain(el);
        /* RSS 2.0: a guid is a permalink unless isPermaLink="false". */
        if (!*it.link && *it.id &&
            (!perma || !xmlStrEqual(perma, XC("false")))) {
            free(it.link);
            it.link = resolve(item, it.id);
        }
        xmlFree(perma);
    }
    s = plain(child(item, ns, "pubDate"));
    it.published = read_date(s);
    free(s);
    if (it.published < 0) {
        s = plain(child(item, NS_DC, "date"));
        it.published = read_date(s);
        free(s);
    }
    return push_item(bd, &it);
}

/* The alternate link of an Atom entry: rel="alternate" or no rel
 * (RFC 4287 §4.2.7.2), the first one if there are several. */
static char *atom_link(xmlNode *entry)
{
    xmlNode *c;

    for (c = entry->children; c; c = c->next) {
        xmlChar *rel, *href;
        char *r;

        if (!is_el(c, NS_ATOM, "link"))
            continue;
        rel = xmlGetNoNsProp(c, XC("rel"));
        if (rel && !xmlStrEqual(rel, XC("alternate")) &&
            !xmlStrEqual(rel, XC("http://www.iana.org/assignments/relation/"
                                 "alternate"))) {
            xmlFree(rel);
            continue;
        }
        xmlFree(rel);
        href = xmlGetNoNsProp(c, XC("href"));
        if (!href)
            continue;
        {
            struct text t = TEXT_INIT;
            char *h;

            text_add(&t, (const char *)href, strlen((const char *)href));
            h = text_take(&t);
            r = resolve(c, h);
            free(h);
        }
        xmlFree(href);
        return r;
    }
    return tocsin_xstrdup("");
}

static int atom_entry(struct builder *bd, xmlNode *entry)
{
    struct tocsin_feed_item it = {NULL, NULL, NULL, NULL, -1};
    struct text t = TEXT_INIT;
    xmlNode *el;
    char *s;

    it.id = plain(child(entry, NS_ATOM, "id"));
    if ((el = child(entry, NS_ATOM, "title")))
        atom_text(&t, el);
    it.title = text_take(&t);
    if (!((el = child(entry, NS_ATOM, "content")) && atom_text(&t, el)) &&
        (el = child(entry, NS_ATOM, "summary")))
        atom_text(&t, el);
    it.text = text_take(&t);
    it.link = atom_link(entry);
    s = plain(child(entry, NS_ATOM, "published"));
    it.published = read_date(s);
    free(s);
    if (it.published < 0) {
        s = plain(child(entry, NS_ATOM, "updated"));
        it.published = read_date(s);
        free(s);
    }
    return push_item(bd, &it);
}

/* Whether a document that libxml2 refused looks like an HTML page, so the
 * error can say what the user most likely pointed at (a login page, a
 * site's front page) instead of an XML parser's complaint. */
static int looks_like_html(const char *p, size_t len)
{
    size_t n = len < 1024 ? len : 1024, i;

    for (i = 0; i + 5 <= n; i++) {
        if (p[i] != '<')
            continue;
        if (!strncasecmp(p + i, "<html", 5) ||
            (i + 14 <= n && !strncasecmp(p + i, "<!doctype html", 14)))
            return 1;
    }
    return 0;
}

static int not_a_feed(struct tocsin_error *err, const char *what)
{
    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                            "not an RSS or Atom feed: %s", what);
}

static int html_page(struct tocsin_error *err)
{
    not_a_feed(err, "the document is an HTML page");
    tocsin_error_hint(err, "point the monitor at the feed's own URL (often "
                           "ending in .rss, .atom or /feed)");
    return TOCSIN_EINPUT;
}

static int read_root(struct builder *bd, xmlNode *root,
                     struct tocsin_error *err)
{
    struct tocsin_feed *f = bd->feed;
    xmlNode *c, *ch;

    if (xmlStrcasecmp(root->name, XC("html")) == 0)
        return html_page(err);
    if (is_el(root, NULL, "rss")) {
        f->kind = TOCSIN_FEED_RSS;
        if (!(ch = child(root, NULL, "channel")))
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, root->line,
                                    "RSS feed has no <channel> element");
        f->title = plain(child(ch, NULL, "title"));
        for (c = ch->children; c; c = c->next)
            if (is_el(c, NULL, "item") && rss_item(bd, c, NULL))
                break;
        return 0;
    }
    if (is_el(root, NS_RDF, "RDF")) {
        const char *ns = child(root, NS_RSS10, "channel") ? NS_RSS10
                                                         : NS_RSS090;

        f->kind = TOCSIN_FEED_RSS;
        f->title = (ch = child(root, ns, "channel")) ? plain(child(ch, ns,
                                                                   "title"))
                                                      : tocsin_xstrdup("");
        for (c = root->children; c; c = c->next)
            if (is_el(c, ns, "item") && rss_item(bd, c, ns))
                break;
        return 0;
    }
    if (is_el(root, NS_ATOM, "feed")) {
        struct text t = TEXT_INIT;

        f->kind = TOCSIN_FEED_ATOM;
        if ((ch = child(root, NS_ATOM, "title")))
            atom_text(&t, ch);
        f->title = text_take(&t);
        for (c = root->children; c; c = c->next)
            if (is_el(c, NS_ATOM, "entry") && atom_entry(bd, c))
                break;
        return 0;
    }
    if (is_el(root, NS_ATOM, "entry")) {
        /* An Atom Entry Document (RFC 4287 §2) is a feed of one. */
        f->kind = TOCSIN_FEED_ATOM;
        f->title = tocsin_xstrdup("");
        atom_entry(bd, root);
        return 0;
    }
    if (xmlStrEqual(root->name, XC("feed")) && ns_is(root, NS_ATOM03))
        return not_a_feed(err, "Atom 0.3 is not supported, only Atom 1.0 "
                               "(RFC 4287)");
    tocsin_error_set(err, TOCSIN_EINPUT, NULL, root->line,
                     "not an RSS or Atom feed: the root element is "
                     "'%.64s'%s%.128s%s",
                     (const char *)root->name,
                     root->ns && root->ns->href ? " in namespace '" : "",
                     root->ns && root->ns->href ? (const char *)root->ns->href
                                                : "",
                     root->ns && root->ns->href ? "'" : "");
    tocsin_error_hint(err, "expected <rss>, <rdf:RDF>, or <feed> in the "
                           "Atom namespace " NS_ATOM);
    return TOCSIN_EINPUT;
}

static int malformed(xmlParserCtxtPtr ctxt, const char *bytes, size_t len,
                     struct tocsin_error *err)
{
    xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
    char msg[160];
    size_t n = 0;

    if (looks_like_html(bytes, len))
        return html_page(err);
    if (e && e->message) {
        n = strlen(e->message);
        if (n >= sizeof msg)
            n = sizeof msg - 1;
        memcpy(msg, e->message, n);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            n--;
    }
    msg[n] = '\0';
    /* libxml2 reports a billion-laughs document as a "loop"; say what the
     * user needs to know: the document tried to expand itself. */
    if (e && e->code == XML_ERR_ENTITY_LOOP)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, e->line,
                                "malformed XML: entities expand too much "
                                "(an entity bomb); refusing the document");
    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, e ? e->line : 0,
                            "malformed XML: %s",
                            n ? msg : "the document could not be parsed");
}

int tocsin_feed_parse(struct tocsin_feed **out, const char *bytes, size_t len,
                      const char *base_url,
                      const struct tocsin_feed_limits *limits,
                      struct tocsin_error *err)
{
    size_t max_bytes = limits && limits->max_bytes
                           ? limits->max_bytes
                           : TOCSIN_FEED_MAX_BYTES_DEFAULT;
    struct builder bd = {NULL, 0, 0};
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    xmlNode *root;
    int rc;

    bd.max_items = limits && limits->max_items ? limits->max_items
                                               : TOCSIN_FEED_MAX_ITEMS_DEFAULT;
    if (len > max_bytes || len > INT_MAX)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "feed is too large: %zu bytes, the limit is "
                                "%zu", len, max_bytes);
    if (len == 0)
        return not_a_feed(err, "the document is empty");
    xmlInitParser();
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        abort(); /* libxml2 fails here only when out of memory */
    /* No XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR or
     * XML_PARSE_HUGE: each would let the document reach files, the network
     * or unbounded memory. */
    doc = xmlCtxtReadMemory(ctxt, bytes, (int)len, base_url, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        rc = malformed(ctxt, bytes, len, err);
        goto out;
    }
    if (!(root = xmlDocGetRootElement(doc))) {
        rc = not_a_feed(err, "the document has no root element");
        goto out;
    }
    bd.feed = tocsin_xcalloc(1, sizeof *bd.feed);
    if ((rc = read_root(&bd, root, err)))
        goto out;
    *out = bd.feed;
    bd.feed = NULL;
out:
    tocsin_feed_free(bd.feed);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

void tocsin_feed_free(struct tocsin_feed *feed)
{
    size_t i;

    if (!feed)
        return;
    for (i = 0; i < feed->n_items; i++) {
        free(feed->items[i].id);
        free(feed->items[i].title);
        free(feed->items[i].text);
        free(feed->items[i].link);
    }
    free(feed->items);
    free(feed->title);
    free(feed);
}

/* 's' as UTF-16, case-folded (full folding: "ß" and "SS" meet) and then
 * NFC-normalised (folding can leave a composed character decomposed, and
 * the feed and the keyword may each use either form). NULL when 's' is too
 * long for ICU's 32-bit lengths. The caller frees the result. */
static UChar *fold(const char *s, int32_t *len_out)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    size_t slen = strlen(s);
    int32_t n = 0, m = 0, k = 0;
    UChar *u = NULL, *f = NULL, *r = NULL;

    if (U_FAILURE(st) || slen > INT32_MAX / 4)
        return NULL;
    u_strFromUTF8WithSub(NULL, 0, &n, s, (int32_t)slen, 0xFFFD, NULL, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    st = U_ZERO_ERROR;
    u = tocsin_xmalloc(((size_t)n + 1) * sizeof *u);
    u_strFromUTF8WithSub(u, n + 1, &n, s, (int32_t)slen, 0xFFFD, NULL, &st);
    if (U_FAILURE(st))
        goto out;
    /* Full folding can triple a string's length ("ΐ" becomes 3 units). */
    f = tocsin_xmalloc(((size_t)n * 3 + 1) * sizeof *f);
    m = u_strFoldCase(f, n * 3 + 1, u, n, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st))
        goto out;
    k = unorm2_normalize(nfc, f, m, NULL, 0, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        goto out;
    st = U_ZERO_ERROR;
    r = tocsin_xmalloc(((size_t)k + 1) * sizeof *r);
    k = unorm2_normalize(nfc, f, m, r, k + 1, &st);
    if (U_FAILURE(st)) {
        free(r);
        r = NULL;
        goto out;
    }
    *len_out = k;
out:
    free(u);
    free(f);
    return r;
}

int tocsin_feed_match(const struct tocsin_feed_item *item,
                      const char *const *keywords, size_t n)
{
    struct tocsin_buf hay_s = TOCSIN_BUF_INIT(0);
    UChar *hay = NULL;
    int32_t hay_len = 0;
    size_t i;
    int hit = 0;

    tocsin_buf_adds(&hay_s, item->title ? item->title : "");
    /* A newline, so that a keyword cannot match across title and text. */
    tocsin_buf_addc(&hay_s, '\n');
    tocsin_buf_adds(&hay_s, item->text ? item->text : "");
    for (i = 0; i < n && !hit; i++) {
        UChar *k;
        int32_t k_len = 0;

        if (!keywords[i] || !*keywords[i])
            continue;
        if (!hay && !(hay = fold(hay_s.ptr, &hay_len)))
            break;
        if (!(k = fold(keywords[i], &k_len)))
            continue;
        hit = k_len > 0 && u_strFindFirst(hay, hay_len, k, k_len) != NULL;
        free(k);
    }
    free(hay);
    tocsin_buf_cleanup(&hay_s);
    return hit;
}
