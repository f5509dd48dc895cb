/*
 * dispatch.h - delivery to real providers through one libcurl multi handle
 * (DESIGN §9): many transfers in flight, connections reused, per-channel
 * concurrency and a token-bucket rate, connect and total timeouts, a circuit
 * breaker per channel, and a verdict per message (sent, retry later,
 * failed, or unknown when a request was written and never answered).
 *
 * Providers: smtp (curl_mime multipart/alternative), twilio, mastodon,
 * http (banner PUT), webhook (Slack-compatible or JSON). The caller (the
 * run loop) owns the journal; this layer only talks to the network and
 * never prints. Secrets from env are read at request time and never appear
 * in errors, refs or logs.
 */
#ifndef TOCSIN_DISPATCH_H
#define TOCSIN_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/config.h"
#include "tocsin/deliver.h"
#include "tocsin/error.h"

struct tocsin_dispatch;

/* Policy of one channel, from its config options (defaults in
 * docs/channels.md). */
struct tocsin_channel_policy {
    double rate;            /* messages per second; 0: unlimited */
    int concurrency;        /* transfers in flight */
    long connect_timeout_ms, timeout_ms;
    int attempts;           /* before 'failed' */
    int64_t max_time_s;     /* give up this long after the first attempt */
    int honours_keys;       /* the provider dedupes by idempotency key */
    int on_unknown_resend;  /* smtp on_unknown = "resend" */
    int quiet_from, quiet_to; /* minutes after midnight, -1: none */
};

/* The policy of 'channel' (NULL cfg or an undefined channel: the outbox
 * defaults). Returns 0 or TOCSIN_EINPUT for a bad option value. */
int tocsin_channel_policy(struct tocsin_channel_policy *out,
                          const struct tocsin_config *cfg,
                          const char *channel, struct tocsin_error *err);

int tocsin_dispatch_new(struct tocsin_dispatch **out,
                        const struct tocsin_config *cfg,
                        struct tocsin_error *err);
void tocsin_dispatch_free(struct tocsin_dispatch *d);

/* May a message for 'channel' start now? 0 when its concurrency is full,
 * its rate bucket empty or its breaker open; '*wait_ms' says how long
 * until that may change. */
int tocsin_dispatch_ready(struct tocsin_dispatch *d, const char *channel,
                          long *wait_ms);

/* Start sending 's' ('s' and its message are copied). 'token' comes back
 * with the result. Returns 0, or TOCSIN_EINPUT when the channel's config
 * cannot make a request (a missing env secret: named, never shown). */
int tocsin_dispatch_submit(struct tocsin_dispatch *d,
                           const struct tocsin_send *s, void *token,
                           struct tocsin_error *err);

/* One verdict. */
typedef void (*tocsin_dispatch_done_fn)(void *payload, void *token,
                                        const struct tocsin_send_result *r);

/* Run transfers for at most 'timeout_ms', calling 'done' for each one that
 * finished. Returns the number still in flight. */
size_t tocsin_dispatch_perform(struct tocsin_dispatch *d, long timeout_ms,
                               tocsin_dispatch_done_fn done, void *payload);

/* Transfers in flight, in total and for one channel. */
size_t tocsin_dispatch_in_flight(const struct tocsin_dispatch *d,
                                 const char *channel);

/* The retry time for attempt 'attempt' (1-based) at 'now': exponential
 * backoff from 2 s, doubling, capped at 10 minutes, with +-25 % jitter;
 * at least 'retry_after' when the provider said so. */
int64_t tocsin_backoff(int attempt, int64_t now, int64_t retry_after);

/* Check that a channel's provider answers (SMTP EHLO, an HTTP request to
 * the base URL), for the preflight. Returns 0 or TOCSIN_ERUNTIME with a
 * message naming the channel, never its credentials. */
int tocsin_dispatch_probe(const struct tocsin_config *cfg,
                          const char *channel, struct tocsin_error *err);

/* Twilio reconciliation: did a message with this body hash reach 'to'
 * since 'since'? Sets '*found' and the provider sid in 'ref'. */
int tocsin_twilio_find(int *found, char ref[192],
                       const struct tocsin_config *cfg, const char *channel,
                       const char *to, int64_t since, const char *body,
                       struct tocsin_error *err);

#endif
