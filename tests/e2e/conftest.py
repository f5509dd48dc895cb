"""Shared fixtures for tocsin's end-to-end tests.

Every test drives the real binary ($TOCSIN_BIN, default build/tocsin) in a
scratch workspace and reads the results back with real tools (git, sqlite3,
the servers the tests start). The subprocess timeout is a hang guard for CI,
not a speed assertion: nothing here measures time.
"""
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("TOCSIN_BIN", os.path.join(ROOT, "build", "tocsin"))
CONFORMANCE = os.environ.get("TOCSIN_CONFORMANCE",
                             os.path.join(ROOT, "..", "shared", "conformance"))
HANG_GUARD = 900  # seconds; a hung tocsin must not hang CI forever
NOW = "2026-11-22T09:00:00Z"


class Run:
    def __init__(self, p):
        self.code = p.returncode
        self.out = p.stdout
        self.err = p.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (
            self.code, self.out[-4000:], self.err[-4000:])


def base_env(tmp):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("TOCSIN_") and k not in ("TOCSIN_BIN", "TOCSIN_CONFORMANCE"):
            del env[k]
    gitcfg = os.path.join(str(tmp), "gitconfig")
    if not os.path.exists(gitcfg):
        with open(gitcfg, "w") as f:
            f.write("[user]\n\tname = Casey Commander\n\temail = casey@acme.example\n"
                    "[init]\n\tdefaultBranch = main\n")
    # libgit2 reads $HOME/.gitconfig (it does not know GIT_CONFIG_GLOBAL)
    home = os.path.join(str(tmp), "home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, ".gitconfig"), "w") as f:
        f.write(open(gitcfg).read())
    env.update(NO_COLOR="1", TOCSIN_NOW=NOW, GIT_CONFIG_GLOBAL=gitcfg,
               GIT_CONFIG_NOSYSTEM="1", LC_ALL="C.UTF-8", TZ="UTC", HOME=home)
    return env


def run(args, cwd=None, env=None, input=None, tmp=None, extra_env=None):
    e = env if env is not None else base_env(tmp or cwd or "/tmp")
    if extra_env:
        e = dict(e, **extra_env)
    p = subprocess.run([BIN] + list(args), cwd=cwd, env=e, input=input,
                       capture_output=True, text=True, errors="replace",
                       timeout=HANG_GUARD)
    return Run(p)


def git(args, cwd):
    p = subprocess.run(["git"] + list(args), cwd=cwd, capture_output=True,
                       text=True, timeout=HANG_GUARD,
                       env=dict(os.environ, GIT_CONFIG_NOSYSTEM="1"))
    return p


@pytest.fixture
def tocsin(tmp_path):
    """Run tocsin with the test's environment: tocsin(args, cwd=..., ...)."""
    env = base_env(tmp_path)

    def _run(*args, cwd=None, input=None, extra_env=None):
        return run(args, cwd=cwd, env=env, input=input, extra_env=extra_env)
    _run.env = env
    return _run


@pytest.fixture
def ws(tmp_path, tocsin):
    """A fresh workspace made by `tocsin init`."""
    d = tmp_path / "ws"
    r = tocsin("init", str(d))
    assert r.code == 0, r
    return d


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def conformance(sub):
    p = os.path.join(CONFORMANCE, sub)
    if not os.path.isdir(p):
        pytest.skip("conformance folder %s is absent" % p)
    return p
