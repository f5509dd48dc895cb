/*
 * cmd_check.c - "tocsin check [PLAYBOOK...] [--json]": validate the config,
 * the playbooks and their templates. Every template used by a wave is
 * rendered for every brand locale and every channel of the waves that use
 * it, with the playbook's sample recipient, so a message that cannot render
 * is found here and not at 3 a.m. during an incident. Exit 3 on any error.
 */
#include "cmd.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"
#include "tocsin/plan.h"
#include "tocsin/playbook.h"
#include "tocsin/render.h"
#include "tocsin/route.h"
#include "tocsin/workspace.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Render every (template, brand locale, channel) a wave uses. */
static void render_all(struct tocsin_loaded *l, int64_t now)
{
    const struct tocsin_playbook *pb = l->pb;
    const struct tocsin_brand *b = &l->cfg->brand;
    struct tocsin_render_env env;
    struct tocsin_message msg;
    size_t w, c, i, t;

    tocsin_render_env_init(&env, l->cfg, pb, "INC-CHECK");
    tocsin_message_init(&msg);
    for (w = 0; w < pb->n_waves; w++) {
        const struct tocsin_wave *wave = &pb->waves[w];
        const struct tocsin_template_def *tpl =
            wave->template_name
                ? tocsin_playbook_template(pb, wave->template_name)
                : NULL;
        json_t *extra = json_object();

        if (!tpl) {
            json_decref(extra);
            continue;
        }
        if (wave->compensation) {
            const struct tocsin_compensation *comp =
                tocsin_playbook_compensation(pb, wave->compensation);

            if (comp) {
                json_object_set_new(extra, "compensation_kind",
                                    json_string(comp->kind));
                if (comp->amount)
                    json_object_set_new(extra, "compensation_amount",
                                        json_string(comp->amount));
                if (comp->codes_path)
                    json_object_set_new(extra, "coupon_code",
                                        json_string("CHECK-COUPON"));
            }
        }
        tocsin_render_env_set_time(
            &env, "next_update",
            tocsin_plan_next_update(l->cfg, pb, now,
                                    wave->kind == TOCSIN_WAVE_ON
                                        ? now
                                        : now + wave->at_s));
        for (c = 0; c < wave->n_channels; c++) {
            for (i = 0; i < b->n_locales; i++) {
                struct tocsin_error err = TOCSIN_ERROR_INIT;
                struct tocsin_recipient_view who;
                json_t *tz = json_object_get(pb->sample, "tz");

                memset(&who, 0, sizeof who);
                who.scope.json = pb->sample;
                who.locale = b->locales[i];
                who.tz = json_is_string(tz) ? json_string_value(tz) : NULL;
                if (tocsin_render_message(&msg, &env, tpl, wave->channels[c],
                                          &who, NULL, extra, &err)) {
                    tocsin_error_prefix(&err, "wave '%s', %s, %s",
                                        wave->name, wave->channels[c],
                                        b->locales[i]);
                    tocsin_diags_add_error(&l->diags, &err);
                }
            }
        }
        json_decref(extra);
    }
    /* a brand locale a template lacks falls back; say so */
    for (t = 0; t < pb->n_templates; t++) {
        const struct tocsin_template_def *tpl = &pb->templates[t];

        for (i = 0; i < b->n_locales; i++) {
            size_t k;

            for (k = 0; k < tpl->n_locales; k++)
                if (!strcmp(tpl->locales[k].locale, b->locales[i]))
                    break;
            if (k == tpl->n_locales)
                tocsin_diags_add(&l->diags, TOCSIN_SEV_WARNING, pb->path,
                                 tpl->line, 0, NULL, NULL,
                                 "template '%s' has no '%s' text; those "
                                 "recipients get the fallback",
                                 tpl->name, b->locales[i]);
        }
    }
    tocsin_message_cleanup(&msg);
    tocsin_render_env_cleanup(&env);
}

static int check_one(struct tocsin_loaded *l, const char *arg, int64_t now)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int rc;

    rc = tocsin_cli_load_playbook(l, arg, NULL, 0, NULL, 0, &err);
    if (err.code)
        tocsin_diags_add_error(&l->diags, &err);
    if (l->pb && !rc)
        render_all(l, now);
    tocsin_playbook_free(l->pb);
    l->pb = NULL;
    return rc;
}

int tocsin_cmd_check(struct tocsin_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct tocsin_loaded l;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char **all = NULL;
    size_t n_all = 0, i, n_checked = 0;
    int json = 0, c, rc;
    int64_t now;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = 1;
            break;
        case 'h':
            printf("usage: tocsin %s\n", tocsin_cli_usage_line("check"));
            return 0;
        default:
            return tocsin_cli_usage("check", "unknown option");
        }
    }
    if (tocsin_clock_now(&now, &err))
        return tocsin_cli_error(cli, &err);
    rc = tocsin_cli_load_config(&l, cli, optind < argc);
    if ((rc && rc != TOCSIN_EINPUT) || !l.cfg) {
        /* no workspace (printed), or the config could not be read */
        tocsin_loaded_cleanup(&l);
        return rc ? rc : TOCSIN_EINPUT;
    }
    if (!l.cfg) {
        /* nothing else can be checked without a config */
    } else if (optind < argc) {
        for (i = (size_t)optind; i < (size_t)argc; i++, n_checked++)
            check_one(&l, argv[i], now);
    } else {
        if (tocsin_workspace_playbooks(&all, &n_all, l.ws, &err)) {
            tocsin_loaded_cleanup(&l);
            return tocsin_cli_error(cli, &err);
        }
        for (i = 0; i < n_all; i++, n_checked++)
            check_one(&l, all[i], now);
        tocsin_strv_free(all, n_all);
    }
    tocsin_diags_sort(&l.diags);
    if (json) {
        tocsin_cli_diags_json(&l.diags);
    } else {
        tocsin_cli_diags(cli, &l.diags);
        fprintf(stderr, "tocsin check: %zu playbook%s, %zu error%s, "
                        "%zu warning%s\n",
                n_checked, n_checked == 1 ? "" : "s", l.diags.n_errors,
                l.diags.n_errors == 1 ? "" : "s", l.diags.n_warnings,
                l.diags.n_warnings == 1 ? "" : "s");
    }
    rc = l.diags.n_errors ? TOCSIN_EINPUT : 0;
    tocsin_loaded_cleanup(&l);
    return rc;
}
