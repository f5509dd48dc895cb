/*
 * cli.c - "tocsin [-C DIR] COMMAND ARGS...": global options, the command
 * table, and the one way diagnostics are printed. Commands live in
 * cmd_<name>.c; this file and they are the only code that prints or picks
 * an exit code.
 */
#include "tocsin/cli.h"
#include "cmd.h"
#include "tocsin/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TOCSIN_VERSION
#define TOCSIN_VERSION "0.1.0"
#endif

struct command {
    const char *name;
    tocsin_cmd_fn fn;
    const char *usage;
    const char *summary;
};

static const struct command commands[] = {
    {"init", tocsin_cmd_init, "init [DIR]",
     "create a workspace: git repository, config, playbooks, audit branch"},
    {"check", tocsin_cmd_check, "check [PLAYBOOK...] [--json]",
     "validate config, playbooks and templates"},
    {"plan", tocsin_cmd_plan,
     "plan PLAYBOOK --audience FILE [--set K=V]... [--start TIME] [--json]",
     "show what would be sent to whom, when, on which channel"},
    {"staff", tocsin_cmd_staff,
     "staff --contacts N --over DUR [--aht DUR] [--target 80/20s] "
     "[--shrinkage F] [--interval DUR] [--max-occupancy F] "
     "[--channel voice|chat|email] [--concurrency N] [--reply-within DUR] "
     "[--json]",
     "size support staffing for a contact volume"},
    {"open", tocsin_cmd_open,
     "open PLAYBOOK --audience FILE [--id ID] [--set K=V]... [--as WHO] "
     "[--draft]",
     "open an incident: check every message, enqueue the first waves"},
    {"run", tocsin_cmd_run, "run [ID | --all] [--follow] [--dry-run]",
     "deliver what is due"},
    {"approve", tocsin_cmd_approve, "approve ID WAVE --as WHO [--note TEXT]",
     "approve a wave that waits for sign-off (or a draft: WAVE = draft)"},
    {"signal", tocsin_cmd_signal, "signal ID EVENT --as WHO [--note TEXT]",
     "record an event that waves wait for"},
    {"update", tocsin_cmd_update,
     "update ID --message TEXT [--channels LIST] --as WHO",
     "publish an update on the banner, status page or other channels"},
    {"resolve", tocsin_cmd_resolve, "resolve ID --as WHO [--message TEXT]",
     "resolve the incident: the waves on resolve go out"},
    {"close", tocsin_cmd_close, "close ID --as WHO",
     "close the incident: stop cadences, record the final receipts"},
    {"reconcile", tocsin_cmd_reconcile,
     "reconcile ID [--resend | --mark-sent | --mark-failed] --as WHO",
     "settle messages whose outcome is unknown"},
    {"status", tocsin_cmd_status, "status [ID] [--json]",
     "what was sent, what is pending, what failed"},
    {"list", tocsin_cmd_list, "list [--json]", "every incident"},
    {"audit", tocsin_cmd_audit,
     "audit log ID | verify [ID] | prove ID --recipient RID | push [REMOTE]",
     "read, verify, prove from and copy the audit history"},
    {"help", NULL, "help", "show this help"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

const char *tocsin_cli_usage_line(const char *name)
{
    size_t i;

    for (i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return commands[i].usage;
    return name;
}

static void print_help(FILE *f)
{
    size_t i;

    fprintf(f, "usage: tocsin [-C DIR] COMMAND [ARGS...]\n\n"
               "Crisis communications from Lua playbooks: tell affected "
               "customers first,\nstaff up for the answers, and keep an "
               "audit trail in git.\n\ncommands:\n");
    for (i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nglobal options:\n"
               "  -C DIR     run in the workspace DIR\n"
               "  --version  print the version\n"
               "\nenvironment: TOCSIN_NOW (ISO 8601) overrides the clock; "
               "NO_COLOR disables colour.\n"
               "exit codes: 0 ok, 1 runtime failure, 2 usage, 3 invalid "
               "input, 4 busy, 5 audit failed\n");
}

int tocsin_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "tocsin %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: tocsin %s\n", tocsin_cli_usage_line(cmd));
    return TOCSIN_EUSAGE;
}

static const char *sev_name(enum tocsin_severity s)
{
    return s == TOCSIN_SEV_ERROR ? "error"
           : s == TOCSIN_SEV_WARNING ? "warning" : "note";
}

static const char *sev_color(enum tocsin_severity s)
{
    return s == TOCSIN_SEV_ERROR ? "\033[1;31m"
           : s == TOCSIN_SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
}

static void print_one(struct tocsin_cli *cli, enum tocsin_severity sev,
                      const char *path, int line, int col, const char *rule,
                      const char *msg, const char *hint)
{
    struct tocsin_buf loc = TOCSIN_BUF_INIT(0);

    if (path && *path) {
        tocsin_buf_adds(&loc, path);
        if (line > 0)
            tocsin_buf_addf(&loc, ":%d", line);
        if (line > 0 && col > 0)
            tocsin_buf_addf(&loc, ":%d", col);
    } else {
        tocsin_buf_adds(&loc, "tocsin");
    }
    if (cli && cli->color_err)
        fprintf(stderr, "\033[1m%s:\033[0m %s%s:\033[0m %s", loc.ptr,
                sev_color(sev), sev_name(sev), msg);
    else
        fprintf(stderr, "%s: %s: %s", loc.ptr, sev_name(sev), msg);
    if (rule && *rule)
        fprintf(stderr, " [%s]", rule);
    fputc('\n', stderr);
    if (hint && *hint) {
        tocsin_buf_reset(&loc);
        if (path && *path) {
            tocsin_buf_adds(&loc, path);
            if (line > 0)
                tocsin_buf_addf(&loc, ":%d", line);
        } else {
            tocsin_buf_adds(&loc, "tocsin");
        }
        fprintf(stderr, "%s: note: %s\n", loc.ptr, hint);
    }
    tocsin_buf_cleanup(&loc);
}

int tocsin_cli_error(struct tocsin_cli *cli, const struct tocsin_error *err)
{
    if (!err || err->code == TOCSIN_OK)
        return TOCSIN_ERUNTIME;
    print_one(cli, TOCSIN_SEV_ERROR, err->path, err->line, err->col, NULL,
              err->msg, err->hint);
    return err->code;
}

void tocsin_cli_diags(struct tocsin_cli *cli, const struct tocsin_diags *d)
{
    size_t i;

    for (i = 0; i < d->n; i++) {
        const struct tocsin_diag *x = &d->items[i];

        print_one(cli, x->severity, x->path, x->line, x->col, x->rule, x->msg,
                  x->hint);
    }
    if (d->n_dropped)
        fprintf(stderr, "tocsin: note: %zu more findings not shown\n",
                d->n_dropped);
}

static int want_color(int fd)
{
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (nc && *nc)
        return 0;
    if (term && !strcmp(term, "dumb"))
        return 0;
    return isatty(fd);
}

int tocsin_cli_main(int argc, char **argv)
{
    struct tocsin_cli cli = {NULL, 0, 0};
    const char *names[N_COMMANDS];
    const char *guess;
    int i = 1;
    size_t c;

    cli.color_out = want_color(1);
    cli.color_err = want_color(2);
    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "-C")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tocsin: -C needs a directory\n");
                return TOCSIN_EUSAGE;
            }
            cli.workspace = argv[i + 1];
            i += 2;
        } else if (!strncmp(argv[i], "-C", 2)) {
            cli.workspace = argv[i] + 2;
            i++;
        } else if (!strcmp(argv[i], "--version")) {
            printf("tocsin %s\n", TOCSIN_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_help(stdout);
            return 0;
        } else {
            fprintf(stderr, "tocsin: unknown option '%s'\n", argv[i]);
            print_help(stderr);
            return TOCSIN_EUSAGE;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return TOCSIN_EUSAGE;
    }
    if (!strcmp(argv[i], "help")) {
        print_help(stdout);
        return 0;
    }
    for (c = 0; c < N_COMMANDS; c++) {
        names[c] = commands[c].name;
        if (!strcmp(commands[c].name, argv[i]) && commands[c].fn)
            return commands[c].fn(&cli, argc - i, argv + i);
    }
    fprintf(stderr, "tocsin: unknown command '%s'\n", argv[i]);
    guess = tocsin_did_you_mean(argv[i], names, N_COMMANDS);
    if (guess)
        fprintf(stderr, "tocsin: note: did you mean '%s'?\n", guess);
    fprintf(stderr, "run 'tocsin help' for the list of commands\n");
    return TOCSIN_EUSAGE;
}
