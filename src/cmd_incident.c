/*
 * cmd_incident.c - the commands that run an incident: open, run, approve,
 * signal, update, resolve, close, reconcile, status and list. Each is a
 * thin layer over incident.h: parse options, open the workspace, call,
 * print.
 */
#include "cmd.h"
#include "tocsin/clock.h"
#include "tocsin/incident.h"
#include "tocsin/mem.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SETS 64

/* Open the workspace for an incident command; prints and returns the exit
 * code on failure. */
static int open_ctx(struct tocsin_ctx **c, struct tocsin_cli *cli)
{
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int rc = tocsin_ctx_open(c, cli->workspace, &d, &err);

    if (rc) {
        if (d.n) {
            tocsin_diags_sort(&d);
            tocsin_cli_diags(cli, &d);
        }
        if (err.code && (!d.n || err.code != TOCSIN_EINPUT))
            tocsin_cli_error(cli, &err);
    }
    tocsin_diags_cleanup(&d);
    return rc;
}

static int now_or_fail(int64_t *now, struct tocsin_cli *cli)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    if (tocsin_clock_now(now, &err))
        return tocsin_cli_error(cli, &err);
    return 0;
}

static void progress_rows(void *payload, size_t rows)
{
    (void)payload;
    fprintf(stderr, "\r  %zu rows", rows);
    fflush(stderr);
}

int tocsin_cmd_open(struct tocsin_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"audience", required_argument, NULL, 'a'},
        {"id", required_argument, NULL, 'i'},
        {"set", required_argument, NULL, 's'},
        {"as", required_argument, NULL, 'w'},
        {"draft", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct tocsin_param_set sets[MAX_SETS];
    struct tocsin_open_opts o;
    struct tocsin_open_result res;
    struct tocsin_actor actor;
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_ctx *c = NULL;
    const char *as = NULL;
    size_t n_sets = 0, i;
    int ch, rc;

    memset(&o, 0, sizeof o);
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'a': o.audience = optarg; break;
        case 'i': o.id = optarg; break;
        case 'w': as = optarg; break;
        case 'd': o.draft = 1; break;
        case 's':
            if (n_sets == MAX_SETS) {
                rc = tocsin_cli_usage("open", "too many --set");
                goto out;
            }
            if ((rc = tocsin_cli_parse_set(&sets[n_sets], "open", optarg)))
                goto out;
            n_sets++;
            break;
        case 'h':
            printf("usage: tocsin %s\n", tocsin_cli_usage_line("open"));
            rc = 0;
            goto out;
        default:
            rc = tocsin_cli_usage("open", "unknown option");
            goto out;
        }
    }
    if (optind + 1 != argc || !o.audience) {
        rc = tocsin_cli_usage("open", optind >= argc ? "missing PLAYBOOK"
                                      : !o.audience ? "missing --audience FILE"
                                                    : "too many arguments");
        goto out;
    }
    o.playbook = argv[optind];
    o.sets = sets;
    o.n_sets = n_sets;
    if ((rc = now_or_fail(&o.now, cli)) || (rc = open_ctx(&c, cli)))
        goto out;
    if (tocsin_actor_resolve(&actor, as, c, &err)) {
        rc = tocsin_cli_error(cli, &err);
        goto out;
    }
    o.actor = &actor;
    if (isatty(2)) {
        o.progress = progress_rows;
    }
    rc = tocsin_incident_open(&res, c, &o, &d, &err);
    if (o.progress)
        fprintf(stderr, "\r\033[K");
    tocsin_diags_sort(&d);
    tocsin_cli_diags(cli, &d);
    if (rc) {
        if (err.code)
            tocsin_cli_error(cli, &err);
        if (!err.code && rc == TOCSIN_EINPUT)
            fprintf(stderr, "tocsin open: nothing was opened\n");
        goto out;
    }
    printf("%s opened: %zu recipients, %zu messages queued in %zu wave%s "
           "(%s)\n", res.id, res.recipients, res.messages, res.occurrences,
           res.occurrences == 1 ? "" : "s", o.draft ? "draft: every wave "
           "held until 'tocsin approve ID draft'" : "run 'tocsin run' to "
           "send what is due");
    printf("audit commit %.12s\n", res.commit);
out:
    for (i = 0; i < n_sets; i++)
        free((char *)sets[i].key);
    tocsin_diags_cleanup(&d);
    tocsin_ctx_free(c);
    return rc;
}

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void progress_send(void *payload, const char *what, size_t done,
                          size_t total)
{
    (void)payload;
    if (done == total || done % 64 == 0) {
        fprintf(stderr, "\r  %s %zu/%zu", what, done, total);
        fflush(stderr);
    }
}

static int run_one(struct tocsin_ctx *c, struct tocsin_cli *cli,
                   const char *id, const struct tocsin_run_opts *o,
                   int *any_failed)
{
    struct tocsin_run_report rep;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    size_t i;
    int rc = tocsin_incident_run(&rep, c, id, o, &err);

    if (o->progress)
        fprintf(stderr, "\r\033[K");
    if (rc)
        return tocsin_cli_error(cli, &err);
    if (o->dry_run) {
        printf("%s: %zu wave%s would start, %zu messages pending\n", id,
               rep.started, rep.started == 1 ? "" : "s", rep.due);
        return 0;
    }
    printf("%s: %zu wave%s started, %zu finished", id, rep.started,
           rep.started == 1 ? "" : "s", rep.finished);
    if (!rep.n_tally)
        printf("; nothing was due\n");
    else
        printf("\n");
    for (i = 0; i < rep.n_tally; i++) {
        const struct tocsin_run_tally *t = &rep.tally[i];

        printf("  %-8s %zu sent", t->channel, t->sent);
        if (t->failed)
            printf(", %zu failed", t->failed);
        if (t->unknown)
            printf(", %zu unknown", t->unknown);
        if (t->deferred)
            printf(", %zu deferred", t->deferred);
        printf("\n");
        if (t->failed)
            *any_failed = 1;
    }
    return 0;
}

struct ids {
    char **v;
    size_t n;
};

static int collect_open(void *payload, const struct tocsin_incident_rec *r)
{
    struct ids *x = payload;

    if (!strcmp(r->state, "closed"))
        return 0;
    x->v = tocsin_xreallocarray(x->v, x->n + 1, sizeof *x->v);
    x->v[x->n++] = tocsin_xstrdup(r->id);
    return 0;
}

int tocsin_cmd_run(struct tocsin_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"all", no_argument, NULL, 'a'},
        {"follow", no_argument, NULL, 'f'},
        {"dry-run", no_argument, NULL, 'n'},
        {"as", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct tocsin_run_opts o;
    struct tocsin_actor actor;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_ctx *c = NULL;
    struct ids ids = {NULL, 0};
    const char *as = NULL;
    int all = 0, ch, rc, failed = 0;
    size_t i;

    memset(&o, 0, sizeof o);
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'a': all = 1; break;
        case 'f': o.follow = 1; break;
        case 'n': o.dry_run = 1; break;
        case 'w': as = optarg; break;
        case 'h':
            printf("usage: tocsin %s\n", tocsin_cli_usage_line("run"));
            return 0;
        default:
            return tocsin_cli_usage("run", "unknown option");
        }
    }
    if ((all && optind != argc) || (!all && optind + 1 != argc))
        return tocsin_cli_usage("run", "give an incident ID or --all");
    if ((rc = open_ctx(&c, cli)))
        return rc;
    if (tocsin_actor_resolve(&actor, as, c, &err)) {
        rc = tocsin_cli_error(cli, &err);
        goto out;
    }
    o.actor = &actor;
    o.stop = &stop_flag;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (isatty(2))
        o.progress = progress_send;
    if (all) {
        if ((rc = tocsin_journal_incidents(c->j, collect_open, &ids, &err))) {
            rc = tocsin_cli_error(cli, &err);
            goto out;
        }
        for (i = 0; i < ids.n && !rc; i++)
            rc = run_one(c, cli, ids.v[i], &o, &failed);
    } else {
        rc = run_one(c, cli, argv[optind], &o, &failed);
    }
    if (!rc && failed)
        rc = TOCSIN_ERUNTIME;
out:
    tocsin_strv_free(ids.v, ids.n);
    tocsin_ctx_free(c);
    return rc;
}

/* The shared shape of approve, signal, resolve, close: ID [ARG] --as WHO
 * [--note TEXT | --message TEXT]. */
struct simple {
    const char *id, *arg, *as, *text;
    const char *channels;
    const char *how;
};

static int parse_simple(struct simple *s, const char *cmd, int argc,
                        char **argv, int want_arg)
{
    static const struct option longopts[] = {
        {"as", required_argument, NULL, 'w'},
        {"note", required_argument, NULL, 't'},
        {"message", required_argument, NULL, 't'},
        {"channels", required_argument, NULL, 'c'},
        {"resend", no_argument, NULL, 'r'},
        {"mark-sent", no_argument, NULL, 's'},
        {"mark-failed", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int ch;

    memset(s, 0, sizeof s[0]);
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'w': s->as = optarg; break;
        case 't': s->text = optarg; break;
        case 'c': s->channels = optarg; break;
        case 'r': s->how = "resend"; break;
        case 's': s->how = "mark-sent"; break;
        case 'f': s->how = "mark-failed"; break;
        case 'h':
            printf("usage: tocsin %s\n", tocsin_cli_usage_line(cmd));
            return -1;
        default:
            return tocsin_cli_usage(cmd, "unknown option");
        }
    }
    if (argc - optind != 1 + want_arg)
        return tocsin_cli_usage(cmd, argc - optind < 1 + want_arg
                                         ? "missing arguments"
                                         : "too many arguments");
    s->id = argv[optind];
    s->arg = want_arg ? argv[optind + 1] : NULL;
    return 0;
}

static int lifecycle(struct tocsin_cli *cli, int argc, char **argv,
                     const char *cmd)
{
    struct simple s;
    struct tocsin_ctx *c = NULL;
    struct tocsin_actor a;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int64_t now;
    int want_arg = !strcmp(cmd, "approve") || !strcmp(cmd, "signal");
    int rc = parse_simple(&s, cmd, argc, argv, want_arg);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (!strcmp(cmd, "update") && !s.text)
        return tocsin_cli_usage(cmd, "missing --message TEXT");
    if ((rc = now_or_fail(&now, cli)) || (rc = open_ctx(&c, cli)))
        goto out;
    if (tocsin_actor_resolve(&a, s.as, c, &err)) {
        rc = tocsin_cli_error(cli, &err);
        goto out;
    }
    if (!strcmp(cmd, "approve")) {
        rc = tocsin_incident_approve(c, s.id, s.arg, &a, s.text, now, &err);
        if (!rc)
            printf("%s: %s approved by %s\n", s.id, s.arg, a.name);
    } else if (!strcmp(cmd, "signal")) {
        rc = tocsin_incident_signal(c, s.id, s.arg, &a, s.text, now, &err);
        if (!rc)
            printf("%s: %s signalled\n", s.id, s.arg);
    } else if (!strcmp(cmd, "resolve")) {
        rc = tocsin_incident_resolve(c, s.id, &a, s.text, now, &err);
        if (!rc)
            printf("%s resolved; 'tocsin run %s' sends the waves on "
                   "resolve\n", s.id, s.id);
    } else if (!strcmp(cmd, "close")) {
        rc = tocsin_incident_close(c, s.id, &a, now, &err);
        if (!rc)
            printf("%s closed\n", s.id);
    } else if (!strcmp(cmd, "update")) {
        char *list[16];
        size_t n = 0;
        char *copy = s.channels ? tocsin_xstrdup(s.channels) : NULL;
        char *p = copy;

        while (p && *p && n < 16) {
            char *comma = strchr(p, ',');

            if (comma)
                *comma = '\0';
            if (*p)
                list[n++] = p;
            p = comma ? comma + 1 : NULL;
        }
        rc = tocsin_incident_update(c, s.id, s.text,
                                    (const char *const *)list, n, &a, now,
                                    &err);
        if (!rc)
            printf("%s: update queued; 'tocsin run %s' publishes it\n", s.id,
                   s.id);
        free(copy);
    } else {
        size_t n = 0;

        if (!s.how) {
            rc = tocsin_cli_usage(cmd, "say --resend, --mark-sent or "
                                       "--mark-failed");
            goto out;
        }
        rc = tocsin_incident_reconcile(&n, c, s.id, s.how, &a, now, &err);
        if (!rc)
            printf("%s: %zu unknown message%s settled (%s)\n", s.id, n,
                   n == 1 ? "" : "s", s.how);
    }
    if (rc)
        rc = tocsin_cli_error(cli, &err);
out:
    tocsin_ctx_free(c);
    return rc;
}

int tocsin_cmd_approve(struct tocsin_cli *cli, int argc, char **argv)
{
    return lifecycle(cli, argc, argv, "approve");
}

int tocsin_cmd_signal(struct tocsin_cli *cli, int argc, char **argv)
{
    return lifecycle(cli, argc, argv, "signal");
}

int tocsin_cmd_update(struct tocsin_cli *cli, int argc, char **argv)
{
    return lifecycle(cli, argc, argv, "update");
}

int tocsin_cmd_resolve(struct tocsin_cli *cli, int argc, char **argv)
{
    return lifecycle(cli, argc, argv, "resolve");
}

int tocsin_cmd_close(struct tocsin_cli *cli, int argc, char **argv)
{
    return lifecycle(cli, argc, argv, "close");
}

int tocsin_cmd_reconcile(struct tocsin_cli *cli, int argc, char **argv)
{
    return lifecycle(cli, argc, argv, "reconcile");
}

static void print_json(json_t *doc)
{
    char *s = json_dumps(doc, JSON_INDENT(2));

    if (s)
        printf("%s\n", s);
    free(s);
}

static void print_status(json_t *doc)
{
    json_t *occ = json_object_get(doc, "occurrences"), *tot;
    const char *k;
    json_t *v;
    size_t i;

    printf("%s  %s  (%s)\n", json_string_value(json_object_get(doc, "id")),
           json_string_value(json_object_get(doc, "state")),
           json_string_value(json_object_get(doc, "playbook")));
    printf("  opened %s by %s\n",
           json_string_value(json_object_get(doc, "opened_at")),
           json_string_value(json_object_get(doc, "opened_by")));
    for (i = 0; i < json_array_size(occ); i++) {
        json_t *o = json_array_get(occ, i), *chs = json_object_get(o,
                                                                  "channels");
        const char *ch;
        json_t *st;

        printf("  %-24s %-9s due %s\n",
               json_string_value(json_object_get(o, "wave")),
               json_string_value(json_object_get(o, "state")),
               json_string_value(json_object_get(o, "due")));
        json_object_foreach(chs, ch, st) {
            printf("      %-8s", ch);
            json_object_foreach(st, k, v)
                printf(" %s %lld", k, (long long)json_integer_value(v));
            printf("\n");
        }
    }
    tot = json_object_get(doc, "messages");
    if (json_integer_value(json_object_get(tot, "unknown")))
        printf("  %lld messages have an unknown outcome: settle them with "
               "'tocsin reconcile'\n",
               (long long)json_integer_value(json_object_get(tot,
                                                             "unknown")));
}

int tocsin_cmd_status(struct tocsin_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct tocsin_ctx *c = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    json_t *doc = NULL;
    int json = 0, ch, rc;
    int64_t now;

    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (ch == 'j') {
            json = 1;
        } else if (ch == 'h') {
            printf("usage: tocsin %s\n", tocsin_cli_usage_line("status"));
            return 0;
        } else {
            return tocsin_cli_usage("status", "unknown option");
        }
    }
    if (argc - optind > 1)
        return tocsin_cli_usage("status", "too many arguments");
    if ((rc = now_or_fail(&now, cli)) || (rc = open_ctx(&c, cli)))
        goto out;
    if (optind == argc) {
        /* no ID: every incident, briefly */
        if ((rc = tocsin_incident_list(&doc, c, &err))) {
            rc = tocsin_cli_error(cli, &err);
            goto out;
        }
        if (json) {
            print_json(doc);
        } else {
            json_t *arr = json_object_get(doc, "incidents");
            size_t i;

            if (!json_array_size(arr))
                printf("no incidents\n");
            for (i = 0; i < json_array_size(arr); i++) {
                json_t *s = NULL, *x = json_array_get(arr, i);

                if (!tocsin_incident_status(&s, c,
                                            json_string_value(json_object_get(
                                                x, "id")),
                                            now, &err))
                    print_status(s);
                json_decref(s);
            }
        }
        goto out;
    }
    if ((rc = tocsin_incident_status(&doc, c, argv[optind], now, &err))) {
        rc = tocsin_cli_error(cli, &err);
        goto out;
    }
    if (json)
        print_json(doc);
    else
        print_status(doc);
out:
    json_decref(doc);
    tocsin_ctx_free(c);
    return rc;
}

int tocsin_cmd_list(struct tocsin_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct tocsin_ctx *c = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    json_t *doc = NULL, *arr;
    int json = 0, ch, rc;
    size_t i;

    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (ch == 'j') {
            json = 1;
        } else if (ch == 'h') {
            printf("usage: tocsin %s\n", tocsin_cli_usage_line("list"));
            return 0;
        } else {
            return tocsin_cli_usage("list", "unknown option");
        }
    }
    if (optind != argc)
        return tocsin_cli_usage("list", "too many arguments");
    if ((rc = open_ctx(&c, cli)))
        return rc;
    if ((rc = tocsin_incident_list(&doc, c, &err))) {
        rc = tocsin_cli_error(cli, &err);
        goto out;
    }
    if (json) {
        print_json(doc);
        goto out;
    }
    arr = json_object_get(doc, "incidents");
    if (!json_array_size(arr))
        printf("no incidents\n");
    for (i = 0; i < json_array_size(arr); i++) {
        json_t *x = json_array_get(arr, i);

        printf("%-20s %-9s %-18s %s\n",
               json_string_value(json_object_get(x, "id")),
               json_string_value(json_object_get(x, "state")),
               json_string_value(json_object_get(x, "playbook")),
               json_string_value(json_object_get(x, "opened_at")));
    }
out:
    json_decref(doc);
    tocsin_ctx_free(c);
    return rc;
}
