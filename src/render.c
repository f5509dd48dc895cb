/*
 * render.c - a template, a channel and a recipient make a message.
 *
 * Escaping is decided here by the part being rendered, never by the author:
 * a subject can never carry a CR/LF from data into a header, and HTML that
 * reaches a browser or a mail client has been through the sanitizer.
 */
#include "tocsin/render.h"
#include "tocsin/clock.h"
#include "tocsin/locale.h"
#include "tocsin/mem.h"
#include "tocsin/route.h"
#include "tocsin/sanitize.h"

#include <stdlib.h>
#include <string.h>

const char *const tocsin_builtin_names[] = {
    "brand_name", "support_url", "status_url", "incident_id",
    "incident_title", "next_update", "opened_at", "coupon_code",
    "compensation_kind", "compensation_amount", "update_message", NULL};

/* Longest message part we produce: far above any real message, low enough
 * that a hostile template cannot exhaust memory. */
#define PART_MAX ((size_t)1 << 20)

static void set_str(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, json_string(v));
    else
        json_object_del(o, k);
}

void tocsin_render_env_init(struct tocsin_render_env *env,
                            const struct tocsin_config *cfg,
                            const struct tocsin_playbook *pb,
                            const char *incident_id)
{
    size_t i;

    env->cfg = cfg;
    env->pb = pb;
    env->no_html = 0;
    env->params = json_object();
    env->builtins = json_object();
    for (i = 0; i < pb->n_params; i++)
        set_str(env->params, pb->params[i].name,
                pb->params[i].value ? pb->params[i].value : "");
    set_str(env->builtins, "brand_name", cfg->brand.name);
    set_str(env->builtins, "support_url", cfg->brand.support_url);
    set_str(env->builtins, "status_url", cfg->brand.status_url);
    set_str(env->builtins, "incident_id", incident_id);
    set_str(env->builtins, "incident_title", pb->title);
    set_str(env->builtins, "next_update", "");
    set_str(env->builtins, "opened_at", "");
    set_str(env->builtins, "update_message", "");
}

void tocsin_render_env_cleanup(struct tocsin_render_env *env)
{
    json_decref(env->params);
    json_decref(env->builtins);
    env->params = env->builtins = NULL;
}

void tocsin_render_env_set(struct tocsin_render_env *env, const char *key,
                           const char *value)
{
    set_str(env->builtins, key, value);
}

void tocsin_render_env_set_time(struct tocsin_render_env *env,
                                const char *key, int64_t t)
{
    char s[32];

    if (t < 0) {
        /* known but empty: {{#next_update}}...{{/next_update}} skips it */
        set_str(env->builtins, key, "");
        return;
    }
    tocsin_time_format(s, sizeof s, t);
    set_str(env->builtins, key, s);
}

void tocsin_message_init(struct tocsin_message *m)
{
    m->locale[0] = '\0';
    tocsin_buf_init(&m->subject, PART_MAX);
    tocsin_buf_init(&m->body, PART_MAX);
    tocsin_buf_init(&m->html, PART_MAX);
}

void tocsin_message_reset(struct tocsin_message *m)
{
    m->locale[0] = '\0';
    tocsin_buf_reset(&m->subject);
    tocsin_buf_reset(&m->body);
    tocsin_buf_reset(&m->html);
}

void tocsin_message_cleanup(struct tocsin_message *m)
{
    tocsin_buf_cleanup(&m->subject);
    tocsin_buf_cleanup(&m->body);
    tocsin_buf_cleanup(&m->html);
}

const struct tocsin_template_locale *
tocsin_render_pick_locale(const struct tocsin_render_env *env,
                          const struct tocsin_template_def *tpl,
                          const char *tag)
{
    const char *avail[64];
    const struct tocsin_template_locale *by[64];
    const struct tocsin_brand *b = &env->cfg->brand;
    size_t n = 0, i, j;

    if (!tpl->n_locales)
        return NULL;
    /* the brand's order first, so that available[0] is the brand's
     * fallback locale whenever the template has it */
    for (i = 0; i < b->n_locales && n < 64; i++)
        for (j = 0; j < tpl->n_locales; j++)
            if (!strcmp(b->locales[i], tpl->locales[j].locale)) {
                avail[n] = tpl->locales[j].locale;
                by[n++] = &tpl->locales[j];
            }
    for (j = 0; j < tpl->n_locales && n < 64; j++) {
        for (i = 0; i < n; i++)
            if (by[i] == &tpl->locales[j])
                break;
        if (i == n) {
            avail[n] = tpl->locales[j].locale;
            by[n++] = &tpl->locales[j];
        }
    }
    return by[tocsin_locale_pick(tag, avail, n)];
}

static int render_part(struct tocsin_buf *out,
                       const struct tocsin_template_part *part,
                       const struct tocsin_render_ctx *base,
                       enum tocsin_escape esc, struct tocsin_error *err)
{
    struct tocsin_render_ctx ctx = *base;

    ctx.escape = esc;
    ctx.max_len = PART_MAX;
    return tocsin_tpl_render(out, part->tpl, &ctx, err);
}

static int missing_part(const struct tocsin_playbook *pb,
                        const struct tocsin_template_def *tpl,
                        const struct tocsin_template_locale *tl,
                        const char *channel, const char *part,
                        struct tocsin_error *err)
{
    tocsin_error_set(err, TOCSIN_EINPUT, pb->path, tl->line ? tl->line
                                                            : tpl->line,
                     "template '%s' has no '%s' text in '%s' for channel "
                     "'%s'", tpl->name, part, tl->locale, channel);
    return TOCSIN_EINPUT;
}

int tocsin_render_message(struct tocsin_message *out,
                          const struct tocsin_render_env *env,
                          const struct tocsin_template_def *tpl,
                          const char *channel,
                          const struct tocsin_recipient_view *who,
                          const char *locale, const json_t *extra,
                          struct tocsin_error *err)
{
    const struct tocsin_playbook *pb = env->pb;
    const struct tocsin_template_locale *tl;
    const struct tocsin_template_part *p = NULL;
    struct tocsin_render_ctx ctx;
    struct tocsin_buf tmp = TOCSIN_BUF_INIT(PART_MAX);
    const char *slots[3];
    const char *const *parts;
    const char *tz = env->cfg->brand.timezone;
    size_t i;
    int rc = 0;

    tocsin_message_reset(out);
    tl = tocsin_render_pick_locale(env, tpl, who && who->locale ? who->locale
                                                                : locale);
    if (!tl)
        return tocsin_error_set(err, TOCSIN_EINPUT, pb->path, tpl->line,
                                "template '%s' has no text in any locale",
                                tpl->name);
    {
        size_t n = strlen(tl->locale);

        if (n >= sizeof out->locale)
            n = sizeof out->locale - 1;
        memcpy(out->locale, tl->locale, n);
        out->locale[n] = '\0';
    }
    if (who && who->tz && *who->tz && tocsin_tz_valid(who->tz))
        tz = who->tz;

    memset(&ctx, 0, sizeof ctx);
    if (who)
        ctx.scopes[ctx.n_scopes++] = who->scope;
    if (extra)
        ctx.scopes[ctx.n_scopes++].json = extra;
    ctx.scopes[ctx.n_scopes++].json = env->params;
    ctx.scopes[ctx.n_scopes++].json = env->builtins;
    ctx.locale = tl->locale;
    ctx.tz = tz ? tz : "UTC";
    ctx.strict = 1;

    if (tocsin_channel_kind(env->cfg, channel) == TOCSIN_CH_EMAIL) {
        const struct tocsin_template_part *html;

        if (!(p = tocsin_template_part(tl, "subject")))
            return missing_part(pb, tpl, tl, channel, "subject", err);
        if ((rc = render_part(&out->subject, p, &ctx, TOCSIN_ESC_HEADER,
                              err)))
            goto out;
        if (!(p = tocsin_template_part(tl, "text")))
            return missing_part(pb, tpl, tl, channel, "text", err);
        if ((rc = render_part(&out->body, p, &ctx, TOCSIN_ESC_NONE, err)))
            goto out;
        html = tocsin_template_part(tl, "html");
        if (env->no_html) {
            /* a check of what the data does to the texts: the html is
             * derived from them and sanitized, it cannot fail on its own */
        } else if (html) {
            if ((rc = render_part(&tmp, html, &ctx, TOCSIN_ESC_HTML, err)) ||
                (rc = tocsin_html_sanitize(&out->html, tmp.ptr, tmp.len,
                                           err)))
                goto out;
        } else {
            /* values are Markdown-escaped so data cannot add links or
             * markup to the generated HTML */
            if ((rc = render_part(&tmp, p, &ctx, TOCSIN_ESC_MARKDOWN, err)) ||
                (rc = tocsin_markdown_to_html(&out->html, tmp.ptr, tmp.len,
                                              err)))
                goto out;
        }
        goto out;
    }
    if (!strcmp(channel, "banner")) {
        if (!(p = tocsin_template_part(tl, "banner")))
            return missing_part(pb, tpl, tl, channel, "banner", err);
        if ((rc = render_part(&tmp, p, &ctx, TOCSIN_ESC_HTML, err)) ||
            (rc = tocsin_html_sanitize(&out->html, tmp.ptr, tmp.len, err)))
            goto out;
        tocsin_buf_add(&out->body, out->html.ptr, out->html.len);
        goto out;
    }
    if (!strcmp(channel, "status") &&
        (p = tocsin_template_part(tl, "subject")) &&
        (rc = render_part(&out->subject, p, &ctx, TOCSIN_ESC_HEADER, err)))
        goto out;
    parts = tocsin_channel_parts(channel, slots);
    for (i = 0; parts[i]; i++)
        if ((p = tocsin_template_part(tl, parts[i])))
            break;
    if (!p)
        return missing_part(pb, tpl, tl, channel, parts[0], err);
    rc = render_part(&out->body, p, &ctx, TOCSIN_ESC_NONE, err);
out:
    tocsin_buf_cleanup(&tmp);
    if (rc)
        tocsin_error_at(err, pb->path, tpl->line);
    return rc;
}

int tocsin_render_compile(struct tocsin_playbook *pb,
                          struct tocsin_diags *diags)
{
    size_t t, l, p;
    int rc = 0;

    for (t = 0; t < pb->n_templates; t++) {
        struct tocsin_template_def *tpl = &pb->templates[t];

        for (l = 0; l < tpl->n_locales; l++) {
            struct tocsin_template_locale *tl = &tpl->locales[l];

            for (p = 0; p < tl->n_parts; p++) {
                struct tocsin_template_part *part = &tl->parts[p];
                struct tocsin_error err = TOCSIN_ERROR_INIT;

                if (part->tpl)
                    continue;
                if (tocsin_tpl_compile(&part->tpl, part->source,
                                       strlen(part->source), pb->path,
                                       part->line, part->col, &err)) {
                    tocsin_diags_add_error(diags, &err);
                    rc = TOCSIN_EINPUT;
                }
            }
        }
    }
    return rc;
}

static int known(const char *name, size_t len, const char *const *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] && strlen(v[i]) == len && !strncmp(v[i], name, len))
            return 1;
    return 0;
}

int tocsin_render_check_names(const struct tocsin_playbook *pb,
                              const char *const *columns, size_t n_columns,
                              struct tocsin_diags *diags)
{
    const char **names;
    size_t n = 0, cap, t, l, p, r, nb = 0;
    const char *key;
    json_t *val;
    int rc = 0;

    while (tocsin_builtin_names[nb])
        nb++;
    cap = nb + pb->n_params + (columns ? n_columns
                                       : (pb->sample ? json_object_size(
                                                           pb->sample)
                                                     : 0)) + 1;
    names = tocsin_xcalloc(cap, sizeof *names);
    for (r = 0; r < nb; r++)
        names[n++] = tocsin_builtin_names[r];
    for (r = 0; r < pb->n_params; r++)
        names[n++] = pb->params[r].name;
    if (columns) {
        for (r = 0; r < n_columns; r++)
            names[n++] = columns[r];
    } else if (pb->sample) {
        json_object_foreach(pb->sample, key, val)
            names[n++] = key;
    }
    for (t = 0; t < pb->n_templates; t++) {
        const struct tocsin_template_def *tpl = &pb->templates[t];

        for (l = 0; l < tpl->n_locales; l++) {
            const struct tocsin_template_locale *tl = &tpl->locales[l];

            for (p = 0; p < tl->n_parts; p++) {
                const struct tocsin_tpl *c = tl->parts[p].tpl;
                size_t nr = c ? tocsin_tpl_n_refs(c) : 0;

                for (r = 0; r < nr; r++) {
                    const struct tocsin_tpl_ref *ref = tocsin_tpl_ref(c, r);
                    const char *dot = strchr(ref->name, '.');
                    size_t len = dot ? (size_t)(dot - ref->name)
                                     : strlen(ref->name);
                    const char *guess;
                    char hint[160] = "";

                    if (!strcmp(ref->name, ".") ||
                        known(ref->name, len, names, n))
                        continue;
                    guess = tocsin_did_you_mean(ref->name, names, n);
                    if (guess) {
                        struct tocsin_buf h = TOCSIN_BUF_INIT(sizeof hint - 1);

                        tocsin_buf_addf(&h, "did you mean '%s'?", guess);
                        memcpy(hint, h.ptr, h.len + 1);
                        tocsin_buf_cleanup(&h);
                    }
                    tocsin_diags_add(diags, TOCSIN_SEV_ERROR, pb->path,
                                     ref->line, ref->col, NULL,
                                     hint[0] ? hint : NULL,
                                     "unknown placeholder '%s' in template "
                                     "'%s' (%s %s): not a %s, param or "
                                     "built-in",
                                     ref->name, tpl->name, tl->locale,
                                     tl->parts[p].name,
                                     columns ? "column of the audience"
                                             : "field of the sample "
                                               "recipient");
                    rc = TOCSIN_EINPUT;
                }
            }
        }
    }
    free(names);
    return rc;
}
