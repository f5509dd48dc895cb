"""tocsin check: config, playbooks and templates, with errors at file:line."""
import json
import re

import pytest

from conftest import write

FIX = __import__("os").path.join(__import__("os").path.dirname(__file__), "fixtures")


def test_bundled_playbooks_pass(ws, tocsin):
    r = tocsin("check", cwd=ws)
    assert r.code == 0, r
    assert re.search(r"4 playbooks, 0 errors", r.err), r


def test_outside_a_workspace(tmp_path, tocsin):
    r = tocsin("check", cwd=tmp_path)
    assert r.code == 3, r
    assert "not a tocsin workspace" in r.err
    assert "tocsin init" in r.err


def test_mini_fixture_passes_by_path(ws, tocsin):
    r = tocsin("check", FIX + "/mini.lua", cwd=ws)
    assert r.code == 0, r


def bad(ws, name, body):
    return write(ws / "playbooks" / (name + ".lua"), body)


HEAD = '''playbook { id = "x", title = "X", sample = { first_name = "A" } }
'''


def test_unknown_template_names_line_and_hint(ws, tocsin):
    bad(ws, "typo", HEAD + '''template "recall" { en = { sms = "Sorry {{first_name}}" } }
wave "w" { at = "0m", channels = { "sms" }, template = "recal" }
''')
    r = tocsin("check", "typo", cwd=ws)
    assert r.code == 3, r
    assert re.search(r"playbooks/typo\.lua:3(:\d+)?: error: .*unknown template 'recal'", r.err), r
    assert "did you mean 'recall'?" in r.err


def test_all_errors_in_a_file_are_reported(ws, tocsin):
    bad(ws, "many", HEAD + '''template "t" { en = { sms = "hi" } }
wave "a" { at = "0m", channels = { "sms" }, template = "nope" }
wave "b" { at = "10x", channels = { "sms" }, template = "t" }
wave "c" { at = "0m", channels = { "emial" }, template = "t" }
''')
    r = tocsin("check", "many", cwd=ws)
    assert r.code == 3, r
    lines = [l for l in r.err.splitlines() if ": error: " in l]
    assert len(lines) >= 3, r
    assert any("many.lua:3" in l for l in lines)
    assert any("many.lua:4" in l and "10x" in l for l in lines)
    assert any("many.lua:5" in l for l in lines)
    assert "did you mean 'email'?" in r.err


def test_unknown_placeholder_at_its_line(ws, tocsin):
    bad(ws, "ph", HEAD + '''template "t" {
  en = {
    sms = [[Hello {{first_name}},
your order {{ordr_id}} is late]],
  },
}
wave "w" { at = "0m", channels = { "sms" }, template = "t" }
''')
    r = tocsin("check", "ph", cwd=ws)
    assert r.code == 3, r
    assert re.search(r"ph\.lua:5(:\d+)?: error: unknown placeholder 'ordr_id'", r.err), r


def test_template_syntax_error_at_its_line(ws, tocsin):
    bad(ws, "syn", HEAD + '''template "t" {
  en = {
    sms = [[Hello
{{#first_name}} unclosed section]],
  },
}
wave "w" { at = "0m", channels = { "sms" }, template = "t" }
''')
    r = tocsin("check", "syn", cwd=ws)
    assert r.code == 3, r
    assert re.search(r"syn\.lua:5(:\d+)?: error: ", r.err), r


def test_lua_syntax_error(ws, tocsin):
    bad(ws, "lua", HEAD + 'wave "w" { at = "0m", \n')
    r = tocsin("check", "lua", cwd=ws)
    assert r.code == 3, r
    assert re.search(r"lua\.lua:\d+: error: ", r.err), r


HOSTILE = {
    "os_execute": ('os.execute("touch /tmp/tocsin-pwned")', r"execute"),
    "io_open": ('local f = io.open("/etc/passwd")', r"io"),
    "require": ('local os2 = require("os")', r"require"),
    "loop": ('while true do end', r"budget|instruction"),
    "pcall_loop": ('pcall(function() while true do end end) while true do end', r"budget|instruction"),
    "memory": ('local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1e6) .. i end', r"memory"),
    "rep_bomb": ('local s = string.rep("x", 2^40)', r"memory|too large"),
    "binary": ('load("\\27Lua\\x54\\x00")()', r"binary|attempt|chunk"),
    "debug": ('debug.sethook()', r"debug"),
    "dump": ('string.dump(print)', r"dump"),
    "gc": ('collectgarbage("stop")', r"collectgarbage"),
    "strmeta": ('getmetatable("").__index = {}', r"metatable|index|protected|read"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_playbook_is_refused(ws, tocsin, name):
    code, pattern = HOSTILE[name]
    bad(ws, name, HEAD + code + "\n")
    r = tocsin("check", name, cwd=ws)
    assert r.code == 3, r
    m = re.search(r"playbooks/%s\.lua:(\d+)(:\d+)?: error: (.*)" % name, r.err)
    assert m, r
    assert re.search(pattern, m.group(3), re.I), r
    import os
    assert not os.path.exists("/tmp/tocsin-pwned")


def test_secrets_never_printed(ws, tocsin):
    cfg = (ws / "tocsin.lua").read_text()
    cfg += '\nchannel "email" { provider = "smtp", url = "smtp://127.0.0.1:1", user = env "TS_USER", password = env "TS_PASS", bogus = env "TS_PASS" }\n'
    (ws / "tocsin.lua").write_text(cfg)
    r = tocsin("check", cwd=ws, extra_env={"TS_USER": "u-8f3k2", "TS_PASS": "p-s3cr3t-77"})
    assert r.code == 3, r  # 'bogus' is not an smtp option
    assert "bogus" in r.err
    assert "p-s3cr3t-77" not in r.err + r.out
    assert "u-8f3k2" not in r.err + r.out


def test_check_json_for_editors(ws, tocsin):
    bad(ws, "typo", HEAD + '''template "recall" { en = { sms = "Sorry" } }
wave "w" { at = "0m", channels = { "sms" }, template = "recal" }
''')
    r = tocsin("check", "--json", "typo", cwd=ws)
    assert r.code == 3, r
    doc = json.loads(r.out)
    assert doc["errors"] >= 1
    d = doc["diagnostics"][0]
    for k in ("file", "line", "column", "severity", "rule", "message"):
        assert k in d
    assert d["file"].endswith("typo.lua") and d["line"] == 3
