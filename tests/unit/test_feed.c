/*
 * test_feed.c - reading RSS and Atom: what a monitor sees of a feed, how
 * hostile documents are refused, and keyword matching across scripts.
 */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "tocsin/buf.h"
#include "tocsin/feed.h"

static struct tocsin_feed *parse_ok(const char *xml, const char *base)
{
    struct tocsin_feed *f = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int rc = tocsin_feed_parse(&f, xml, strlen(xml), base, NULL, &err);

    if (rc)
        fail_msg("parse failed: %s", err.msg);
    assert_non_null(f);
    return f;
}

static int parse_err(struct tocsin_error *err, const char *xml, size_t len,
                     const struct tocsin_feed_limits *lim)
{
    struct tocsin_feed *f = NULL;
    int rc = tocsin_feed_parse(&f, xml, len, NULL, lim, err);

    assert_null(f);
    return rc;
}

static void test_feed_rss2_items_carry_id_title_text_link_date(void **state)
{
    const char *xml =
        "<?xml version=\"1.0\"?>\n"
        "<rss version=\"2.0\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        "<channel><title>Acme  mentions</title>\n"
        " <item><title>Seam\n   ripped</title>"
        "  <link>https://social.example/@a/1</link>"
        "  <guid isPermaLink=\"false\">tag:social.example,2026:1</guid>"
        "  <description>&lt;p&gt;My jacket &lt;b&gt;ripped&lt;/b&gt; at the"
        " seam&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;&lt;p&gt;again"
        "&amp;nbsp;today&lt;/p&gt;</description>"
        "  <pubDate>Sun, 22 Nov 2026 09:00:00 GMT</pubDate></item>\n"
        " <item><title>second</title><link>/posts/2</link>"
        "  <description><![CDATA[<i>cdata</i> body]]></description>"
        "  <dc:date>2026-11-22T10:00:00+01:00</dc:date></item>\n"
        " <item><title>third</title><description>no link</description>"
        "  <pubDate>not a date</pubDate></item>\n"
        "</channel></rss>\n";
    struct tocsin_feed *f = parse_ok(xml, "https://social.example/tags/x");

    (void)state;
    assert_int_equal(f->kind, TOCSIN_FEED_RSS);
    assert_string_equal(f->title, "Acme mentions");
    assert_int_equal(f->n_items, 3);
    assert_false(f->truncated);
    assert_string_equal(f->items[0].id, "tag:social.example,2026:1");
    assert_string_equal(f->items[0].title, "Seam ripped");
    assert_string_equal(f->items[0].text,
                        "My jacket ripped at the seam again today");
    assert_string_equal(f->items[0].link, "https://social.example/@a/1");
    assert_int_equal(f->items[0].published, 1795338000);
    /* No guid: the link is the id, resolved against the feed's URL. */
    assert_string_equal(f->items[1].link, "https://social.example/posts/2");
    assert_string_equal(f->items[1].id, "https://social.example/posts/2");
    assert_string_equal(f->items[1].text, "cdata body");
    assert_int_equal(f->items[1].published, 1795338000);
    /* Neither: a digest of title and text, stable across polls. */
    assert_int_equal(strncmp(f->items[2].id, "sha256:", 7), 0);
    assert_int_equal(strlen(f->items[2].id), 7 + 64);
    assert_int_equal(f->items[2].published, -1);
    assert_string_equal(f->items[2].link, "");
    tocsin_feed_free(f);
}

static void test_feed_rss_guid_is_permalink_by_default(void **state)
{
    struct tocsin_feed *f = parse_ok(
        "<rss version=\"2.0\"><channel><item><title>a</title>"
        "<guid>https://shop.example/p/1</guid></item></channel></rss>",
        NULL);

    (void)state;
    assert_string_equal(f->items[0].link, "https://shop.example/p/1");
    tocsin_feed_free(f);
}

static void test_feed_digest_id_is_stable_and_distinct(void **state)
{
    struct tocsin_feed *a = parse_ok(
        "<rss><channel><item><title>ab</title><description>c</description>"
        "</item><item><title>a</title><description>bc</description></item>"
        "</channel></rss>", NULL);
    struct tocsin_feed *b = parse_ok(
        "<rss><channel><item><title>ab</title><description>c</description>"
        "</item></channel></rss>", NULL);

    (void)state;
    assert_string_not_equal(a->items[0].id, a->items[1].id);
    assert_string_equal(a->items[0].id, b->items[0].id);
    tocsin_feed_free(a);
    tocsin_feed_free(b);
}

static void test_feed_atom_by_namespace_not_prefix(void **state)
{
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\" "
        "xml:base=\"https://social.example/base/\">\n"
        " <a:title type=\"html\">Acme &amp;lt;b&amp;gt;tag&amp;lt;/b&amp;gt;"
        "</a:title>\n"
        " <a:entry><a:id>urn:uuid:1</a:id><a:title>One</a:title>"
        "  <a:link rel=\"self\" href=\"/self\"/>"
        "  <a:link rel=\"alternate\" href=\"posts/1\"/>"
        "  <a:updated>2026-11-22T09:00:00Z</a:updated>"
        "  <a:published>2026-11-21T09:00:00Z</a:published>"
        "  <a:summary>short</a:summary>"
        "  <a:content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/"
        "xhtml\"><p>Full</p><p>text <em>here</em></p></div></a:content>"
        " </a:entry>\n"
        " <a:entry><a:id>urn:uuid:2</a:id>"
        "  <a:title type=\"text\">Two &lt;not a tag&gt;</a:title>"
        "  <a:link href=\"https://other.example/2\"/>"
        "  <a:updated>2026-11-22T09:00:00.123+08:00</a:updated>"
        "  <a:summary>fallback</a:summary>"
        "  <a:content type=\"image/png\">iVBORw0KGgo=</a:content>"
        " </a:entry>\n"
        " <a:entry><a:id>urn:uuid:3</a:id><a:title>Three</a:title>"
        "  <a:updated>2026-11-22T09:00:00Z</a:updated>"
        "  <a:content type=\"html\">&lt;p&gt;a&lt;/p&gt;&lt;p&gt;b&lt;/p&gt;"
        "</a:content></a:entry>\n"
        " <entry><id>not-atom</id></entry>\n"
        "</a:feed>\n";
    struct tocsin_feed *f = parse_ok(xml, "https://ignored.example/feed");

    (void)state;
    assert_int_equal(f->kind, TOCSIN_FEED_ATOM);
    assert_string_equal(f->title, "Acme <b>tag</b>");
    assert_int_equal(f->n_items, 3);
    assert_string_equal(f->items[0].id, "urn:uuid:1");
    assert_string_equal(f->items[0].link,
                        "https://social.example/base/posts/1");
    assert_string_equal(f->items[0].text, "Full text here");
    assert_int_equal(f->items[0].published, 1795338000 - 86400);
    assert_string_equal(f->items[1].title, "Two <not a tag>");
    assert_string_equal(f->items[1].link, "https://other.example/2");
    assert_string_equal(f->items[1].text, "fallback");
    assert_int_equal(f->items[1].published, 1795338000 - 8 * 3600);
    assert_string_equal(f->items[2].text, "a b");
    assert_string_equal(f->items[2].link, "");
    tocsin_feed_free(f);
}

static void test_feed_rss1_rdf_items(void **state)
{
    struct tocsin_feed *f = parse_ok(
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<channel rdf:about=\"https://x.example/\"><title>RDF</title>"
        "</channel>"
        "<item rdf:about=\"https://x.example/1\"><title>one</title>"
        "<link>https://x.example/1</link><description>d</description>"
        "<dc:date>2026-11-22</dc:date></item></rdf:RDF>", NULL);

    (void)state;
    assert_int_equal(f->kind, TOCSIN_FEED_RSS);
    assert_string_equal(f->title, "RDF");
    assert_int_equal(f->n_items, 1);
    assert_string_equal(f->items[0].id, "https://x.example/1");
    assert_int_equal(f->items[0].published, 1795305600);
    tocsin_feed_free(f);
}

static void test_feed_latin1_is_read_as_utf8(void **state)
{
    const char xml[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                       "<rss><channel><item><title>caf\xe9</title></item>"
                       "</channel></rss>";
    struct tocsin_feed *f = parse_ok(xml, NULL);

    (void)state;
    assert_string_equal(f->items[0].title, "caf\xc3\xa9");
    tocsin_feed_free(f);
}

static void test_feed_html_page_is_not_a_feed(void **state)
{
    const char *pages[] = {
        "<!DOCTYPE html><html><head><title>Login</title></head><body><p>"
        "Sign in<br></body></html>",
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>",
    };
    size_t i;

    (void)state;
    for (i = 0; i < 2; i++) {
        struct tocsin_error err = TOCSIN_ERROR_INIT;

        assert_int_equal(parse_err(&err, pages[i], strlen(pages[i]), NULL),
                         TOCSIN_EINPUT);
        assert_string_equal(err.msg, "not an RSS or Atom feed: the document "
                                     "is an HTML page");
    }
}

static void test_feed_other_documents_are_named(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *plain_feed = "<feed><entry><id>x</id></entry></feed>";
    const char *atom03 = "<feed xmlns=\"http://purl.org/atom/ns#\"/>";

    (void)state;
    assert_int_equal(parse_err(&err, plain_feed, strlen(plain_feed), NULL),
                     TOCSIN_EINPUT);
    assert_string_equal(err.msg, "not an RSS or Atom feed: the root element "
                                 "is 'feed'");
    assert_non_null(strstr(err.hint, "http://www.w3.org/2005/Atom"));
    tocsin_error_clear(&err);
    assert_int_equal(parse_err(&err, atom03, strlen(atom03), NULL),
                     TOCSIN_EINPUT);
    assert_non_null(strstr(err.msg, "Atom 0.3 is not supported"));
    tocsin_error_clear(&err);
    assert_int_equal(parse_err(&err, "", 0, NULL), TOCSIN_EINPUT);
    assert_string_equal(err.msg, "not an RSS or Atom feed: the document is "
                                 "empty");
}

static void test_feed_malformed_xml_names_line(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *xml = "<rss>\n<channel>\n<item><title>a</titel></item>\n"
                      "</channel></rss>";

    (void)state;
    assert_int_equal(parse_err(&err, xml, strlen(xml), NULL), TOCSIN_EINPUT);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "malformed XML: "));
    assert_non_null(strstr(err.msg, "title"));
}

static void test_feed_billion_laughs_is_refused(void **state)
{
    struct tocsin_buf x = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char prev = 'a';
    int lvl, i;

    (void)state;
    tocsin_buf_adds(&x, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
                        " <!ENTITY a \"lol lol lol lol lol lol lol lol\">\n");
    /* Ten levels of ten: 10^10 copies if anything expanded them. */
    for (lvl = 0; lvl < 10; lvl++) {
        char name = (char)('b' + lvl);

        tocsin_buf_addf(&x, " <!ENTITY %c \"", name);
        for (i = 0; i < 10; i++)
            tocsin_buf_addf(&x, "&%c;", prev);
        tocsin_buf_adds(&x, "\">\n");
        prev = name;
    }
    tocsin_buf_addf(&x, "]>\n<rss><channel><item><title>&%c;</title>"
                        "</item></channel></rss>\n", prev);
    assert_int_equal(parse_err(&err, x.ptr, x.len, NULL), TOCSIN_EINPUT);
    assert_non_null(strstr(err.msg, "entity bomb"));
    tocsin_buf_cleanup(&x);
}

static void test_feed_small_entities_stay_harmless_text(void **state)
{
    /* A quadratic blow-up below libxml2's amplification limit parses, and
     * the references are left unexpanded: the text stays small. */
    struct tocsin_buf x = TOCSIN_BUF_INIT(0);
    struct tocsin_feed *f = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int i;

    (void)state;
    tocsin_buf_adds(&x, "<!DOCTYPE rss [<!ENTITY big \"");
    for (i = 0; i < 2000; i++)
        tocsin_buf_adds(&x, "xxxxxxxxxx");
    tocsin_buf_adds(&x, "\">]><rss><channel><item><title>t</title>"
                        "<description>");
    for (i = 0; i < 200; i++)
        tocsin_buf_adds(&x, "&big;");
    tocsin_buf_adds(&x, "</description></item></channel></rss>");
    if (tocsin_feed_parse(&f, x.ptr, x.len, NULL, NULL, &err) == 0) {
        assert_int_equal(f->n_items, 1);
        assert_true(strlen(f->items[0].text) < 1000);
        tocsin_feed_free(f);
    } else {
        assert_int_equal(err.code, TOCSIN_EINPUT);
        assert_non_null(strstr(err.msg, "malformed XML"));
    }
    tocsin_buf_cleanup(&x);
}

static void test_feed_external_entity_is_not_read(void **state)
{
    char path[] = "/tmp/tocsin-xxe-XXXXXX";
    int fd = mkstemp(path);
    struct tocsin_buf x = TOCSIN_BUF_INIT(0);
    struct tocsin_feed *f = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    size_t i;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "SECRET-XXE", 10), 10);
    close(fd);
    tocsin_buf_addf(&x, "<!DOCTYPE rss [<!ENTITY x SYSTEM \"file://%s\">]>"
                        "<rss><channel><item><title>t &x;</title>"
                        "<description>&x;</description></item></channel>"
                        "</rss>", path);
    if (tocsin_feed_parse(&f, x.ptr, x.len, NULL, NULL, &err) == 0) {
        for (i = 0; i < f->n_items; i++) {
            assert_null(strstr(f->items[i].title, "SECRET"));
            assert_null(strstr(f->items[i].text, "SECRET"));
        }
        tocsin_feed_free(f);
    } else {
        assert_null(strstr(err.msg, "SECRET"));
    }
    unlink(path);
    tocsin_buf_cleanup(&x);
}

static void test_feed_size_limit_refuses_before_parsing(void **state)
{
    struct tocsin_feed_limits lim = {64, 0};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *xml = "<rss><channel><item><title>a long enough title to go "
                      "over the limit</title></item></channel></rss>";

    (void)state;
    assert_int_equal(parse_err(&err, xml, strlen(xml), &lim), TOCSIN_EINPUT);
    assert_non_null(strstr(err.msg, "feed is too large"));
    assert_non_null(strstr(err.msg, "the limit is 64"));
}

static void test_feed_item_limit_stops_with_note(void **state)
{
    struct tocsin_feed_limits lim = {0, 2};
    struct tocsin_feed *f = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *xml = "<rss><channel><item><title>1</title></item>"
                      "<item><title>2</title></item><item><title>3</title>"
                      "</item></channel></rss>";

    (void)state;
    assert_int_equal(tocsin_feed_parse(&f, xml, strlen(xml), NULL, &lim,
                                       &err), 0);
    assert_int_equal(f->n_items, 2);
    assert_true(f->truncated);
    assert_string_equal(f->note, "stopped after 2 items; the feed has more");
    assert_string_equal(f->items[1].title, "2");
    tocsin_feed_free(f);
}

static void test_feed_deep_nesting_is_an_error_not_a_crash(void **state)
{
    struct tocsin_buf x = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int i;

    (void)state;
    tocsin_buf_adds(&x, "<rss><channel><item><description>");
    for (i = 0; i < 100000; i++)
        tocsin_buf_adds(&x, "<b>");
    assert_int_equal(parse_err(&err, x.ptr, x.len, NULL), TOCSIN_EINPUT);
    assert_non_null(strstr(err.msg, "malformed XML"));
    tocsin_buf_cleanup(&x);
}

static struct tocsin_feed_item item(const char *title, const char *text)
{
    struct tocsin_feed_item it = {NULL, (char *)title, (char *)text, NULL,
                                  -1};

    return it;
}

static void test_match_ignores_case(void **state)
{
    struct tocsin_feed_item it = item("My JACKET", "the Seam RIPPED");
    const char *kw[] = {"ripped"};
    const char *miss[] = {"refund", "zipper"};

    (void)state;
    assert_true(tocsin_feed_match(&it, kw, 1));
    assert_false(tocsin_feed_match(&it, miss, 2));
}

static void test_match_finds_chinese_keyword(void **state)
{
    struct tocsin_feed_item it = item("", "買的外套第一次穿就脫線了，太失望");
    struct tocsin_feed_item other = item("", "外套很好，沒有問題");
    const char *kw[] = {"seam", "脫線"};

    (void)state;
    assert_true(tocsin_feed_match(&it, kw, 2));
    assert_false(tocsin_feed_match(&other, kw, 2));
}

static void test_match_normalises_accents(void **state)
{
    /* Feed text in NFD ("e" + U+0301), keyword in NFC and upper case. */
    struct tocsin_feed_item it = item("Le cafe\xcc\x81 est froid", "");
    struct tocsin_feed_item de = item("", "Die Stra\xc3\x9f" "e ist zu");
    const char *kw[] = {"CAF\xc3\x89"};
    const char *kw_de[] = {"STRASSE"};

    (void)state;
    assert_true(tocsin_feed_match(&it, kw, 1));
    assert_true(tocsin_feed_match(&de, kw_de, 1));
}

static void test_match_does_not_span_title_and_text(void **state)
{
    struct tocsin_feed_item it = item("rip", "ped seam");
    const char *kw[] = {"ripped"};
    const char *empty[] = {"", NULL};

    (void)state;
    assert_false(tocsin_feed_match(&it, kw, 1));
    assert_false(tocsin_feed_match(&it, empty, 2));
    assert_false(tocsin_feed_match(&it, kw, 0));
}

/* ----- the W3C feedvalidator's Atom cases, read in place --------------- */

struct conf_counts {
    size_t files, parsed, refused, valid, valid_parsed, entries;
};

static int expects_no_error(const char *doc)
{
    const char *e = strstr(doc, "Expect:");

    if (!e)
        return 0;
    e += 7;
    while (*e == ' ' || *e == '\t')
        e++;
    return !strncmp(e, "!Error", 6) &&
           (e[6] == '\n' || e[6] == '\r' || e[6] == ' ');
}

/* The entries and their ids, counted by libxml2's XPath on its own parse:
 * an independent reading to compare tocsin's against. */
static size_t xpath_entries(const char *doc, size_t len, char ***ids_out)
{
    xmlDocPtr d = xmlReadMemory(doc, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr r;
    size_t n = 0, i;

    assert_non_null(d);
    ctx = xmlXPathNewContext(d);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"a",
                       (const xmlChar *)"http://www.w3.org/2005/Atom");
    r = xmlXPathEvalExpression((const xmlChar *)"/a:feed/a:entry | /a:entry",
                               ctx);
    assert_non_null(r);
    if (r->nodesetval)
        n = (size_t)r->nodesetval->nodeNr;
    *ids_out = calloc(n ? n : 1, sizeof **ids_out);
    for (i = 0; i < n; i++) {
        xmlXPathObjectPtr s;

        ctx->node = r->nodesetval->nodeTab[i];
        s = xmlXPathEvalExpression(
            (const xmlChar *)"normalize-space(a:id)", ctx);
        (*ids_out)[i] = strdup((const char *)s->stringval);
        xmlXPathFreeObject(s);
    }
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    char chunk[8192];
    size_t n;

    assert_non_null(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tocsin_buf_add(&b, chunk, n);
    fclose(f);
    return tocsin_buf_detach(&b, len);
}

static void conf_file(struct conf_counts *c, const char *path)
{
    size_t len, i, n_x;
    char *doc = slurp(path, &len);
    struct tocsin_feed *f = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int rc = tocsin_feed_parse(&f, doc, len, "http://feeds.example/feed",
                               NULL, &err);
    char **ids = NULL;

    c->files++;
    if (rc) {
        c->refused++;
        assert_int_equal(rc, TOCSIN_EINPUT);
        assert_true(err.msg[0] != '\0');
    } else {
        c->parsed++;
        for (i = 0; i < f->n_items; i++)
            assert_true(f->items[i].id[0] != '\0');
    }
    if (expects_no_error(doc)) {
        c->valid++;
        if (rc)
            fail_msg("%s: a valid feed was refused: %s", path, err.msg);
        n_x = xpath_entries(doc, len, &ids);
        if (n_x != f->n_items)
            fail_msg("%s: %zu entries read, XPath counts %zu", path,
                     f->n_items, n_x);
        for (i = 0; i < n_x; i++) {
            if (ids[i][0] && strcmp(ids[i], f->items[i].id))
                fail_msg("%s: entry %zu id '%s', XPath says '%s'", path, i,
                         f->items[i].id, ids[i]);
            free(ids[i]);
        }
        free(ids);
        c->valid_parsed++;
        c->entries += f->n_items;
    }
    tocsin_feed_free(f);
    free(doc);
}

static void conf_walk(struct conf_counts *c, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    assert_true(depth < 16);
    while ((e = readdir(d))) {
        struct tocsin_buf p = TOCSIN_BUF_INIT(4096);
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        tocsin_buf_addf(&p, "%s/%s", dir, e->d_name);
        assert_false(tocsin_buf_failed(&p));
        assert_int_equal(stat(p.ptr, &st), 0);
        if (S_ISDIR(st.st_mode))
            conf_walk(c, p.ptr, depth + 1);
        else if (S_ISREG(st.st_mode))
            conf_file(c, p.ptr);
        tocsin_buf_cleanup(&p);
    }
    closedir(d);
}

static void test_feed_conformance_feedvalidator_atom(void **state)
{
    const char *root = unit_conformance_dir();
    struct tocsin_buf dir = TOCSIN_BUF_INIT(4096);
    struct conf_counts c = {0, 0, 0, 0, 0, 0};
    struct stat st;

    (void)state;
    if (!root)
        skip();
    tocsin_buf_addf(&dir, "%s/atom-feedvalidator/testcases", root);
    if (stat(dir.ptr, &st) || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "note: '%s' is absent; skipped\n", dir.ptr);
        tocsin_buf_cleanup(&dir);
        skip();
    }
    conf_walk(&c, dir.ptr, 0);
    fprintf(stderr,
            "note: feedvalidator: %zu files read (%zu parsed, %zu refused); "
            "%zu of %zu valid feeds parsed, %zu entries extracted\n",
            c.files, c.parsed, c.refused, c.valid_parsed, c.valid,
            c.entries);
    assert_true(c.files > 0);
    assert_true(c.valid > 0);
    assert_int_equal(c.valid_parsed, c.valid);
    tocsin_buf_cleanup(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feed_rss2_items_carry_id_title_text_link_date),
        cmocka_unit_test(test_feed_rss_guid_is_permalink_by_default),
        cmocka_unit_test(test_feed_digest_id_is_stable_and_distinct),
        cmocka_unit_test(test_feed_atom_by_namespace_not_prefix),
        cmocka_unit_test(test_feed_rss1_rdf_items),
        cmocka_unit_test(test_feed_latin1_is_read_as_utf8),
        cmocka_unit_test(test_feed_html_page_is_not_a_feed),
        cmocka_unit_test(test_feed_other_documents_are_named),
        cmocka_unit_test(test_feed_malformed_xml_names_line),
        cmocka_unit_test(test_feed_billion_laughs_is_refused),
        cmocka_unit_test(test_feed_small_entities_stay_harmless_text),
        cmocka_unit_test(test_feed_external_entity_is_not_read),
        cmocka_unit_test(test_feed_size_limit_refuses_before_parsing),
        cmocka_unit_test(test_feed_item_limit_stops_with_note),
        cmocka_unit_test(test_feed_deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(test_match_ignores_case),
        cmocka_unit_test(test_match_finds_chinese_keyword),
        cmocka_unit_test(test_match_normalises_accents),
        cmocka_unit_test(test_match_does_not_span_title_and_text),
        cmocka_unit_test(test_feed_conformance_feedvalidator_atom),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
