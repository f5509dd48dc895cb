/*
 * dispatch.c - every network delivery, on one libcurl multi handle.
 *
 * Each message is one easy handle; the multi handle's connection cache
 * gives connection reuse (SMTP sessions, HTTP keep-alive) across messages.
 * Per channel: a token bucket for 'rate', a cap on transfers in flight for
 * 'concurrency', and a circuit breaker that stops hammering a provider
 * that keeps failing (open after 5 consecutive transient failures, for 30 s
 * doubling to 5 min, then one probe at a time).
 *
 * The verdict of a transfer decides retries (DESIGN §9, §8):
 *   2xx / SMTP 250                      sent
 *   429, 5xx, SMTP 4xx                  retry (Retry-After honoured)
 *   other 4xx, SMTP 5xx                 failed, permanently
 *   nothing written (refused, DNS, TLS) retry
 *   written, never answered             retry with the same key where the
 *                                       provider honours keys (Mastodon),
 *                                       else 'unknown': reconciled first
 * Secrets are resolved at submit time and live only in the easy handle.
 */
#include "tocsin/dispatch.h"
#include "tocsin/clock.h"
#include "tocsin/mail.h"
#include "tocsin/mem.h"
#include "tocsin/route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

enum provider {
    P_OUTBOX, P_SMTP, P_TWILIO, P_MASTODON, P_HTTP, P_WEBHOOK, P_FILE
};

struct chan {
    char *name;
    const struct tocsin_channel_cfg *cfg;
    enum provider prov;
    struct tocsin_channel_policy pol;
    double tokens, last;     /* token bucket (monotonic seconds) */
    size_t in_flight;
    int fails;               /* consecutive transient failures */
    int opens;               /* times the breaker opened in a row */
    double open_until;
};

struct xfer {
    struct xfer *next, *prev; /* every transfer in flight */
    CURL *easy;
    void *token;
    struct chan *ch;
    struct tocsin_buf resp;
    struct curl_slist *headers, *rcpt;
    curl_mime *mime;
    char *body;              /* request body we own */
    char *key;
    int64_t retry_after;     /* from the Retry-After header, seconds */
    int64_t now;
    size_t upload_len;       /* bytes of the SMTP message */
};

struct tocsin_dispatch {
    CURLM *multi;
    struct xfer *xfers;
    const struct tocsin_config *cfg;
    struct chan *chans;
    size_t n_chans;
    size_t in_flight;
    unsigned rnd;
};

/* ----- policy ---------------------------------------------------------- */

static enum provider provider_of(const struct tocsin_channel_cfg *c)
{
    if (!c || !c->provider)
        return P_OUTBOX;
    if (!strcmp(c->provider, "smtp"))
        return P_SMTP;
    if (!strcmp(c->provider, "twilio"))
        return P_TWILIO;
    if (!strcmp(c->provider, "mastodon"))
        return P_MASTODON;
    if (!strcmp(c->provider, "http"))
        return P_HTTP;
    if (!strcmp(c->provider, "webhook"))
        return P_WEBHOOK;
    if (!strcmp(c->provider, "file"))
        return P_FILE;
    return P_OUTBOX;
}

static const char *opt(const struct tocsin_channel_cfg *c, const char *key)
{
    const struct tocsin_opt *o = c ? tocsin_channel_opt(c, key) : NULL;

    return o && o->value ? o->value : NULL;
}

static int opt_ms(long *out, const struct tocsin_channel_cfg *c,
                  const char *key, struct tocsin_error *err)
{
    const char *v = opt(c, key);
    int64_t s;

    if (!v)
        return 0;
    if (tocsin_duration_parse(&s, v, NULL, 0, err))
        return TOCSIN_EINPUT;
    *out = (long)(s * 1000);
    return 0;
}

int tocsin_channel_policy(struct tocsin_channel_policy *out,
                          const struct tocsin_config *cfg,
                          const char *channel, struct tocsin_error *err)
{
    const struct tocsin_channel_cfg *c =
        cfg ? tocsin_config_channel(cfg, channel) : NULL;
    enum provider p = provider_of(c);
    const char *v;
    int rc;

    memset(out, 0, sizeof *out);
    out->concurrency = p == P_SMTP ? 4 : 8;
    out->connect_timeout_ms = 10000;
    out->timeout_ms = 30000;
    out->attempts = 8;
    out->max_time_s = 24 * 3600;
    out->honours_keys = p == P_MASTODON || p == P_OUTBOX || p == P_FILE;
    out->quiet_from = out->quiet_to = -1;
    if (!c)
        return 0;
    if ((v = opt(c, "rate")) &&
        (rc = tocsin_rate_parse(&out->rate, v, NULL, c->line, err)))
        return rc;
    if ((v = opt(c, "concurrency"))) {
        char *end;
        long n = strtol(v, &end, 10);

        if (*end || n < 1 || n > 1000)
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, c->line,
                                    "channel '%s': concurrency must be 1 to "
                                    "1000", channel);
        out->concurrency = (int)n;
    }
    if ((v = opt(c, "attempts"))) {
        char *end;
        long n = strtol(v, &end, 10);

        if (*end || n < 1 || n > 100)
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, c->line,
                                    "channel '%s': attempts must be 1 to 100",
                                    channel);
        out->attempts = (int)n;
    }
    if ((v = opt(c, "max_time")) &&
        tocsin_duration_parse(&out->max_time_s, v, NULL, c->line, err))
        return TOCSIN_EINPUT;
    if ((rc = opt_ms(&out->timeout_ms, c, "timeout", err)) ||
        (rc = opt_ms(&out->connect_timeout_ms, c, "connect_timeout", err)))
        return rc;
    if ((v = opt(c, "on_unknown")))
        out->on_unknown_resend = !strcmp(v, "resend");
    if ((v = opt(c, "quiet_hours")) &&
        tocsin_clock_range_parse(&out->quiet_from, &out->quiet_to, v, NULL,
                                 c->line, err))
        return TOCSIN_EINPUT;
    return 0;
}

/* ----- setup ----------------------------------------------------------- */

static void xfer_free(struct xfer *x)
{
    curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    curl_slist_free_all(x->rcpt);
    curl_mime_free(x->mime);
    free(x->body);
    free(x->key);
    tocsin_buf_cleanup(&x->resp);
    free(x);
}

int tocsin_dispatch_new(struct tocsin_dispatch **out,
                        const struct tocsin_config *cfg,
                        struct tocsin_error *err)
{
    struct tocsin_dispatch *d = tocsin_xcalloc(1, sizeof *d);
    size_t i;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    d->cfg = cfg;
    d->multi = curl_multi_init();
    d->rnd = (unsigned)time(NULL) ^ 0x5bd1e995u;
    curl_multi_setopt(d->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 64L);
    d->chans = tocsin_xcalloc(cfg ? cfg->n_channels + 1 : 1,
                              sizeof *d->chans);
    for (i = 0; cfg && i < cfg->n_channels; i++) {
        struct chan *c = &d->chans[d->n_chans];

        c->name = tocsin_xstrdup(cfg->channels[i].name);
        c->cfg = &cfg->channels[i];
        c->prov = provider_of(c->cfg);
        if (tocsin_channel_policy(&c->pol, cfg, c->name, err)) {
            free(c->name);
            tocsin_dispatch_free(d);
            return TOCSIN_EINPUT;
        }
        c->tokens = c->pol.rate > 1 ? c->pol.rate : 1;
        c->last = tocsin_clock_mono();
        d->n_chans++;
    }
    *out = d;
    return 0;
}

void tocsin_dispatch_free(struct tocsin_dispatch *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->n_chans; i++)
        free(d->chans[i].name);
    free(d->chans);
    /* transfers abandoned mid-flight: their verdict is the caller's
     * recovery (they stay 'sending' in the journal) */
    while (d->xfers) {
        struct xfer *x = d->xfers;

        d->xfers = x->next;
        curl_multi_remove_handle(d->multi, x->easy);
        xfer_free(x);
    }
    if (d->multi)
        curl_multi_cleanup(d->multi);
    free(d);
}

static struct chan *chan_of(struct tocsin_dispatch *d, const char *name)
{
    size_t i;

    for (i = 0; i < d->n_chans; i++)
        if (!strcmp(d->chans[i].name, name))
            return &d->chans[i];
    return NULL;
}

int tocsin_dispatch_ready(struct tocsin_dispatch *d, const char *channel,
                          long *wait_ms)
{
    struct chan *c = chan_of(d, channel);
    double now = tocsin_clock_mono(), cap;

    *wait_ms = 0;
    if (!c)
        return 1;
    if (c->open_until > now) {
        *wait_ms = (long)((c->open_until - now) * 1000) + 1;
        return 0;
    }
    if (c->opens && c->in_flight) {
        *wait_ms = 50; /* half-open: one probe at a time */
        return 0;
    }
    if ((int)c->in_flight >= c->pol.concurrency) {
        *wait_ms = 10;
        return 0;
    }
    if (c->pol.rate > 0) {
        cap = c->pol.rate > 1 ? c->pol.rate : 1;
        c->tokens += (now - c->last) * c->pol.rate;
        if (c->tokens > cap)
            c->tokens = cap;
        c->last = now;
        if (c->tokens < 1) {
            *wait_ms = (long)((1 - c->tokens) / c->pol.rate * 1000) + 1;
            return 0;
        }
    }
    return 1;
}

size_t tocsin_dispatch_in_flight(const struct tocsin_dispatch *d,
                                 const char *channel)
{
    size_t i;

    if (!channel)
        return d->in_flight;
    for (i = 0; i < d->n_chans; i++)
        if (!strcmp(d->chans[i].name, channel))
            return d->chans[i].in_flight;
    return 0;
}

int64_t tocsin_backoff(int attempt, int64_t now, int64_t retry_after)
{
    double base = 2.0 * pow(2.0, attempt > 1 ? attempt - 1 : 0), j;
    static unsigned seed;

    if (base > 600)
        base = 600;
    if (!seed)
        seed = (unsigned)time(NULL) | 1u;
    seed = seed * 1103515245u + 12345u;
    j = base * (0.75 + 0.5 * ((seed >> 8) % 10000) / 10000.0);
    if (retry_after > (int64_t)j)
        j = (double)retry_after;
    return now + (int64_t)ceil(j);
}

/* ----- requests -------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
    struct xfer *x = data;

    tocsin_buf_add(&x->resp, p, size * n);
    return size * n; /* beyond the cap the body is cut, the call goes on */
}

static size_t on_header(char *p, size_t size, size_t n, void *data)
{
    struct xfer *x = data;
    size_t len = size * n;

    if (len > 12 && !strncasecmp(p, "Retry-After:", 12)) {
        char v[64];
        size_t k = len - 12 < sizeof v - 1 ? len - 12 : sizeof v - 1;
        char *end;
        long long s;

        memcpy(v, p + 12, k);
        v[k] = '\0';
        s = strtoll(v, &end, 10);
        if (end != v && s >= 0 && s < 86400) {
            x->retry_after = s;
        } else {
            time_t t = curl_getdate(v, NULL);

            if (t > 0 && (int64_t)t > x->now)
                x->retry_after = (int64_t)t - x->now;
        }
    }
    return len;
}

static int need(const char **out, const struct tocsin_channel_cfg *c,
                const char *key, struct tocsin_error *err)
{
    const struct tocsin_opt *o = tocsin_channel_opt(c, key);

    if (!o)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, c->line,
                                "channel '%s' has no '%s'", c->name, key);
    *out = tocsin_opt_value(o, err);
    if (!*out) {
        tocsin_error_prefix(err, "channel '%s' option '%s'", c->name, key);
        return TOCSIN_EINPUT;
    }
    return 0;
}

static const char *maybe(const struct tocsin_channel_cfg *c, const char *key)
{
    const struct tocsin_opt *o = tocsin_channel_opt(c, key);

    return o ? tocsin_opt_value(o, NULL) : NULL;
}

/* A private relay or gateway may carry a certificate from an in-house CA:
 * `ca_file` names the PEM bundle to trust instead of the system store. */
static void tls_opts(CURL *e, const struct tocsin_channel_cfg *c)
{
    const char *ca = maybe(c, "ca_file");

    if (ca && *ca)
        curl_easy_setopt(e, CURLOPT_CAINFO, ca);
}

/* Strip a trailing slash so base URLs join predictably. */
static void join_url(struct tocsin_buf *out, const char *base,
                     const char *path)
{
    size_t n = strlen(base);

    while (n && base[n - 1] == '/')
        n--;
    tocsin_buf_add(out, base, n);
    tocsin_buf_adds(out, path);
}

static void add_form(struct tocsin_buf *b, CURL *e, const char *k,
                     const char *v)
{
    char *enc = curl_easy_escape(e, v, 0);

    if (b->len)
        tocsin_buf_addc(b, '&');
    tocsin_buf_adds(b, k);
    tocsin_buf_addc(b, '=');
    tocsin_buf_adds(b, enc ? enc : "");
    curl_free(enc);
}

static int smtp_request(struct xfer *x, const struct tocsin_send *s,
                        struct tocsin_error *err)
{
    const struct tocsin_channel_cfg *c = x->ch->cfg;
    const char *url, *user, *pass, *from, *lu, *st;
    struct tocsin_buf h = TOCSIN_BUF_INIT(0), crlf = TOCSIN_BUF_INIT(0);
    struct tocsin_buf addr = TOCSIN_BUF_INIT(0);
    curl_mime *alt;
    curl_mimepart *part;
    char domain[128];
    const char *lt, *gt;
    int rc;

    if ((rc = need(&url, c, "url", err)))
        return rc;
    from = maybe(c, "from");
    if (!from)
        from = s->from && *s->from ? s->from : "tocsin <tocsin@localhost>";
    user = maybe(c, "user");
    pass = maybe(c, "password");
    if ((tocsin_channel_opt(c, "user") && !user) ||
        (tocsin_channel_opt(c, "password") && !pass)) {
        tocsin_error_set(err, TOCSIN_EINPUT, NULL, c->line,
                         "channel '%s': an env secret is not set", c->name);
        return TOCSIN_EINPUT;
    }
    curl_easy_setopt(x->easy, CURLOPT_URL, url);
    if (user)
        curl_easy_setopt(x->easy, CURLOPT_USERNAME, user);
    if (pass)
        curl_easy_setopt(x->easy, CURLOPT_PASSWORD, pass);
    st = maybe(c, "starttls");
    if (st && (!strcmp(st, "true") || !strcmp(st, "1") || !strcmp(st, "yes")))
        curl_easy_setopt(x->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    else if (!strncmp(url, "smtps://", 8))
        curl_easy_setopt(x->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    else
        curl_easy_setopt(x->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    /* envelope sender: the address part of From */
    lt = strrchr(from, '<');
    gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt)
        tocsin_buf_add(&addr, lt, (size_t)(gt - lt) + 1);
    else
        tocsin_buf_addf(&addr, "<%s>", from);
    curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, addr.ptr);
    tocsin_buf_reset(&addr);
    tocsin_buf_addf(&addr, "<%s>", s->to);
    x->rcpt = curl_slist_append(NULL, addr.ptr);
    curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, x->rcpt);

    /* headers: encoded here (RFC 2047), the bodies by curl_mime */
    tocsin_buf_adds(&h, "From: ");
    if ((rc = tocsin_mail_address(&h, from, err)))
        goto out;
    x->headers = curl_slist_append(x->headers, h.ptr);
    tocsin_buf_reset(&h);
    tocsin_buf_adds(&h, "To: ");
    if ((rc = tocsin_mail_address(&h, s->to, err)))
        goto out;
    x->headers = curl_slist_append(x->headers, h.ptr);
    tocsin_buf_reset(&h);
    tocsin_buf_adds(&h, "Subject: ");
    tocsin_mail_header_value(&h, s->msg->subject.ptr, 9);
    x->headers = curl_slist_append(x->headers, h.ptr);
    tocsin_buf_reset(&h);
    tocsin_buf_adds(&h, "Date: ");
    tocsin_mail_date(&h, s->now);
    x->headers = curl_slist_append(x->headers, h.ptr);
    tocsin_buf_reset(&h);
    tocsin_mail_domain(domain, sizeof domain, from);
    tocsin_buf_addf(&h, "Message-ID: <%s@%s>", s->key, domain);
    x->headers = curl_slist_append(x->headers, h.ptr);
    if ((lu = maybe(c, "list_unsubscribe"))) {
        tocsin_buf_reset(&h);
        tocsin_buf_adds(&h, "List-Unsubscribe: ");
        tocsin_mail_header_value(&h, lu, 18);
        x->headers = curl_slist_append(x->headers, h.ptr);
    }
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);

    x->mime = curl_mime_init(x->easy);
    alt = curl_mime_init(x->easy);
    part = curl_mime_addpart(alt);
    tocsin_mail_crlf(&crlf, s->msg->body.ptr, s->msg->body.len);
    curl_mime_data(part, crlf.ptr, crlf.len);
    curl_mime_type(part, "text/plain; charset=UTF-8");
    curl_mime_encoder(part, "base64");
    x->upload_len = crlf.len;
    if (s->msg->html.len) {
        tocsin_buf_reset(&crlf);
        tocsin_mail_crlf(&crlf, s->msg->html.ptr, s->msg->html.len);
        part = curl_mime_addpart(alt);
        curl_mime_data(part, crlf.ptr, crlf.len);
        curl_mime_type(part, "text/html; charset=UTF-8");
        curl_mime_encoder(part, "base64");
        x->upload_len += crlf.len;
    }
    part = curl_mime_addpart(x->mime);
    curl_mime_subparts(part, alt);
    curl_mime_type(part, "multipart/alternative");
    curl_mime_headers(part, curl_slist_append(NULL,
                                              "Content-Disposition: inline"),
                      1);
    curl_easy_setopt(x->easy, CURLOPT_MIMEPOST, x->mime);
out:
    tocsin_buf_cleanup(&h);
    tocsin_buf_cleanup(&crlf);
    tocsin_buf_cleanup(&addr);
    return rc;
}

static int twilio_request(struct xfer *x, const struct tocsin_send *s,
                          struct tocsin_error *err)
{
    const struct tocsin_channel_cfg *c = x->ch->cfg;
    const char *base, *sid, *token, *from, *cb;
    struct tocsin_buf url = TOCSIN_BUF_INIT(0), form = TOCSIN_BUF_INIT(0);
    struct tocsin_buf h = TOCSIN_BUF_INIT(0);
    char *esid;
    int rc;

    if ((rc = need(&base, c, "base_url", err)) ||
        (rc = need(&sid, c, "account", err)) ||
        (rc = need(&token, c, "token", err)) ||
        (rc = need(&from, c, "from", err)))
        return rc;
    esid = curl_easy_escape(x->easy, sid, 0);
    join_url(&url, base, "/2010-04-01/Accounts/");
    tocsin_buf_adds(&url, esid ? esid : "");
    tocsin_buf_adds(&url, "/Messages.json");
    curl_free(esid);
    add_form(&form, x->easy, "To", s->to ? s->to : "");
    add_form(&form, x->easy, "From", from);
    add_form(&form, x->easy, "Body", s->msg->body.ptr);
    if ((cb = maybe(c, "status_callback")))
        add_form(&form, x->easy, "StatusCallback", cb);
    x->body = tocsin_buf_detach(&form, NULL);
    curl_easy_setopt(x->easy, CURLOPT_URL, url.ptr);
    curl_easy_setopt(x->easy, CURLOPT_USERNAME, sid);
    curl_easy_setopt(x->easy, CURLOPT_PASSWORD, token);
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
    tocsin_buf_addf(&h, "I-Twilio-Idempotency-Token: %s", s->key);
    x->headers = curl_slist_append(NULL, h.ptr);
    tocsin_buf_reset(&h);
    tocsin_buf_addf(&h, "Idempotency-Key: %s", s->key);
    x->headers = curl_slist_append(x->headers, h.ptr);
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
    tocsin_buf_cleanup(&url);
    tocsin_buf_cleanup(&h);
    return 0;
}

static int mastodon_request(struct xfer *x, const struct tocsin_send *s,
                            struct tocsin_error *err)
{
    const struct tocsin_channel_cfg *c = x->ch->cfg;
    const char *base, *token, *vis;
    struct tocsin_buf url = TOCSIN_BUF_INIT(0), form = TOCSIN_BUF_INIT(0);
    struct tocsin_buf h = TOCSIN_BUF_INIT(0);
    int rc;

    if ((rc = need(&base, c, "base_url", err)) ||
        (rc = need(&token, c, "token", err)))
        return rc;
    join_url(&url, base, "/api/v1/statuses");
    add_form(&form, x->easy, "status", s->msg->body.ptr);
    vis = maybe(c, "visibility");
    add_form(&form, x->easy, "visibility", vis ? vis : "public");
    if (s->msg->locale[0]) {
        char lang[8];
        size_t k = strcspn(s->msg->locale, "-_");

        if (k < sizeof lang) {
            memcpy(lang, s->msg->locale, k);
            lang[k] = '\0';
            add_form(&form, x->easy, "language", lang);
        }
    }
    x->body = tocsin_buf_detach(&form, NULL);
    curl_easy_setopt(x->easy, CURLOPT_URL, url.ptr);
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
    tocsin_buf_addf(&h, "Authorization: Bearer %s", token);
    x->headers = curl_slist_append(NULL, h.ptr);
    tocsin_buf_reset(&h);
    tocsin_buf_addf(&h, "Idempotency-Key: %s", s->key);
    x->headers = curl_slist_append(x->headers, h.ptr);
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
    tocsin_buf_cleanup(&url);
    tocsin_buf_cleanup(&h);
    return 0;
}

static int http_request(struct xfer *x, const struct tocsin_send *s,
                        struct tocsin_error *err)
{
    const struct tocsin_channel_cfg *c = x->ch->cfg;
    const char *url, *token, *method, *format;
    struct tocsin_buf h = TOCSIN_BUF_INIT(0);
    int rc;

    if ((rc = need(&url, c, "url", err)))
        return rc;
    token = maybe(c, "token");
    curl_easy_setopt(x->easy, CURLOPT_URL, url);
    if (x->ch->prov == P_HTTP) {
        /* the banner: the sanitized HTML, PUT as a whole document */
        method = maybe(c, "method");
        x->body = tocsin_xstrdup(s->msg->html.len ? s->msg->html.ptr
                                                  : s->msg->body.ptr);
        x->headers = curl_slist_append(NULL, "Content-Type: text/html; "
                                             "charset=UTF-8");
        curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST,
                         method ? method : "PUT");
    } else {
        json_t *j = json_object();

        format = maybe(c, "format");
        if ((format && !strcmp(format, "slack")) ||
            (!format && strcmp(s->channel, "tasks"))) {
            json_object_set_new(j, "text", json_string(s->msg->body.ptr));
        } else {
            json_object_set_new(j, "incident", json_string(s->incident));
            json_object_set_new(j, "wave", json_string(s->wave));
            json_object_set_new(j, "channel", json_string(s->channel));
            json_object_set_new(j, "key", json_string(s->key));
            json_object_set_new(j, "locale", json_string(s->msg->locale));
            if (s->recipient)
                json_object_set_new(j, "recipient",
                                    json_string(s->recipient));
            json_object_set_new(j, "body", json_string(s->msg->body.ptr));
        }
        x->body = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (!x->body)
            x->body = tocsin_xstrdup("{}");
        x->headers = curl_slist_append(NULL, "Content-Type: "
                                             "application/json");
    }
    if (token) {
        tocsin_buf_addf(&h, "Authorization: Bearer %s", token);
        x->headers = curl_slist_append(x->headers, h.ptr);
    }
    tocsin_buf_reset(&h);
    tocsin_buf_addf(&h, "Idempotency-Key: %s", s->key);
    x->headers = curl_slist_append(x->headers, h.ptr);
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
    tocsin_buf_cleanup(&h);
    return 0;
}

int tocsin_dispatch_submit(struct tocsin_dispatch *d,
                           const struct tocsin_send *s, void *token,
                           struct tocsin_error *err)
{
    struct chan *c = chan_of(d, s->channel);
    struct xfer *x;
    int rc = 0;

    if (!c || c->prov == P_OUTBOX || c->prov == P_FILE)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "channel '%s' is not a network channel",
                                s->channel);
    x = tocsin_xcalloc(1, sizeof *x);
    x->ch = c;
    x->token = token;
    x->now = s->now;
    x->key = tocsin_xstrdup(s->key);
    tocsin_buf_init(&x->resp, (size_t)1 << 20);
    x->easy = curl_easy_init();
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
    curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
                     c->pol.connect_timeout_ms);
    curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, c->pol.timeout_ms);
    curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
    curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "tocsin/0.1");
    tls_opts(x->easy, c->cfg);
    switch (c->prov) {
    case P_SMTP:
        rc = smtp_request(x, s, err);
        break;
    case P_TWILIO:
        rc = twilio_request(x, s, err);
        break;
    case P_MASTODON:
        rc = mastodon_request(x, s, err);
        break;
    default:
        rc = http_request(x, s, err);
        break;
    }
    if (!rc && curl_multi_add_handle(d->multi, x->easy) != CURLM_OK)
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "cannot start a transfer for '%s'", s->channel);
    if (rc) {
        xfer_free(x);
        return rc;
    }
    x->next = d->xfers;
    if (d->xfers)
        d->xfers->prev = x;
    d->xfers = x;
    if (c->pol.rate > 0)
        c->tokens -= 1;
    c->in_flight++;
    d->in_flight++;
    return 0;
}

/* ----- verdicts -------------------------------------------------------- */

/* Provider text can echo a phone number or an address back: keep digits
 * runs and anything with '@' out of the journal. */
static void redact(char *out, size_t cap, const char *in)
{
    size_t o = 0, i;

    for (i = 0; in[i] && o + 4 < cap; i++) {
        char c = in[i];

        if ((c == '+' || (c >= '0' && c <= '9')) && in[i + 1] >= '0' &&
            in[i + 1] <= '9') {
            size_t k = i;

            while (in[k] == '+' || (in[k] >= '0' && in[k] <= '9'))
                k++;
            if (k - i >= 6) {
                memcpy(out + o, "***", 3);
                o += 3;
                i = k - 1;
                continue;
            }
        }
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        out[o++] = c;
    }
    out[o] = '\0';
    if (strchr(out, '@')) {
        char *at = strchr(out, '@');
        char *s = at, *e = at;

        while (s > out && s[-1] != ' ' && s[-1] != '\'' && s[-1] != '"')
            s--;
        while (*e && *e != ' ' && *e != '\'' && *e != '"')
            e++;
        memmove(s + 3, e, strlen(e) + 1);
        memcpy(s, "***", 3);
    }
}

static void provider_message(char *out, size_t cap, struct xfer *x)
{
    json_t *j = json_loadb(x->resp.ptr, x->resp.len, 0, NULL);
    const char *m = NULL;

    if (j) {
        m = json_string_value(json_object_get(j, "message"));
        if (!m)
            m = json_string_value(json_object_get(j, "error"));
    }
    redact(out, cap, m ? m : "");
    json_decref(j);
}

static void classify(struct tocsin_dispatch *d, struct xfer *x, CURLcode cc,
                     struct tocsin_send_result *r)
{
    struct chan *c = x->ch;
    long code = 0;
    curl_off_t up = 0;
    long req = 0;
    char pm[160];
    int transient = 0;

    memset(r, 0, sizeof *r);
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &req);
    curl_easy_getinfo(x->easy, CURLINFO_SIZE_UPLOAD_T, &up);
    (void)d;
    if (c->prov == P_SMTP) {
        if (cc == CURLE_OK) {
            r->state = TOCSIN_SEND_SENT;
            tocsin_format(r->ref, sizeof r->ref, "smtp %ld <%s>", code, x->key);
        } else if (cc == CURLE_LOGIN_DENIED) {
            r->state = TOCSIN_SEND_RETRY;
            transient = 1;
            tocsin_format(r->error, sizeof r->error, "smtp: login denied");
        } else if (code >= 500 && code < 600) {
            r->state = TOCSIN_SEND_FAILED;
            tocsin_format(r->error, sizeof r->error, "smtp: rejected with %ld",
                     code);
        } else if (code >= 400 && code < 500) {
            r->state = TOCSIN_SEND_RETRY;
            transient = 1;
            tocsin_format(r->error, sizeof r->error, "smtp: deferred with %ld",
                     code);
        } else if (up > 0 && (size_t)up >= x->upload_len && code != 354) {
            /* the message went out, the final reply never came: the
             * server may have queued it (SMTP after the final dot) */
            r->state = c->pol.on_unknown_resend ? TOCSIN_SEND_RETRY
                                                : TOCSIN_SEND_UNKNOWN;
            transient = 1;
            tocsin_format(r->error, sizeof r->error, "smtp: no reply after the "
                     "message was sent (%s)", curl_easy_strerror(cc));
        } else {
            r->state = TOCSIN_SEND_RETRY;
            transient = 1;
            tocsin_format(r->error, sizeof r->error, "smtp: %s",
                     curl_easy_strerror(cc));
        }
    } else if (cc == CURLE_OK && code >= 200 && code < 300) {
        json_t *j = json_loadb(x->resp.ptr, x->resp.len, 0, NULL);
        const char *id = json_string_value(json_object_get(
            j, c->prov == P_TWILIO ? "sid" : "id"));

        r->state = TOCSIN_SEND_SENT;
        if (id)
            tocsin_format(r->ref, sizeof r->ref, "%s", id);
        else
            tocsin_format(r->ref, sizeof r->ref, "HTTP %ld", code);
        json_decref(j);
    } else if (cc == CURLE_OK && (code == 429 || code >= 500)) {
        provider_message(pm, sizeof pm, x);
        r->state = TOCSIN_SEND_RETRY;
        transient = 1;
        tocsin_format(r->error, sizeof r->error, "%s: HTTP %ld%s%s", c->name, code,
                 pm[0] ? ": " : "", pm);
    } else if (cc == CURLE_OK) {
        provider_message(pm, sizeof pm, x);
        r->state = TOCSIN_SEND_FAILED;
        tocsin_format(r->error, sizeof r->error, "%s: HTTP %ld%s%s", c->name, code,
                 pm[0] ? ": " : "", pm);
    } else if (req > 0 && cc != CURLE_COULDNT_CONNECT &&
               cc != CURLE_COULDNT_RESOLVE_HOST &&
               cc != CURLE_SSL_CONNECT_ERROR) {
        /* written, never answered */
        r->state = c->pol.honours_keys ? TOCSIN_SEND_RETRY
                                       : TOCSIN_SEND_UNKNOWN;
        transient = 1;
        tocsin_format(r->error, sizeof r->error, "%s: no answer after the request "
                 "was sent (%s)", c->name, curl_easy_strerror(cc));
    } else {
        r->state = TOCSIN_SEND_RETRY;
        transient = 1;
        tocsin_format(r->error, sizeof r->error, "%s: %s", c->name,
                 curl_easy_strerror(cc));
    }
    if (r->state == TOCSIN_SEND_RETRY)
        r->retry_at = x->retry_after > 0 ? x->now + x->retry_after : 0;
    /* the breaker */
    if (transient) {
        if (++c->fails >= 5) {
            double cool = 30.0 * pow(2.0, c->opens < 4 ? c->opens : 4);

            c->open_until = tocsin_clock_mono() + cool;
            c->opens++;
            c->fails = 0;
        }
    } else {
        c->fails = 0;
        c->opens = 0;
    }
}

size_t tocsin_dispatch_perform(struct tocsin_dispatch *d, long timeout_ms,
                               tocsin_dispatch_done_fn done, void *payload)
{
    int running = 0, left;
    CURLMsg *m;

    if (d->in_flight)
        curl_multi_poll(d->multi, NULL, 0, (int)timeout_ms, NULL);
    curl_multi_perform(d->multi, &running);
    while ((m = curl_multi_info_read(d->multi, &left))) {
        struct xfer *x = NULL;
        struct tocsin_send_result r;

        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        classify(d, x, m->data.result, &r);
        curl_multi_remove_handle(d->multi, x->easy);
        x->ch->in_flight--;
        d->in_flight--;
        if (x->prev)
            x->prev->next = x->next;
        else
            d->xfers = x->next;
        if (x->next)
            x->next->prev = x->prev;
        done(payload, x->token, &r);
        xfer_free(x);
    }
    return d->in_flight;
}

/* ----- preflight and reconciliation ------------------------------------ */

int tocsin_dispatch_probe(const struct tocsin_config *cfg,
                          const char *channel, struct tocsin_error *err)
{
    const struct tocsin_channel_cfg *c = tocsin_config_channel(cfg, channel);
    enum provider p = provider_of(c);
    const char *url = NULL, *user, *pass;
    CURL *e;
    CURLcode cc;
    long code = 0;
    int rc = 0;
    struct tocsin_buf sink = TOCSIN_BUF_INIT(65536);

    if (p == P_OUTBOX || p == P_FILE)
        return 0;
    url = p == P_SMTP || p == P_HTTP || p == P_WEBHOOK ? maybe(c, "url")
                                                      : maybe(c, "base_url");
    if (!url)
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, c->line,
                                "channel '%s' has no address to reach (an "
                                "env secret may be unset)", channel);
    e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url);
    tls_opts(e, c);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    {
        struct xfer tmp;

        memset(&tmp, 0, sizeof tmp);
        tmp.resp = sink;
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &tmp);
        if (p == P_SMTP) {
            /* EHLO and QUIT: CURLOPT_CONNECT_ONLY logs in and stops */
            user = maybe(c, "user");
            pass = maybe(c, "password");
            if (user)
                curl_easy_setopt(e, CURLOPT_USERNAME, user);
            if (pass)
                curl_easy_setopt(e, CURLOPT_PASSWORD, pass);
            curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
        } else {
            curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        }
        cc = curl_easy_perform(e);
        tocsin_buf_cleanup(&tmp.resp);
    }
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    if (cc != CURLE_OK)
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "channel '%s' (%s) does not answer: %s",
                              channel, c->provider, curl_easy_strerror(cc));
    else if (p != P_SMTP && code >= 500)
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "channel '%s' (%s) answers HTTP %ld", channel,
                              c->provider, code);
    curl_easy_cleanup(e);
    return rc;
}

int tocsin_twilio_find(int *found, char ref[192],
                       const struct tocsin_config *cfg, const char *channel,
                       const char *to, int64_t since, const char *body,
                       struct tocsin_error *err)
{
    const struct tocsin_channel_cfg *c = tocsin_config_channel(cfg, channel);
    const char *base, *sid, *token;
    struct tocsin_buf url = TOCSIN_BUF_INIT(0), resp = TOCSIN_BUF_INIT(8 << 20);
    struct xfer tmp;
    char day[32], *e1, *e2, *esid;
    CURL *e;
    CURLcode cc;
    long code = 0;
    json_t *j = NULL, *msgs;
    size_t i;
    int rc;

    *found = 0;
    if (!c)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "channel '%s' is not configured", channel);
    if ((rc = need(&base, c, "base_url", err)) ||
        (rc = need(&sid, c, "account", err)) ||
        (rc = need(&token, c, "token", err)))
        return rc;
    e = curl_easy_init();
    tocsin_time_format(day, sizeof day, since);
    day[10] = '\0';
    esid = curl_easy_escape(e, sid, 0);
    e1 = curl_easy_escape(e, to, 0);
    e2 = curl_easy_escape(e, day, 0);
    join_url(&url, base, "/2010-04-01/Accounts/");
    tocsin_buf_addf(&url, "%s/Messages.json?To=%s&DateSent%%3E=%s&PageSize="
                          "1000", esid, e1, e2);
    curl_free(esid);
    curl_free(e1);
    curl_free(e2);
    memset(&tmp, 0, sizeof tmp);
    tmp.resp = resp;
    curl_easy_setopt(e, CURLOPT_URL, url.ptr);
    tls_opts(e, c);
    curl_easy_setopt(e, CURLOPT_USERNAME, sid);
    curl_easy_setopt(e, CURLOPT_PASSWORD, token);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &tmp);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    cc = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    if (cc != CURLE_OK || code != 200) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "twilio: cannot list messages to reconcile "
                              "(%s)", cc != CURLE_OK ? curl_easy_strerror(cc)
                                                     : "HTTP error");
        goto out;
    }
    j = json_loadb(tmp.resp.ptr, tmp.resp.len, 0, NULL);
    msgs = json_object_get(j, "messages");
    for (i = 0; i < json_array_size(msgs); i++) {
        json_t *m = json_array_get(msgs, i);
        const char *b = json_string_value(json_object_get(m, "body"));
        const char *s = json_string_value(json_object_get(m, "sid"));

        if (b && s && !strcmp(b, body)) {
            *found = 1;
            tocsin_format(ref, 192, "%s", s);
            break;
        }
    }
out:
    json_decref(j);
    tocsin_buf_cleanup(&tmp.resp);
    tocsin_buf_cleanup(&url);
    curl_easy_cleanup(e);
    return rc;
}
