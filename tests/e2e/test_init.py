"""tocsin init: a git workspace with config, playbooks, secret and audit branch."""
import os
import stat

from conftest import git, write


def test_init_creates_workspace(tmp_path, tocsin):
    d = tmp_path / "acme"
    r = tocsin("init", str(d))
    assert r.code == 0, r
    assert (d / ".git").is_dir()
    assert ".tocsin/" in (d / ".gitignore").read_text().splitlines()
    cfg = (d / "tocsin.lua").read_text()
    assert "brand" in cfg and "--" in cfg  # commented config
    for pb in ("warehouse-outage", "recall", "breach", "late-delivery"):
        assert (d / "playbooks" / (pb + ".lua")).is_file(), pb
    assert (d / "playbooks" / "samples" / "customers.csv").is_file()
    secret = d / ".tocsin" / "secret"
    mode = stat.S_IMODE(os.stat(secret).st_mode)
    assert mode == 0o600
    s = secret.read_text().strip()
    assert len(s) == 64 and all(c in "0123456789abcdef" for c in s)


def test_init_audit_branch_written_without_index(tmp_path, tocsin):
    d = tmp_path / "acme"
    assert tocsin("init", str(d)).code == 0
    log = git(["log", "audit", "--format=%s%n%(trailers:key=Tocsin-Action,valueonly)"], d)
    assert log.returncode == 0, log.stderr
    assert log.stdout.splitlines()[0] == "init: audit history"
    assert "init" in log.stdout.splitlines()[1]
    assert git(["fsck", "--strict"], d).returncode == 0
    # the index and main are untouched: nothing staged, main unborn
    assert git(["ls-files", "--cached"], d).stdout == ""
    assert git(["rev-parse", "--verify", "-q", "refs/heads/main"], d).returncode != 0
    assert git(["symbolic-ref", "HEAD"], d).stdout.strip() == "refs/heads/main"


def test_init_twice_changes_nothing(tmp_path, tocsin):
    d = tmp_path / "acme"
    assert tocsin("init", str(d)).code == 0
    secret = (d / ".tocsin" / "secret").read_text()
    (d / "tocsin.lua").write_text("-- mine\nbrand { name = \"Mine\" }\n")
    tip = git(["rev-parse", "audit"], d).stdout
    r = tocsin("init", str(d))
    assert r.code == 0, r
    assert "nothing to do" in r.out
    assert (d / ".tocsin" / "secret").read_text() == secret
    assert (d / "tocsin.lua").read_text().startswith("-- mine")
    assert git(["rev-parse", "audit"], d).stdout == tip


def test_init_in_existing_repo_keeps_main(tmp_path, tocsin):
    d = tmp_path / "repo"
    d.mkdir()
    assert git(["init", "-q", "-b", "main"], d).returncode == 0
    write(d / "notes.txt", "hello\n")
    git(["add", "notes.txt"], d)
    assert git(["-c", "user.name=P", "-c", "user.email=p@x", "commit", "-qm", "first"], d).returncode == 0
    head = git(["rev-parse", "main"], d).stdout
    write(d / "notes.txt", "edited, not staged\n")
    r = tocsin("init", str(d))
    assert r.code == 0, r
    assert git(["rev-parse", "main"], d).stdout == head
    st = git(["status", "--porcelain"], d).stdout
    assert " M notes.txt" in st
    assert git(["rev-parse", "--verify", "audit"], d).returncode == 0


def test_init_on_a_file_fails_clearly(tmp_path, tocsin):
    f = tmp_path / "afile"
    f.write_text("x")
    r = tocsin("init", str(f))
    assert r.code == 1, r
    assert "error:" in r.err


def test_workspace_secret_never_in_git(tmp_path, tocsin):
    d = tmp_path / "acme"
    assert tocsin("init", str(d)).code == 0
    secret = (d / ".tocsin" / "secret").read_text().strip()
    objs = git(["rev-list", "--objects", "--all"], d).stdout.split()
    for o in objs:
        if len(o) == 40:
            body = git(["cat-file", "-p", o], d).stdout
            assert secret not in body
