/*
 * cmd_plan.c - "tocsin plan PLAYBOOK --audience FILE [--set K=V]...
 * [--start TIME] [--json]": exactly what would be sent to whom, when, on
 * which channel, in which language, before anything is sent.
 */
#include "cmd.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"
#include "tocsin/plan.h"
#include "tocsin/playbook.h"
#include "tocsin/workspace.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 64

static void rel(char *out, size_t n, int64_t d)
{
    char s[32];

    tocsin_duration_format(s, sizeof s, d);
    out[0] = '+';
    out[1] = '\0';
    if (n > 2) {
        size_t k = strlen(s);

        if (k > n - 2)
            k = n - 2;
        memcpy(out + 1, s, k);
        out[k + 1] = '\0';
    }
}

/* "2026-11-22 09:00Z" */
static void short_time(char *out, size_t n, int64_t t)
{
    char s[32];

    tocsin_time_format(s, sizeof s, t);
    if (n < 18) {
        out[0] = '\0';
        return;
    }
    memcpy(out, s, 10);
    out[10] = ' ';
    memcpy(out + 11, s + 11, 5);
    out[16] = 'Z';
    out[17] = '\0';
}

static void print_indented(FILE *f, const char *text, const char *indent)
{
    const char *p = text;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        fprintf(f, "%s%.*s\n", indent, (int)n, p);
        p += n + (nl ? 1 : 0);
    }
}

static void print_wave(const struct tocsin_plan *plan,
                       const struct tocsin_plan_wave *pw)
{
    const struct tocsin_wave *w = pw->w;
    char when[48] = "", abs_t[24] = "", every[32];
    size_t i;

    if (w->kind == TOCSIN_WAVE_ON) {
        char on[64];
        struct tocsin_buf b = TOCSIN_BUF_INIT(sizeof on - 1);

        tocsin_buf_addf(&b, "on %s", w->on_event ? w->on_event : "?");
        if (w->after_s) {
            char a[32];

            tocsin_duration_format(a, sizeof a, w->after_s);
            tocsin_buf_addf(&b, " +%s", a);
        }
        memcpy(on, b.ptr, b.len + 1);
        tocsin_buf_cleanup(&b);
        printf("  %-26s ", on);
    } else {
        rel(when, sizeof when, w->at_s);
        short_time(abs_t, sizeof abs_t, pw->first_at);
        printf("  %-8s %-17s ", when, abs_t);
    }
    printf("%s", w->name);
    if (w->kind == TOCSIN_WAVE_EVERY) {
        char hz[32];

        tocsin_duration_format(every, sizeof every, w->every_s);
        tocsin_duration_format(hz, sizeof hz, plan->horizon_s);
        printf("  (every %s until %s: %zu in the first %s)", every,
               w->until_event ? w->until_event : "close", pw->n_occurrences,
               hz);
    }
    printf("\n");
    if (pw->group != (size_t)-1)
        printf("      audience %s: %zu recipients\n",
               w->audience ? w->audience : "(every row)", pw->recipients);
    for (i = 0; i < pw->n_channels; i++) {
        const struct tocsin_plan_channel *pc = &pw->channels[i];

        if (pc->broadcast) {
            printf("      %-8s broadcast\n", pc->channel);
            continue;
        }
        printf("      %-8s %zu message%s", pc->channel, pc->messages,
               pc->messages == 1 ? "" : "s");
        if (pc->opted_out || pc->no_address || pc->duplicates)
            printf(" (skipped: %zu opted out, %zu no address, %zu "
                   "duplicate)", pc->opted_out, pc->no_address,
                   pc->duplicates);
        printf("\n");
    }
    if (w->first)
        printf("      first channel the recipient prefers; the others on "
               "permanent failure\n");
    if (pw->n_locales) {
        printf("      locales ");
        for (i = 0; i < pw->n_locales; i++)
            printf("%s%s %zu", i ? ", " : "", pw->locales[i].locale,
                   pw->locales[i].recipients);
        printf("\n");
    }
    printf("      template %s", w->template_name ? w->template_name : "-");
    if (w->compensation)
        printf(" · compensation %s", w->compensation);
    if (w->pace == TOCSIN_PACE_AUTO)
        printf(" · pace auto");
    printf("\n");
    if (pw->pace_reason)
        printf("      pace: %s\n", pw->pace_reason);
    if (w->approval) {
        const struct tocsin_role *r = tocsin_config_role(plan->cfg,
                                                         w->approval);

        printf("      needs approval by %s", w->approval);
        if (r && r->n_members) {
            printf(" (");
            for (i = 0; i < r->n_members; i++)
                printf("%s%s", i ? ", " : "", r->members[i]);
            printf(")");
        }
        printf("\n");
    }
    if (pw->next_update >= 0) {
        char nu[24];

        short_time(nu, sizeof nu, pw->next_update);
        printf("      next update promised for %s\n", nu);
    }
}

static void print_human(const struct tocsin_plan *plan)
{
    const struct tocsin_playbook *pb = plan->pb;
    char t[32], h[32];
    size_t i, j;

    tocsin_time_format(t, sizeof t, plan->start);
    tocsin_duration_format(h, sizeof h, plan->horizon_s);
    printf("%s: %s\n", pb->id ? pb->id : pb->path, pb->title ? pb->title : "");
    printf("  audience  %s: %zu rows, %zu warnings (sha256 %.12s)\n",
           plan->audience_path, plan->rows, plan->findings.n_warnings,
           plan->audience_sha256);
    printf("  start     %s (horizon %s)\n", t, h);
    if (pb->n_params) {
        printf("  params   ");
        for (i = 0; i < pb->n_params; i++)
            printf(" %s=%s", pb->params[i].name,
                   pb->params[i].value ? pb->params[i].value : "");
        printf("\n");
    }
    if (pb->n_audiences) {
        printf("  audiences");
        for (i = 0; i < pb->n_audiences; i++)
            printf("%s %s %zu", i ? "," : "", pb->audiences[i].name,
                   plan->audience_rows[i]);
        printf("\n");
    }
    printf("\ntimeline\n");
    for (i = 0; i < plan->n_waves; i++)
        print_wave(plan, &plan->waves[i]);
    if (plan->n_deadlines) {
        printf("\ndeadlines\n");
        for (i = 0; i < plan->n_deadlines; i++) {
            const struct tocsin_plan_deadline *pd = &plan->deadlines[i];
            char within[32], due[24] = "";

            tocsin_duration_format(within, sizeof within, pd->d->within_s);
            if (pd->due >= 0)
                short_time(due, sizeof due, pd->due);
            printf("  %-16s %s within %s of %s%s%s%s: %s (%s)\n",
                   pd->d->name, pd->d->wave, within, pd->d->from,
                   due[0] ? " (due " : "", due, due[0] ? ")" : "",
                   pd->status == 1   ? "met"
                   : pd->status == 0 ? "MISSED"
                                     : "depends",
                   pd->why ? pd->why : "");
        }
    }
    if (plan->staffing) {
        json_t *chs = json_object_get(plan->staffing, "channels");
        json_t *sur = json_object_get(plan->staffing, "surges");

        printf("\nstaffing (interval %s, agents including shrinkage)\n",
               json_string_value(json_object_get(plan->staffing,
                                                 "interval")));
        for (i = 0; i < json_array_size(chs); i++) {
            json_t *c = json_array_get(chs, i);

            printf("  %-8s peak %lld agents, baseline %g, surge capacity "
                   "%g\n",
                   json_string_value(json_object_get(c, "name")),
                   (long long)json_integer_value(
                       json_object_get(c, "peak_agents")),
                   json_number_value(json_object_get(c, "baseline")),
                   json_number_value(json_object_get(c, "surge_max")));
        }
        if (!json_array_size(sur))
            printf("  no surge: the baseline covers every interval\n");
        for (i = 0; i < json_array_size(sur); i++) {
            json_t *s = json_array_get(sur, i);
            char a[24], b[24], pg[24];
            int64_t at;

            tocsin_time_parse(&at, json_string_value(json_object_get(
                                       s, "start")), NULL);
            short_time(a, sizeof a, at);
            tocsin_time_parse(&at, json_string_value(json_object_get(s,
                                                                     "end")),
                              NULL);
            short_time(b, sizeof b, at);
            tocsin_time_parse(&at, json_string_value(json_object_get(
                                       s, "page_at")), NULL);
            short_time(pg, sizeof pg, at);
            printf("  surge %-6s +%lld agents %s to %s (page staff at %s)\n",
                   json_string_value(json_object_get(s, "channel")),
                   (long long)json_integer_value(
                       json_object_get(s, "peak_extra_agents")),
                   a, b, pg);
        }
    }
    printf("\npreviews (one real recipient per wave and language)\n");
    for (i = 0; i < plan->n_waves; i++) {
        const struct tocsin_plan_wave *pw = &plan->waves[i];

        for (j = 0; j < pw->n_previews; j++) {
            const struct tocsin_plan_preview *p = &pw->previews[j];

            printf("\n  -- %s · %s · %s", pw->w->name, p->channel, p->locale);
            if (p->recipient_id)
                printf(" · recipient %s (line %zu)", p->recipient_id,
                       p->line);
            printf("\n");
            if (p->err.code) {
                printf("     cannot render: %s\n", p->err.msg);
                continue;
            }
            if (p->msg.subject.len)
                printf("     Subject: %s\n", p->msg.subject.ptr);
            print_indented(stdout, p->msg.body.ptr, "     ");
        }
    }
}

int tocsin_cmd_plan(struct tocsin_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"audience", required_argument, NULL, 'a'},
        {"set", required_argument, NULL, 's'},
        {"start", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct tocsin_param_set sets[MAX_SETS];
    struct tocsin_plan_opts opts;
    struct tocsin_loaded l;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_header *hdr = NULL;
    struct tocsin_plan *plan = NULL;
    const char *audience = NULL, *start = NULL;
    size_t n_sets = 0, i;
    int json = 0, c, rc;

    memset(&l, 0, sizeof l);
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            audience = optarg;
            break;
        case 's':
            if (n_sets == MAX_SETS) {
                rc = tocsin_cli_usage("plan", "too many --set (at most %d)",
                                      MAX_SETS);
                goto out;
            }
            if ((rc = tocsin_cli_parse_set(&sets[n_sets], "plan", optarg)))
                goto out;
            n_sets++;
            break;
        case 't':
            start = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            printf("usage: tocsin %s\n", tocsin_cli_usage_line("plan"));
            rc = 0;
            goto out;
        default:
            rc = tocsin_cli_usage("plan", "unknown option");
            goto out;
        }
    }
    if (optind + 1 != argc) {
        rc = tocsin_cli_usage("plan", optind >= argc ? "missing PLAYBOOK"
                                                     : "too many arguments");
        goto out;
    }
    if (!audience) {
        rc = tocsin_cli_usage("plan", "missing --audience FILE");
        goto out;
    }
    memset(&opts, 0, sizeof opts);
    opts.previews = 1;
    if (start ? tocsin_time_parse(&opts.start, start, &err)
              : tocsin_clock_now(&opts.start, &err)) {
        if (start)
            err.code = TOCSIN_EUSAGE;
        tocsin_error_prefix(&err, start ? "--start" : "clock");
        rc = tocsin_cli_error(cli, &err);
        goto out;
    }
    rc = tocsin_cli_load_config(&l, cli, 1);
    if (rc && rc != TOCSIN_EINPUT)
        goto out;
    if (rc)
        goto findings;
    if (tocsin_audience_header(&hdr, audience, &err)) {
        rc = tocsin_cli_error(cli, &err);
        goto out;
    }
    rc = tocsin_cli_load_playbook(&l, argv[optind], sets, n_sets,
                                  (const char *const *)hdr->names, hdr->n,
                                  &err);
    if (err.code)
        tocsin_diags_add_error(&l.diags, &err);
    if (rc || l.diags.n_errors)
        goto findings;
    tocsin_error_clear(&err);
    rc = tocsin_plan_build(&plan, l.cfg, l.pb, audience, &opts, &err);
    if (rc) {
        tocsin_diags_add_error(&l.diags, &err);
        goto findings;
    }
    for (i = 0; i < plan->findings.n; i++) {
        const struct tocsin_diag *x = &plan->findings.items[i];

        tocsin_diags_add(&l.diags, x->severity, x->path, x->line, x->col,
                         x->rule, x->hint, "%s", x->msg);
    }
    l.diags.n_dropped += plan->findings.n_dropped;
    tocsin_diags_sort(&l.diags);
    tocsin_cli_diags(cli, &l.diags);
    if (json) {
        json_t *doc = tocsin_plan_json(plan, 1);
        char *s = json_dumps(doc, JSON_INDENT(2));

        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(doc);
    } else {
        print_human(plan);
    }
    rc = 0;
    goto out;
findings:
    tocsin_diags_sort(&l.diags);
    tocsin_cli_diags(cli, &l.diags);
    if (!rc)
        rc = TOCSIN_EINPUT;
out:
    for (i = 0; i < n_sets; i++)
        free((char *)sets[i].key);
    tocsin_plan_free(plan);
    tocsin_header_free(hdr);
    tocsin_loaded_cleanup(&l);
    return rc;
}
