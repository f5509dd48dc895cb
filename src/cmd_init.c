/*
 * cmd_init.c - "tocsin init [DIR]": a workspace ready for an incident:
 * git repository, config, bundled playbooks and samples, the secret, and
 * the first commit of the audit branch. Running it again completes a
 * workspace and overwrites nothing.
 */
#include "cmd.h"
#include "tocsin/clock.h"
#include "tocsin/workspace.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int tocsin_cmd_init(struct tocsin_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_init_report rep;
    const char *dir;
    int64_t now;
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: tocsin %s\n", tocsin_cli_usage_line("init"));
            return 0;
        }
        return tocsin_cli_usage("init", "unknown option");
    }
    if (argc - optind > 1)
        return tocsin_cli_usage("init", "too many arguments");
    dir = optind < argc ? argv[optind] : (cli->workspace ? cli->workspace
                                                        : ".");
    if (tocsin_clock_now(&now, &err) ||
        tocsin_workspace_init(&rep, dir, now, &err))
        return tocsin_cli_error(cli, &err);
    if (!rep.created_repo && !rep.wrote_config && !rep.n_playbooks &&
        !rep.wrote_secret && !rep.created_audit) {
        printf("tocsin: %s is already a workspace; nothing to do\n", dir);
        return 0;
    }
    printf("tocsin: %s workspace in %s\n",
           rep.created_repo ? "created a" : "completed the", dir);
    if (rep.wrote_config)
        printf("  tocsin.lua          workspace config (brand, channels, "
               "approvers) - edit it\n");
    if (rep.n_playbooks)
        printf("  playbooks/          %zu bundled file%s (playbooks and "
               "sample audiences)\n", rep.n_playbooks,
               rep.n_playbooks == 1 ? "" : "s");
    if (rep.wrote_secret)
        printf("  .tocsin/secret      the workspace secret (keep it; never "
               "commit it)\n");
    if (rep.created_audit)
        printf("  branch 'audit'      the audit history (git log audit)\n");
    printf("\nnext: tocsin check && tocsin plan warehouse-outage "
           "--audience playbooks/samples/customers.csv\n");
    return 0;
}
