/*
 * config.c - reading the loaded workspace config. Secrets stay names of
 * environment variables until the moment a channel needs them.
 */
#include "tocsin/config.h"
#include "tocsin/mem.h"

#include <stdlib.h>
#include <string.h>

const struct tocsin_channel_cfg *
tocsin_config_channel(const struct tocsin_config *cfg, const char *name)
{
    size_t i;

    for (i = 0; cfg && i < cfg->n_channels; i++)
        if (!strcmp(cfg->channels[i].name, name))
            return &cfg->channels[i];
    return NULL;
}

const struct tocsin_opt *tocsin_channel_opt(const struct tocsin_channel_cfg *ch,
                                            const char *key)
{
    size_t i;

    for (i = 0; ch && i < ch->n_opts; i++)
        if (!strcmp(ch->opts[i].key, key))
            return &ch->opts[i];
    return NULL;
}

const char *tocsin_opt_value(const struct tocsin_opt *o,
                             struct tocsin_error *err)
{
    const char *v;

    if (o->value)
        return o->value;
    v = o->env_name ? getenv(o->env_name) : NULL;
    if (!v || !*v) {
        tocsin_error_set(err, TOCSIN_EINPUT, NULL, o->line,
                         "environment variable '%s' is not set",
                         o->env_name ? o->env_name : "?");
        return NULL;
    }
    return v;
}

const char *tocsin_opt_display(const struct tocsin_opt *o)
{
    return o->value ? o->value : "***";
}

const struct tocsin_role *tocsin_config_role(const struct tocsin_config *cfg,
                                             const char *name)
{
    size_t i;

    for (i = 0; cfg && i < cfg->n_roles; i++)
        if (!strcmp(cfg->roles[i].name, name))
            return &cfg->roles[i];
    return NULL;
}

void tocsin_config_free(struct tocsin_config *cfg)
{
    size_t i, j;

    if (!cfg)
        return;
    free(cfg->path);
    free(cfg->brand.name);
    free(cfg->brand.support_url);
    free(cfg->brand.status_url);
    free(cfg->brand.email_from);
    free(cfg->brand.timezone);
    tocsin_strv_free(cfg->brand.locales, cfg->brand.n_locales);
    for (i = 0; i < cfg->n_channels; i++) {
        struct tocsin_channel_cfg *c = &cfg->channels[i];

        free(c->name);
        free(c->provider);
        for (j = 0; j < c->n_opts; j++) {
            free(c->opts[j].key);
            free(c->opts[j].value);
            free(c->opts[j].env_name);
        }
        free(c->opts);
    }
    free(cfg->channels);
    for (i = 0; i < cfg->n_roles; i++) {
        free(cfg->roles[i].name);
        tocsin_strv_free(cfg->roles[i].members, cfg->roles[i].n_members);
    }
    free(cfg->roles);
    free(cfg->committer);
    free(cfg->page_dir);
    free(cfg);
}
