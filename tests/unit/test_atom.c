/*
 * test_atom.c - the status page's Atom feed: what tocsin writes must carry
 * every element RFC 4287 requires, in the forms the W3C feedvalidator
 * accepts. The checker here is an independent reading with libxml2's XPath,
 * itself checked against the feedvalidator's known-valid and known-invalid
 * cases, then turned on tocsin's output.
 */
#include "unit.h"

#include <dirent.h>
#include <regex.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "tocsin/atom.h"
#include "tocsin/buf.h"
#include "tocsin/clock.h"
#include "tocsin/feed.h"

/* ----- an independent RFC 4287 checker ---------------------------------- */

struct findings {
    struct tocsin_buf text; /* one finding per line */
    size_t n;
};

static void finding(struct findings *fd, const char *what, const char *el)
{
    tocsin_buf_addf(&fd->text, "%s: %s\n", what, el);
    fd->n++;
}

static double xnum(xmlXPathContextPtr ctx, xmlNodePtr at, const char *expr)
{
    xmlXPathObjectPtr r;
    double v;

    ctx->node = at;
    r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    assert_non_null(r);
    v = xmlXPathCastToNumber(r);
    xmlXPathFreeObject(r);
    return v;
}

static xmlNodeSetPtr xnodes(xmlXPathContextPtr ctx, xmlNodePtr at,
                            const char *expr, xmlXPathObjectPtr *keep)
{
    ctx->node = at;
    *keep = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    assert_non_null(*keep);
    return (*keep)->nodesetval;
}

/* RFC 3339 §5.6 date-time, uppercase T and Z (RFC 4287 §3.3), with values
 * in range. */
static int rfc3339_ok(const char *s)
{
    regex_t re;
    int64_t t;
    int ok;

    assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
                                  "[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
                                  "(Z|[+-][0-9]{2}:[0-9]{2})$",
                             REG_EXTENDED | REG_NOSUB), 0);
    ok = regexec(&re, s, 0, NULL, 0) == 0 && tocsin_time_parse(&t, s, NULL)
                                                 == 0;
    regfree(&re);
    return ok;
}

static void check_once(struct findings *fd, xmlXPathContextPtr ctx,
                       xmlNodePtr el, const char *parent)
{
    static const char *const once[] = {"id", "title", "updated"};
    static const char *const at_most[] = {"published", "summary", "content",
                                          "rights", "source", "subtitle",
                                          "generator", "icon", "logo"};
    struct tocsin_buf q = TOCSIN_BUF_INIT(0);
    size_t i;

    for (i = 0; i < 3; i++) {
        double n;

        tocsin_buf_reset(&q);
        tocsin_buf_addf(&q, "count(a:%s)", once[i]);
        n = xnum(ctx, el, q.ptr);
        if (n != 1) {
            tocsin_buf_reset(&q);
            tocsin_buf_addf(&q, "%s/%s", parent, once[i]);
            finding(fd, n == 0 ? "MissingElement" : "DuplicateElement",
                    q.ptr);
        }
    }
    for (i = 0; i < sizeof at_most / sizeof *at_most; i++) {
        tocsin_buf_reset(&q);
        tocsin_buf_addf(&q, "count(a:%s)", at_most[i]);
        if (xnum(ctx, el, q.ptr) > 1)
            finding(fd, "DuplicateElement", at_most[i]);
    }
    tocsin_buf_cleanup(&q);
}

static void check_dates(struct findings *fd, xmlXPathContextPtr ctx,
                        xmlNodePtr el)
{
    xmlXPathObjectPtr keep;
    xmlNodeSetPtr ns = xnodes(ctx, el, "a:updated | a:published", &keep);
    int i;

    for (i = 0; ns && i < ns->nodeNr; i++) {
        xmlChar *s = xmlNodeGetContent(ns->nodeTab[i]);

        if (!rfc3339_ok((const char *)s))
            finding(fd, "InvalidRFC3339Date", (const char *)s);
        xmlFree(s);
    }
    xmlXPathFreeObject(keep);
}

static void check_entry(struct findings *fd, xmlXPathContextPtr ctx,
                        xmlNodePtr e, int feed_author)
{
    check_once(fd, ctx, e, "entry");
    check_dates(fd, ctx, e);
    if (!feed_author && xnum(ctx, e, "count(a:author | a:source/a:author)")
                            == 0)
        finding(fd, "MissingElement", "entry/author");
    if (xnum(ctx, e, "count(a:content | a:link[not(@rel) or "
                     "@rel='alternate'])") == 0)
        finding(fd, "MissingContentOrAlternate", "entry");
}

/* Every finding of RFC 4287 §4.1.1 and §4.1.2 shape in the document. */
static void check_atom(struct findings *fd, const char *doc, size_t len)
{
    xmlDocPtr d = xmlReadMemory(doc, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr keep;
    xmlNodeSetPtr ns;
    xmlNodePtr root;
    int i, j, feed_author;

    if (!d) {
        finding(fd, "SAXError", "document");
        return;
    }
    root = xmlDocGetRootElement(d);
    ctx = xmlXPathNewContext(d);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"a",
                       (const xmlChar *)"http://www.w3.org/2005/Atom");
    if (xnum(ctx, root, "count(/a:entry)") == 1) {
        check_entry(fd, ctx, root, 0);
        goto out;
    }
    if (xnum(ctx, root, "count(/a:feed)") != 1) {
        finding(fd, "NotAtomFeed", (const char *)root->name);
        goto out;
    }
    check_once(fd, ctx, root, "feed");
    check_dates(fd, ctx, root);
    if (xnum(ctx, root, "count(//a:link[not(@href)])") > 0)
        finding(fd, "MissingHref", "link");
    feed_author = xnum(ctx, root, "count(a:author)") > 0;
    ns = xnodes(ctx, root, "a:entry", &keep);
    for (i = 0; ns && i < ns->nodeNr; i++)
        check_entry(fd, ctx, ns->nodeTab[i], feed_author);
    /* §4.1.1: entries may share an id only with different updated times;
     * the feedvalidator flags any shared id. */
    for (i = 0; ns && i < ns->nodeNr; i++)
        for (j = i + 1; j < ns->nodeNr; j++) {
            xmlXPathObjectPtr a, b;

            ctx->node = ns->nodeTab[i];
            a = xmlXPathEvalExpression(
                (const xmlChar *)"normalize-space(a:id)", ctx);
            ctx->node = ns->nodeTab[j];
            b = xmlXPathEvalExpression(
                (const xmlChar *)"normalize-space(a:id)", ctx);
            if (a->stringval[0] &&
                xmlStrEqual(a->stringval, b->stringval))
                finding(fd, "DuplicateEntries", (const char *)a->stringval);
            xmlXPathFreeObject(a);
            xmlXPathFreeObject(b);
        }
    xmlXPathFreeObject(keep);
out:
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(d);
}

/* ----- the checker against the feedvalidator's cases -------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    char chunk[8192];
    size_t n;

    if (!f)
        fail_msg("cannot open '%s'", path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tocsin_buf_add(&b, chunk, n);
    fclose(f);
    return tocsin_buf_detach(&b, len);
}

static const char *expectation(const char *doc)
{
    const char *e = strstr(doc, "Expect:");

    if (!e)
        return "";
    e += 7;
    while (*e == ' ' || *e == '\t')
        e++;
    return e;
}

static const char *testcases(struct tocsin_buf *dir)
{
    const char *root = unit_conformance_dir();
    struct stat st;

    if (!root)
        return NULL;
    tocsin_buf_addf(dir, "%s/atom-feedvalidator/testcases/atom", root);
    if (stat(dir->ptr, &st) || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "note: '%s' is absent; its cases are skipped\n",
                dir->ptr);
        return NULL;
    }
    return dir->ptr;
}

struct walk {
    size_t valid, invalid_dates;
};

static void walk_cases(struct walk *w, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    assert_true(depth < 16);
    while ((e = readdir(d))) {
        struct tocsin_buf p = TOCSIN_BUF_INIT(0);
        struct findings fd = {TOCSIN_BUF_INIT(0), 0};
        struct stat st;
        const char *x;
        char *doc;
        size_t len;

        if (e->d_name[0] == '.')
            continue;
        tocsin_buf_addf(&p, "%s/%s", dir, e->d_name);
        assert_int_equal(stat(p.ptr, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            walk_cases(w, p.ptr, depth + 1);
            tocsin_buf_cleanup(&p);
            continue;
        }
        doc = slurp(p.ptr, &len);
        x = expectation(doc);
        if (!strncmp(x, "!Error", 6)) {
            check_atom(&fd, doc, len);
            if (fd.n)
                fail_msg("%s is valid, the checker found:\n%s", p.ptr,
                         fd.text.ptr);
            w->valid++;
        } else if (!strncmp(x, "InvalidRFC3339Date", 18)) {
            check_atom(&fd, doc, len);
            if (!strstr(fd.text.ptr, "InvalidRFC3339Date"))
                fail_msg("%s: the checker missed the invalid date", p.ptr);
            w->invalid_dates++;
        }
        free(doc);
        tocsin_buf_cleanup(&fd.text);
        tocsin_buf_cleanup(&p);
    }
    closedir(d);
}

static void test_checker_agrees_with_feedvalidator(void **state)
{
    static const char *const invalid[][2] = {
        {"4.1.1/missing-id.xml", "MissingElement: feed/id"},
        {"4.1.1/missing-titles.xml", "MissingElement: feed/title"},
        {"4.1.1/missing-updated.xml", "MissingElement: feed/updated"},
        {"4.1.1/multiple-ids.xml", "DuplicateElement: feed/id"},
        {"4.1.1/multiple-titles.xml", "DuplicateElement: feed/title"},
        {"4.1.1/multiple-updateds.xml", "DuplicateElement: feed/updated"},
        {"4.1.1/multiple-subtitles.xml", "DuplicateElement: subtitle"},
        {"4.1.1/authorless-with-one-entry.xml",
         "MissingElement: entry/author"},
        {"4.1.1/duplicate-entries.xml", "DuplicateEntries"},
        {"4.1.2/missing-id.xml", "MissingElement: entry/id"},
        {"4.1.2/missing-title.xml", "MissingElement: entry/title"},
        {"4.1.2/missing-updated.xml", "MissingElement: entry/updated"},
        {"4.1.2/multiple-published.xml", "DuplicateElement: published"},
        {"4.1.2/no-content-or-alternate.xml", "MissingContentOrAlternate"},
        {"must/entry_id_duplicate_value.xml", "DuplicateEntries"},
        {"must/feed_link_href_missing.xml", "MissingHref"},
        {"3.3/lowercase-updated.xml", "InvalidRFC3339Date"},
    };
    struct tocsin_buf dir = TOCSIN_BUF_INIT(0);
    struct walk w = {0, 0};
    const char *base = testcases(&dir);
    size_t i;

    (void)state;
    if (!base) {
        tocsin_buf_cleanup(&dir);
        skip();
    }
    for (i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        struct tocsin_buf p = TOCSIN_BUF_INIT(0);
        struct findings fd = {TOCSIN_BUF_INIT(0), 0};
        size_t len;
        char *doc;

        tocsin_buf_addf(&p, "%s/%s", base, invalid[i][0]);
        doc = slurp(p.ptr, &len);
        check_atom(&fd, doc, len);
        if (!strstr(fd.text.ptr, invalid[i][1]))
            fail_msg("%s: expected '%s', the checker found:\n%s",
                     invalid[i][0], invalid[i][1], fd.text.ptr);
        free(doc);
        tocsin_buf_cleanup(&fd.text);
        tocsin_buf_cleanup(&p);
    }
    walk_cases(&w, base, 0);
    fprintf(stderr, "note: checker: %zu valid feeds pass, %zu invalid "
                    "dates and %zu invalid shapes found\n",
            w.valid, w.invalid_dates, sizeof invalid / sizeof *invalid);
    assert_true(w.valid > 0);
    assert_true(w.invalid_dates > 0);
    tocsin_buf_cleanup(&dir);
}

/* ----- what tocsin writes ----------------------------------------------- */

#define T0 ((int64_t)1795338000) /* 2026-11-22T09:00:00Z */

static const struct tocsin_atom_entry sample_entries[] = {
    {"urn:uuid:00000000-0000-5000-8000-000000000002",
     "Update: <orders> & \"shipping\" resume", T0 + 7200, T0 + 7200, NULL,
     "https://status.acme.example/incidents/INC-1#2",
     "Shipping resumed", "<p>We are <b>shipping</b> again.</p>",
     TOCSIN_ATOM_HTML},
    {"urn:uuid:00000000-0000-5000-8000-000000000001",
     "倉庫系統故障：訂單延遲", T0, T0, "Ana Li", NULL, NULL,
     "我們的倉庫系統發生故障，您的訂單尚未出貨。\nWe are sorry.",
     TOCSIN_ATOM_TEXT},
};

static void sample_feed(struct tocsin_atom_feed *f)
{
    memset(f, 0, sizeof *f);
    f->id = "tag:status.acme.example,2026:incidents";
    f->title = "Acme Outfitters status";
    f->subtitle = "Incidents & updates";
    f->lang = "en";
    f->updated = -1;
    f->author_name = "Acme Outfitters";
    f->author_uri = "https://acme.example/";
    f->self_url = "https://status.acme.example/feed.atom";
    f->alternate_url = "https://status.acme.example/";
    f->entries = sample_entries;
    f->n_entries = 2;
}

static void test_atom_written_feed_has_every_required_element(void **state)
{
    struct tocsin_atom_feed f;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct findings fd = {TOCSIN_BUF_INIT(0), 0};
    xmlDocPtr d;
    xmlXPathContextPtr ctx;

    (void)state;
    sample_feed(&f);
    assert_int_equal(tocsin_atom_write(&out, &f, &err), 0);
    check_atom(&fd, out.ptr, out.len);
    if (fd.n)
        fail_msg("findings in tocsin's feed:\n%s\n%s", fd.text.ptr, out.ptr);
    assert_int_equal(strncmp(out.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8"
                                      "\"?>", 38), 0);
    d = xmlReadMemory(out.ptr, (int)out.len, NULL, NULL, XML_PARSE_NONET);
    assert_non_null(d);
    ctx = xmlXPathNewContext(d);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"a",
                       (const xmlChar *)"http://www.w3.org/2005/Atom");
    /* The feed's updated is its newest entry's, written RFC 3339 style. */
    assert_true(xnum(ctx, xmlDocGetRootElement(d),
                     "count(/a:feed/a:updated[.='2026-11-22T11:00:00Z'])")
                == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:author/a:name"
                                "[.='Acme Outfitters'])") == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:link[@rel='self' and "
                                "@type='application/atom+xml' and @href="
                                "'https://status.acme.example/feed.atom'])")
                == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:link[@rel='alternate' "
                                "and @type='text/html'])") == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed[@xml:lang='en'])") == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:entry)") == 2);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:entry[1]/a:content"
                                "[@type='html'])") == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:entry[2]/a:content"
                                "[@type='text'])") == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:entry[2]/a:author/a:name"
                                "[.='Ana Li'])") == 1);
    assert_true(xnum(ctx, NULL, "count(/a:feed/a:entry[1]/a:published"
                                "[.='2026-11-22T11:00:00Z'])") == 1);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(d);
    tocsin_buf_cleanup(&fd.text);
    tocsin_buf_cleanup(&out);
}

static void test_atom_reads_back_through_the_feed_reader(void **state)
{
    struct tocsin_atom_feed f;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_feed *r = NULL;

    (void)state;
    sample_feed(&f);
    assert_int_equal(tocsin_atom_write(&out, &f, &err), 0);
    assert_int_equal(tocsin_feed_parse(&r, out.ptr, out.len, NULL, NULL,
                                       &err), 0);
    assert_int_equal(r->kind, TOCSIN_FEED_ATOM);
    assert_string_equal(r->title, "Acme Outfitters status");
    assert_int_equal(r->n_items, 2);
    assert_string_equal(r->items[0].id, sample_entries[0].id);
    /* Markup in a title is text, escaped by the writer, read back as is. */
    assert_string_equal(r->items[0].title,
                        "Update: <orders> & \"shipping\" resume");
    assert_string_equal(r->items[0].text, "We are shipping again.");
    assert_string_equal(r->items[0].link,
                        "https://status.acme.example/incidents/INC-1#2");
    assert_int_equal(r->items[0].published, T0 + 7200);
    assert_string_equal(r->items[1].title, "倉庫系統故障：訂單延遲");
    assert_string_equal(r->items[1].text,
                        "我們的倉庫系統發生故障，您的訂單尚未出貨。 "
                        "We are sorry.");
    tocsin_feed_free(r);
    tocsin_buf_cleanup(&out);
}

static void test_atom_control_characters_become_replacement(void **state)
{
    struct tocsin_atom_entry e = sample_entries[1];
    struct tocsin_atom_feed f;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_feed *r = NULL;

    (void)state;
    sample_feed(&f);
    e.title = "bell\x07 and \xef\xbf\xbe end";
    f.entries = &e;
    f.n_entries = 1;
    assert_int_equal(tocsin_atom_write(&out, &f, &err), 0);
    assert_int_equal(tocsin_feed_parse(&r, out.ptr, out.len, NULL, NULL,
                                       &err), 0);
    assert_string_equal(r->items[0].title,
                        "bell\xef\xbf\xbd and \xef\xbf\xbd end");
    tocsin_feed_free(r);
    tocsin_buf_cleanup(&out);
}

static void expect_refusal(struct tocsin_atom_feed *f, const char *msg)
{
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    tocsin_buf_adds(&out, "kept");
    assert_int_equal(tocsin_atom_write(&out, f, &err), TOCSIN_EINPUT);
    if (!strstr(err.msg, msg))
        fail_msg("expected '%s' in '%s'", msg, err.msg);
    assert_string_equal(out.ptr, "kept");
    tocsin_buf_cleanup(&out);
}

static void test_atom_refuses_what_rfc4287_forbids(void **state)
{
    struct tocsin_atom_entry e[2];
    struct tocsin_atom_feed f;

    (void)state;
    sample_feed(&f);
    f.entries = e;
    e[0] = sample_entries[0];
    e[1] = sample_entries[1];
    e[1].id = e[0].id;
    expect_refusal(&f, "atom entry 'urn:uuid:00000000-0000-5000-8000-"
                       "000000000002': two entries share this id");
    e[1] = sample_entries[1];
    e[1].title = "";
    expect_refusal(&f, "the required title is missing");
    e[1] = sample_entries[1];
    e[1].updated = -1;
    expect_refusal(&f, "the required updated time is missing");
    e[1] = sample_entries[1];
    e[1].id = "INC-1 update 2";
    expect_refusal(&f, "the id is not an absolute IRI");
    e[1] = sample_entries[1];
    e[1].title = "bad \xc3\x28 utf-8";
    expect_refusal(&f, "the title is not valid UTF-8");
    e[1] = sample_entries[1];
    e[1].content = NULL;
    expect_refusal(&f, "an entry needs content or a link");
    e[1] = sample_entries[1];
    e[1].updated = (int64_t)253402300800;
    expect_refusal(&f, "after the year 9999");
    e[1] = sample_entries[1];
    f.author_name = NULL;
    expect_refusal(&f, "atom entry 'urn:uuid:00000000-0000-5000-8000-"
                       "000000000002': no author, and the feed has none");
    sample_feed(&f);
    f.self_url = "https://status.acme.example/feed .atom";
    expect_refusal(&f, "the self link holds white space");
    sample_feed(&f);
    f.id = NULL;
    expect_refusal(&f, "atom feed '(no id)': the required id is missing");
    sample_feed(&f);
    f.n_entries = 0;
    expect_refusal(&f, "no updated time and no entries");
}

static void test_atom_feed_of_no_entries_is_valid(void **state)
{
    struct tocsin_atom_feed f;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct findings fd = {TOCSIN_BUF_INIT(0), 0};

    (void)state;
    sample_feed(&f);
    f.n_entries = 0;
    f.updated = T0;
    assert_int_equal(tocsin_atom_write(&out, &f, &err), 0);
    check_atom(&fd, out.ptr, out.len);
    assert_int_equal(fd.n, 0);
    assert_non_null(strstr(out.ptr, "<updated>2026-11-22T09:00:00Z"
                                    "</updated>"));
    tocsin_buf_cleanup(&fd.text);
    tocsin_buf_cleanup(&out);
}

static void test_atom_cap_is_a_runtime_error(void **state)
{
    struct tocsin_atom_feed f;
    struct tocsin_buf out = TOCSIN_BUF_INIT(256);
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    (void)state;
    sample_feed(&f);
    assert_int_equal(tocsin_atom_write(&out, &f, &err), TOCSIN_ERUNTIME);
    assert_non_null(strstr(err.msg, "is larger than 256 bytes"));
    assert_int_equal(out.len, 0);
    tocsin_buf_cleanup(&out);
}

static void test_atom_uuid_is_rfc4122_version5(void **state)
{
    char a[TOCSIN_ATOM_UUID_LEN], b[TOCSIN_ATOM_UUID_LEN];

    (void)state;
    /* Python: uuid.uuid5(uuid.NAMESPACE_URL, name) */
    tocsin_atom_uuid(a, "https://status.acme.example/incidents/"
                        "INC-20261122-01");
    assert_string_equal(a, "urn:uuid:18704126-7d3b-550a-8aa2-aaf241b6f358");
    tocsin_atom_uuid(b, "https://status.acme.example/incidents/"
                        "INC-20261122-02");
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker_agrees_with_feedvalidator),
        cmocka_unit_test(test_atom_written_feed_has_every_required_element),
        cmocka_unit_test(test_atom_reads_back_through_the_feed_reader),
        cmocka_unit_test(test_atom_control_characters_become_replacement),
        cmocka_unit_test(test_atom_refuses_what_rfc4287_forbids),
        cmocka_unit_test(test_atom_feed_of_no_entries_is_valid),
        cmocka_unit_test(test_atom_cap_is_a_runtime_error),
        cmocka_unit_test(test_atom_uuid_is_rfc4122_version5),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
