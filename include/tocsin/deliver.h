/*
 * deliver.h - one rendered message handed to a channel, and what became of
 * it. The shapes every channel shares: the outbox directory here, the
 * network providers of dispatch.h.
 */
#ifndef TOCSIN_DELIVER_H
#define TOCSIN_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/error.h"
#include "tocsin/render.h"

struct tocsin_send {
    const char *incident;
    const char *wave;        /* occurrence label, "acknowledge#1" */
    const char *channel;
    const char *key;         /* the idempotency key */
    const char *recipient;   /* audience id, NULL for broadcasts */
    const char *to;          /* email or phone; NULL for broadcasts, tasks */
    const char *from;        /* the brand's email_from (email only) */
    const struct tocsin_message *msg;
    int64_t now;
};

enum tocsin_send_state {
    TOCSIN_SEND_SENT,    /* accepted; 'ref' says where */
    TOCSIN_SEND_RETRY,   /* transient; try again at 'retry_at' */
    TOCSIN_SEND_FAILED,  /* permanent; 'error' says why */
    TOCSIN_SEND_UNKNOWN  /* written, never answered */
};

struct tocsin_send_result {
    enum tocsin_send_state state;
    char ref[192];       /* provider reference */
    char error[256];     /* no customer data, no secrets */
    int64_t retry_at;
};

/* The hash of "the exact text sent", as receipts record it: SHA-256 of
 * subject, NUL, body, NUL, html (hex). The same for every channel, so
 * 'audit prove' can re-render and compare. */
void tocsin_message_sha256(char out[65], const struct tocsin_message *m);

/* ----- the outbox directory: the embedded default -------------------- */

struct tocsin_outdir;

/* Open .tocsin/outbox under 'state_dir'. */
int tocsin_outdir_open(struct tocsin_outdir **out, const char *state_dir,
                       struct tocsin_error *err);
void tocsin_outdir_free(struct tocsin_outdir *o);

/* Deliver 's' to the outbox: email as a Maildir message
 * (outbox/email/new/<time>.<key>.tocsin, written to tmp/ and renamed),
 * every other channel as one JSON line in outbox/<channel>/messages.jsonl
 * carrying to, body, channel, incident, wave, locale, key (and subject,
 * html, recipient when set). The write is not durable until
 * tocsin_outdir_flush(). Delivering a key twice writes it once per
 * call (the Maildir file name is the key, so email is idempotent; JSON
 * lines are checked by tocsin_outdir_delivered on recovery). */
int tocsin_outdir_send(struct tocsin_outdir *o, const struct tocsin_send *s,
                       struct tocsin_send_result *r,
                       struct tocsin_error *err);

/* fsync every file and directory written since the last flush. */
int tocsin_outdir_flush(struct tocsin_outdir *o, struct tocsin_error *err);

/* Was the message with 'key' on 'channel' already written? For messages a
 * killed process left in 'sending'. Sets '*yes'. */
int tocsin_outdir_delivered(int *yes, struct tocsin_outdir *o,
                            const char *channel, const char *key,
                            struct tocsin_error *err);

/* The banner 'file' provider: write 'html' to 'path' atomically (a temp
 * file in the same directory, fsync, rename), so a web server never
 * serves half a banner. */
int tocsin_banner_write(const char *path, const char *html, size_t len,
                        struct tocsin_error *err);

#endif
