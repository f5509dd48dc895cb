/*
 * workspace.c - creating, finding and reading workspaces.
 *
 * init never overwrites a file a person wrote: running it again completes a
 * workspace (a lost secret, a missing audit branch) and changes nothing else.
 * The secret is written 0600 and refused when others can read it, because
 * with it anyone can link receipts in git back to customer ids.
 */
#include "tocsin/workspace.h"
#include "tocsin/audit.h"
#include "tocsin/mem.h"
#include "embedded.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>
#include <openssl/rand.h>

#define SECRET_LEN 32

static char *join(const char *a, const char *b)
{
    struct tocsin_buf p = TOCSIN_BUF_INIT(0);

    tocsin_buf_adds(&p, a);
    if (p.len && p.ptr[p.len - 1] != '/')
        tocsin_buf_addc(&p, '/');
    else if (!p.len && !*b)
        tocsin_buf_addc(&p, '.');
    tocsin_buf_adds(&p, b);
    return tocsin_buf_detach(&p, NULL);
}

static int exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

int tocsin_mkdirs(const char *path, int mode, struct tocsin_error *err)
{
    struct tocsin_buf p = TOCSIN_BUF_INIT(PATH_MAX);
    size_t i;
    int rc = 0;

    tocsin_buf_adds(&p, path);
    if (tocsin_buf_failed(&p)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "path too long");
        goto out;
    }
    for (i = 1; i <= p.len; i++) {
        if (p.ptr[i] != '/' && p.ptr[i] != '\0')
            continue;
        p.ptr[i] = '\0';
        if (mkdir(p.ptr, (mode_t)mode) && errno != EEXIST) {
            rc = tocsin_error_set(err, TOCSIN_ERUNTIME, p.ptr, 0,
                                  "cannot create directory: %s",
                                  strerror(errno));
            goto out;
        }
        if (i < p.len)
            p.ptr[i] = '/';
    }
out:
    tocsin_buf_cleanup(&p);
    return rc;
}

int tocsin_write_atomic(const char *path, const void *data, size_t len,
                        int mode, struct tocsin_error *err)
{
    struct tocsin_buf tmp = TOCSIN_BUF_INIT(PATH_MAX);
    const char *p = data;
    size_t done = 0;
    int fd = -1, rc = 0;

    tocsin_buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    if (tocsin_buf_failed(&tmp)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0, "path too long");
        goto out;
    }
    fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot write: %s", strerror(errno));
        goto out;
    }
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                                  "cannot write: %s",
                                  n < 0 ? strerror(errno) : "short write");
            goto out;
        }
        done += (size_t)n;
    }
    if (fsync(fd)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot write: %s", strerror(errno));
        goto out;
    }
    if (close(fd)) {
        fd = -1;
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot write: %s", strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp.ptr, path)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot write: %s", strerror(errno));
        goto out;
    }
out:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp.ptr);
    tocsin_buf_cleanup(&tmp);
    return rc;
}

int tocsin_read_file(struct tocsin_buf *out, const char *path, size_t max,
                     struct tocsin_error *err)
{
    char chunk[65536];
    FILE *f = fopen(path, "rb");
    size_t n, start = out->len;
    int rc = 0;

    if (!max)
        max = (size_t)64 << 20;
    if (!f)
        return tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                                "cannot open: %s", strerror(errno));
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len - start + n > max) {
            rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                                  "file is larger than %zu bytes", max);
            goto out;
        }
        tocsin_buf_add(out, chunk, n);
    }
    if (ferror(f))
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot read: %s", strerror(errno));
    else if (tocsin_buf_failed(out))
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "file is too large");
out:
    fclose(f);
    return rc;
}

/* Write an embedded file unless 'path' exists. Returns 1 written, 0 kept. */
static int install(const char *path, const struct tocsin_embedded *e,
                   int mode, struct tocsin_error *err)
{
    if (exists(path))
        return 0;
    if (tocsin_write_atomic(path, e->data, e->len, mode, err))
        return -1;
    return 1;
}

static int ensure_gitignore(const char *root, struct tocsin_error *err)
{
    struct tocsin_buf cur = TOCSIN_BUF_INIT(0);
    char *path = join(root, ".gitignore");
    int rc = 0;
    const char *p;
    int found = 0;

    if (exists(path) && (rc = tocsin_read_file(&cur, path, 0, err)))
        goto out;
    for (p = cur.ptr; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        if ((n == 8 && !strncmp(p, ".tocsin/", 8)) ||
            (n == 7 && !strncmp(p, ".tocsin", 7)) ||
            (n == 9 && !strncmp(p, "/.tocsin/", 9)))
            found = 1;
        p += n + (nl ? 1 : 0);
    }
    if (!found) {
        if (cur.len && cur.ptr[cur.len - 1] != '\n')
            tocsin_buf_addc(&cur, '\n');
        tocsin_buf_adds(&cur, "# tocsin's operational state: journal, locks, "
                              "outbox, secret\n.tocsin/\n");
        rc = tocsin_write_atomic(path, cur.ptr, cur.len, 0644, err);
    }
out:
    free(path);
    tocsin_buf_cleanup(&cur);
    return rc;
}

static int write_secret(int *wrote, const char *state_dir,
                        struct tocsin_error *err)
{
    unsigned char raw[SECRET_LEN];
    char hex[SECRET_LEN * 2 + 2];
    static const char digits[] = "0123456789abcdef";
    char *path = join(state_dir, "secret");
    size_t i;
    int rc = 0;

    *wrote = 0;
    if (exists(path))
        goto out;
    if (RAND_bytes(raw, sizeof raw) != 1) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot get random bytes for the secret");
        goto out;
    }
    for (i = 0; i < SECRET_LEN; i++) {
        hex[2 * i] = digits[raw[i] >> 4];
        hex[2 * i + 1] = digits[raw[i] & 15];
    }
    hex[2 * SECRET_LEN] = '\n';
    hex[2 * SECRET_LEN + 1] = '\0';
    rc = tocsin_write_atomic(path, hex, 2 * SECRET_LEN + 1, 0600, err);
    if (!rc && chmod(path, 0600))
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot chmod: %s", strerror(errno));
    if (!rc)
        *wrote = 1;
out:
    OPENSSL_cleanse(raw, sizeof raw);
    OPENSSL_cleanse(hex, sizeof hex);
    free(path);
    return rc;
}

static int git_init(int *created, const char *root, struct tocsin_error *err)
{
    git_repository *repo = NULL;
    git_repository_init_options opts;
    int rc = 0;

    *created = 0;
    if (git_repository_open_ext(&repo, root, GIT_REPOSITORY_OPEN_NO_SEARCH,
                                NULL) == 0)
        goto out;
    git_repository_init_options_init(&opts,
                                     GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    opts.flags = GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = "main";
    if (git_repository_init_ext(&repo, root, &opts)) {
        const git_error *e = git_error_last();

        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, root, 0,
                              "cannot create git repository: %s",
                              e ? e->message : "unknown error");
        goto out;
    }
    *created = 1;
out:
    git_repository_free(repo);
    return rc;
}

int tocsin_workspace_init(struct tocsin_init_report *report, const char *dir,
                          int64_t when, struct tocsin_error *err)
{
    char resolved[PATH_MAX];
    char *state = NULL, *pb_dir = NULL, *samples = NULL, *path = NULL;
    struct tocsin_audit *audit = NULL;
    size_t i;
    int rc, w;

    memset(report, 0, sizeof *report);
    git_libgit2_init();
    if ((rc = tocsin_mkdirs(dir, 0755, err)))
        goto out;
    if (!realpath(dir, resolved)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, dir, 0,
                              "cannot resolve: %s", strerror(errno));
        goto out;
    }
    if ((rc = git_init(&report->created_repo, resolved, err)) ||
        (rc = ensure_gitignore(resolved, err)))
        goto out;
    state = join(resolved, ".tocsin");
    pb_dir = join(resolved, "playbooks");
    samples = join(pb_dir, "samples");
    if ((rc = tocsin_mkdirs(state, 0700, err)) ||
        (rc = tocsin_mkdirs(samples, 0755, err)))
        goto out;

    path = join(resolved, "tocsin.lua");
    w = install(path, tocsin_embedded_find("lua/workspace/tocsin.lua"), 0644,
                err);
    if (w < 0) {
        rc = err->code;
        goto out;
    }
    report->wrote_config = w;
    for (i = 0; i < tocsin_n_embedded; i++) {
        const struct tocsin_embedded *e = &tocsin_embedded_files[i];

        if (strncmp(e->name, "playbooks/", 10))
            continue;
        free(path);
        path = join(resolved, e->name);
        w = install(path, e, 0644, err);
        if (w < 0) {
            rc = err->code;
            goto out;
        }
        report->n_playbooks += (size_t)w;
    }
    if ((rc = write_secret(&report->wrote_secret, state, err)))
        goto out;
    if ((rc = tocsin_audit_open(&audit, resolved, NULL, err)))
        goto out;
    {
        char tip[GIT_OID_HEXSZ + 1];

        report->created_audit = tocsin_audit_tip(audit, tip, NULL) != 0;
    }
    rc = tocsin_audit_init(audit, when, err);
out:
    tocsin_audit_free(audit);
    free(state);
    free(pb_dir);
    free(samples);
    free(path);
    return rc;
}

int tocsin_workspace_open(struct tocsin_workspace **out, const char *dir,
                          struct tocsin_error *err)
{
    char cur[PATH_MAX];
    struct tocsin_workspace *ws;
    struct tocsin_buf shown = TOCSIN_BUF_INIT(PATH_MAX);
    int up = 0;
    char *cfg;

    if (!realpath(dir ? dir : ".", cur))
        return tocsin_error_set(err, TOCSIN_EINPUT, dir ? dir : ".", 0,
                                "cannot open workspace: %s",
                                strerror(errno));
    for (;;) {
        char *slash;

        cfg = join(cur, "tocsin.lua");
        if (exists(cfg))
            break;
        free(cfg);
        slash = strrchr(cur, '/');
        if (dir || !slash || slash == cur) {
            tocsin_error_set(err, TOCSIN_EINPUT, dir ? dir : NULL, 0,
                             "not a tocsin workspace (no tocsin.lua in %s%s)",
                             dir ? dir : "this directory",
                             dir ? "" : " or any parent");
            tocsin_error_hint(err, "run 'tocsin init' to create one");
            return TOCSIN_EINPUT;
        }
        *slash = '\0';
        up++;
    }
    free(cfg);
    /* paths as the user would type them: "playbooks/recall.lua" from the
     * workspace, "-C dir" or "../" prefixes otherwise */
    if (dir) {
        tocsin_buf_adds(&shown, dir);
    } else {
        while (up-- > 0)
            tocsin_buf_adds(&shown, up ? "../" : "..");
    }
    ws = tocsin_xcalloc(1, sizeof *ws);
    ws->root = tocsin_xstrdup(cur);
    ws->config_path = join(shown.len ? shown.ptr : "", "tocsin.lua");
    ws->playbooks_dir = join(shown.len ? shown.ptr : "", "playbooks");
    ws->state_dir = join(cur, ".tocsin");
    tocsin_buf_cleanup(&shown);
    *out = ws;
    return 0;
}

void tocsin_workspace_free(struct tocsin_workspace *ws)
{
    if (!ws)
        return;
    free(ws->root);
    free(ws->config_path);
    free(ws->playbooks_dir);
    free(ws->state_dir);
    free(ws);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tocsin_workspace_playbooks(char ***out, size_t *n_out,
                               const struct tocsin_workspace *ws,
                               struct tocsin_error *err)
{
    DIR *d = opendir(ws->playbooks_dir);
    struct dirent *e;
    char **v = NULL;
    size_t n = 0, cap = 0;

    *out = NULL;
    *n_out = 0;
    if (!d) {
        if (errno == ENOENT)
            return 0;
        return tocsin_error_set(err, TOCSIN_ERUNTIME, ws->playbooks_dir, 0,
                                "cannot list: %s", strerror(errno));
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);

        if (len < 5 || strcmp(e->d_name + len - 4, ".lua") ||
            e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            v = tocsin_xreallocarray(v, cap, sizeof *v);
        }
        v[n++] = join(ws->playbooks_dir, e->d_name);
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    *n_out = n;
    return 0;
}

int tocsin_workspace_playbook(struct tocsin_buf *out,
                              const struct tocsin_workspace *ws,
                              const char *arg, struct tocsin_error *err)
{
    size_t len = strlen(arg), i, n = 0;
    char **all = NULL;
    const char **ids = NULL;
    const char *guess;
    char *path;
    int rc;

    if ((len > 4 && !strcmp(arg + len - 4, ".lua")) || strchr(arg, '/')) {
        if (!exists(arg))
            return tocsin_error_set(err, TOCSIN_EINPUT, arg, 0,
                                    "no such playbook file");
        tocsin_buf_adds(out, arg);
        return 0;
    }
    if (!ws)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "unknown playbook '%s' (not in a workspace; "
                                "give a path to a .lua file)", arg);
    path = tocsin_xmalloc(len + 5);
    memcpy(path, arg, len);
    memcpy(path + len, ".lua", 5);
    {
        char *full = join(ws->playbooks_dir, path);

        free(path);
        if (exists(full)) {
            tocsin_buf_adds(out, full);
            free(full);
            return 0;
        }
        free(full);
    }
    rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                          "unknown playbook '%s'", arg);
    if (tocsin_workspace_playbooks(&all, &n, ws, NULL) == 0 && n) {
        ids = tocsin_xcalloc(n, sizeof *ids);
        for (i = 0; i < n; i++) {
            char *base = strrchr(all[i], '/') + 1;

            base[strlen(base) - 4] = '\0';
            ids[i] = base;
        }
        guess = tocsin_did_you_mean(arg, ids, n);
        if (guess)
            tocsin_error_hint(err, "did you mean '%s'?", guess);
        else
            tocsin_error_hint(err, "the workspace's playbooks are in %s",
                              ws->playbooks_dir);
    }
    free(ids);
    tocsin_strv_free(all, n);
    return rc;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tocsin_workspace_secret(unsigned char out[32],
                            const struct tocsin_workspace *ws,
                            struct tocsin_error *err)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(4096);
    char *path = join(ws->state_dir, "secret");
    struct stat st;
    size_t i;
    int rc = 0;

    if (stat(path, &st)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "the workspace secret is missing");
        tocsin_error_hint(err, "run 'tocsin init' to create one (receipts "
                               "written with an old secret cannot be "
                               "matched with a new one)");
        goto out;
    }
    if (st.st_mode & 077) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "the workspace secret is readable by others "
                              "(mode %03o)", (unsigned)(st.st_mode & 0777));
        tocsin_error_hint(err, "chmod 600 %s", path);
        goto out;
    }
    if ((rc = tocsin_read_file(&b, path, 4096, err)))
        goto out;
    while (b.len && (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == '\r'))
        b.ptr[--b.len] = '\0';
    if (b.len != 64) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "the workspace secret is malformed (want 64 "
                              "hex digits)");
        goto out;
    }
    for (i = 0; i < 32; i++) {
        int hi = hexval(b.ptr[2 * i]), lo = hexval(b.ptr[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                                  "the workspace secret is malformed (want "
                                  "64 hex digits)");
            goto out;
        }
        out[i] = (unsigned char)(hi << 4 | lo);
    }
out:
    OPENSSL_cleanse(b.ptr, b.len);
    tocsin_buf_cleanup(&b);
    free(path);
    return rc;
}
