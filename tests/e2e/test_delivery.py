"""Real delivery: SMTP to a real SMTP server started by the test (aiosmtpd),
SMS to a fake Twilio and posts to a fake Mastodon that misbehave on command,
webhooks and the banner over HTTP. Every test reads the journal's final
states with sqlite3 and what the servers received."""
import email
import email.policy
import os
import sqlite3
import subprocess

import pytest

from conftest import git, write
from fakes import FakeHttp, SmtpServer

FIX = os.path.join(os.path.dirname(__file__), "fixtures")
MINI = os.path.join(FIX, "mini.lua")
MINI_CSV = os.path.join(FIX, "mini.csv")
ID = "INC-20261122-01"
SECRETS = {"TS_SMTP_USER": "smtp-user-9f2k", "TS_SMTP_PASS": "smtp-pass-Qx81z",
           "TS_SID": "AC7788sid-secret", "TS_TOKEN": "tok-twilio-6h2j",
           "TS_MASTO": "masto-bearer-5d4c"}


def configure(ws, channels):
    cfg = (ws / "tocsin.lua").read_text()
    (ws / "tocsin.lua").write_text(cfg + "\n" + channels + "\n")


def db(ws):
    return sqlite3.connect(str(ws / ".tocsin" / "journal.db"))


def states(ws, channel, wave=None):
    """States of the channel's messages in occurrences that are due (or of
    one wave), so later waves' queued messages do not count."""
    q = ("select m.state, count(*) from messages m join occurrences o on"
         " o.id = m.occurrence where m.channel = ? and o.state != 'scheduled'")
    args = [channel]
    if wave:
        q += " and o.wave = ?"
        args.append(wave)
    return dict(db(ws).execute(q + " group by 1", args))


def run(tocsin, ws, *args, t=None):
    extra = dict(SECRETS)
    if t:
        extra["TOCSIN_NOW"] = t
    return tocsin(*args, cwd=ws, extra_env=extra)


def open_mini(tocsin, ws):
    r = run(tocsin, ws, "open", MINI, "--audience", MINI_CSV)
    assert r.code == 0, r
    return r


def smtp_channel(port, auth=False, starttls=None):
    s = 'channel "email" { provider = "smtp", url = "smtp://127.0.0.1:%d"' % port
    if auth:
        s += ', user = env "TS_SMTP_USER", password = env "TS_SMTP_PASS"'
    if starttls:
        # a throw-away certificate made by the test: trust it for this channel
        s += ', starttls = true, ca_file = "%s"' % starttls
    return s + ', timeout = "10s" }'


def twilio_channel(url, extra=""):
    return ('channel "sms" { provider = "twilio", base_url = "%s", account = env "TS_SID",'
            ' token = env "TS_TOKEN", from = "+15550001111", timeout = "2s",'
            ' connect_timeout = "2s", attempts = 3%s }' % (url, extra))


def test_smtp_delivers_multipart_alternative_with_encoded_subjects(ws, tocsin):
    with SmtpServer() as smtp:
        configure(ws, smtp_channel(smtp.port))
        open_mini(tocsin, ws)
        r = run(tocsin, ws, "run", ID)
        assert r.code == 0, r
        assert states(ws, "email") == {"sent": 4}
        got = smtp.messages
    assert len(got) == 4
    rcpts = sorted(m["to"][0] for m in got)
    assert rcpts == ["ana@example.com", "bo@example.com", "cy@example.com", "gu@example.com"]
    for m in got:
        raw = m["data"]
        # no bare LF or CR reached the wire (SMTP smuggling)
        assert b"\n" not in raw.replace(b"\r\n", b"")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        types = [p.get_content_type() for p in msg.walk()]
        assert "multipart/alternative" in types
        assert "text/plain" in types and "text/html" in types
        assert msg["Message-ID"] and msg["Date"]
        assert "care@acme.example" in m["from"] or "@" in m["from"]
    tw = next(email.message_from_bytes(m["data"], policy=email.policy.default)
              for m in got if m["to"] == ["bo@example.com"])
    assert str(tw["Subject"]) == "很抱歉：您的訂單 A-2 延誤了"
    body = tw.get_body(("plain",)).get_content()
    assert "這是我們的錯" in body


def test_smtp_auth_and_starttls(ws, tocsin, tmp_path):
    with SmtpServer(user=SECRETS["TS_SMTP_USER"], password=SECRETS["TS_SMTP_PASS"],
                    tls_dir=str(tmp_path)) as smtp:
        configure(ws, smtp_channel(smtp.port, auth=True,
                                   starttls=tmp_path / "cert.pem"))
        assert tocsin("open", MINI, "--audience", MINI_CSV, cwd=ws,
                      extra_env=SECRETS).code == 0
        r = tocsin("run", ID, cwd=ws, extra_env=SECRETS)
        assert r.code == 0, r
        assert len(smtp.messages) == 4
        assert all(m["auth"] for m in smtp.messages)


def test_smtp_wrong_password_is_not_lost(ws, tocsin):
    with SmtpServer(user="someone", password="other") as smtp:
        configure(ws, smtp_channel(smtp.port, auth=True).replace(
            '}', ', attempts = 2 }'))
        open_mini(tocsin, ws)
        r = run(tocsin, ws, "run", ID)
        assert r.code == 0, r
        assert smtp.messages == []
    st = states(ws, "email")
    assert st.get("pending", 0) + st.get("failed", 0) == 4, st
    assert "sent" not in st


def test_twilio_sms_with_basic_auth_idempotency_and_sid(ws, tocsin):
    with FakeHttp("twilio") as tw:
        configure(ws, twilio_channel(tw.url))
        open_mini(tocsin, ws)
        r = run(tocsin, ws, "run", ID)
        assert r.code == 0, r
        posts = tw.posts("/2010-04-01/Accounts/AC7788sid-secret/Messages.json")
        assert len(posts) == 4
        for _, _, headers, _ in posts:
            assert headers["Authorization"].startswith("Basic ")
            assert headers.get("I-Twilio-Idempotency-Token", "").startswith(ID + "/")
        refs = [r for (r,) in db(ws).execute(
            "select provider_ref from messages where channel='sms' and state='sent'")]
        assert sorted(refs) == sorted(m["sid"] for m in tw.sent)


def test_twilio_429_and_5xx_are_retried_later_with_the_same_key(ws, tocsin):
    with FakeHttp("twilio") as tw:
        tw.behave = ["retry429", "500", "503"]
        configure(ws, twilio_channel(tw.url, ', attempts = 5'))
        open_mini(tocsin, ws)
        r = run(tocsin, ws, "run", ID, t="2026-11-22T09:00:00Z")
        assert r.code == 0, r
        st = states(ws, "sms")
        assert st == {"sent": 1, "pending": 3}, st
        # Retry-After: 120 is honoured: not yet due one minute later
        nxt = db(ws).execute("select min(next_attempt_at) from messages where channel='sms'"
                             " and state='pending'").fetchone()[0]
        assert nxt >= 1795338000 + 2
        run(tocsin, ws, "run", ID, t="2026-11-22T09:30:00Z")
        assert states(ws, "sms") == {"sent": 4}
        keys = [h.get("I-Twilio-Idempotency-Token") for _, _, h, _ in tw.posts("Messages.json")]
        assert len(keys) == 7 and len(set(keys)) == 4   # retries reuse the key
        assert len(tw.sent) == 4


def test_twilio_400_is_permanent_and_first_fails_over(ws, tocsin):
    with FakeHttp("twilio") as tw:
        tw.reject = {"+15550100002"}
        configure(ws, twilio_channel(tw.url))
        open_mini(tocsin, ws)
        r = run(tocsin, ws, "run", ID)
        assert r.code == 1, r                  # a message failed
        assert "1 failed" in r.out
        row = db(ws).execute("select m.state, m.attempts, m.error from messages m join occurrences o"
                             " on o.id = m.occurrence where o.wave='acknowledge' and"
                             " m.channel='sms' and m.recipient='C002'").fetchone()
        assert row[0] == "failed" and row[1] == 1
        assert "+15550100002" not in row[2]    # provider text is redacted
        # still-working uses first = {email, sms}; C002 prefers sms -> fails over to email
        run(tocsin, ws, "run", ID, t="2026-11-22T21:00:00Z")
        c2 = dict(db(ws).execute("select m.channel, m.state from messages m join occurrences o"
                                 " on o.id = m.occurrence where o.wave='still-working' and"
                                 " m.recipient='C002'"))
        assert c2 == {"email": "sent"}, c2


def test_twilio_timeout_is_unknown_and_reconciled(ws, tocsin):
    with FakeHttp("twilio") as tw:
        tw.behave = ["hang"]
        configure(ws, twilio_channel(tw.url))
        open_mini(tocsin, ws)
        r = run(tocsin, ws, "run", ID)
        st = states(ws, "sms")
        assert st.get("unknown") == 1, (st, r)
        s = run(tocsin, ws, "status", ID)
        assert "unknown" in s.out
        r = run(tocsin, ws, "reconcile", ID, "--resend", "--as", "Casey <c@acme.example>")
        assert r.code == 0 and "1 unknown message settled" in r.out, r
        run(tocsin, ws, "run", ID)
        assert states(ws, "sms") == {"sent": 4}
        log = git(["log", "audit", "--format=%s"], ws).stdout
        assert "reconcile:" in log


def test_mastodon_honours_idempotency_key(ws, tocsin):
    with FakeHttp("mastodon") as m:
        m.behave = ["hang"]
        configure(ws, 'channel "social" { provider = "mastodon", base_url = "%s",'
                      ' token = env "TS_MASTO", timeout = "2s" }' % m.url)
        open_mini(tocsin, ws)
        assert run(tocsin, ws, "approve", ID, "social", "--as", "Ana Li <ana@acme.example>").code == 0
        run(tocsin, ws, "run", ID, t="2026-11-22T09:10:00Z")
        # the hung request is retried with the same key: no duplicate post
        run(tocsin, ws, "run", ID, t="2026-11-22T10:00:00Z")
        assert states(ws, "social") == {"sent": 3}
        posts = m.posts("/api/v1/statuses")
        for _, _, h, _ in posts:
            assert h["Authorization"] == "Bearer " + SECRETS["TS_MASTO"]
        assert len(m.keys) == 3


def test_banner_put_and_staff_webhook(ws, tocsin):
    with FakeHttp("web") as web:
        configure(ws, 'channel "banner" { provider = "http", url = "%s/banner" }\n'
                      'channel "tasks" { provider = "webhook", url = "%s/tasks", format = "json" }'
                  % (web.url, web.url))
        open_mini(tocsin, ws)
        assert run(tocsin, ws, "run", ID).code == 0
        puts = [r for r in web.requests if r[0] == "PUT" and r[1] == "/banner"]
        assert len(puts) == 1 and b"tocsin-banner" in puts[0][3]
        tasks = web.posts("/tasks")
        assert len(tasks) == 2
        import json
        body = json.loads(tasks[0][3])
        assert body["channel"] == "tasks" and body["incident"] == ID


def test_banner_file_is_written_atomically(ws, tocsin, tmp_path):
    target = tmp_path / "www" / "banner.html"
    target.parent.mkdir()
    configure(ws, 'channel "banner" { provider = "file", path = "%s" }' % target)
    open_mini(tocsin, ws)
    assert run(tocsin, ws, "run", ID).code == 0
    html = target.read_text()
    assert 'lang="en"' in html and 'lang="zh-TW"' in html and "<script" not in html
    assert [p.name for p in target.parent.iterdir()] == ["banner.html"]


def test_secrets_never_reach_journal_git_or_output(ws, tocsin):
    with FakeHttp("twilio") as tw, SmtpServer(user=SECRETS["TS_SMTP_USER"],
                                              password=SECRETS["TS_SMTP_PASS"]) as smtp:
        tw.behave = ["500", "hang"]
        configure(ws, smtp_channel(smtp.port, auth=True) + "\n" + twilio_channel(tw.url))
        outs = []
        for args in (("check",), ("open", MINI, "--audience", MINI_CSV), ("run", ID),
                     ("status", ID), ("status", ID, "--json"), ("list", "--json")):
            r = run(tocsin, ws, *args)
            outs += [r.out, r.err]
    blob = "\n".join(outs)
    raw = b"".join(p.read_bytes() for p in (ws / ".tocsin").glob("journal.db*"))
    objs = git(["rev-list", "--objects", "--all"], ws).stdout.split()
    git_text = "\n".join(git(["cat-file", "-p", o], ws).stdout for o in objs if len(o) == 40)
    git_text += git(["log", "--all", "--format=%B"], ws).stdout
    for name, value in SECRETS.items():
        assert value not in blob, name
        assert value.encode() not in raw, name
        assert value not in git_text, name


def test_missing_env_secret_is_named_not_shown(ws, tocsin):
    with FakeHttp("twilio") as tw:
        configure(ws, twilio_channel(tw.url))
        open_mini(tocsin, ws)
        env = dict(SECRETS)
        del env["TS_TOKEN"]
        r = tocsin("run", ID, cwd=ws, extra_env=env)
        assert "TS_TOKEN" in (r.out + r.err) or "TS_TOKEN" in str(
            db(ws).execute("select group_concat(error) from messages").fetchone()[0])
        assert tw.posts() == []
