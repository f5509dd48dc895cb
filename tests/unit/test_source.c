/*
 * test_source.c - monitor sources against a real HTTP server: a thread in
 * this test listening on 127.0.0.1 with canned answers, including the
 * misbehaving ones (a server that never answers, one that resets the
 * connection, an error page, endless redirects) - and file:// sources.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tocsin/buf.h"
#include "tocsin/source.h"

enum mode { ANSWER, SILENT, RESET };

struct route {
    const char *path;
    enum mode mode;
    const char *head; /* status line and headers, without Content-Length */
    const char *body;
};

static const char METRICS[] =
    "{\"orders\": {\"unshipped\": 1234, \"late\": \"12.5\", \"label\": "
    "\"n/a\", \"flag\": true}, \"data\": {\"items\": [{\"count\": 7}, "
    "{\"count\": 9}]}}";

static const char FEED[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
    "<item><title>Seam RIPPED on day one</title><link>/p/1</link></item>"
    "<item><title>love it</title><link>/p/2</link></item>"
    "<item><title>外套脫線了</title><link>/p/3</link></item>"
    "</channel></rss>";

static const struct route routes[] = {
    {"/metrics.json", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: "
                              "application/json\r\n", METRICS},
    {"/page", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
                      "charset=utf-8\r\n",
     "<!DOCTYPE html><html><body>Sign in</body></html>"},
    {"/untyped", ANSWER, "HTTP/1.1 200 OK\r\n",
     "\n<!doctype html><html><body>Sign in</body></html>"},
    {"/broken.json", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: "
                             "application/json\r\n", "{\"a\": [1, 2,}"},
    {"/500", ANSWER, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: "
                     "text/plain\r\n", "boom"},
    {"/slow", SILENT, NULL, NULL},
    {"/reset", RESET, NULL, NULL},
    {"/r1", ANSWER, "HTTP/1.1 302 Found\r\nLocation: /r2\r\n", ""},
    {"/r2", ANSWER, "HTTP/1.1 302 Found\r\nLocation: /r3\r\n", ""},
    {"/r3", ANSWER, "HTTP/1.1 302 Found\r\nLocation: /r4\r\n", ""},
    {"/r4", ANSWER, "HTTP/1.1 302 Found\r\nLocation: /metrics.json\r\n", ""},
    {"/tofile", ANSWER, "HTTP/1.1 302 Found\r\nLocation: "
                        "file:///etc/passwd\r\n", ""},
    {"/orders.csv", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n",
     "\xEF\xBB\xBF" "day,note,unshipped\r\n"
     "2026-11-20,\"quiet, normal\",10\r\n"
     "2026-11-21,\"a \"\"busy\"\"\nday\",25\r\n"
     "2026-11-22,,130\r\n"},
    {"/bad.csv", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n",
     "a,b\r\n1,\"unterminated\r\n"},
    {"/feed.rss", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: "
                          "application/rss+xml\r\n", FEED},
    {"/feed-broken", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: "
                             "application/rss+xml\r\n",
     "<rss>\n<channel>\n<item></channel></rss>"},
    {"/big", ANSWER, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
     "[1111111111, 2222222222, 3333333333, 4444444444, 5555555555]"},
};

static struct {
    int fd, port;
    pthread_t thread;
    volatile int stop;
    char last[4096]; /* the last request's head, for asserting on it */
} srv;

static void answer(int c, const struct route *r, int chunked_body)
{
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    size_t off = 0;

    tocsin_buf_adds(&out, r->head);
    /* One route goes without Content-Length, ending at close, so the body
     * cap is tested where curl cannot know the size in advance. */
    if (!chunked_body)
        tocsin_buf_addf(&out, "Content-Length: %zu\r\n", strlen(r->body));
    tocsin_buf_adds(&out, "Connection: close\r\n\r\n");
    tocsin_buf_adds(&out, r->body);
    while (off < out.len) {
        ssize_t n = send(c, out.ptr + off, out.len - off, MSG_NOSIGNAL);

        if (n <= 0)
            break;
        off += (size_t)n;
    }
    tocsin_buf_cleanup(&out);
}

static void *serve(void *arg)
{
    (void)arg;
    while (!srv.stop) {
        char req[4096], path[256] = "";
        size_t len = 0, i;
        const struct route *r = NULL;
        int c = accept(srv.fd, NULL, NULL);

        if (c < 0)
            continue;
        while (len < sizeof req - 1) {
            ssize_t n = recv(c, req + len, sizeof req - 1 - len, 0);

            if (n <= 0)
                break;
            len += (size_t)n;
            req[len] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        req[len] = '\0';
        memcpy(srv.last, req, len + 1);
        if (sscanf(req, "GET %255s ", path) == 1) {
            path[strcspn(path, "?")] = '\0';
            for (i = 0; i < sizeof routes / sizeof *routes; i++)
                if (!strcmp(routes[i].path, path))
                    r = &routes[i];
        }
        if (!r) {
            static const struct route nf = {"", ANSWER,
                                            "HTTP/1.1 404 Not Found\r\n", ""};
            answer(c, &nf, 0);
        } else if (r->mode == ANSWER) {
            answer(c, r, !strcmp(r->path, "/big"));
        } else if (r->mode == SILENT) {
            /* Never answer: wait until the client gives up and closes. */
            while (recv(c, req, sizeof req, 0) > 0)
                ;
        } else {
            struct linger lg = {1, 0};

            /* SO_LINGER with a zero timeout turns close() into a RST. */
            setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        close(c);
    }
    return NULL;
}

static int start_server(void **state)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int one = 1;

    (void)state;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(srv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (srv.fd < 0 || bind(srv.fd, (struct sockaddr *)&a, sizeof a) ||
        listen(srv.fd, 16) ||
        getsockname(srv.fd, (struct sockaddr *)&a, &alen))
        return -1;
    srv.port = ntohs(a.sin_port);
    return pthread_create(&srv.thread, NULL, serve, NULL);
}

static int stop_server(void **state)
{
    struct sockaddr_in a;
    int c = socket(AF_INET, SOCK_STREAM, 0);

    (void)state;
    srv.stop = 1;
    /* Wake the accept() so the thread sees 'stop'. */
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)srv.port);
    connect(c, (struct sockaddr *)&a, sizeof a);
    close(c);
    pthread_join(srv.thread, NULL);
    close(srv.fd);
    return 0;
}

static const char *url(struct tocsin_buf *b, const char *path)
{
    tocsin_buf_reset(b);
    tocsin_buf_addf(b, "http://127.0.0.1:%d%s", srv.port, path);
    return b->ptr;
}

static struct tocsin_source json_src(const char *u, const char *path)
{
    struct tocsin_source s;

    memset(&s, 0, sizeof s);
    s.kind = TOCSIN_SOURCE_JSON;
    s.url = u;
    s.json_path = path;
    return s;
}

static double fetch_ok(const struct tocsin_source *s,
                       struct tocsin_source_result **keep)
{
    struct tocsin_source_result *r = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    double v;

    if (tocsin_source_fetch(&r, s, NULL, &err))
        fail_msg("fetch failed: %s (hint: %s)", err.msg, err.hint);
    v = r->value;
    if (keep)
        *keep = r;
    else
        tocsin_source_result_free(r);
    return v;
}

static int fetch_err(struct tocsin_error *err, const struct tocsin_source *s,
                     const struct tocsin_source_limits *lim)
{
    struct tocsin_source_result *r = NULL;
    int rc = tocsin_source_fetch(&r, s, lim, err);

    assert_null(r);
    assert_int_not_equal(rc, 0);
    assert_int_equal(err->line, 0);
    return rc;
}

static void assert_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected '%s' in '%s'", needle, hay);
}

static void test_source_json_path_reads_numbers(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_source s;

    (void)state;
    s = json_src(url(&u, "/metrics.json"), "orders.unshipped");
    assert_true(fetch_ok(&s, NULL) == 1234.0);
    s.json_path = "data.items[1].count";
    assert_true(fetch_ok(&s, NULL) == 9.0);
    s.json_path = "orders.late";
    assert_true(fetch_ok(&s, NULL) == 12.5);
    assert_has(srv.last, "Accept: application/json");
    tocsin_buf_cleanup(&u);
}

static void test_source_json_missing_path_names_the_step(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;
    const char *shown;

    (void)state;
    shown = url(&u, "/metrics.json");
    s = json_src(shown, "orders.unshiped");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "has no 'orders.unshiped': no key 'unshiped' in "
                        "'orders'");
    assert_has(err.msg, shown);
    assert_string_equal(err.hint, "did you mean 'unshipped'?");
    tocsin_error_clear(&err);
    s.json_path = "data.items[2].count";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "has no 'data.items[2]': 'data.items' has 2 "
                        "elements");
    tocsin_error_clear(&err);
    s.json_path = "orders[0]";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "'orders' is an object, not an array");
    tocsin_error_clear(&err);
    s.json_path = "nope";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "no key 'nope' in the document");
    tocsin_buf_cleanup(&u);
}

static void test_source_json_non_numeric_value(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;

    (void)state;
    s = json_src(url(&u, "/metrics.json"), "orders.label");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "'orders.label' in the JSON from 'http://127.0.0.1:");
    assert_has(err.msg, "is a string, not a number");
    tocsin_error_clear(&err);
    s.json_path = "orders.flag";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "is a boolean, not a number");
    tocsin_error_clear(&err);
    s.json_path = "orders";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "is an object, not a number");
    tocsin_buf_cleanup(&u);
}

static void test_source_html_instead_of_json(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;

    (void)state;
    s = json_src(url(&u, "/page"), "orders.unshipped");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "expected JSON from 'http://127.0.0.1:");
    assert_has(err.msg, "/page', got text/html");
    tocsin_error_clear(&err);
    s.url = url(&u, "/untyped");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "got an HTML page");
    tocsin_error_clear(&err);
    s.url = url(&u, "/broken.json");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "invalid JSON from 'http://127.0.0.1:");
    assert_has(err.msg, "at line 1 column");
    tocsin_buf_cleanup(&u);
}

static void test_source_http_500_is_runtime_and_hides_credentials(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;

    (void)state;
    tocsin_buf_addf(&u, "http://ops:s3cret@127.0.0.1:%d/500?token=abc123"
                        "&window=7d#frag", srv.port);
    s = json_src(u.ptr, "x");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_ERUNTIME);
    assert_has(err.msg, "answered HTTP 500");
    assert_null(strstr(err.msg, "s3cret"));
    assert_null(strstr(err.msg, "ops"));
    assert_null(strstr(err.msg, "abc123"));
    assert_has(err.msg, "/500?token=***&window=***'");
    /* The credentials did go to the server, as basic auth. */
    assert_has(srv.last, "Authorization: Basic ");
    tocsin_buf_cleanup(&u);
}

static void test_source_timeout_is_named(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;

    (void)state;
    s = json_src(url(&u, "/slow"), "x");
    s.timeout_ms = 300;
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_ERUNTIME);
    assert_has(err.msg, "/slow' timed out: ");
    tocsin_buf_cleanup(&u);
}

static void test_source_reset_and_refused(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int fd;

    (void)state;
    s = json_src(url(&u, "/reset"), "x");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_ERUNTIME);
    assert_has(err.msg, "the connection to 'http://127.0.0.1:");
    assert_has(err.msg, "/reset' broke off: ");
    tocsin_error_clear(&err);
    /* A port that was free a moment ago: nothing listens there. */
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    close(fd);
    tocsin_buf_reset(&u);
    tocsin_buf_addf(&u, "http://127.0.0.1:%d/x", ntohs(a.sin_port));
    s.url = u.ptr;
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_ERUNTIME);
    assert_has(err.msg, "cannot connect to 'http://127.0.0.1:");
    tocsin_buf_cleanup(&u);
}

static void test_source_redirects_are_bounded(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;

    (void)state;
    s = json_src(url(&u, "/r2"), "orders.unshipped");
    assert_true(fetch_ok(&s, NULL) == 1234.0); /* three redirects */
    s.url = url(&u, "/r1");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_ERUNTIME);
    assert_has(err.msg, "/r1' redirected more than 3 times");
    tocsin_error_clear(&err);
    s.url = url(&u, "/tofile");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_ERUNTIME);
    assert_has(err.msg, "/tofile' redirected to a scheme other than http");
    tocsin_buf_cleanup(&u);
}

static void test_source_body_cap(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source_limits lim = {32, 0, 0};
    struct tocsin_source s;

    (void)state;
    s = json_src(url(&u, "/big"), "[0]");
    assert_int_equal(fetch_err(&err, &s, &lim), TOCSIN_ERUNTIME);
    assert_has(err.msg, "/big' is larger than 32 bytes");
    tocsin_error_clear(&err);
    s = json_src(url(&u, "/metrics.json"), "orders.unshipped");
    assert_int_equal(fetch_err(&err, &s, &lim), TOCSIN_ERUNTIME);
    assert_has(err.msg, "is larger than 32 bytes");
    lim.max_bytes = 0;
    s.url = url(&u, "/big");
    s.json_path = "[4]";
    {
        struct tocsin_source_result *r = NULL;

        assert_int_equal(tocsin_source_fetch(&r, &s, &lim, &err), 0);
        assert_true(r->value == 5555555555.0);
        tocsin_source_result_free(r);
    }
    tocsin_buf_cleanup(&u);
}

static void test_source_csv_last_sum_count(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_source_result *r = NULL;
    struct tocsin_source s;

    (void)state;
    memset(&s, 0, sizeof s);
    s.kind = TOCSIN_SOURCE_CSV;
    s.url = url(&u, "/orders.csv");
    s.csv_column = "unshipped";
    s.csv_agg = TOCSIN_AGG_LAST;
    assert_true(fetch_ok(&s, &r) == 130.0);
    assert_int_equal(r->n_read, 3);
    tocsin_source_result_free(r);
    s.csv_agg = TOCSIN_AGG_SUM;
    assert_true(fetch_ok(&s, NULL) == 165.0);
    s.csv_agg = TOCSIN_AGG_COUNT;
    s.csv_column = NULL;
    assert_true(fetch_ok(&s, NULL) == 3.0);
    tocsin_buf_cleanup(&u);
}

static void test_source_csv_errors(void **state)
{
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source_limits lim = {0, 2, 0};
    struct tocsin_source s;

    (void)state;
    memset(&s, 0, sizeof s);
    s.kind = TOCSIN_SOURCE_CSV;
    s.url = url(&u, "/orders.csv");
    s.csv_column = "unshiped";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "/orders.csv' has no column 'unshiped'");
    assert_string_equal(err.hint, "did you mean 'unshipped'?");
    tocsin_error_clear(&err);
    s.csv_column = "note";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "'note' in the last row (row 4) is empty, not a "
                        "number");
    tocsin_error_clear(&err);
    s.csv_agg = TOCSIN_AGG_SUM;
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "'note' in row 2 is not a number");
    tocsin_error_clear(&err);
    s.csv_column = "unshipped";
    assert_int_equal(fetch_err(&err, &s, &lim), TOCSIN_EINPUT);
    assert_has(err.msg, "has more than 2 rows");
    tocsin_error_clear(&err);
    s.url = url(&u, "/bad.csv");
    s.csv_column = "a";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "malformed CSV from 'http://127.0.0.1:");
    tocsin_error_clear(&err);
    s.url = url(&u, "/page");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "expected CSV from");
    tocsin_buf_cleanup(&u);
}

static void test_source_feed_counts_matches_with_ids(void **state)
{
    static const char *const kw[] = {"ripped", "seam", "脫線"};
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_source_result *r = NULL;
    struct tocsin_source s;

    (void)state;
    memset(&s, 0, sizeof s);
    s.kind = TOCSIN_SOURCE_FEED;
    tocsin_buf_addf(&u, "http://watch:pw@127.0.0.1:%d/feed.rss", srv.port);
    s.url = u.ptr;
    s.keywords = kw;
    s.n_keywords = 3;
    assert_true(fetch_ok(&s, &r) == 2.0);
    assert_int_equal(r->n_read, 3);
    assert_int_equal(r->n_ids, 2);
    /* Relative links resolve against the feed's URL, without its
     * credentials. */
    tocsin_buf_reset(&u);
    tocsin_buf_addf(&u, "http://127.0.0.1:%d/p/1", srv.port);
    assert_string_equal(r->ids[0], u.ptr);
    tocsin_buf_reset(&u);
    tocsin_buf_addf(&u, "http://127.0.0.1:%d/p/3", srv.port);
    assert_string_equal(r->ids[1], u.ptr);
    assert_has(srv.last, "Accept: application/atom+xml");
    tocsin_source_result_free(r);
    s.n_keywords = 0;
    s.url = url(&u, "/feed.rss");
    assert_true(fetch_ok(&s, NULL) == 3.0);
    tocsin_buf_cleanup(&u);
}

static void test_source_feed_errors_name_url(void **state)
{
    static const char *const kw[] = {"seam"};
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;

    (void)state;
    memset(&s, 0, sizeof s);
    s.kind = TOCSIN_SOURCE_FEED;
    s.keywords = kw;
    s.n_keywords = 1;
    s.url = url(&u, "/page");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "/page': not an RSS or Atom feed: the document is "
                        "an HTML page");
    tocsin_error_clear(&err);
    s.url = url(&u, "/feed-broken");
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_EINPUT);
    assert_has(err.msg, "/feed-broken' line 3: malformed XML: ");
    tocsin_buf_cleanup(&u);
}

static void write_file(char *path, const char *text)
{
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void test_source_file_urls(void **state)
{
    char jpath[] = "/tmp/tocsin-src-XXXXXX", cpath[] = "/tmp/tocsin-src-XXXXXX";
    struct tocsin_buf u = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s;

    (void)state;
    write_file(jpath, "{\"orders\": {\"unshipped\": 42}}");
    write_file(cpath, "id,amount\n1,5\n2,7\n");
    tocsin_buf_addf(&u, "file://%s", jpath);
    s = json_src(u.ptr, "orders.unshipped");
    assert_true(fetch_ok(&s, NULL) == 42.0);
    memset(&s, 0, sizeof s);
    s.kind = TOCSIN_SOURCE_CSV;
    tocsin_buf_reset(&u);
    tocsin_buf_addf(&u, "file://%s", cpath);
    s.url = u.ptr;
    s.csv_column = "amount";
    s.csv_agg = TOCSIN_AGG_SUM;
    assert_true(fetch_ok(&s, NULL) == 12.0);
    unlink(jpath);
    unlink(cpath);
    s.url = "file:///nonexistent/tocsin/metrics.csv";
    assert_int_equal(fetch_err(&err, &s, NULL), TOCSIN_ERUNTIME);
    assert_has(err.msg, "cannot read 'file:///nonexistent/tocsin/metrics.csv'");
    tocsin_buf_cleanup(&u);
}

static void test_source_validate_refuses_bad_definitions(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_source s = json_src("ftp://u:pw@host/x.json", "a");
    static const char *const empty[] = {""};

    (void)state;
    assert_int_equal(tocsin_source_validate(&s, &err), TOCSIN_EINPUT);
    assert_string_equal(err.msg, "monitor source 'ftp://host/x.json' is not "
                                 "an http://, https:// or file:// URL");
    tocsin_error_clear(&err);
    s.url = "http://h/x";
    s.json_path = "a..b";
    assert_int_equal(tocsin_source_validate(&s, &err), TOCSIN_EINPUT);
    assert_string_equal(err.msg, "invalid JSON path 'a..b' at character 3");
    tocsin_error_clear(&err);
    s.json_path = "items[x]";
    assert_int_equal(tocsin_source_validate(&s, &err), TOCSIN_EINPUT);
    assert_string_equal(err.msg, "invalid JSON path 'items[x]' at "
                                 "character 7");
    tocsin_error_clear(&err);
    s.json_path = "items[1";
    assert_int_equal(tocsin_source_validate(&s, &err), TOCSIN_EINPUT);
    tocsin_error_clear(&err);
    s.json_path = "[0].a[2][3]";
    assert_int_equal(tocsin_source_validate(&s, &err), 0);
    s.kind = TOCSIN_SOURCE_CSV;
    assert_int_equal(tocsin_source_validate(&s, &err), TOCSIN_EINPUT);
    assert_has(err.msg, "needs a column name");
    tocsin_error_clear(&err);
    s.kind = TOCSIN_SOURCE_FEED;
    s.keywords = empty;
    s.n_keywords = 1;
    assert_int_equal(tocsin_source_validate(&s, &err), TOCSIN_EINPUT);
    assert_string_equal(err.msg, "feed keyword 1 is empty");
}

static void test_source_redact_url(void **state)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);

    (void)state;
    tocsin_source_redact_url(&b, "https://u:p@metrics.example:8443/a/b?"
                                 "key=K&flag&x=1#top");
    assert_string_equal(b.ptr, "https://metrics.example:8443/a/b?key=***&"
                               "***&x=***");
    tocsin_buf_reset(&b);
    tocsin_source_redact_url(&b, "not a url at all");
    assert_string_equal(b.ptr, "(invalid URL)");
    tocsin_buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_json_path_reads_numbers),
        cmocka_unit_test(test_source_json_missing_path_names_the_step),
        cmocka_unit_test(test_source_json_non_numeric_value),
        cmocka_unit_test(test_source_html_instead_of_json),
        cmocka_unit_test(test_source_http_500_is_runtime_and_hides_credentials),
        cmocka_unit_test(test_source_timeout_is_named),
        cmocka_unit_test(test_source_reset_and_refused),
        cmocka_unit_test(test_source_redirects_are_bounded),
        cmocka_unit_test(test_source_body_cap),
        cmocka_unit_test(test_source_csv_last_sum_count),
        cmocka_unit_test(test_source_csv_errors),
        cmocka_unit_test(test_source_feed_counts_matches_with_ids),
        cmocka_unit_test(test_source_feed_errors_name_url),
        cmocka_unit_test(test_source_file_urls),
        cmocka_unit_test(test_source_validate_refuses_bad_definitions),
        cmocka_unit_test(test_source_redact_url),
    };

    return cmocka_run_group_tests(tests, start_server, stop_server);
}
