/*
 * test_audit.c - the audit branch, read back with the real git CLI.
 */
#include "unit.h"

#include <unistd.h>

#include "tocsin/audit.h"
#include "tocsin/buf.h"

static char repo[64];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* The first line of a command's output. */
static void out1(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void out1(char *buf, size_t n, const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    FILE *p;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    p = popen(cmd, "r");
    buf[0] = '\0';
    if (p) {
        if (!fgets(buf, (int)n, p))
            buf[0] = '\0';
        pclose(p);
    }
    buf[strcspn(buf, "\n")] = '\0';
}

static int setup(void **state)
{
    (void)state;
    snprintf(repo, sizeof repo, "/tmp/tocsin-audit-XXXXXX");
    assert_non_null(mkdtemp(repo));
    assert_int_equal(sh("git -C %s init -q -b main && "
                        "git -C %s -c user.name=P -c user.email=p@x commit "
                        "-q --allow-empty -m first && "
                        "echo staged > %s/staged.txt && "
                        "git -C %s add staged.txt && "
                        "echo dirty > %s/dirty.txt",
                        repo, repo, repo, repo, repo), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf %s", repo);
    return 0;
}

static struct tocsin_audit *open_audit(void)
{
    struct tocsin_audit *a = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    assert_int_equal(tocsin_audit_open(&a, repo, NULL, &err), 0);
    return a;
}

static void commit_action(struct tocsin_audit *a, const char *action,
                          const char *wave, const char *path,
                          const char *data, int64_t when, char *oid,
                          int want)
{
    struct tocsin_audit_file f = {path, data, data ? strlen(data) : 0};
    struct tocsin_trailer tr = {"Tocsin-Note", "line one\nline two"};
    struct tocsin_audit_entry e;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char subject[128];

    memset(&e, 0, sizeof e);
    snprintf(subject, sizeof subject, "%s: INC-1 %s", action,
             wave ? wave : "");
    e.action = action;
    e.incident = "INC-1";
    e.wave = wave;
    e.playbook = "mini";
    e.author_name = "Ana Li";
    e.author_email = "ana@acme.example";
    e.when = when;
    e.subject = subject;
    e.files = path ? &f : NULL;
    e.n_files = path ? 1 : 0;
    e.trailers = &tr;
    e.n_trailers = 1;
    assert_int_equal(tocsin_audit_commit(a, &e, oid, &err), want);
}

static void test_audit_init_and_commit_read_back_with_git(void **state)
{
    struct tocsin_audit *a = open_audit();
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char oid[41], tip[41], line[512], status_before[512], status_after[512];
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);

    (void)state;
    out1(status_before, sizeof status_before,
         "git -C %s status --porcelain | tr '\\n' ' '", repo);
    assert_int_equal(tocsin_audit_init(a, 1795338000, &err), 0);
    assert_int_equal(tocsin_audit_tip(a, tip, &err), 0);
    assert_int_equal(tocsin_audit_init(a, 1795338999, &err), 0);
    assert_int_equal(tocsin_audit_tip(a, oid, &err), 0);
    assert_string_equal(oid, tip); /* idempotent */
    commit_action(a, "open", NULL, "incidents/INC-1/incident.json",
                  "{\"id\":\"INC-1\"}\n", 1795338060, oid, 0);
    out1(line, sizeof line, "git -C %s log -1 audit --format='%%an|%%ae|%%cn|"
                            "%%ce|%%at|%%ct|%%s'", repo);
    assert_string_equal(line, "Ana Li|ana@acme.example|tocsin|"
                              "tocsin@localhost|1795338060|1795338060|"
                              "open: INC-1");
    out1(line, sizeof line, "git -C %s log -1 audit --format=%%B | git "
                            "interpret-trailers --parse | tr '\\n' '|'",
         repo);
    assert_string_equal(line, "Tocsin-Incident: INC-1|Tocsin-Action: open|"
                              "Tocsin-Playbook: mini|Tocsin-Note: line one "
                              "line two|");
    assert_int_equal(sh("git -C %s fsck --strict --no-progress 2>/dev/null",
                        repo), 0);
    out1(status_after, sizeof status_after,
         "git -C %s status --porcelain | tr '\\n' ' '", repo);
    assert_string_equal(status_before, status_after);
    out1(line, sizeof line, "git -C %s rev-list --count main", repo);
    assert_string_equal(line, "1");
    assert_int_equal(tocsin_audit_read(a, NULL,
                                       "incidents/INC-1/incident.json", &b,
                                       &err), 0);
    assert_string_equal(b.ptr, "{\"id\":\"INC-1\"}\n");
    assert_int_equal(tocsin_audit_read(a, NULL, "nope", &b, &err),
                     TOCSIN_EINPUT);
    tocsin_buf_cleanup(&b);
    tocsin_audit_free(a);
}

static void test_audit_concurrent_writer_is_built_upon(void **state)
{
    struct tocsin_audit *a = open_audit(), *b = open_audit();
    struct tocsin_audit_file f = {"incidents/INC-2/x", "b", 1};
    struct tocsin_audit_entry e;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char t0[41], oid[41], line[128];

    (void)state;
    assert_int_equal(tocsin_audit_tip(a, t0, &err), 0);
    memset(&e, 0, sizeof e);
    e.action = "signal";
    e.incident = "INC-2";
    e.subject = "signal: INC-2 x";
    e.author_name = "B";
    e.author_email = "b@x";
    e.when = 1795338100;
    e.files = &f;
    e.n_files = 1;
    e.expected_tip = t0;
    assert_int_equal(tocsin_audit_commit(b, &e, NULL, &err), 0);
    /* 'a' still expects t0: the branch only moved forward, so it builds
     * on b's commit and keeps b's file */
    commit_action(a, "update", NULL, "incidents/INC-1/u", "u", 1795338200,
                  oid, 0);
    out1(line, sizeof line, "git -C %s ls-tree -r --name-only audit | grep "
                            "-c incidents", repo);
    assert_string_equal(line, "3");
    tocsin_audit_free(a);
    tocsin_audit_free(b);
}

static void test_audit_rewritten_branch_is_refused(void **state)
{
    struct tocsin_audit *a = open_audit();
    struct tocsin_audit_entry e;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    struct tocsin_audit_expect x = {NULL, NULL, 0};
    char tip[41], after[41];

    (void)state;
    assert_int_equal(tocsin_audit_tip(a, tip, &err), 0);
    assert_int_equal(sh("git -C %s update-ref refs/heads/audit main", repo),
                     0);
    memset(&e, 0, sizeof e);
    e.action = "close";
    e.incident = "INC-1";
    e.subject = "close: INC-1";
    e.author_name = "A";
    e.author_email = "a@x";
    e.when = 1795339000;
    e.expected_tip = tip;
    assert_int_equal(tocsin_audit_commit(a, &e, NULL, &err), TOCSIN_EAUDIT);
    assert_non_null(strstr(err.msg, "rewritten"));
    assert_int_equal(tocsin_audit_tip(a, after, &err), 0);
    x.tip = tip;
    assert_int_equal(tocsin_audit_verify(a, NULL, &x, &d, &err),
                     TOCSIN_EAUDIT);
    assert_true(d.n_errors >= 1);
    assert_non_null(strstr(d.items[0].msg, "rewritten"));
    tocsin_diags_cleanup(&d);
    /* put it back for the next tests */
    assert_int_equal(sh("git -C %s update-ref refs/heads/audit %s", repo,
                        tip), 0);
    tocsin_audit_free(a);
}

static const char *summary_ok =
    "{\"incident\":\"INC-1\",\"state\":\"open\",\"occurrences\":["
    "{\"wave\":\"ack#1\",\"started\":\"x\",\"done\":\"y\",\"channels\":"
    "{\"email\":{\"sent\":2,\"failed\":1}}}]}";

static const char *receipts_ok =
    "recipient_key\twave\tchannel\tstate\tprovider_ref\tattempts\ttime\t"
    "text_sha256\n"
    "1111111111111111111111111111111111111111111111111111111111111111\tack#1"
    "\temail\tsent\tr1\t1\t2026-11-22T09:00:00Z\t-\n"
    "2222222222222222222222222222222222222222222222222222222222222222\tack#1"
    "\temail\tfailed\t-\t5\t2026-11-22T09:00:00Z\t-\n"
    "3333333333333333333333333333333333333333333333333333333333333333\tack#1"
    "\temail\tsent\tr3\t1\t2026-11-22T09:00:00Z\t-\n";

static void test_audit_verify_findings(void **state)
{
    struct tocsin_audit *a = open_audit();
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    const char *inprog[] = {"INC-1 ack#2"};
    struct tocsin_audit_expect x = {NULL, inprog, 1};
    char oid[41], tip[41];
    size_t i;

    (void)state;
    commit_action(a, "wave-start", "ack#1", NULL, NULL, 1795338300, oid, 0);
    commit_action(a, "wave-done", "ack#1", "incidents/INC-1/summary.json",
                  summary_ok, 1795338400, oid, 0);
    commit_action(a, "update", NULL, "incidents/INC-1/receipts.tsv",
                  receipts_ok, 1795338401, oid, 0);
    commit_action(a, "wave-start", "ack#2", NULL, NULL, 1795338500, oid, 0);
    assert_int_equal(tocsin_audit_tip(a, tip, &err), 0);
    x.tip = tip;
    assert_int_equal(tocsin_audit_verify(a, NULL, &x, &d, &err), 0);
    assert_int_equal(d.n, 0);
    /* ack#2 not in progress any more: its missing wave-done is found */
    x.n_in_progress = 0;
    assert_int_equal(tocsin_audit_verify(a, NULL, &x, &d, &err),
                     TOCSIN_EAUDIT);
    assert_non_null(strstr(d.items[0].msg, "no wave-done"));
    tocsin_diags_cleanup(&d);
    x.n_in_progress = 1;
    /* receipts that do not add up, and out of order */
    commit_action(a, "update", NULL, "incidents/INC-1/receipts.tsv",
                  "recipient_key\twave\tchannel\tstate\tprovider_ref\t"
                  "attempts\ttime\ttext_sha256\n"
                  "3333333333333333333333333333333333333333333333333333333333"
                  "333333\tack#1\temail\tsent\tr\t1\tt\t-\n"
                  "1111111111111111111111111111111111111111111111111111111111"
                  "111111\tack#1\temail\tsent\tr\t1\tt\t-\n",
                  1795338600, oid, 0);
    assert_int_equal(tocsin_audit_verify(a, "INC-1", &x, &d, &err),
                     TOCSIN_EAUDIT);
    assert_string_equal(d.items[0].path, "incidents/INC-1/receipts.tsv");
    assert_non_null(strstr(d.items[0].msg, "not sorted"));
    tocsin_diags_cleanup(&d);
    commit_action(a, "update", NULL, "incidents/INC-1/receipts.tsv",
                  receipts_ok + 0, 1795338700, oid, 0);
    commit_action(a, "update", NULL, "incidents/INC-1/summary.json",
                  "{\"occurrences\":[{\"wave\":\"ack#1\",\"channels\":"
                  "{\"email\":{\"sent\":3}}}]}", 1795338800, oid, 0);
    assert_int_equal(tocsin_audit_verify(a, "INC-1", &x, &d, &err),
                     TOCSIN_EAUDIT);
    for (i = 0; i < d.n; i++)
        if (strstr(d.items[i].msg, "summary.json says 3, receipts have 2"))
            break;
    assert_true(i < d.n);
    tocsin_diags_cleanup(&d);
    tocsin_audit_free(a);
}

static void test_audit_bad_commit_by_hand_is_found(void **state)
{
    struct tocsin_audit *a = open_audit();
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    char line[128];
    size_t i;

    (void)state;
    /* someone commits to audit with plain git: no trailers, wrong
     * committer */
    assert_int_equal(sh("cd %s && t=$(git rev-parse audit^{tree}) && "
                        "c=$(git -c user.name=M -c user.email=m@x "
                        "commit-tree $t -p audit -m 'tweak') && "
                        "git update-ref refs/heads/audit $c", repo), 0);
    out1(line, sizeof line, "git -C %s rev-parse --short=12 audit", repo);
    assert_int_equal(tocsin_audit_verify(a, NULL, NULL, &d, &err),
                     TOCSIN_EAUDIT);
    for (i = 0; i < d.n; i++)
        if (strstr(d.items[i].msg, line) &&
            strstr(d.items[i].msg, "no Tocsin-Action"))
            break;
    assert_true(i < d.n);
    tocsin_diags_cleanup(&d);
    sh("git -C %s update-ref refs/heads/audit audit^", repo);
    tocsin_audit_free(a);
}

static void test_audit_find_origin_and_push(void **state)
{
    struct tocsin_audit *a = open_audit();
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char oid[41], first[41], line[128], bare[96];

    (void)state;
    commit_action(a, "update", NULL, "incidents/INC-9/receipts.tsv",
                  "h\nAAA\tx\n", 1795339100, first, 0);
    commit_action(a, "update", NULL, "incidents/INC-9/receipts.tsv",
                  "h\nAAA\tx\nBBB\ty\n", 1795339200, oid, 0);
    assert_int_equal(tocsin_audit_find_origin(a, "incidents/INC-9/receipts."
                                                 "tsv", "AAA\t", oid, &err),
                     0);
    assert_string_equal(oid, first);
    assert_int_equal(tocsin_audit_find_origin(a, "incidents/INC-9/receipts."
                                                 "tsv", "CCC\t", oid, &err),
                     TOCSIN_EINPUT);
    snprintf(bare, sizeof bare, "%s-bare.git", repo);
    assert_int_equal(sh("git init -q --bare %s", bare), 0);
    assert_int_equal(tocsin_audit_push(a, bare, &err), 0);
    out1(line, sizeof line, "git -C %s rev-parse audit", bare);
    assert_int_equal(tocsin_audit_tip(a, oid, &err), 0);
    assert_string_equal(line, oid);
    sh("rm -rf %s", bare);
    tocsin_audit_free(a);
}

static void test_audit_io_error_leaves_branch(void **state)
{
    struct tocsin_audit *a = open_audit();
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char before[41], after[41], oid[41];

    (void)state;
    if (geteuid() == 0) {
        /* root ignores permissions: make the object store a file's child */
        assert_int_equal(sh("mv %s/.git/objects %s/.git/objects.real && "
                            "touch %s/.git/objects", repo, repo, repo), 0);
    } else {
        assert_int_equal(sh("chmod -R a-w %s/.git/objects", repo), 0);
    }
    assert_int_equal(tocsin_audit_tip(a, before, &err), 0);
    commit_action(a, "update", NULL, "incidents/INC-1/io", "new content",
                  1795339300, oid, TOCSIN_ERUNTIME);
    if (geteuid() == 0)
        sh("rm %s/.git/objects && mv %s/.git/objects.real %s/.git/objects",
           repo, repo, repo);
    else
        sh("chmod -R u+w %s/.git/objects", repo);
    assert_int_equal(tocsin_audit_tip(a, after, &err), 0);
    assert_string_equal(before, after);
    tocsin_audit_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_init_and_commit_read_back_with_git),
        cmocka_unit_test(test_audit_concurrent_writer_is_built_upon),
        cmocka_unit_test(test_audit_rewritten_branch_is_refused),
        cmocka_unit_test(test_audit_verify_findings),
        cmocka_unit_test(test_audit_bad_commit_by_hand_is_found),
        cmocka_unit_test(test_audit_find_origin_and_push),
        cmocka_unit_test(test_audit_io_error_leaves_branch),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
