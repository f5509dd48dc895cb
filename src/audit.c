/*
 * audit.c - writing and reading the 'audit' branch with libgit2.
 *
 * A commit is: blobs for the changed files, a tree made from the parent's
 * tree with git_tree_create_updated (nested paths, no index), a commit
 * object, and a compare-and-swap of refs/heads/audit. Objects are written
 * before the ref moves, so a crash leaves the branch where it was plus some
 * unreachable objects that 'git gc' collects.
 *
 * Durability: libgit2 does not fsync by default. A killed process loses
 * nothing (the kernel has the writes); a power cut could lose the last
 * commits. settings { audit_fsync = true } turns GIT_OPT_ENABLE_FSYNC_GITDIR
 * on, at a cost of a few milliseconds a commit (docs/audit.md).
 */
#include "audit_priv.h"
#include "tocsin/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

const char *const tocsin_audit_actions[] = {
    "init",   "open",    "approve", "wave-start", "wave-done",
    "update", "signal",  "resolve", "close",      "page-staff",
    "reconcile", "monitor-fire", NULL};

struct tocsin_audit {
    git_repository *repo;
    char *committer_name, *committer_email;
    char *committer;
};

static const char readme[] =
    "# The audit history of this tocsin workspace\n"
    "\n"
    "This branch is written by tocsin, one commit per action of every\n"
    "incident: open, approve, wave-start, wave-done, update, signal,\n"
    "resolve, close (and page-staff, reconcile, monitor-fire). Each commit's\n"
    "author is the person who acted, its time the time of the event, and\n"
    "its trailers name the incident, the action and the wave:\n"
    "\n"
    "    git log audit\n"
    "    git log audit --format='%ad %an %s' --date=iso\n"
    "    git log audit --grep='Tocsin-Incident: INC-20261122-01'\n"
    "\n"
    "Per incident, under incidents/<ID>/: incident.json, playbook.lua (the\n"
    "exact playbook that ran), plan.json, waves/<seq>-<name>/ (the messages\n"
    "as rendered for the playbook's sample recipient), summary.json and\n"
    "receipts.tsv (one line per message: a pseudonymous recipient key, the\n"
    "channel, the final state, the provider's reference and the SHA-256 of\n"
    "the exact text sent). No email address, phone number or name of a\n"
    "customer is ever written here.\n"
    "\n"
    "The branch only moves forward. 'tocsin audit verify' checks it;\n"
    "'tocsin audit prove ID --recipient RID' shows what one customer was\n"
    "sent and the commit that recorded it.\n";

static int git_fail(struct tocsin_error *err, enum tocsin_code code,
                    const char *what)
{
    const git_error *e = git_error_last();

    return tocsin_error_set(err, code, NULL, 0, "%s: %s", what,
                            e && e->message ? e->message : "unknown error");
}

/* "Name <email>" -> name, email; a bare address is both. */
static void split_mailbox(char **name, char **email, const char *mb)
{
    const char *lt = strrchr(mb, '<'), *gt = lt ? strchr(lt, '>') : NULL;

    if (lt && gt) {
        const char *e = lt;

        while (e > mb && e[-1] == ' ')
            e--;
        *name = tocsin_xstrndup(mb, (size_t)(e - mb));
        *email = tocsin_xstrndup(lt + 1, (size_t)(gt - lt - 1));
    } else {
        *name = tocsin_xstrdup(mb);
        *email = tocsin_xstrdup(mb);
    }
    if (!**name) {
        free(*name);
        *name = tocsin_xstrdup(*email);
    }
}

int tocsin_audit_open(struct tocsin_audit **out, const char *workspace_dir,
                      const char *committer, struct tocsin_error *err)
{
    struct tocsin_audit *a;
    git_repository *repo = NULL;

    git_libgit2_init();
    /* we create every object we refer to in the same call: the existence
     * checks of strict creation only cost time */
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
    if (git_repository_open_ext(&repo, workspace_dir,
                                GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
        git_fail(err, TOCSIN_ERUNTIME, "cannot open the git repository");
        tocsin_error_at(err, workspace_dir, 0);
        git_libgit2_shutdown();
        return TOCSIN_ERUNTIME;
    }
    a = tocsin_xcalloc(1, sizeof *a);
    a->repo = repo;
    split_mailbox(&a->committer_name, &a->committer_email,
                  committer && *committer ? committer
                                          : TOCSIN_COMMITTER_DEFAULT);
    {
        struct tocsin_buf c = TOCSIN_BUF_INIT(0);

        tocsin_buf_addf(&c, "%s <%s>", a->committer_name, a->committer_email);
        a->committer = tocsin_buf_detach(&c, NULL);
    }
    *out = a;
    return 0;
}

void tocsin_audit_free(struct tocsin_audit *a)
{
    if (!a)
        return;
    git_repository_free(a->repo);
    free(a->committer_name);
    free(a->committer_email);
    free(a->committer);
    free(a);
    git_libgit2_shutdown();
}

int tocsin_audit_tip(struct tocsin_audit *a, char out[41],
                     struct tocsin_error *err)
{
    git_oid oid;

    if (git_reference_name_to_id(&oid, a->repo, TOCSIN_AUDIT_REF))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "the workspace has no audit branch");
    git_oid_tostr(out, 41, &oid);
    return 0;
}

/* A signature that libgit2 accepts: no angle brackets or newlines. */
static int make_sig(git_signature **out, const char *name, const char *email,
                    int64_t when, struct tocsin_error *err)
{
    char *n = tocsin_xstrdup(name && *name ? name : "unknown");
    char *e = tocsin_xstrdup(email && *email ? email : "unknown");
    char *p;
    int rc = 0;

    for (p = n; *p; p++)
        if (*p == '<' || *p == '>' || *p == '\n' || *p == '\r')
            *p = ' ';
    for (p = e; *p; p++)
        if (*p == '<' || *p == '>' || *p == '\n' || *p == '\r' || *p == ' ')
            *p = '_';
    if (git_signature_new(out, n, e, (git_time_t)when, 0))
        rc = git_fail(err, TOCSIN_ERUNTIME, "cannot make a git signature");
    free(n);
    free(e);
    return rc;
}

static void add_trailer(struct tocsin_buf *m, const char *k, const char *v)
{
    const char *p;

    if (!v || !*v)
        return;
    tocsin_buf_addf(m, "%s: ", k);
    for (p = v; *p; p++)
        tocsin_buf_addc(m, (*p == '\n' || *p == '\r') ? ' ' : *p);
    tocsin_buf_addc(m, '\n');
}

static void build_message(struct tocsin_buf *m,
                          const struct tocsin_audit_entry *e)
{
    const char *p;
    size_t i;

    for (p = e->subject; *p && *p != '\n' && *p != '\r'; p++)
        tocsin_buf_addc(m, *p);
    tocsin_buf_adds(m, "\n\n");
    if (e->body && *e->body) {
        tocsin_buf_adds(m, e->body);
        if (m->ptr[m->len - 1] != '\n')
            tocsin_buf_addc(m, '\n');
        tocsin_buf_addc(m, '\n');
    }
    add_trailer(m, "Tocsin-Incident", e->incident);
    add_trailer(m, "Tocsin-Action", e->action);
    add_trailer(m, "Tocsin-Wave", e->wave);
    add_trailer(m, "Tocsin-Playbook", e->playbook);
    for (i = 0; i < e->n_trailers; i++)
        add_trailer(m, e->trailers[i].key, e->trailers[i].value);
}

static int known_action(const char *a)
{
    size_t i;

    for (i = 0; a && tocsin_audit_actions[i]; i++)
        if (!strcmp(a, tocsin_audit_actions[i]))
            return 1;
    return 0;
}

/* Does 'tip' equal or descend from 'base'? */
static int descends(git_repository *repo, const git_oid *tip,
                    const git_oid *base)
{
    return git_oid_equal(tip, base) ||
           git_graph_descendant_of(repo, tip, base) == 1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Every tocsin that writes the audit branch first takes an flock on
 * .git/tocsin-audit.lock (released by the kernel when the process dies).
 * Holding it, a refs/heads/audit.lock older than two seconds cannot belong
 * to a live tocsin: it is the leftover of one killed between locking the
 * ref and renaming the lock, and is removed. (The git CLI holds it for
 * milliseconds.) */
static int writer_lock(struct tocsin_audit *a)
{
    struct tocsin_buf p = TOCSIN_BUF_INIT(0);
    int fd;

    tocsin_buf_addf(&p, "%stocsin-audit.lock", git_repository_path(a->repo));
    fd = open(p.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    tocsin_buf_cleanup(&p);
    if (fd >= 0 && flock(fd, LOCK_EX)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void unlock_stale(struct tocsin_audit *a)
{
    struct tocsin_buf p = TOCSIN_BUF_INIT(0);
    struct stat st;

    tocsin_buf_addf(&p, "%s" TOCSIN_AUDIT_REF ".lock",
                    git_repository_path(a->repo));
    if (stat(p.ptr, &st) == 0 && time(NULL) - st.st_mtime >= 2)
        unlink(p.ptr);
    tocsin_buf_cleanup(&p);
}

void tocsin_audit_set_fsync(int on)
{
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, on ? 1 : 0);
    git_libgit2_shutdown();
}

const char *tocsin_audit_committer(struct tocsin_audit *a)
{
    return a->committer;
}

int tocsin_audit_descends(struct tocsin_audit *a, const char *tip,
                          const char *base)
{
    git_oid t, b;

    if (git_oid_fromstr(&t, tip) || git_oid_fromstr(&b, base))
        return 0;
    return descends(a->repo, &t, &b);
}

static int write_tree(git_oid *out, struct tocsin_audit *a,
                      const git_oid *parent,
                      const struct tocsin_audit_entry *e,
                      const git_oid *blobs, struct tocsin_error *err)
{
    git_commit *pc = NULL;
    git_tree *base = NULL;
    git_treebuilder *tb = NULL;
    git_tree_update *ups = NULL;
    git_oid empty;
    size_t i;
    int rc = 0;

    if (parent) {
        if (git_commit_lookup(&pc, a->repo, parent) ||
            git_commit_tree(&base, pc)) {
            rc = git_fail(err, TOCSIN_ERUNTIME, "cannot read the audit tip");
            goto out;
        }
    } else {
        if (git_treebuilder_new(&tb, a->repo, NULL) ||
            git_treebuilder_write(&empty, tb) ||
            git_tree_lookup(&base, a->repo, &empty)) {
            rc = git_fail(err, TOCSIN_ERUNTIME, "cannot write a tree");
            goto out;
        }
    }
    ups = tocsin_xcalloc(e->n_files + 1, sizeof *ups);
    for (i = 0; i < e->n_files; i++) {
        ups[i].path = e->files[i].path;
        if (e->files[i].data) {
            ups[i].action = GIT_TREE_UPDATE_UPSERT;
            ups[i].id = blobs[i];
            ups[i].filemode = GIT_FILEMODE_BLOB;
        } else {
            ups[i].action = GIT_TREE_UPDATE_REMOVE;
        }
    }
    if (git_tree_create_updated(out, a->repo, base, e->n_files, ups))
        rc = git_fail(err, TOCSIN_ERUNTIME, "cannot write the audit tree");
out:
    free(ups);
    git_treebuilder_free(tb);
    git_tree_free(base);
    git_commit_free(pc);
    return rc;
}

int tocsin_audit_commit(struct tocsin_audit *a,
                        const struct tocsin_audit_entry *e, char out[41],
                        struct tocsin_error *err)
{
    struct tocsin_buf msg = TOCSIN_BUF_INIT(0);
    git_signature *author = NULL, *committer = NULL;
    git_oid *blobs = NULL, tip, tree_id, commit_id, expected;
    git_reference *ref = NULL;
    int have_tip, attempt, rc = 0, lockfd = -1;
    size_t i;

    if (!known_action(e->action))
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "unknown audit action '%s'",
                                e->action ? e->action : "");
    if (e->expected_tip && git_oid_fromstr(&expected, e->expected_tip))
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "malformed recorded audit tip '%.40s'",
                                e->expected_tip);
    blobs = tocsin_xcalloc(e->n_files + 1, sizeof *blobs);
    for (i = 0; i < e->n_files; i++)
        if (e->files[i].data &&
            git_blob_create_from_buffer(&blobs[i], a->repo, e->files[i].data,
                                        e->files[i].len)) {
            rc = git_fail(err, TOCSIN_ERUNTIME, "cannot write to the audit "
                                                "history");
            goto out;
        }
    build_message(&msg, e);
    lockfd = writer_lock(a);
    if ((rc = make_sig(&author, e->author_name, e->author_email, e->when,
                       err)) ||
        (rc = make_sig(&committer, a->committer_name, a->committer_email,
                       e->when, err)))
        goto out;
    have_tip = git_reference_name_to_id(&tip, a->repo, TOCSIN_AUDIT_REF) == 0;
    if (e->expected_tip && (!have_tip || !descends(a->repo, &tip, &expected))) {
        char t[41] = "(none)";

        if (have_tip)
            git_oid_tostr(t, sizeof t, &tip);
        rc = tocsin_error_set(err, TOCSIN_EAUDIT, NULL, 0,
                              "audit branch was rewritten behind tocsin's "
                              "back: recorded tip %.12s is not an ancestor "
                              "of %.12s", e->expected_tip, t);
        tocsin_error_hint(err, "run 'tocsin audit verify'; restore the "
                               "branch from a pushed copy");
        goto out;
    }
    for (attempt = 0; attempt < 400; attempt++) {
        const git_commit *parents[1];
        git_commit *pc = NULL;
        int r;

        if (have_tip && git_commit_lookup(&pc, a->repo, &tip)) {
            rc = git_fail(err, TOCSIN_ERUNTIME, "cannot read the audit tip");
            goto out;
        }
        parents[0] = pc;
        if ((rc = write_tree(&tree_id, a, have_tip ? &tip : NULL, e, blobs,
                             err))) {
            git_commit_free(pc);
            goto out;
        }
        {
            git_tree *tree = NULL;

            r = git_tree_lookup(&tree, a->repo, &tree_id) ||
                git_commit_create(&commit_id, a->repo, NULL, author,
                                  committer, "UTF-8", msg.ptr, tree,
                                  have_tip ? 1 : 0, parents);
            git_tree_free(tree);
        }
        git_commit_free(pc);
        if (r) {
            rc = git_fail(err, TOCSIN_ERUNTIME, "cannot write an audit commit");
            goto out;
        }
        git_reference_free(ref);
        ref = NULL;
        if (have_tip)
            r = git_reference_create_matching(&ref, a->repo, TOCSIN_AUDIT_REF,
                                              &commit_id, 1, &tip,
                                              msg.ptr);
        else
            r = git_reference_create(&ref, a->repo, TOCSIN_AUDIT_REF,
                                     &commit_id, 0, msg.ptr);
        if (r == 0)
            break;
        if (r != GIT_EMODIFIED && r != GIT_EEXISTS && r != GIT_ELOCKED) {
            rc = git_fail(err, TOCSIN_ERUNTIME, "cannot move the audit branch");
            goto out;
        }
        /* another tocsin moved the branch: build on its commit if it only
         * added to ours */
        {
            git_oid now;

            if (r == GIT_ELOCKED) {
                /* another writer holds the ref for a few milliseconds; a
                 * lock older than that is a killed writer's leftover */
                unlock_stale(a);
                sleep_ms(50);
            }
            if (git_reference_name_to_id(&now, a->repo, TOCSIN_AUDIT_REF)) {
                if (r == GIT_ELOCKED)
                    continue;
                rc = git_fail(err, TOCSIN_ERUNTIME, "cannot read the audit "
                                                    "branch");
                goto out;
            }
            if (have_tip && !descends(a->repo, &now, &tip)) {
                char t1[41], t2[41];

                git_oid_tostr(t1, sizeof t1, &tip);
                git_oid_tostr(t2, sizeof t2, &now);
                rc = tocsin_error_set(err, TOCSIN_EAUDIT, NULL, 0,
                                      "audit branch was rewritten behind "
                                      "tocsin's back: %.12s is not an "
                                      "ancestor of %.12s", t1, t2);
                goto out;
            }
            tip = now;
            have_tip = 1;
        }
    }
    if (attempt == 400) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "the audit branch stayed locked or kept "
                              "moving for 20 seconds");
        tocsin_error_hint(err, "another tocsin is committing; if none is, "
                               "remove .git/refs/heads/audit.lock");
        goto out;
    }
    if (out)
        git_oid_tostr(out, 41, &commit_id);
out:
    if (lockfd >= 0)
        close(lockfd);
    git_reference_free(ref);
    git_signature_free(author);
    git_signature_free(committer);
    free(blobs);
    tocsin_buf_cleanup(&msg);
    return rc;
}

int tocsin_audit_init(struct tocsin_audit *a, int64_t when,
                      struct tocsin_error *err)
{
    struct tocsin_audit_file f = {"README.md", readme, sizeof readme - 1};
    struct tocsin_audit_entry e;
    git_oid oid;

    if (git_reference_name_to_id(&oid, a->repo, TOCSIN_AUDIT_REF) == 0)
        return 0;
    memset(&e, 0, sizeof e);
    e.action = "init";
    e.author_name = a->committer_name;
    e.author_email = a->committer_email;
    e.when = when;
    e.subject = "init: audit history";
    e.files = &f;
    e.n_files = 1;
    return tocsin_audit_commit(a, &e, NULL, err);
}

static int resolve_tree(git_tree **out, struct tocsin_audit *a,
                        const char *rev, struct tocsin_error *err)
{
    git_object *obj = NULL;
    git_commit *c = NULL;
    int rc = 0;

    if (git_revparse_single(&obj, a->repo, rev ? rev : TOCSIN_AUDIT_REF))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "no such audit revision '%s'",
                                rev ? rev : "audit");
    if (git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) ||
        git_commit_tree(out, c))
        rc = git_fail(err, TOCSIN_ERUNTIME, "cannot read the audit history");
    git_commit_free(c);
    git_object_free(obj);
    return rc;
}

static int read_at_tree(git_tree *tree, struct tocsin_audit *a,
                        const char *path, struct tocsin_buf *out,
                        struct tocsin_error *err)
{
    git_tree_entry *te = NULL;
    git_blob *blob = NULL;
    int rc = 0;

    if (git_tree_entry_bypath(&te, tree, path))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "'%s' is not in the audit history", path);
    if (git_blob_lookup(&blob, a->repo, git_tree_entry_id(te))) {
        rc = git_fail(err, TOCSIN_ERUNTIME, "cannot read the audit history");
    } else {
        tocsin_buf_add(out, git_blob_rawcontent(blob),
                       (size_t)git_blob_rawsize(blob));
        if (tocsin_buf_failed(out))
            rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                  "'%s' is too large to read", path);
    }
    git_blob_free(blob);
    git_tree_entry_free(te);
    return rc;
}

int tocsin_audit_read(struct tocsin_audit *a, const char *rev,
                      const char *path, struct tocsin_buf *out,
                      struct tocsin_error *err)
{
    git_tree *tree = NULL;
    int rc;

    if ((rc = resolve_tree(&tree, a, rev, err)))
        return rc;
    rc = read_at_tree(tree, a, path, out, err);
    git_tree_free(tree);
    return rc;
}

/* Walk the first-parent chain oldest first: ids in 'out'. */
static int chain(git_oid **out, size_t *n_out, struct tocsin_audit *a,
                 struct tocsin_error *err)
{
    git_revwalk *w = NULL;
    git_oid oid, *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    *out = NULL;
    *n_out = 0;
    if (git_revwalk_new(&w, a->repo) ||
        git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) ||
        git_revwalk_simplify_first_parent(w) ||
        git_revwalk_push_ref(w, TOCSIN_AUDIT_REF)) {
        const git_error *ge = git_error_last();

        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "cannot read the audit branch: %s",
                              ge && ge->message ? ge->message : "missing");
        goto out;
    }
    while (git_revwalk_next(&oid, w) == 0) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = tocsin_xreallocarray(v, cap, sizeof *v);
        }
        v[n++] = oid;
    }
    *out = v;
    *n_out = n;
    v = NULL;
out:
    free(v);
    git_revwalk_free(w);
    return rc;
}

/* Hand commit 'id' to 'fn' (unless it is of another incident). */
static int emit(struct tocsin_audit *a, const git_oid *id,
                const char *incident, tocsin_audit_log_fn fn, void *payload,
                struct tocsin_error *err)
{
    git_commit *c = NULL;
    git_message_trailer_array arr = {0};
    struct tocsin_trailer *tr = NULL;
    struct tocsin_audit_commit_info info;
    const git_signature *au, *co;
    struct tocsin_buf who = TOCSIN_BUF_INIT(0);
    const char *msg, *nl;
    char *subject;
    size_t t;
    int rc = 0;

    if (git_commit_lookup(&c, a->repo, id))
        return git_fail(err, TOCSIN_ERUNTIME, "cannot read the audit history");
    memset(&info, 0, sizeof info);
    git_oid_tostr(info.oid, sizeof info.oid, id);
    msg = git_commit_message(c);
    nl = strchr(msg, '\n');
    subject = tocsin_xstrndup(msg, nl ? (size_t)(nl - msg) : strlen(msg));
    info.subject = subject;
    info.body = nl ? nl + 1 : "";
    while (*info.body == '\n')
        info.body++;
    info.action = info.incident = info.wave = "";
    if (git_message_trailers(&arr, msg) == 0 && arr.count) {
        tr = tocsin_xcalloc(arr.count, sizeof *tr);
        for (t = 0; t < arr.count; t++) {
            tr[t].key = arr.trailers[t].key;
            tr[t].value = arr.trailers[t].value;
            if (!strcmp(tr[t].key, "Tocsin-Action"))
                info.action = tr[t].value;
            else if (!strcmp(tr[t].key, "Tocsin-Incident"))
                info.incident = tr[t].value;
            else if (!strcmp(tr[t].key, "Tocsin-Wave"))
                info.wave = tr[t].value;
        }
    }
    info.trailers = tr;
    info.n_trailers = tr ? arr.count : 0;
    au = git_commit_author(c);
    co = git_commit_committer(c);
    info.author_name = au->name;
    info.author_email = au->email;
    tocsin_buf_addf(&who, "%s <%s>", co->name, co->email);
    info.committer = who.ptr;
    info.time = (int64_t)au->when.time;
    info.n_parents = git_commit_parentcount(c);
    if (!incident || !strcmp(info.incident, incident))
        rc = fn(payload, &info);
    free(tr);
    free(subject);
    tocsin_buf_cleanup(&who);
    git_message_trailer_array_free(&arr);
    git_commit_free(c);
    return rc;
}

int tocsin_audit_log(struct tocsin_audit *a, const char *incident,
                     tocsin_audit_log_fn fn, void *payload,
                     struct tocsin_error *err)
{
    git_oid *ids = NULL;
    size_t n, i;
    int rc;

    if ((rc = chain(&ids, &n, a, err)))
        return rc;
    for (i = 0; i < n && !rc; i++)
        rc = emit(a, &ids[i], incident, fn, payload, err);
    free(ids);
    return rc;
}

int tocsin_audit_log_since(struct tocsin_audit *a, const char *since,
                           tocsin_audit_log_fn fn, void *payload,
                           struct tocsin_error *err)
{
    git_revwalk *w = NULL;
    git_oid oid, base;
    int rc = 0;

    if (git_revwalk_new(&w, a->repo) ||
        git_revwalk_simplify_first_parent(w) ||
        git_revwalk_push_ref(w, TOCSIN_AUDIT_REF)) {
        git_revwalk_free(w);
        return git_fail(err, TOCSIN_ERUNTIME, "cannot read the audit branch");
    }
    if (since && *since && !git_oid_fromstr(&base, since) &&
        git_revwalk_hide(w, &base)) {
        /* an unknown recorded tip: the branch was rewritten; the walk
         * then covers everything, which is only slower */
        git_error_clear();
    }
    while (!rc && git_revwalk_next(&oid, w) == 0)
        rc = emit(a, &oid, NULL, fn, payload, err);
    git_revwalk_free(w);
    return rc;
}

int tocsin_audit_find_origin(struct tocsin_audit *a, const char *path,
                             const char *prefix, char out[41],
                             struct tocsin_error *err)
{
    git_oid *ids = NULL, last_blob;
    size_t n, i, plen = strlen(prefix);
    int rc, have_last = 0;

    if ((rc = chain(&ids, &n, a, err)))
        return rc;
    rc = TOCSIN_EINPUT;
    for (i = 0; i < n; i++) {
        git_commit *c = NULL;
        git_tree *tree = NULL;
        git_tree_entry *te = NULL;
        git_blob *blob = NULL;
        int found = 0;

        if (!git_commit_lookup(&c, a->repo, &ids[i]) &&
            !git_commit_tree(&tree, c) &&
            !git_tree_entry_bypath(&te, tree, path) &&
            !(have_last && git_oid_equal(&last_blob, git_tree_entry_id(te))) &&
            !git_blob_lookup(&blob, a->repo, git_tree_entry_id(te))) {
            const char *p = git_blob_rawcontent(blob);
            size_t len = (size_t)git_blob_rawsize(blob), off = 0;

            last_blob = *git_tree_entry_id(te);
            have_last = 1;
            while (off < len) {
                const char *nl = memchr(p + off, '\n', len - off);
                size_t ll = nl ? (size_t)(nl - p - off) : len - off;

                if (ll >= plen && !memcmp(p + off, prefix, plen)) {
                    found = 1;
                    break;
                }
                off += ll + 1;
            }
        }
        git_blob_free(blob);
        git_tree_entry_free(te);
        git_tree_free(tree);
        git_commit_free(c);
        if (found) {
            git_oid_tostr(out, 41, &ids[i]);
            rc = 0;
            break;
        }
    }
    free(ids);
    if (rc)
        tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                         "no commit recorded it in '%s'", path);
    return rc;
}

struct push_state {
    char msg[256];
};

static int push_ref_cb(const char *refname, const char *status, void *data)
{
    struct push_state *ps = data;

    if (status && !ps->msg[0]) {
        struct tocsin_buf b = TOCSIN_BUF_INIT(sizeof ps->msg - 1);

        tocsin_buf_addf(&b, "%s rejected: %s", refname, status);
        memcpy(ps->msg, b.ptr, b.len + 1);
        tocsin_buf_cleanup(&b);
    }
    return 0;
}

int tocsin_audit_push(struct tocsin_audit *a, const char *remote,
                      struct tocsin_error *err)
{
    git_remote *r = NULL;
    git_push_options opts;
    char *spec = "refs/heads/audit:refs/heads/audit";
    git_strarray specs = {&spec, 1};
    struct push_state ps = {""};
    int rc = 0;

    if (git_remote_lookup(&r, a->repo, remote) &&
        git_remote_create_anonymous(&r, a->repo, remote))
        return git_fail(err, TOCSIN_ERUNTIME, "unknown remote");
    git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
    opts.callbacks.push_update_reference = push_ref_cb;
    opts.callbacks.payload = &ps;
    if (git_remote_push(r, &specs, &opts))
        rc = git_fail(err, TOCSIN_ERUNTIME, "cannot push the audit branch");
    else if (ps.msg[0])
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                              "cannot push the audit branch: %s (the "
                              "remote's copy is not an ancestor)", ps.msg);
    git_remote_free(r);
    return rc;
}

int tocsin_audit_identity(struct tocsin_audit *a, char name[128],
                          char email[128])
{
    git_config *cfg = NULL, *snap = NULL;
    const char *n = NULL, *e = NULL;
    int rc = TOCSIN_EINPUT;

    if (git_repository_config(&cfg, a->repo) ||
        git_config_snapshot(&snap, cfg))
        goto out;
    if (git_config_get_string(&n, snap, "user.name") ||
        git_config_get_string(&e, snap, "user.email"))
        goto out;
    tocsin_format(name, 128, "%s", n);
    tocsin_format(email, 128, "%s", e);
    rc = 0;
out:
    git_config_free(snap);
    git_config_free(cfg);
    return rc;
}
