/*
 * source.c - fetch a monitor's source and reduce it to one number.
 *
 * libcurl fetches (easy interface: one source, one transfer, on the
 * watcher's schedule), jansson reads JSON, libcsv reads CSV, feed.c reads
 * RSS and Atom. The URL in every message goes through
 * tocsin_source_redact_url(): monitors are configured with URLs like
 * https://user:token@metrics.example/..., and an error message ends up in
 * logs and in the staff channel.
 */
#include "tocsin/source.h"
#include "tocsin/feed.h"
#include "tocsin/mem.h"

#include <csv.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KIND_NAME(k)                                                          \
    ((k) == TOCSIN_SOURCE_JSON ? "JSON" : (k) == TOCSIN_SOURCE_CSV ? "CSV"    \
                                                                   : "a feed")

/* ----- URLs as they may be shown ---------------------------------------- */

static void redact_query(struct tocsin_buf *out, const char *q)
{
    const char *p = q;

    while (*p) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);

        if (p != q)
            tocsin_buf_addc(out, '&');
        if (eq) {
            tocsin_buf_add(out, p, (size_t)(eq - p));
            tocsin_buf_adds(out, "=***");
        } else if (n) {
            tocsin_buf_adds(out, "***");
        }
        p += n;
        if (*p == '&')
            p++;
    }
}

void tocsin_source_redact_url(struct tocsin_buf *out, const char *url)
{
    CURLU *u = curl_url();
    char *s = NULL, *q = NULL;

    if (!u)
        abort(); /* curl_url() fails only when out of memory */
    if (!url || curl_url_set(u, CURLUPART_URL, url,
                             CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        tocsin_buf_adds(out, "(invalid URL)");
        goto out;
    }
    curl_url_get(u, CURLUPART_QUERY, &q, 0);
    curl_url_set(u, CURLUPART_USER, NULL, 0);
    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
    curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
    curl_url_set(u, CURLUPART_QUERY, NULL, 0);
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
        tocsin_buf_adds(out, "(invalid URL)");
        goto out;
    }
    tocsin_buf_adds(out, s);
    if (q && *q) {
        tocsin_buf_addc(out, '?');
        redact_query(out, q);
    }
out:
    curl_free(s);
    curl_free(q);
    curl_url_cleanup(u);
}

/* The URL with userinfo and fragment removed but the query kept: the base
 * that relative feed links resolve against, so that a password in the
 * monitor's URL never travels into item links and from there into the
 * journal or a notification. */
static char *base_url(const char *url)
{
    CURLU *u = curl_url();
    char *s = NULL, *r;

    if (!u)
        abort();
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return NULL;
    }
    curl_url_set(u, CURLUPART_USER, NULL, 0);
    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
    curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    r = curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK
            ? tocsin_xstrdup(s)
            : NULL;
    curl_free(s);
    curl_url_cleanup(u);
    return r;
}

/* ----- JSON paths -------------------------------------------------------- */

/* One step of a path: a name (key != NULL) or an index. 'end' is where the
 * step ends in the path text, for messages ("data.items[3]"). */
struct step {
    char *key;
    size_t index;
    size_t end;
};

static void steps_free(struct step *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(s[i].key);
    free(s);
}

static int bad_path(const char *path, size_t at, struct tocsin_error *err)
{
    tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                     "invalid JSON path '%.200s' at character %zu", path,
                     at + 1);
    tocsin_error_hint(err, "write names separated by dots and indexes in "
                           "brackets: \"data.items[0].count\"");
    return TOCSIN_EINPUT;
}

static int parse_path(struct step **out, size_t *n_out, const char *path,
                      struct tocsin_error *err)
{
    struct step *s = NULL;
    size_t n = 0, cap = 0, i = 0, len = strlen(path);
    int rc = 0;

    while (i < len) {
        struct step st = {NULL, 0, 0};

        if (n == 64) {
            rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                  "JSON path '%.200s' has more than 64 steps",
                                  path);
            goto out;
        }
        if (path[i] == '[') {
            char *end;
            unsigned long long v;

            if (path[i + 1] < '0' || path[i + 1] > '9') {
                rc = bad_path(path, i + 1, err);
                goto out;
            }
            errno = 0;
            v = strtoull(path + i + 1, &end, 10);
            if (errno || *end != ']' || v > 1000000000ULL) {
                rc = bad_path(path, (size_t)(end - path), err);
                goto out;
            }
            st.index = (size_t)v;
            i = (size_t)(end - path) + 1;
        } else {
            size_t k;

            if (n > 0) {
                if (path[i] != '.') {
                    rc = bad_path(path, i, err);
                    goto out;
                }
                i++;
            }
            k = strcspn(path + i, ".[]");
            if (k == 0) {
                rc = bad_path(path, i, err);
                goto out;
            }
            st.key = tocsin_xstrndup(path + i, k);
            i += k;
        }
        st.end = i;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            s = tocsin_xreallocarray(s, cap, sizeof *s);
        }
        s[n++] = st;
    }
out:
    if (rc) {
        steps_free(s, n);
        return rc;
    }
    *out = s;
    *n_out = n;
    return 0;
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* "a number" in a string: the whole string, finite, surrounding spaces
 * allowed. Metrics endpoints often quote big counters. */
static int number_text(double *out, const char *s)
{
    char *end;
    double v;

    while (*s == ' ')
        s++;
    if (!*s)
        return -1;
    errno = 0;
    v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (errno || *end || end == s || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static void suggest_key(const json_t *obj, const char *key,
                        struct tocsin_error *err)
{
    const char *names[256];
    const char *k, *best;
    json_t *v;
    size_t n = 0;

    json_object_foreach((json_t *)obj, k, v) {
        if (n == 256)
            break;
        names[n++] = k;
    }
    if ((best = tocsin_did_you_mean(key, names, n)))
        tocsin_error_hint(err, "did you mean '%s'?", best);
}

/* How a message names the part of the document walked so far. */
static void walked(struct tocsin_buf *b, const char *path, size_t len)
{
    tocsin_buf_reset(b);
    if (len == 0) {
        tocsin_buf_adds(b, "the document");
        return;
    }
    tocsin_buf_addc(b, '\'');
    tocsin_buf_add(b, path, len);
    tocsin_buf_addc(b, '\'');
}

static int eval_path(double *out, const json_t *root, const char *path,
                     const char *shown, struct tocsin_error *err)
{
    struct tocsin_buf here = TOCSIN_BUF_INIT(0);
    struct step *s = NULL;
    size_t n = 0, i;
    const json_t *v = root;
    int rc;

    if ((rc = parse_path(&s, &n, path, err)))
        return rc;
    for (i = 0; i < n && !rc; i++) {
        int upto = (int)s[i].end;

        walked(&here, path, i ? s[i - 1].end : 0);
        if (s[i].key && !json_is_object(v)) {
            rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                  "JSON from '%s' has no '%.*s': %s is %s, "
                                  "not an object", shown, upto, path,
                                  here.ptr, json_kind(v));
        } else if (s[i].key) {
            const json_t *next = json_object_get(v, s[i].key);

            if (!next) {
                rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                      "JSON from '%s' has no '%.*s': no key "
                                      "'%s' in %s", shown, upto, path,
                                      s[i].key, here.ptr);
                suggest_key(v, s[i].key, err);
            }
            v = next;
        } else if (!json_is_array(v)) {
            rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                  "JSON from '%s' has no '%.*s': %s is %s, "
                                  "not an array", shown, upto, path,
                                  here.ptr, json_kind(v));
        } else if (s[i].index >= json_array_size(v)) {
            rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                  "JSON from '%s' has no '%.*s': %s has %zu "
                                  "elements", shown, upto, path, here.ptr,
                                  json_array_size(v));
        } else {
            v = json_array_get(v, s[i].index);
        }
    }
    if (rc)
        goto out;
    walked(&here, path, strlen(path));
    if (json_is_number(v))
        *out = json_number_value(v);
    else if (!(json_is_string(v) &&
               number_text(out, json_string_value(v)) == 0))
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "%s in the JSON from '%s' is %s, not a number",
                              here.ptr, shown, json_kind(v));
out:
    steps_free(s, n);
    tocsin_buf_cleanup(&here);
    return rc;
}

/* ----- fetching ----------------------------------------------------------- */

struct body {
    struct tocsin_buf b;
    int over; /* the cap was reached */
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    struct body *body = ud;
    size_t n = size * nmemb;

    tocsin_buf_add(&body->b, p, n);
    if (tocsin_buf_failed(&body->b)) {
        body->over = 1;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    return n;
}

static int has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);

    return !strncasecmp(url, scheme, n) && url[n] == ':';
}

static const char *accept_for(enum tocsin_source_kind k)
{
    switch (k) {
    case TOCSIN_SOURCE_JSON: return "Accept: application/json";
    case TOCSIN_SOURCE_CSV: return "Accept: text/csv, text/plain;q=0.5";
    default:
        return "Accept: application/atom+xml, application/rss+xml, "
               "application/xml;q=0.9, text/xml;q=0.9";
    }
}

static int curl_failed(CURLcode cc, const char *errbuf, const char *shown,
                       const struct body *body, size_t max,
                       struct tocsin_error *err)
{
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(cc);

    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "'%s' timed out: %s", shown, why);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "cannot connect to '%s': %s", shown, why);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "the connection to '%s' broke off: %s",
                                shown, why);
    case CURLE_TOO_MANY_REDIRECTS:
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "'%s' redirected more than %ld times", shown,
                                TOCSIN_SOURCE_MAX_REDIRECTS);
    case CURLE_UNSUPPORTED_PROTOCOL:
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "'%s' redirected to a scheme other than http "
                                "or https: %s", shown, why);
    case CURLE_FILESIZE_EXCEEDED:
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "'%s' is larger than %zu bytes", shown, max);
    case CURLE_WRITE_ERROR:
        if (body->over)
            return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                    "'%s' is larger than %zu bytes", shown,
                                    max);
        break;
    case CURLE_FILE_COULDNT_READ_FILE:
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "cannot read '%s': %s", shown, why);
    default:
        break;
    }
    return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                            "fetching '%s' failed: %s", shown, why);
}

/* Fetch 'src->url' into 'body'. '*ctype' is the Content-Type (NULL for
 * file:// or when absent) and '*final' the URL after redirects; the caller
 * frees both. */
static int fetch(struct body *body, char **ctype, char **final,
                 const struct tocsin_source *src, size_t max,
                 const char *shown, struct tocsin_error *err)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    CURL *c = curl_easy_init();
    CURLcode cc;
    long status = 0;
    char *ct = NULL, *eff = NULL;
    int rc = 0;

    if (!c)
        abort(); /* curl_easy_init() fails only when out of memory */
    hdrs = curl_slist_append(hdrs, accept_for(src->kind));
    curl_easy_setopt(c, CURLOPT_URL, src->url);
    /* file:// is for local monitors; a server must never be able to send
     * us there with a redirect. */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, TOCSIN_SOURCE_MAX_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     src->connect_timeout_ms > 0
                         ? src->connect_timeout_ms
                         : TOCSIN_SOURCE_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     src->timeout_ms > 0 ? src->timeout_ms
                                         : TOCSIN_SOURCE_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "tocsin-watch");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        rc = curl_failed(cc, errbuf, shown, body, max, err);
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (!has_scheme(src->url, "file") && (status < 200 || status > 299)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "'%s' answered HTTP %ld", shown, status);
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
    *ctype = ct ? tocsin_xstrdup(ct) : NULL;
    *final = tocsin_xstrdup(eff ? eff : src->url);
out:
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return rc;
}

/* The media type without parameters, lowercase: "text/html". */
static void media_type(char *out, size_t cap, const char *ctype)
{
    size_t n = 0;

    while (ctype && ctype[n] && ctype[n] != ';' && ctype[n] != ' ' &&
           n + 1 < cap) {
        char ch = ctype[n];

        out[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    out[n] = '\0';
}

static int looks_like_html(const char *p, size_t len)
{
    size_t i = 0;

    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
                       p[i] == '\n'))
        i++;
    return (len - i >= 5 && !strncasecmp(p + i, "<html", 5)) ||
           (len - i >= 14 && !strncasecmp(p + i, "<!doctype html", 14));
}

/* A page where data was expected: a login page, an error page from a
 * proxy, the dashboard instead of its API. Say so rather than report a
 * JSON syntax error at line 1. */
static int wrong_type(const char *mt, const struct body *body,
                      enum tocsin_source_kind kind, const char *shown,
                      struct tocsin_error *err)
{
    int html = !strcmp(mt, "text/html") ||
               !strcmp(mt, "application/xhtml+xml");

    if (kind == TOCSIN_SOURCE_FEED)
        return 0; /* the feed reader names HTML itself */
    if (html || (!*mt && looks_like_html(body->b.ptr, body->b.len)))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "expected %s from '%s', got %s",
                                KIND_NAME(kind), shown,
                                html ? mt : "an HTML page");
    return 0;
}

/* ----- the three kinds ---------------------------------------------------- */

static int from_json(struct tocsin_source_result *r, const struct body *body,
                     const struct tocsin_source *src, const char *shown,
                     struct tocsin_error *err)
{
    json_error_t je;
    json_t *doc = json_loadb(body->b.ptr, body->b.len, JSON_DECODE_ANY, &je);
    int rc;

    if (!doc) {
        if (looks_like_html(body->b.ptr, body->b.len))
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "expected JSON from '%s', got an HTML "
                                    "page", shown);
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "invalid JSON from '%s' at line %d column "
                                "%d: %s", shown, je.line, je.column,
                                je.text);
    }
    rc = eval_path(&r->value, doc, src->json_path ? src->json_path : "",
                   shown, err);
    json_decref(doc);
    return rc;
}

struct csv_state {
    const struct tocsin_source *src;
    size_t max_rows;
    size_t row;       /* rows completed, the header included */
    size_t field;     /* the field index in the current row */
    long col;         /* the column's index, -1 until the header is read */
    char **header;    /* the header's names, for "did you mean" */
    size_t n_header;
    struct tocsin_buf cur; /* the column's value in the current row */
    int have_cur;
    struct tocsin_buf last; /* the column's value in the last data row */
    double sum;
    size_t bad_row;   /* first data row whose value is not a number */
    int stop;
};

static void on_field(void *p, size_t len, void *ud)
{
    struct csv_state *st = ud;

    if (st->stop)
        return;
    if (st->row == 0) {
        if (st->n_header < 4096) {
            st->header = tocsin_xreallocarray(st->header, st->n_header + 1,
                                              sizeof *st->header);
            st->header[st->n_header++] = tocsin_xstrndup(p ? p : "", len);
        }
    } else if ((long)st->field == st->col) {
        tocsin_buf_reset(&st->cur);
        tocsin_buf_add(&st->cur, p ? p : "", len);
        st->have_cur = 1;
    }
    st->field++;
}

static void on_row(int c, void *ud)
{
    struct csv_state *st = ud;
    const char *name = st->src->csv_column;
    size_t i;

    (void)c;
    if (st->stop)
        return;
    if (st->row == 0) {
        for (i = 0; name && i < st->n_header; i++)
            if (!strcmp(st->header[i], name)) {
                st->col = (long)i;
                break;
            }
    } else {
        double v;

        if (st->row > st->max_rows) {
            st->stop = 1;
            return;
        }
        tocsin_buf_reset(&st->last);
        if (st->have_cur)
            tocsin_buf_add(&st->last, st->cur.ptr, st->cur.len);
        if (st->src->csv_agg == TOCSIN_AGG_SUM && !st->bad_row) {
            if (st->have_cur && number_text(&v, st->cur.ptr) == 0)
                st->sum += v;
            else
                st->bad_row = st->row + 1; /* a 1-based line, header = 1 */
        }
    }
    st->row++;
    st->field = 0;
    st->have_cur = 0;
}

static int from_csv(struct tocsin_source_result *r, const struct body *body,
                    const struct tocsin_source *src, size_t max_rows,
                    const char *shown, struct tocsin_error *err)
{
    struct csv_parser p;
    struct csv_state st;
    const char *data = body->b.ptr;
    size_t len = body->b.len, off = 0, n_rows;
    int rc = 0;

    memset(&st, 0, sizeof st);
    st.src = src;
    st.max_rows = max_rows;
    st.col = -1;
    tocsin_buf_init(&st.cur, 0);
    tocsin_buf_init(&st.last, 0);
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        data += 3;
        len -= 3;
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        abort(); /* libcsv fails here only when out of memory */
    /* In slices, so that a row limit stops the parse, not just the count. */
    while (off < len && !st.stop) {
        size_t n = len - off < 65536 ? len - off : 65536;

        if (csv_parse(&p, data + off, n, on_field, on_row, &st) != n)
            break;
        off += n;
    }
    if (!st.stop && (csv_error(&p) != CSV_SUCCESS ||
                     csv_fini(&p, on_field, on_row, &st) != 0)) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "malformed CSV from '%s' in row %zu: %s", shown,
                              st.row + 1, csv_strerror(csv_error(&p)));
        goto out;
    }
    if (st.stop) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "CSV from '%s' has more than %zu rows", shown,
                              max_rows);
        goto out;
    }
    if (st.row == 0) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "CSV from '%s' is empty: not even a header "
                              "row", shown);
        goto out;
    }
    n_rows = st.row - 1;
    r->n_read = n_rows;
    if (src->csv_agg == TOCSIN_AGG_COUNT) {
        r->value = (double)n_rows;
        goto out;
    }
    if (st.col < 0) {
        const char *best = tocsin_did_you_mean(
            src->csv_column, (const char *const *)st.header, st.n_header);

        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "CSV from '%s' has no column '%s'", shown,
                              src->csv_column);
        if (best)
            tocsin_error_hint(err, "did you mean '%s'?", best);
        goto out;
    }
    if (n_rows == 0) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "CSV from '%s' has no rows after the header",
                              shown);
        goto out;
    }
    if (src->csv_agg == TOCSIN_AGG_SUM) {
        if (st.bad_row) {
            rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                  "CSV from '%s': '%s' in row %zu is not a "
                                  "number", shown, src->csv_column,
                                  st.bad_row);
            goto out;
        }
        r->value = st.sum;
    } else if (number_text(&r->value, st.last.ptr)) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "CSV from '%s': '%s' in the last row (row %zu) "
                              "is %s, not a number", shown, src->csv_column,
                              st.row, st.last.len ? "text" : "empty");
    }
out:
    csv_free(&p);
    tocsin_strv_free(st.header, st.n_header);
    tocsin_buf_cleanup(&st.cur);
    tocsin_buf_cleanup(&st.last);
    return rc;
}

static int from_feed(struct tocsin_source_result *r, const struct body *body,
                     const struct tocsin_source *src, const char *final,
                     const struct tocsin_source_limits *lim,
                     const char *shown, struct tocsin_error *err)
{
    struct tocsin_feed_limits fl = {lim->max_bytes, lim->max_items};
    struct tocsin_feed *f = NULL;
    char *base = base_url(final);
    size_t i;
    int rc;

    rc = tocsin_feed_parse(&f, body->b.ptr, body->b.len, base, &fl, err);
    free(base);
    if (rc) {
        /* The line is the feed's, not the monitors file's, which is what
         * the caller will put in err->path: move it into the words. */
        if (err && err->line) {
            tocsin_error_prefix(err, "feed '%s' line %d", shown, err->line);
            err->line = 0;
        } else {
            tocsin_error_prefix(err, "feed '%s'", shown);
        }
        return rc;
    }
    r->ids = tocsin_xreallocarray(NULL, f->n_items ? f->n_items : 1,
                                  sizeof *r->ids);
    for (i = 0; i < f->n_items; i++)
        if (src->n_keywords == 0 ||
            tocsin_feed_match(&f->items[i], src->keywords, src->n_keywords))
            r->ids[r->n_ids++] = tocsin_xstrdup(f->items[i].id);
    r->n_read = f->n_items;
    r->value = (double)r->n_ids;
    memcpy(r->note, f->note, sizeof r->note);
    tocsin_feed_free(f);
    return 0;
}

/* ----- the public face ---------------------------------------------------- */

int tocsin_source_validate(const struct tocsin_source *src,
                           struct tocsin_error *err)
{
    struct step *s = NULL;
    size_t n = 0, i;
    int rc;

    if (!src->url || !*src->url)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "monitor source has no URL");
    if (!has_scheme(src->url, "http") && !has_scheme(src->url, "https") &&
        !has_scheme(src->url, "file")) {
        struct tocsin_buf shown = TOCSIN_BUF_INIT(512);

        tocsin_source_redact_url(&shown, src->url);
        tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                         "monitor source '%s' is not an http://, https:// or "
                         "file:// URL", shown.ptr);
        tocsin_buf_cleanup(&shown);
        return TOCSIN_EINPUT;
    }
    switch (src->kind) {
    case TOCSIN_SOURCE_JSON:
        if ((rc = parse_path(&s, &n, src->json_path ? src->json_path : "",
                             err)))
            return rc;
        steps_free(s, n);
        return 0;
    case TOCSIN_SOURCE_CSV:
        if (src->csv_agg != TOCSIN_AGG_LAST && src->csv_agg != TOCSIN_AGG_SUM &&
            src->csv_agg != TOCSIN_AGG_COUNT)
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "unknown CSV aggregate");
        if (src->csv_agg != TOCSIN_AGG_COUNT &&
            !(src->csv_column && *src->csv_column))
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "a CSV source needs a column name (or "
                                    "counts its rows)");
        return 0;
    case TOCSIN_SOURCE_FEED:
        for (i = 0; i < src->n_keywords; i++)
            if (!src->keywords[i] || !*src->keywords[i])
                return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                        "feed keyword %zu is empty", i + 1);
        return 0;
    }
    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                            "unknown kind of monitor source");
}

int tocsin_source_fetch(struct tocsin_source_result **out,
                        const struct tocsin_source *src,
                        const struct tocsin_source_limits *limits,
                        struct tocsin_error *err)
{
    struct tocsin_source_limits lim = {TOCSIN_SOURCE_MAX_BYTES,
                                       TOCSIN_SOURCE_MAX_ROWS, 0};
    struct tocsin_buf shown = TOCSIN_BUF_INIT(1024);
    struct tocsin_source_result *r = NULL;
    struct body body = {TOCSIN_BUF_INIT(0), 0};
    char *ctype = NULL, *final = NULL, mt[64];
    int rc;

    if (limits && limits->max_bytes)
        lim.max_bytes = limits->max_bytes;
    if (limits && limits->max_rows)
        lim.max_rows = limits->max_rows;
    if (limits)
        lim.max_items = limits->max_items;
    body.b.max = lim.max_bytes;
    if ((rc = tocsin_source_validate(src, err)))
        return rc;
    tocsin_source_redact_url(&shown, src->url);
    if ((rc = fetch(&body, &ctype, &final, src, lim.max_bytes, shown.ptr,
                    err)))
        goto out;
    media_type(mt, sizeof mt, ctype);
    if ((rc = wrong_type(mt, &body, src->kind, shown.ptr, err)))
        goto out;
    r = tocsin_xcalloc(1, sizeof *r);
    switch (src->kind) {
    case TOCSIN_SOURCE_JSON:
        rc = from_json(r, &body, src, shown.ptr, err);
        break;
    case TOCSIN_SOURCE_CSV:
        rc = from_csv(r, &body, src, lim.max_rows, shown.ptr, err);
        break;
    case TOCSIN_SOURCE_FEED:
        rc = from_feed(r, &body, src, final, &lim, shown.ptr, err);
        break;
    }
    if (rc)
        goto out;
    *out = r;
    r = NULL;
out:
    tocsin_source_result_free(r);
    free(ctype);
    free(final);
    tocsin_buf_cleanup(&body.b);
    tocsin_buf_cleanup(&shown);
    return rc;
}

void tocsin_source_result_free(struct tocsin_source_result *r)
{
    if (!r)
        return;
    tocsin_strv_free(r->ids, r->n_ids);
    free(r);
}
