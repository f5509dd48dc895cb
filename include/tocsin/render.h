/*
 * render.h - one message, for one recipient, on one channel.
 *
 * Chooses the template part a channel reads (route.h), the locale that
 * serves the recipient (script-aware fallback, locale.h), the scopes the
 * template sees (the recipient's columns, then per-message values such as a
 * coupon code, then the params, then the built-ins) and the escaping of each
 * part: subjects are header-safe, html and banner parts are HTML-escaped and
 * sanitized, an email's html is generated from its Markdown text when the
 * template has none. Used by check, plan, open and run alike, so what is
 * checked is what is sent.
 */
#ifndef TOCSIN_RENDER_H
#define TOCSIN_RENDER_H

#include <stdint.h>

#include <jansson.h>

#include "tocsin/buf.h"
#include "tocsin/config.h"
#include "tocsin/error.h"
#include "tocsin/playbook.h"
#include "tocsin/template.h"

/* What every message of one incident shares. */
struct tocsin_render_env {
    const struct tocsin_config *cfg;
    const struct tocsin_playbook *pb;
    json_t *params;   /* owned: param name -> value text */
    json_t *builtins; /* owned: brand_name, support_url, status_url,
                         incident_id, incident_title, next_update, ... */
    int no_html;      /* checks only: skip generating email html */
};

/* Fill 'env' for the incident 'incident_id' (may be a placeholder such as
 * "INC-PREVIEW"). Returns 0. Free with tocsin_render_env_cleanup(). */
void tocsin_render_env_init(struct tocsin_render_env *env,
                            const struct tocsin_config *cfg,
                            const struct tocsin_playbook *pb,
                            const char *incident_id);
void tocsin_render_env_cleanup(struct tocsin_render_env *env);

/* Set a built-in ('value' NULL removes it). next_update is an instant:
 * pass -1 for "none scheduled". */
void tocsin_render_env_set(struct tocsin_render_env *env, const char *key,
                           const char *value);
void tocsin_render_env_set_time(struct tocsin_render_env *env,
                                const char *key, int64_t t);

/* Who a message is for: a row's columns (flat) or a JSON object (the
 * playbook's sample), plus the locale and time zone to render in. */
struct tocsin_recipient_view {
    struct tocsin_scope scope;
    const char *locale; /* the recipient's tag, or NULL */
    const char *tz;     /* the recipient's IANA zone, or NULL: the brand's */
};

/* The rendered parts. 'subject' is email only; 'html' is set for email
 * (the html part) and banner (the sanitized snippet); 'body' is the text
 * everyone else reads (sms, social, call, the email's text part). */
struct tocsin_message {
    char locale[40];         /* the template locale used */
    struct tocsin_buf subject;
    struct tocsin_buf body;
    struct tocsin_buf html;
};

void tocsin_message_init(struct tocsin_message *m);
void tocsin_message_reset(struct tocsin_message *m);
void tocsin_message_cleanup(struct tocsin_message *m);

/* Render template 'tpl' for channel 'channel' and recipient 'who' (NULL
 * for broadcasts: then 'locale' picks the language). 'extra' (may be NULL)
 * holds per-message values such as coupon_code. A missing part for the
 * channel, a placeholder that cannot render (strict mode: unknown names are
 * errors) or an oversized result is TOCSIN_EINPUT naming the template's
 * file:line. */
int tocsin_render_message(struct tocsin_message *out,
                          const struct tocsin_render_env *env,
                          const struct tocsin_template_def *tpl,
                          const char *channel,
                          const struct tocsin_recipient_view *who,
                          const char *locale, const json_t *extra,
                          struct tocsin_error *err);

/* The template locale that serves 'tag' for 'tpl' (brand locale order
 * first, then the template's own): borrowed. */
const struct tocsin_template_locale *
tocsin_render_pick_locale(const struct tocsin_render_env *env,
                          const struct tocsin_template_def *tpl,
                          const char *tag);

/* Compile every template part of 'pb' (tpl fields were NULL after
 * loading). Syntax errors go to 'diags' at the part's own line.
 * Returns 0 or TOCSIN_EINPUT. */
int tocsin_render_compile(struct tocsin_playbook *pb,
                          struct tocsin_diags *diags);

/* Check that every placeholder of every compiled template is known: a
 * param, a built-in, or a column of 'columns' ('n_columns' names; NULL:
 * the sample's keys). Unknown names are errors at the placeholder's own
 * line with a "did you mean" hint. Returns 0 or TOCSIN_EINPUT. */
int tocsin_render_check_names(const struct tocsin_playbook *pb,
                              const char *const *columns, size_t n_columns,
                              struct tocsin_diags *diags);

/* The names every template may use besides columns and params,
 * NULL-terminated. */
extern const char *const tocsin_builtin_names[];

#endif
