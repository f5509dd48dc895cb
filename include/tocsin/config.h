/*
 * config.h - the workspace configuration (tocsin.lua) as plain C data.
 *
 * Loaded by dsl.c from the sandboxed Lua file; after loading nothing here
 * refers to Lua. Values that came from env "NAME" are secrets: they are kept
 * as the variable's name and resolved only when used (tocsin_secret_value),
 * and every printer shows them as "***".
 */
#ifndef TOCSIN_CONFIG_H
#define TOCSIN_CONFIG_H

#include <stddef.h>

#include "tocsin/error.h"

/* One option of a channel: url = "...", rate = "50/s", password = env "X". */
struct tocsin_opt {
    char *key;
    char *value;    /* the literal value, or NULL when it is a secret */
    char *env_name; /* the variable's name when the value is env "NAME" */
    int line;
};

struct tocsin_channel_cfg {
    char *name;     /* "email", "sms", "staff", ... */
    char *provider; /* "smtp", "twilio", "mastodon", "file", "http",
                       "webhook", "outbox" */
    struct tocsin_opt *opts;
    size_t n_opts;
    int line;
};

struct tocsin_role {
    char *name;      /* "comms-lead" */
    char **members;  /* "Ana Li <ana@acme.example>" */
    size_t n_members;
    int line;
};

struct tocsin_brand {
    char *name;
    char *support_url;
    char *status_url;
    char *email_from;
    char *timezone;   /* IANA, e.g. "America/New_York" */
    char **locales;   /* the first is the fallback */
    size_t n_locales;
    int line;
};

struct tocsin_config {
    char *path;                 /* the file it came from ("" if embedded) */
    struct tocsin_brand brand;
    struct tocsin_channel_cfg *channels;
    size_t n_channels;
    struct tocsin_role *roles;  /* approvers */
    size_t n_roles;
    /* settings { ... } - optional workspace defaults */
    char *committer;            /* "tocsin <tocsin@localhost>" by default */
    char *page_dir;             /* status page directory, or NULL */
    long long lua_memory_max;   /* bytes; default 256 MiB */
    long long lua_instructions; /* per call; default 10,000,000 */
    int audit_fsync;            /* fsync the audit branch's objects */
};

/* A borrowed view of a channel's config, or NULL when the config does not
 * define it (the channel is then delivered to the outbox). */
const struct tocsin_channel_cfg *
tocsin_config_channel(const struct tocsin_config *cfg, const char *name);

/* The option 'key' of 'ch', or NULL. Borrowed. */
const struct tocsin_opt *tocsin_channel_opt(const struct tocsin_channel_cfg *ch,
                                            const char *key);

/* The value to use for 'o': the literal value, or the environment variable
 * named by env_name. Returns NULL (and sets 'err', naming the variable, never
 * a value) when the variable is unset. Borrowed: valid until the environment
 * changes. */
const char *tocsin_opt_value(const struct tocsin_opt *o,
                             struct tocsin_error *err);

/* What may be shown of 'o': the literal value, or "***". Borrowed. */
const char *tocsin_opt_display(const struct tocsin_opt *o);

/* The role named 'name', or NULL. Borrowed. */
const struct tocsin_role *tocsin_config_role(const struct tocsin_config *cfg,
                                             const char *name);

void tocsin_config_free(struct tocsin_config *cfg);

#endif
