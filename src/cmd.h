/*
 * cmd.h - private to the CLI: the command table's entries and the helpers
 * every cmd_<name>.c shares (printing diagnostics and errors the same way,
 * colour rules). Subsystems never include this.
 */
#ifndef TOCSIN_CMD_H
#define TOCSIN_CMD_H

#include <stdio.h>

#include "tocsin/error.h"

struct tocsin_cli {
    const char *workspace; /* -C DIR, or NULL: the current directory */
    int color_out;         /* colour on stdout (a terminal, no NO_COLOR) */
    int color_err;
};

typedef int (*tocsin_cmd_fn)(struct tocsin_cli *cli, int argc, char **argv);

/* The commands; each returns an exit code. argv[0] is the command name. */
int tocsin_cmd_init(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_check(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_plan(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_open(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_run(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_approve(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_signal(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_update(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_resolve(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_close(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_reconcile(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_status(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_list(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_audit(struct tocsin_cli *cli, int argc, char **argv);
int tocsin_cmd_staff(struct tocsin_cli *cli, int argc, char **argv);

/* Print 'err' as "path:line:col: error: msg" (+ a note line with the hint)
 * on stderr; returns err->code (or 1 when it holds none). */
int tocsin_cli_error(struct tocsin_cli *cli, const struct tocsin_error *err);

/* Print every finding of 'd' on stderr, one per line, exactly
 * "path:line[:col]: error|warning|note: message", hints as
 * "path:line: note: ...". */
void tocsin_cli_diags(struct tocsin_cli *cli, const struct tocsin_diags *d);

/* A usage error for command 'cmd': prints "tocsin CMD: msg" and the
 * command's usage line; returns TOCSIN_EUSAGE. */
int tocsin_cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The usage line of command 'name'. */
const char *tocsin_cli_usage_line(const char *name);

/* Everything a command that reads a playbook needs, loaded and checked. */
struct tocsin_playbook;
struct tocsin_config;
struct tocsin_workspace;
struct tocsin_param_set;

struct tocsin_loaded {
    struct tocsin_workspace *ws;   /* NULL outside a workspace */
    struct tocsin_config *cfg;
    struct tocsin_playbook *pb;    /* NULL until a playbook is loaded */
    struct tocsin_diags diags;     /* every finding so far */
};

/* Open the workspace (required unless 'optional') and load its config.
 * Findings accumulate in l->diags, unprinted, and TOCSIN_EINPUT is
 * returned when they hold an error; any other failure is printed and its
 * exit code returned. */
int tocsin_cli_load_config(struct tocsin_loaded *l, struct tocsin_cli *cli,
                           int optional);

/* Resolve and load the playbook 'arg' with the --set overrides, compile its
 * templates and check its placeholders against 'columns' (NULL: the sample
 * recipient). Findings accumulate in l->diags; returns 0 or
 * TOCSIN_EINPUT/TOCSIN_ERUNTIME (the findings are not printed). */
int tocsin_cli_load_playbook(struct tocsin_loaded *l, const char *arg,
                             const struct tocsin_param_set *sets,
                             size_t n_sets, const char *const *columns,
                             size_t n_columns, struct tocsin_error *err);

void tocsin_loaded_cleanup(struct tocsin_loaded *l);

/* Parse "K=V" into a param set; returns 0 or prints a usage error. */
int tocsin_cli_parse_set(struct tocsin_param_set *out, const char *cmd,
                         const char *arg);

/* Print a diagnostics list as the editor-friendly JSON document
 * {"diagnostics": [...], "errors": N, "warnings": N} on stdout. */
void tocsin_cli_diags_json(const struct tocsin_diags *d);

#endif
