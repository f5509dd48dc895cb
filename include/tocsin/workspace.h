/*
 * workspace.h - the directory that is also a git repository (DESIGN §3):
 * tocsin.lua, playbooks/, and the git-ignored .tocsin/ with the journal,
 * locks, the outbox and the workspace secret.
 *
 * Creates and finds workspaces and resolves names inside them. Knows nothing
 * of incidents; the audit branch's first commit is made through audit.h.
 */
#ifndef TOCSIN_WORKSPACE_H
#define TOCSIN_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

struct tocsin_workspace {
    char *root;          /* absolute path of the workspace */
    char *config_path;   /* root/tocsin.lua */
    char *playbooks_dir; /* root/playbooks */
    char *state_dir;     /* root/.tocsin */
};

/* What tocsin_workspace_init() did, for the CLI to report. */
struct tocsin_init_report {
    int created_repo;     /* 1: git init ran; 0: an existing repository */
    int wrote_config;     /* tocsin.lua was written (0: kept the user's) */
    size_t n_playbooks;   /* bundled files copied in (existing ones kept) */
    int wrote_secret;     /* a new .tocsin/secret */
    int created_audit;    /* the first commit on 'audit' was written */
};

/* Create (or complete) a workspace in 'dir', creating 'dir' if needed:
 * git repository (HEAD on 'main'), .gitignore with .tocsin/, a commented
 * tocsin.lua, the bundled playbooks and samples, .tocsin/secret (32 random
 * bytes, hex, mode 0600) and the first commit on 'audit'. Existing files are
 * never overwritten. 'when' is the commit time. Returns 0 or
 * TOCSIN_ERUNTIME. */
int tocsin_workspace_init(struct tocsin_init_report *report, const char *dir,
                          int64_t when, struct tocsin_error *err);

/* Find the workspace: 'dir' itself when given (-C DIR), else the current
 * directory or the nearest parent holding tocsin.lua. Not finding one is
 * TOCSIN_EINPUT with a hint to run 'tocsin init'. Free with
 * tocsin_workspace_free(). */
int tocsin_workspace_open(struct tocsin_workspace **out, const char *dir,
                          struct tocsin_error *err);
void tocsin_workspace_free(struct tocsin_workspace *ws);

/* Resolve a PLAYBOOK argument: a path to an existing .lua file, else the id
 * of playbooks/<id>.lua in the workspace. Unknown ids are TOCSIN_EINPUT with
 * a "did you mean" over the workspace's playbooks. Appends the path to
 * 'out'. 'ws' may be NULL (then only paths work). */
int tocsin_workspace_playbook(struct tocsin_buf *out,
                              const struct tocsin_workspace *ws,
                              const char *arg, struct tocsin_error *err);

/* The paths of every .lua file in playbooks/, sorted. Free with tocsin_strv_free. */
int tocsin_workspace_playbooks(char ***out, size_t *n_out,
                               const struct tocsin_workspace *ws,
                               struct tocsin_error *err);

/* Read the workspace secret (the HMAC key of receipts' recipient keys).
 * 'out' receives the raw bytes. A missing secret is TOCSIN_ERUNTIME with a
 * hint; a secret file readable by others is refused. */
int tocsin_workspace_secret(unsigned char out[32],
                            const struct tocsin_workspace *ws,
                            struct tocsin_error *err);

/* Make every missing directory of 'path' (mode 0755, or 0700 for .tocsin).
 * Returns 0 or TOCSIN_ERUNTIME. */
int tocsin_mkdirs(const char *path, int mode, struct tocsin_error *err);

/* Write 'len' bytes to 'path' atomically: a temporary file in the same
 * directory, fsync, rename. 'mode' for a new file. Returns 0 or
 * TOCSIN_ERUNTIME (nothing half-written is left under 'path'). */
int tocsin_write_atomic(const char *path, const void *data, size_t len,
                        int mode, struct tocsin_error *err);

/* Read a whole file into 'out' (appending), at most 'max' bytes (0: 64 MiB).
 * Returns 0, TOCSIN_ERUNTIME (I/O, too big) with err naming the path. */
int tocsin_read_file(struct tocsin_buf *out, const char *path, size_t max,
                     struct tocsin_error *err);

#endif
