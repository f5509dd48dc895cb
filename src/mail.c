/*
 * mail.c - header encoding (RFC 2047), dates (RFC 5322 §3.3) and the
 * outbox's multipart/alternative messages (RFC 2045/2046).
 *
 * Base64 is OpenSSL's (EVP_EncodeBlock); this file only arranges octets
 * into the shapes the RFCs require.
 */
#include "tocsin/mail.h"
#include "tocsin/digest.h"

#include <string.h>

#include <openssl/evp.h>

static int is_plain_header_char(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

/* Length of the UTF-8 sequence starting with 'c' (1 for invalid bytes, so
 * a broken byte never swallows its neighbours). */
static size_t u8len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        return 2;
    if ((c & 0xf0) == 0xe0)
        return 3;
    if ((c & 0xf8) == 0xf0)
        return 4;
    return 1;
}

static void b64(struct tocsin_buf *out, const unsigned char *p, size_t n)
{
    unsigned char enc[4 * 48 / 3 + 4];

    while (n) {
        size_t k = n > 48 ? 48 : n;
        int m = EVP_EncodeBlock(enc, p, (int)k);

        tocsin_buf_add(out, enc, (size_t)m);
        p += k;
        n -= k;
    }
}

void tocsin_mail_header_value(struct tocsin_buf *out, const char *value,
                              size_t used)
{
    const unsigned char *v = (const unsigned char *)value;
    size_t len = strlen(value), i;
    int plain = 1;
    unsigned char word[64];
    size_t wn = 0, col = used;

    for (i = 0; i < len; i++)
        if (!is_plain_header_char(v[i]))
            plain = 0;
    if (plain && len + used <= 78) {
        tocsin_buf_add(out, value, len);
        return;
    }
    if (plain) {
        /* fold long ASCII at spaces (RFC 5322 §2.2.3) */
        const char *p = value;

        while (*p) {
            const char *sp = strchr(p, ' ');
            size_t n = sp ? (size_t)(sp - p) : strlen(p);

            if (col + n > 76 && col > used) {
                tocsin_buf_adds(out, "\r\n ");
                col = 1;
            }
            tocsin_buf_add(out, p, n);
            col += n;
            p += n;
            if (*p == ' ') {
                tocsin_buf_addc(out, ' ');
                col++;
                p++;
            }
        }
        return;
    }
    /* encoded-words: "=?UTF-8?B?" + base64 + "?=" is at most 75 octets,
     * so at most 45 input octets a word, never splitting a character */
    i = 0;
    while (i < len) {
        size_t cl = u8len(v[i]);

        if (i + cl > len)
            cl = len - i;
        if (wn + cl > 45) {
            if (col > used)
                tocsin_buf_adds(out, "\r\n ");
            tocsin_buf_adds(out, "=?UTF-8?B?");
            b64(out, word, wn);
            tocsin_buf_adds(out, "?=");
            col = 76;
            wn = 0;
        }
        if (cl == 1 && v[i] < 0x20) {
            word[wn++] = ' '; /* no control reaches a header */
        } else if (cl == 1 && v[i] == 0x7f) {
            word[wn++] = ' ';
        } else {
            memcpy(word + wn, v + i, cl);
            wn += cl;
        }
        i += cl;
    }
    if (wn) {
        if (col > used)
            tocsin_buf_adds(out, "\r\n ");
        tocsin_buf_adds(out, "=?UTF-8?B?");
        b64(out, word, wn);
        tocsin_buf_adds(out, "?=");
    }
}

int tocsin_mail_address(struct tocsin_buf *out, const char *mailbox,
                        struct tocsin_error *err)
{
    const char *lt = strrchr(mailbox, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;
    const char *p;

    for (p = mailbox; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "control character in an address");
    if (!lt) {
        if (!strchr(mailbox, '@') || strchr(mailbox, ' ') ||
            strchr(mailbox, '>'))
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "malformed address");
        tocsin_buf_adds(out, mailbox);
        return 0;
    }
    if (!gt || gt[1] || !memchr(lt, '@', (size_t)(gt - lt)))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "malformed address");
    {
        const char *s = mailbox, *e = lt;
        struct tocsin_buf name = TOCSIN_BUF_INIT(0);

        while (s < e && *s == ' ')
            s++;
        while (e > s && e[-1] == ' ')
            e--;
        if (e - s >= 2 && *s == '"' && e[-1] == '"') {
            s++;
            e--;
        }
        if (e > s) {
            tocsin_buf_add(&name, s, (size_t)(e - s));
            /* a display name with specials must be quoted or encoded:
             * encode whenever it is not plain atoms and spaces */
            if (strpbrk(name.ptr, "()<>[]:;@\\,.\"")) {
                size_t i;
                int ascii = 1;

                for (i = 0; i < name.len; i++)
                    if ((unsigned char)name.ptr[i] >= 0x80)
                        ascii = 0;
                if (ascii && !strpbrk(name.ptr, "\"\\")) {
                    tocsin_buf_addc(out, '"');
                    tocsin_buf_add(out, name.ptr, name.len);
                    tocsin_buf_addc(out, '"');
                } else {
                    tocsin_buf_adds(out, "=?UTF-8?B?");
                    b64(out, (const unsigned char *)name.ptr, name.len);
                    tocsin_buf_adds(out, "?=");
                }
            } else {
                tocsin_mail_header_value(out, name.ptr, 0);
            }
            tocsin_buf_addc(out, ' ');
        }
        tocsin_buf_cleanup(&name);
    }
    tocsin_buf_add(out, lt, (size_t)(gt - lt) + 1);
    return 0;
}

void tocsin_mail_date(struct tocsin_buf *out, int64_t t)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun",
                                       "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    int64_t days_since = t / 86400, rem = t % 86400;
    int64_t z, era, y;
    unsigned doe, yoe, doy, mp, d, m;

    if (rem < 0) {
        rem += 86400;
        days_since--;
    }
    z = days_since + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    tocsin_buf_addf(out, "%s, %02u %s %04lld %02d:%02d:%02d +0000",
                    days[((days_since % 7) + 7) % 7], d, months[m - 1],
                    (long long)y, (int)(rem / 3600), (int)(rem / 60 % 60),
                    (int)(rem % 60));
}

void tocsin_mail_crlf(struct tocsin_buf *out, const char *text, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i < len; i++) {
        if (text[i] != '\r' && text[i] != '\n')
            continue;
        tocsin_buf_add(out, text + start, i - start);
        tocsin_buf_adds(out, "\r\n");
        if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        start = i + 1;
    }
    tocsin_buf_add(out, text + start, len - start);
}

void tocsin_mail_domain(char *out, size_t out_len, const char *mailbox)
{
    const char *at = mailbox ? strrchr(mailbox, '@') : NULL;
    size_t n = 0;

    if (at) {
        at++;
        while (at[n] && at[n] != '>' && at[n] != ' ' && n + 1 < out_len)
            n++;
    }
    if (!n) {
        const char *l = "localhost";

        n = strlen(l) < out_len ? strlen(l) : out_len - 1;
        memcpy(out, l, n);
    } else {
        memcpy(out, at, n);
    }
    out[n] = '\0';
}

/* A body part: CRLF-normalised, then base64 in 76-column lines. */
static void part(struct tocsin_buf *out, const char *boundary,
                 const char *type, const char *body)
{
    struct tocsin_buf crlf = TOCSIN_BUF_INIT(0);
    size_t i;

    tocsin_mail_crlf(&crlf, body, strlen(body));
    tocsin_buf_addf(out, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
                         "Content-Transfer-Encoding: base64\r\n\r\n",
                    boundary, type);
    for (i = 0; i < crlf.len; i += 57) {
        size_t k = crlf.len - i > 57 ? 57 : crlf.len - i;

        b64(out, (const unsigned char *)crlf.ptr + i, k);
        tocsin_buf_adds(out, "\r\n");
    }
    tocsin_buf_cleanup(&crlf);
}

int tocsin_mail_compose(struct tocsin_buf *out, const struct tocsin_mail *m,
                        struct tocsin_error *err)
{
    char boundary[64], hash[65];
    size_t i;
    int rc;

    tocsin_sha256_hex(hash, m->message_id, strlen(m->message_id));
    memcpy(boundary, "=_tocsin_", 9);
    memcpy(boundary + 9, hash, 32);
    boundary[41] = '\0';

    tocsin_buf_adds(out, "From: ");
    if ((rc = tocsin_mail_address(out, m->from, err)))
        return rc;
    tocsin_buf_adds(out, "\r\nTo: ");
    if ((rc = tocsin_mail_address(out, m->to, err)))
        return rc;
    tocsin_buf_adds(out, "\r\nSubject: ");
    tocsin_mail_header_value(out, m->subject, 9);
    tocsin_buf_adds(out, "\r\nDate: ");
    tocsin_mail_date(out, m->date);
    tocsin_buf_adds(out, "\r\nMessage-ID: ");
    tocsin_buf_adds(out, m->message_id);
    if (m->list_unsubscribe) {
        tocsin_buf_adds(out, "\r\nList-Unsubscribe: ");
        tocsin_mail_header_value(out, m->list_unsubscribe, 18);
    }
    for (i = 0; m->extra_headers && m->extra_headers[i]; i++) {
        tocsin_buf_adds(out, "\r\n");
        tocsin_mail_header_value(out, m->extra_headers[i], 0);
    }
    tocsin_buf_adds(out, "\r\nMIME-Version: 1.0\r\n");
    tocsin_buf_addf(out, "Content-Type: multipart/alternative; "
                         "boundary=\"%s\"\r\n\r\n", boundary);
    part(out, boundary, "text/plain", m->text);
    if (m->html)
        part(out, boundary, "text/html", m->html);
    tocsin_buf_addf(out, "--%s--\r\n", boundary);
    return 0;
}
