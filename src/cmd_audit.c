/*
 * cmd_audit.c - "tocsin audit log ID | verify [ID] | prove ID --recipient
 * RID | push [REMOTE]": the auditor's side of the history.
 */
#include "cmd.h"
#include "tocsin/audit.h"
#include "tocsin/clock.h"
#include "tocsin/incident.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int open_ctx(struct tocsin_ctx **c, struct tocsin_cli *cli)
{
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int rc = tocsin_ctx_open(c, cli->workspace, &d, &err);

    if (rc) {
        tocsin_cli_diags(cli, &d);
        if (err.code)
            tocsin_cli_error(cli, &err);
    }
    tocsin_diags_cleanup(&d);
    return rc;
}

static int print_commit(void *payload, const struct tocsin_audit_commit_info *c)
{
    char t[32];
    size_t *n = payload;

    tocsin_time_format(t, sizeof t, c->time);
    printf("%s  %.10s  %-11s %-22s %s <%s>\n", t, c->oid, c->action,
           c->wave[0] ? c->wave : "", c->author_name, c->author_email);
    printf("    %s\n", c->subject);
    (*n)++;
    return 0;
}

static int cmd_log(struct tocsin_cli *cli, struct tocsin_ctx *c, int argc,
                   char **argv)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    size_t n = 0;

    if (argc != 1)
        return tocsin_cli_usage("audit", "audit log ID");
    {
        struct tocsin_incident_rec *r = NULL;

        if (tocsin_journal_incident_get(&r, c->j, argv[0], &err))
            return tocsin_cli_error(cli, &err);
        tocsin_incident_rec_free(r);
    }
    if (tocsin_audit_log(c->audit, argv[0], print_commit, &n, &err))
        return tocsin_cli_error(cli, &err);
    if (!n)
        printf("no audit commits for %s\n", argv[0]);
    return 0;
}

static int cmd_verify(struct tocsin_cli *cli, struct tocsin_ctx *c, int argc,
                      char **argv)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    struct tocsin_audit_expect x;
    int rc;

    if (argc > 1)
        return tocsin_cli_usage("audit", "audit verify [ID]");
    if (tocsin_incident_expect(&x, c, &err))
        return tocsin_cli_error(cli, &err);
    rc = tocsin_audit_verify(c->audit, argc ? argv[0] : NULL, &x, &d, &err);
    tocsin_expect_free(&x);
    if (rc && rc != TOCSIN_EAUDIT) {
        tocsin_diags_cleanup(&d);
        return tocsin_cli_error(cli, &err);
    }
    tocsin_cli_diags(cli, &d);
    if (rc)
        fprintf(stderr, "tocsin audit verify: %zu finding%s\n", d.n_errors,
                d.n_errors == 1 ? "" : "s");
    else
        printf("audit history verified%s%s: every commit well formed, "
               "receipts consistent, the branch only moved forward\n",
               argc ? " for " : "", argc ? argv[0] : "");
    tocsin_diags_cleanup(&d);
    return rc;
}

static int cmd_prove(struct tocsin_cli *cli, struct tocsin_ctx *c, int argc,
                     char **argv)
{
    static const struct option longopts[] = {
        {"recipient", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0}};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *rid = NULL;
    json_t *doc = NULL, *arr;
    int ch, json = 0;
    size_t i;

    /* argv[0] is "prove" */
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (ch == 'r')
            rid = optarg;
        else if (ch == 'j')
            json = 1;
        else
            return tocsin_cli_usage("audit", "unknown option");
    }
    if (!rid || optind + 1 != argc)
        return tocsin_cli_usage("audit", "audit prove ID --recipient RID");
    if (tocsin_incident_prove(&doc, c, argv[optind], rid, &err))
        return tocsin_cli_error(cli, &err);
    if (json) {
        char *s = json_dumps(doc, JSON_INDENT(2));

        printf("%s\n", s);
        free(s);
        json_decref(doc);
        return 0;
    }
    printf("recipient %s of %s is %s in the receipts\n", rid,
           argv[optind],
           json_string_value(json_object_get(doc, "recipient_key")));
    arr = json_object_get(doc, "messages");
    if (!json_array_size(arr))
        printf("  no messages were addressed to this recipient\n");
    for (i = 0; i < json_array_size(arr); i++) {
        json_t *m = json_array_get(arr, i);
        const char *commit = json_string_value(json_object_get(m, "commit"));

        printf("\n  %s · %s · %s · %s\n",
               json_string_value(json_object_get(m, "wave")),
               json_string_value(json_object_get(m, "channel")),
               json_string_value(json_object_get(m, "locale")),
               json_string_value(json_object_get(m, "state")));
        printf("    sha256 %s (%s)\n",
               json_string_value(json_object_get(m, "sha256")),
               json_is_true(json_object_get(m, "matches"))
                   ? "matches the receipt"
                   : "does NOT match the receipt");
        if (json_string_value(json_object_get(m, "receipt")))
            printf("    receipt %s\n",
                   json_string_value(json_object_get(m, "receipt")));
        printf("    recorded in commit %s\n", commit ? commit : "(none yet)");
        if (json_string_value(json_object_get(m, "subject")))
            printf("    Subject: %s\n",
                   json_string_value(json_object_get(m, "subject")));
    }
    json_decref(doc);
    return 0;
}

int tocsin_cmd_audit(struct tocsin_cli *cli, int argc, char **argv)
{
    struct tocsin_ctx *c = NULL;
    const char *sub = argc > 1 ? argv[1] : "";
    int rc;

    if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
        printf("usage: tocsin %s\n", tocsin_cli_usage_line("audit"));
        return 0;
    }
    if (strcmp(sub, "log") && strcmp(sub, "verify") && strcmp(sub, "prove") &&
        strcmp(sub, "push"))
        return tocsin_cli_usage("audit", "say log, verify, prove or push");
    if ((rc = open_ctx(&c, cli)))
        return rc;
    if (!strcmp(sub, "log")) {
        rc = cmd_log(cli, c, argc - 2, argv + 2);
    } else if (!strcmp(sub, "verify")) {
        rc = cmd_verify(cli, c, argc - 2, argv + 2);
    } else if (!strcmp(sub, "prove")) {
        rc = cmd_prove(cli, c, argc - 1, argv + 1);
    } else {
        struct tocsin_error err = TOCSIN_ERROR_INIT;
        const char *remote = argc > 2 ? argv[2] : "origin";

        if (argc > 3) {
            rc = tocsin_cli_usage("audit", "audit push [REMOTE]");
        } else if ((rc = tocsin_audit_push(c->audit, remote, &err))) {
            rc = tocsin_cli_error(cli, &err);
        } else {
            printf("pushed refs/heads/audit to %s\n", remote);
        }
    }
    tocsin_ctx_free(c);
    return rc;
}
