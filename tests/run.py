#!/usr/bin/python3
"""Run every test of tocsin and end with the line "N passed, N failed".

Called by `make check` (and `make asan` with TOCSIN_BUILD=build-asan):
  1. the C unit tests (cmocka, TAP output), one binary per subsystem;
  2. the source checks (banned functions, exported symbol prefix, which files
     may include lua.h);
  3. luacheck over lua/ and playbooks/;
  4. the end-to-end tests (pytest, driving build/tocsin).
Skipped cases are counted and reported, never as passed.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("TOCSIN_BUILD", "build"))
passed = failed = skipped = 0
failures = []


def record(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        failures.append((name, detail))


def unit_tests():
    tdir = os.path.join(BUILD, "tests")
    if not os.path.isdir(tdir):
        return
    for name in sorted(os.listdir(tdir)):
        path = os.path.join(tdir, name)
        if not name.startswith("test_") or not os.access(path, os.X_OK):
            continue
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
        p = subprocess.run([path], cwd=ROOT, env=env, capture_output=True,
                           text=True, errors="replace")
        out = p.stdout + p.stderr
        n_ok = n_bad = 0
        for line in p.stdout.splitlines():
            if re.match(r"^(not ok|ok) \d+ # SKIP", line):
                global skipped
                skipped += 1
                print("skip %s: %s" % (name, line.split("# SKIP", 1)[1].strip()))
                continue
            m = re.match(r"^(not ok|ok) \d+ - (\S+)(.*)$", line)
            if not m:
                continue
            if m.group(1) == "ok":
                n_ok += 1
                record(name + ":" + m.group(2), True)
            else:
                n_bad += 1
                record(name + ":" + m.group(2), False, out[-3000:])
        if p.returncode != 0 and n_bad == 0:
            record(name, False, "exit %d\n%s" % (p.returncode, out[-3000:]))
        print("unit %-28s %3d ok %3d failed" % (name, n_ok, n_bad),
              flush=True)


BANNED = r"\b(strcpy|strcat|strncpy|strncat|sprintf|vsprintf|gets|strtok|atoi|atol)\s*\("


def source_checks():
    hits = []
    for d in ("src", "tools"):
        for f in sorted(os.listdir(os.path.join(ROOT, d))):
            if not f.endswith((".c", ".h")):
                continue
            text = open(os.path.join(ROOT, d, f), encoding="utf-8").read()
            for i, line in enumerate(text.splitlines(), 1):
                if re.search(BANNED, line) and not line.strip().startswith(("*", "/*")):
                    hits.append("%s/%s:%d: %s" % (d, f, i, line.strip()))
                if re.search(r"\bv?snprintf\s*\(", line) and f not in (
                        "buf.c", "error.c") and d == "src":
                    hits.append("%s/%s:%d: snprintf outside buf.c/error.c" % (d, f, i))
    record("source: banned functions", not hits, "\n".join(hits))

    lua_users = []
    for f in sorted(os.listdir(os.path.join(ROOT, "src"))):
        text = open(os.path.join(ROOT, "src", f), encoding="utf-8").read()
        if re.search(r'#\s*include\s*[<"](lua|lauxlib|lualib)\.h', text):
            lua_users.append(f)
    allowed = {"sandbox.c", "dsl.c", "lint.c", "sandbox_lua.h"}
    extra = sorted(set(lua_users) - allowed)
    record("source: only the sandbox, DSL and linter include lua.h", not extra,
           "also: %s" % extra)

    lib = os.path.join(BUILD, "libtocsin.a")
    if os.path.exists(lib):
        p = subprocess.run(["nm", "-g", "--defined-only", lib],
                           capture_output=True, text=True)
        bad = []
        for line in p.stdout.splitlines():
            parts = line.split()
            if (len(parts) == 3 and parts[1] in "TDBR"
                    and not parts[2].startswith("tocsin_")
                    and not parts[2].startswith(("__odr_asan", "__asan", "__ubsan", "__sancov"))):
                bad.append(parts[2])
        record("source: exported symbols start with tocsin_", not bad,
               " ".join(sorted(set(bad))[:40]))


def luacheck():
    dirs = [d for d in ("lua", "playbooks") if os.path.isdir(os.path.join(ROOT, d))]
    if not dirs:
        return
    p = subprocess.run(["luacheck", "--no-color", "-q"] + dirs, cwd=ROOT,
                       capture_output=True, text=True)
    print("luacheck %s: %s" % (" ".join(dirs), "clean" if p.returncode == 0 else "FAILED"))
    record("luacheck " + " ".join(dirs), p.returncode == 0, p.stdout + p.stderr)


def e2e():
    global skipped
    edir = os.path.join(ROOT, "tests", "e2e")
    if not os.path.isdir(edir):
        return
    if not any(f.startswith("test_") for f in os.listdir(edir)):
        return
    junit = os.path.join(BUILD, "e2e-junit.xml")
    env = dict(os.environ, TOCSIN_BIN=os.path.join(BUILD, "tocsin"),
               PYTHONDONTWRITEBYTECODE="1")
    args = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
            "--junitxml", junit, edir]
    if os.environ.get("TOCSIN_PYTEST_ARGS"):
        args += os.environ["TOCSIN_PYTEST_ARGS"].split()
    subprocess.run(args, cwd=ROOT, env=env)
    if not os.path.exists(junit):
        record("pytest", False, "no junit report")
        return
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = "%s::%s" % (case.get("classname"), case.get("name"))
        if case.find("skipped") is not None:
            skipped += 1
        elif case.find("failure") is not None or case.find("error") is not None:
            el = case.find("failure")
            if el is None:
                el = case.find("error")
            record(name, False, (el.get("message") or "")[:2000])
        else:
            record(name, True)


def main():
    unit_tests()
    source_checks()
    luacheck()
    e2e()
    for name, detail in failures:
        print("FAILED: %s" % name)
        if detail:
            print("    " + detail.strip().replace("\n", "\n    ")[:3000])
    if skipped:
        print("%d skipped (see the reasons above)" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
