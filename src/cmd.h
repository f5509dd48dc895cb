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

#endif
