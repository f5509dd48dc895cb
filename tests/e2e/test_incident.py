"""Incidents end to end on the embedded defaults: the journal (read with
sqlite3), the outbox (a Maildir parsed by Python's email package, JSON
lines), and the audit branch (read back with the git CLI)."""
import csv
import email
import email.policy
import fcntl
import glob
import json
import os
import re
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import BIN, HANG_GUARD, git, write

FIX = os.path.join(os.path.dirname(__file__), "fixtures")
MINI = os.path.join(FIX, "mini.lua")
MINI_CSV = os.path.join(FIX, "mini.csv")
ID = "INC-20261122-01"


def at(t):
    return {"TOCSIN_NOW": t}


@pytest.fixture
def opened(ws, tocsin):
    r = tocsin("open", MINI, "--audience", MINI_CSV, "--as",
               "Casey Commander <casey@acme.example>", cwd=ws)
    assert r.code == 0, r
    assert ID in r.out
    return ws


def db(ws):
    return sqlite3.connect(str(ws / ".tocsin" / "journal.db"))


def states(ws, occurrence_wave=None):
    q = ("select m.channel, m.state, count(*) from messages m join occurrences o"
         " on o.id = m.occurrence")
    args = ()
    if occurrence_wave:
        q += " where o.wave = ?"
        args = (occurrence_wave,)
    q += " group by 1, 2"
    return {(c, s): n for c, s, n in db(ws).execute(q, args)}


def test_open_enqueues_and_records(opened, tocsin):
    ws = opened
    j = db(ws)
    assert j.execute("select state, playbook from incidents").fetchall() == [("open", "mini")]
    # acknowledge: 4 email + 4 sms (plan's counts), call-back: 2 tasks
    assert states(ws, "acknowledge") == {("email", "pending"): 4, ("sms", "pending"): 4}
    assert states(ws, "social") == {("social", "held"): 3}
    keys = [k for (k,) in j.execute("select idempotency_key from messages")]
    assert len(keys) == len(set(keys)) and all(k.startswith(ID + "/") for k in keys)
    log = git(["log", "audit", "--format=%an|%s|%(trailers:key=Tocsin-Action,valueonly)"], ws).stdout
    assert log.splitlines()[0].startswith("Casey Commander|open: %s mini" % ID)
    assert "open" in log.splitlines()[0]
    show = git(["show", "audit:incidents/%s/playbook.lua" % ID], ws).stdout
    assert show == open(MINI, encoding="utf-8").read()
    inc = json.loads(git(["show", "audit:incidents/%s/incident.json" % ID], ws).stdout)
    assert inc["audience"]["rows"] == 8 and len(inc["audience"]["sha256"]) == 64


def test_run_delivers_to_maildir_and_json_lines(opened, tocsin):
    ws = opened
    r = tocsin("run", ID, cwd=ws)
    assert r.code == 0, r
    assert re.search(r"email\s+4 sent", r.out) and re.search(r"sms\s+4 sent", r.out)
    mails = sorted(glob.glob(str(ws / ".tocsin/outbox/email/new/*")))
    assert len(mails) == 4
    by_to = {}
    for path in mails:
        raw = open(path, "rb").read()
        assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg.get_content_type() == "multipart/alternative"
        parts = [p.get_content_type() for p in msg.iter_parts()]
        assert parts == ["text/plain", "text/html"]
        assert msg["Message-ID"].startswith("<" + ID)
        assert msg["Date"]
        by_to[str(msg["To"])] = msg
    zh = by_to["bo@example.com"]
    assert str(zh["Subject"]) == "很抱歉：您的訂單 A-2 延誤了"
    assert "=?UTF-8?B?" in zh.as_string()  # encoded on the wire
    assert "這是我們的錯" in zh.get_body(("plain",)).get_content()
    sms = [json.loads(l) for l in open(ws / ".tocsin/outbox/sms/messages.jsonl", encoding="utf-8")]
    assert len(sms) == 4
    for line in sms:
        for k in ("to", "body", "channel", "incident", "wave", "locale", "key"):
            assert k in line
    assert {l["to"] for l in sms} == {"+15550100001", "+15550100002", "+15550100004", "+15550100005"}
    banner = [json.loads(l) for l in open(ws / ".tocsin/outbox/banner/messages.jsonl", encoding="utf-8")]
    assert len(banner) == 1 and 'lang="zh-TW"' in banner[0]["body"]
    j = db(ws)
    sent = j.execute("select count(*) from messages where state='sent' and text_sha256 is not null").fetchone()[0]
    assert sent >= 4 + 4 + 2 + 1
    # a second run sends nothing again
    r2 = tocsin("run", ID, cwd=ws)
    assert r2.code == 0 and "nothing was due" in r2.out, r2
    assert len(glob.glob(str(ws / ".tocsin/outbox/email/new/*"))) == 4


def test_whole_timeline_with_verify(opened, tocsin):
    ws = opened
    run = lambda t: tocsin("run", ID, cwd=ws, extra_env=at(t))
    assert run("2026-11-22T09:00:00Z").code == 0
    # the social post waits for comms-lead
    assert states(ws, "social") == {("social", "held"): 3}
    r = tocsin("approve", ID, "social", "--as", "Ana Li <ana@acme.example>",
               "--note", "wording checked", cwd=ws, extra_env=at("2026-11-22T09:05:00Z"))
    assert r.code == 0, r
    r = tocsin("approve", ID, "social", "--as", "Ana Li <ana@acme.example>",
               cwd=ws, extra_env=at("2026-11-22T09:06:00Z"))
    assert r.code == 3 and "already approved" in r.err, r
    assert run("2026-11-22T09:10:00Z").code == 0
    assert states(ws, "social") == {("social", "sent"): 3}
    # the 12-hourly cadence
    assert run("2026-11-22T21:00:00Z").code == 0
    assert run("2026-11-23T09:00:00Z").code == 0
    occ = db(ws).execute("select wave, seq from occurrences where wave='still-working' order by seq").fetchall()
    assert occ == [("still-working", 1), ("still-working", 2)]
    r = tocsin("resolve", ID, "--as", "Casey <casey@acme.example>", "--message", "shipped",
               cwd=ws, extra_env=at("2026-11-23T10:00:00Z"))
    assert r.code == 0, r
    assert run("2026-11-23T10:00:00Z").code == 0
    resolved = states(ws, "resolved")
    assert resolved == {("email", "sent"): 4, ("sms", "sent"): 4}
    # the cadence stopped at resolve
    assert run("2026-11-23T21:00:00Z").code == 0
    n = db(ws).execute("select count(*) from occurrences where wave='still-working'").fetchone()[0]
    assert n == 2
    mails = glob.glob(str(ws / ".tocsin/outbox/email/new/*"))
    credit = [m for m in mails if "$20.00" in email.message_from_bytes(
        open(m, "rb").read(), policy=email.policy.default).get_body(("plain",)).get_content()]
    assert credit  # the compensation travels with the resolved message
    r = tocsin("close", ID, "--as", "Casey <casey@acme.example>", cwd=ws,
               extra_env=at("2026-11-23T22:00:00Z"))
    assert r.code == 0, r
    r = tocsin("resolve", ID, "--as", "Casey <casey@acme.example>", cwd=ws)
    assert r.code == 3 and "closed" in r.err
    v = tocsin("audit", "verify", cwd=ws)
    assert v.code == 0, v
    assert git(["fsck", "--strict", "--no-progress"], ws).returncode == 0
    actions = git(["log", "audit", "--reverse", "--format=%(trailers:key=Tocsin-Action,valueonly)"], ws).stdout.split()
    for a in ("open", "approve", "wave-start", "wave-done", "resolve", "close"):
        assert a in actions
    # every commit time is the event time, author the actor
    first = git(["log", "audit", "--reverse", "--format=%an|%ad", "--date=iso-strict"], ws).stdout.splitlines()
    assert any(l.startswith("Ana Li|2026-11-22T09:05:00") for l in first)
    # receipts: sorted, keyed by HMAC, consistent
    rec = git(["show", "audit:incidents/%s/receipts.tsv" % ID], ws).stdout.splitlines()
    assert rec[0].split("\t") == ["recipient_key", "wave", "channel", "state",
                                  "provider_ref", "attempts", "time", "text_sha256"]
    assert rec[1:] == sorted(rec[1:])
    log = tocsin("audit", "log", ID, cwd=ws)
    assert log.code == 0 and "approve" in log.out and "Ana Li" in log.out


def test_no_customer_data_in_git(ws, tocsin, tmp_path):
    # distinctive values, so that a hit can only be a leak
    rows = ["id,first_name,name,email,phone,locale,order_id,order_status,stage"]
    values = []
    for i in range(30):
        first = "Zelphin%sa" % chr(97 + i % 26)
        name = "%s Quorvath%d" % (first, i)
        mail = "zq.%d.leak@example.org" % i
        phone = "+1555030%04d" % (i * 7 + 1)
        order = "ORD-LEAK-%d" % i
        rows.append("Q%d,%s,%s,%s,%s,%s,%s,pending,%s" % (
            i, first, name, mail, phone, ["en", "zh-TW", "zh-CN"][i % 3], order,
            "complaint" if i % 5 == 0 else "loyal"))
        values += [first, name, mail, phone]
    aud = write(tmp_path / "leak.csv", "\n".join(rows) + "\n")
    assert tocsin("open", MINI, "--audience", str(aud), cwd=ws).code == 0
    for t in ("2026-11-22T09:00:00Z", "2026-11-22T21:00:00Z"):
        assert tocsin("run", ID, cwd=ws, extra_env=at(t)).code == 0
    assert tocsin("resolve", ID, "--as", "C <c@acme.example>", cwd=ws).code == 0
    assert tocsin("run", ID, cwd=ws).code == 0
    assert tocsin("close", ID, "--as", "C <c@acme.example>", cwd=ws).code == 0
    objs = git(["rev-list", "--objects", "audit"], ws).stdout.split()
    blobs = [o for o in objs if len(o) == 40]
    assert len(blobs) > 10
    for o in blobs:
        body = git(["cat-file", "-p", o], ws).stdout
        for v in values:
            assert v not in body, (v, o)
    msgs = git(["log", "audit", "--format=%B"], ws).stdout
    for v in values:
        assert v not in msgs


def test_prove_finds_the_receipt(opened, tocsin):
    ws = opened
    assert tocsin("run", ID, cwd=ws).code == 0
    r = tocsin("audit", "prove", ID, "--recipient", "C002", "--json", cwd=ws)
    assert r.code == 0, r
    doc = r.json()
    msgs = doc["messages"]
    assert {m["channel"] for m in msgs} >= {"email", "sms"}
    for m in msgs:
        if m["state"] == "sent":
            assert m["matches"] is True and m["sha256"] == m["recorded_sha256"]
            assert m["commit"] and m["receipt"].startswith(doc["recipient_key"])


def test_main_branch_and_index_untouched(opened, tocsin):
    ws = opened
    write(ws / "notes.md", "draft\n")
    git(["add", "notes.md"], ws)
    before = git(["status", "--porcelain"], ws).stdout
    assert tocsin("run", ID, cwd=ws).code == 0
    assert git(["status", "--porcelain"], ws).stdout == before
    assert git(["rev-parse", "--verify", "-q", "main"], ws).returncode != 0


def test_second_run_is_busy(opened, tocsin):
    ws = opened
    lock_dir = ws / ".tocsin" / "locks"
    lock_dir.mkdir(exist_ok=True)
    with open(lock_dir / (ID + ".lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        f.write("4242\n")
        f.flush()
        r = tocsin("run", ID, cwd=ws)
        assert r.code == 4, r
        assert "being run by another tocsin" in r.err
    assert states(ws, "acknowledge") == {("email", "pending"): 4, ("sms", "pending"): 4}


def test_bad_ids_and_waves(opened, tocsin):
    ws = opened
    r = tocsin("run", "INC-20261122-02", cwd=ws)
    assert r.code == 3 and "unknown incident" in r.err and "did you mean" in r.err
    r = tocsin("approve", ID, "socail", "--as", "Ana Li <ana@acme.example>", cwd=ws)
    assert r.code == 3 and "did you mean 'social'" in r.err
    r = tocsin("approve", ID, "social", "--as", "Mallory <m@evil.example>", cwd=ws)
    assert r.code == 3 and "not an approver" in r.err
    r = tocsin("open", MINI, "--audience", MINI_CSV, "--id", ID, cwd=ws)
    assert r.code == 3 and "already exists" in r.err
    r = tocsin("status", cwd=ws / "..")
    assert r.code == 3 and "not a tocsin workspace" in r.err


def test_bad_row_stops_open_before_anything_is_queued(ws, tocsin, tmp_path):
    csv_path = write(tmp_path / "bad.csv",
                     "id,first_name,email,order_id,order_status\n"
                     "C1,Ann,ann@example.com,A1,pending\n"
                     "C2,Bob,bob@example.com,A2,pending\n")
    r = tocsin("open", MINI, "--audience", str(csv_path), "--set", "credit=USD 5",
               "--set", "eta=soon", cwd=ws)
    assert r.code == 3, r
    assert not (ws / ".tocsin" / "journal.db").exists() or \
        db(ws).execute("select count(*) from incidents").fetchone()[0] == 0
    log = git(["log", "audit", "--format=%s"], ws).stdout
    assert "open:" not in log


def test_status_and_list_json(opened, tocsin):
    ws = opened
    r = tocsin("status", ID, "--json", cwd=ws)
    assert r.code == 0 and r.json()["id"] == ID and r.json()["state"] == "open"
    r = tocsin("list", "--json", cwd=ws)
    assert r.code == 0
    assert r.json()["incidents"][0]["id"] == ID


def test_draft_holds_every_wave(ws, tocsin):
    r = tocsin("open", MINI, "--audience", MINI_CSV, "--draft", cwd=ws)
    assert r.code == 0, r
    assert tocsin("run", ID, cwd=ws).code == 0
    st = states(ws)
    assert all(s == "held" for (_, s) in st), st
    assert tocsin("list", "--json", cwd=ws).json()["incidents"][0]["state"] == "draft"
    r = tocsin("approve", ID, "draft", "--as", "Casey <casey@acme.example>", cwd=ws)
    assert r.code == 0, r
    assert tocsin("run", ID, cwd=ws).code == 0
    assert states(ws, "acknowledge") == {("email", "sent"): 4, ("sms", "sent"): 4}


def test_rewritten_audit_branch_is_detected(opened, tocsin):
    ws = opened
    assert tocsin("run", ID, cwd=ws).code == 0
    git(["update-ref", "refs/heads/audit", "audit~3"], ws)
    v = tocsin("audit", "verify", cwd=ws)
    assert v.code == 5, v
    assert "rewritten" in v.err
    r = tocsin("signal", ID, "refund-issued", "--as", "Casey <casey@acme.example>", cwd=ws)
    assert r.code == 5 and "rewritten" in r.err


def test_corrupted_journal_is_a_clear_error(opened, tocsin):
    ws = opened
    p = ws / ".tocsin" / "journal.db"
    for extra in ("-wal", "-shm"):
        if os.path.exists(str(p) + extra):
            os.remove(str(p) + extra)
    p.write_bytes(b"this is not a database" * 100)
    r = tocsin("status", ID, cwd=ws)
    assert r.code == 1, r
    assert "journal" in r.err and "error:" in r.err


def test_kill_9_mid_run_loses_and_duplicates_nothing(ws, tocsin, tmp_path):
    # 400 recipients, killed at several points of delivery, then resumed
    rows = ["id,first_name,email,phone,locale,order_id,order_status"]
    for i in range(400):
        rows.append("K%03d,N%d,k%d@example.com,+1555020%04d,en,A%d,pending" % (i, i, i, i, i))
    aud = write(tmp_path / "k.csv", "\n".join(rows) + "\n")
    assert tocsin("open", MINI, "--audience", str(aud), cwd=ws).code == 0
    env = dict(tocsin.env)
    for delay in (0.01, 0.03, 0.05, 0.08, 0.12, 0.17, 0.25, 0.4):
        p = subprocess.Popen([BIN, "run", ID], cwd=ws, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=HANG_GUARD)
    r = tocsin("run", ID, cwd=ws)
    assert r.code == 0, r
    j = db(ws)
    left = j.execute("select count(*) from messages m join occurrences o on o.id = m.occurrence"
                     " where o.wave = 'acknowledge' and m.state != 'sent'").fetchone()[0]
    assert left == 0
    mails = glob.glob(str(ws / ".tocsin/outbox/email/new/*"))
    assert len(mails) == 400  # the key names the file: never twice
    keys = [json.loads(l)["key"] for l in open(ws / ".tocsin/outbox/sms/messages.jsonl")]
    assert len(keys) == len(set(keys)) == 400
    assert tocsin("audit", "verify", cwd=ws).code == 0
