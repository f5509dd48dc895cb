/*
 * mail.h - RFC 5322 header values and whole messages for the outbox.
 *
 * Headers carry UTF-8 as RFC 2047 encoded-words (base64 by OpenSSL), and no
 * value can smuggle a CR or LF into the header block. Bodies are normalised
 * to CRLF and transfer-encoded in base64, so no bare CR or LF and no line
 * over 998 octets ever leaves tocsin (the SMTP-smuggling class of bugs).
 * The SMTP channel builds its MIME with curl_mime and uses only the header
 * helpers here; the Maildir outbox uses tocsin_mail_compose().
 */
#ifndef TOCSIN_MAIL_H
#define TOCSIN_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

struct tocsin_mail {
    const char *from;        /* "Acme Care <care@acme.example>" */
    const char *to;          /* "ana@example.com" */
    const char *subject;     /* UTF-8, one line */
    const char *text;        /* UTF-8 */
    const char *html;        /* UTF-8, or NULL */
    const char *message_id;  /* "<key@acme.example>" */
    const char *list_unsubscribe; /* or NULL */
    int64_t date;            /* seconds UTC */
    const char *const *extra_headers; /* "Name: value", NULL-terminated */
};

/* Append 'value' as a header value: ASCII printable text as it is, anything
 * else as RFC 2047 "=?UTF-8?B?...?=" words of at most 75 octets, split on
 * character boundaries and folded with CRLF SP. 'used' is how many octets
 * the header name and colon already take on the first line. CR, LF and
 * other controls in 'value' become spaces. */
void tocsin_mail_header_value(struct tocsin_buf *out, const char *value,
                              size_t used);

/* Append "Name: display <addr>" for a "Display Name <addr>" mailbox, with
 * the display name encoded as above. Returns 0 or TOCSIN_EINPUT when the
 * address part is malformed. */
int tocsin_mail_address(struct tocsin_buf *out, const char *mailbox,
                        struct tocsin_error *err);

/* Append the RFC 5322 date of 't' ("Sun, 22 Nov 2026 09:00:00 +0000"). */
void tocsin_mail_date(struct tocsin_buf *out, int64_t t);

/* Append 'text' with every line ending (CRLF, LF or a lone CR) as CRLF. */
void tocsin_mail_crlf(struct tocsin_buf *out, const char *text, size_t len);

/* The domain of a mailbox ("acme.example"), for Message-IDs; 'out' gets
 * "localhost" when there is none. */
void tocsin_mail_domain(char *out, size_t out_len, const char *mailbox);

/* Append a whole message: headers, then multipart/alternative with a
 * text/plain and (when html is set) a text/html part, each UTF-8 and
 * base64-encoded in 76-column lines, CRLF throughout. The boundary is
 * derived from the Message-ID so the same message composes to the same
 * bytes. Returns 0 or TOCSIN_EINPUT (a malformed From or To). */
int tocsin_mail_compose(struct tocsin_buf *out, const struct tocsin_mail *m,
                        struct tocsin_error *err);

#endif
