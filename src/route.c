/*
 * route.c - per-recipient channel choice. Pure functions over the wave, the
 * config and a recipient's columns, so plan, open and run agree.
 */
#include "tocsin/route.h"

#include <string.h>

enum tocsin_channel_kind tocsin_channel_kind(const struct tocsin_config *cfg,
                                             const char *channel)
{
    const struct tocsin_channel_cfg *ch =
        cfg ? tocsin_config_channel(cfg, channel) : NULL;

    if (ch && ch->provider) {
        if (!strcmp(ch->provider, "smtp"))
            return TOCSIN_CH_EMAIL;
        if (!strcmp(ch->provider, "twilio"))
            return TOCSIN_CH_SMS;
    }
    if (!strcmp(channel, "email"))
        return TOCSIN_CH_EMAIL;
    if (!strcmp(channel, "sms"))
        return TOCSIN_CH_SMS;
    if (!strcmp(channel, "tasks"))
        return TOCSIN_CH_TASK;
    return TOCSIN_CH_BROADCAST;
}

const char *const *tocsin_channel_parts(const char *channel, const char **tmp)
{
    static const char *const email[] = {"subject", "text", NULL};
    static const char *const sms[] = {"sms", NULL};
    static const char *const social[] = {"social", NULL};
    static const char *const banner[] = {"banner", NULL};
    static const char *const status[] = {"status", "text", NULL};
    static const char *const tasks[] = {"call", NULL};

    if (!strcmp(channel, "email"))
        return email;
    if (!strcmp(channel, "sms"))
        return sms;
    if (!strcmp(channel, "social"))
        return social;
    if (!strcmp(channel, "banner"))
        return banner;
    if (!strcmp(channel, "status"))
        return status;
    if (!strcmp(channel, "tasks"))
        return tasks;
    /* any other channel: a part named after it, else the plain text; the
     * caller provides three slots */
    tmp[0] = channel;
    tmp[1] = "text";
    tmp[2] = NULL;
    return tmp;
}

/* Compare the token [s, s+n) to 'name'. */
static int tok_eq(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && !strncmp(s, name, n);
}

int tocsin_prefs_opted_out(const char *prefs, const char *name)
{
    const char *p = prefs;

    while (p && *p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);

        if (n > 1 && p[0] == '-' && tok_eq(p + 1, n - 1, name))
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

int tocsin_prefs_position(const char *prefs, const char *name)
{
    const char *p = prefs;
    int pos = 0;

    while (p && *p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);

        if (n && p[0] != '-') {
            if (tok_eq(p, n, name))
                return pos;
            pos++;
        }
        p = e ? e + 1 : NULL;
    }
    return -1;
}

void tocsin_route_recipient(struct tocsin_route *out,
                            const struct tocsin_config *cfg,
                            const struct tocsin_wave *w, const char *prefs,
                            int has_email, int has_phone)
{
    size_t i, n = w->n_channels < TOCSIN_ROUTE_MAX ? w->n_channels
                                                   : TOCSIN_ROUTE_MAX;
    int order[TOCSIN_ROUTE_MAX];
    enum tocsin_channel_kind kind[TOCSIN_ROUTE_MAX];

    out->n = 0;
    for (i = 0; i < TOCSIN_ROUTE_MAX; i++)
        out->skip[i] = TOCSIN_SKIP_NONE;
    for (i = 0; i < n; i++) {
        const char *c = w->channels[i];

        order[i] = (int)i;
        kind[i] = tocsin_channel_kind(cfg, c);
        if (kind[i] == TOCSIN_CH_BROADCAST)
            continue;
        if (prefs && tocsin_prefs_opted_out(prefs, c))
            out->skip[i] = TOCSIN_SKIP_OPTED_OUT;
        else if ((kind[i] == TOCSIN_CH_EMAIL && !has_email) ||
                 (kind[i] == TOCSIN_CH_SMS && !has_phone))
            out->skip[i] = TOCSIN_SKIP_NO_ADDRESS;
    }
    if (w->first) {
        /* stable sort of the wave's channels by the recipient's preference
         * position; channels it does not list keep the wave's order after
         * the ones it does */
        size_t a, b;

        for (a = 1; a < n; a++) {
            int t = order[a];
            int pt = tocsin_prefs_position(prefs, w->channels[t]);

            for (b = a; b > 0; b--) {
                int pb = tocsin_prefs_position(prefs, w->channels[order[b - 1]]);

                if (pt < 0 || (pb >= 0 && pb <= pt))
                    break;
                order[b] = order[b - 1];
            }
            order[b] = t;
        }
    }
    for (i = 0; i < n; i++) {
        int k = order[i];

        if (kind[k] == TOCSIN_CH_BROADCAST)
            continue;
        if (out->skip[k] == TOCSIN_SKIP_NONE)
            out->channels[out->n++] = w->channels[k];
    }
}

int tocsin_wave_has_recipients(const struct tocsin_config *cfg,
                               const struct tocsin_wave *w)
{
    size_t i;

    for (i = 0; i < w->n_channels; i++)
        if (tocsin_channel_kind(cfg, w->channels[i]) != TOCSIN_CH_BROADCAST)
            return 1;
    return 0;
}

int tocsin_wave_has_broadcast(const struct tocsin_config *cfg,
                              const struct tocsin_wave *w)
{
    size_t i;

    for (i = 0; i < w->n_channels; i++)
        if (tocsin_channel_kind(cfg, w->channels[i]) == TOCSIN_CH_BROADCAST)
            return 1;
    return 0;
}

void tocsin_router_init(struct tocsin_router *r,
                        const struct tocsin_config *cfg,
                        const struct tocsin_wave *w, int audience)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    r->w = w;
    r->audience = audience;
}

void tocsin_router_cleanup(struct tocsin_router *r)
{
    tocsin_hashset_cleanup(&r->seen[0]);
    tocsin_hashset_cleanup(&r->seen[1]);
}

int tocsin_router_row(struct tocsin_router *r, struct tocsin_route *out,
                      uint32_t *dup, uint64_t audiences, const char *prefs,
                      const char *email, const char *phone)
{
    size_t k;

    *dup = 0;
    out->n = 0;
    if (r->audience >= 0 && !(audiences >> r->audience & 1))
        return 0;
    tocsin_route_recipient(out, r->cfg, r->w, prefs, email != NULL,
                           phone != NULL);
    for (k = 0; k < out->n; k++) {
        const char *c = out->channels[k];
        enum tocsin_channel_kind kind =
            !strcmp(c, "email") ? TOCSIN_CH_EMAIL
            : !strcmp(c, "sms") ? TOCSIN_CH_SMS
                                : tocsin_channel_kind(r->cfg, c);
        uint64_t h = 0;

        if (kind == TOCSIN_CH_EMAIL)
            h = tocsin_hash64(email, strlen(email), 1);
        else if (kind == TOCSIN_CH_SMS)
            h = tocsin_hash64(phone, strlen(phone), 0);
        if (h && !tocsin_hashset_add(&r->seen[kind == TOCSIN_CH_SMS], h))
            *dup |= 1u << k;
        if (r->w->first)
            break;
    }
    return 1;
}
