/*
 * cli.h - the command line. The only layer that reads argv, prints for the
 * user and chooses exit codes (DESIGN §11); everything below returns codes
 * and fills errors.
 */
#ifndef TOCSIN_CLI_H
#define TOCSIN_CLI_H

/* Run "tocsin ARGS..."; returns the process exit code. */
int tocsin_cli_main(int argc, char **argv);

#endif
