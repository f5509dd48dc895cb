/*
 * route.h - which channels a recipient gets in a wave (DESIGN §4, §5, §9).
 *
 * One function decides it for plan, open and run, so the plan's counts are
 * the counts that are sent. Rules:
 *  - email, sms and tasks are per-recipient channels (so is any channel the
 *    config gives an smtp or twilio provider); banner, social, status, staff
 *    and every other named channel are broadcasts: one message per wave
 *    occurrence, no audience.
 *  - channels = { "email", "sms" }: every listed per-recipient channel the
 *    recipient can receive: it has a valid address for it (email, phone;
 *    tasks need none) and has not opted out ("-sms" in its channels column).
 *  - channels = { first = {...} }: candidates in the recipient's own
 *    preference order (its channels column), then the wave's order; the
 *    first is used and the rest are the failover order.
 * Knows nothing of templates or the journal.
 */
#ifndef TOCSIN_ROUTE_H
#define TOCSIN_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/config.h"
#include "tocsin/hashset.h"
#include "tocsin/playbook.h"

#define TOCSIN_ROUTE_MAX 16

enum tocsin_channel_kind {
    TOCSIN_CH_EMAIL,     /* needs an email address */
    TOCSIN_CH_SMS,       /* needs an E.164 phone */
    TOCSIN_CH_TASK,      /* per recipient, no address: agent call-backs */
    TOCSIN_CH_BROADCAST  /* once per occurrence: banner, social, status,
                            staff, partners, ... */
};

/* The kind of 'channel' under 'cfg' (NULL cfg: by name only). */
enum tocsin_channel_kind tocsin_channel_kind(const struct tocsin_config *cfg,
                                             const char *channel);

/* The template part a channel reads, in order of preference, NULL-ended:
 * email {subject, text}, sms {sms}, social {social}, banner {banner},
 * status {status, text} (+ subject as its title), tasks {call}, other C
 * {C, text}. Borrowed. */
const char *const *tocsin_channel_parts(const char *channel, const char **tmp);

/* Why a listed channel was not used for a recipient. */
enum tocsin_route_skip {
    TOCSIN_SKIP_NONE,
    TOCSIN_SKIP_OPTED_OUT,
    TOCSIN_SKIP_NO_ADDRESS
};

struct tocsin_route {
    const char *channels[TOCSIN_ROUTE_MAX]; /* borrowed from the wave */
    size_t n;             /* channels to send on (for 'first': the
                             candidates, channels[0] is used first) */
    /* per wave channel index: why it was skipped (NONE when used) */
    enum tocsin_route_skip skip[TOCSIN_ROUTE_MAX];
};

/* Route one recipient. 'prefs' is its channels column ("sms;email;-social")
 * or NULL; 'has_email'/'has_phone' say whether it has a valid address.
 * Broadcast channels of the wave are ignored here. */
void tocsin_route_recipient(struct tocsin_route *out,
                            const struct tocsin_config *cfg,
                            const struct tocsin_wave *w, const char *prefs,
                            int has_email, int has_phone);

/* Routing with de-duplication for the rows of one audience under one
 * channel rule, streamed in file order: the same email (case-insensitive)
 * or phone on a later row is a duplicate. plan, open and every later
 * occurrence use it, so they agree row for row. */
struct tocsin_router {
    const struct tocsin_config *cfg;
    const struct tocsin_wave *w;   /* the channel rule */
    int audience;                  /* bit index, -1: every row */
    struct tocsin_hashset seen[2]; /* emails, phones */
};

void tocsin_router_init(struct tocsin_router *r,
                        const struct tocsin_config *cfg,
                        const struct tocsin_wave *w, int audience);
void tocsin_router_cleanup(struct tocsin_router *r);

/* Route one row. Returns 0 when the row is not in the audience ('*out'
 * empty), else 1 with '*out' filled and '*dup' holding bit k when route
 * channel k's address was already used. For 'first' rules only channel 0
 * is checked (the others are failover candidates). */
int tocsin_router_row(struct tocsin_router *r, struct tocsin_route *out,
                      uint32_t *dup, uint64_t audiences, const char *prefs,
                      const char *email, const char *phone);

/* Does wave 'w' have any per-recipient channel? Any broadcast one? */
int tocsin_wave_has_recipients(const struct tocsin_config *cfg,
                               const struct tocsin_wave *w);
int tocsin_wave_has_broadcast(const struct tocsin_config *cfg,
                              const struct tocsin_wave *w);

/* Is 'name' in the opt-outs of 'prefs'? Is it listed positively, and at
 * which position (-1 when not)? */
int tocsin_prefs_opted_out(const char *prefs, const char *name);
int tocsin_prefs_position(const char *prefs, const char *name);

#endif
