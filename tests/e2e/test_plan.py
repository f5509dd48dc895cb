"""tocsin plan: timeline, counts after preferences, opt-outs and
de-duplication, locales, approvals, deadlines, previews, JSON."""
import os
import re

from conftest import write

FIX = os.path.join(os.path.dirname(__file__), "fixtures")
MINI = os.path.join(FIX, "mini.lua")
MINI_CSV = os.path.join(FIX, "mini.csv")


def plan_json(tocsin, ws, *extra):
    r = tocsin("plan", MINI, "--audience", MINI_CSV, "--json", *extra, cwd=ws)
    assert r.code == 0, r
    return r, r.json()


def wave(doc, name):
    return next(w for w in doc["waves"] if w["name"] == name)


def test_counts_after_preferences_optouts_and_duplicates(ws, tocsin):
    r, doc = plan_json(tocsin, ws)
    assert doc["audience"]["rows"] == 8
    assert doc["audiences"] == {"affected": 7, "complained": 2}
    ack = wave(doc, "acknowledge")
    assert ack["recipients"] == 7
    email, sms = ack["channels"]["email"], ack["channels"]["sms"]
    # C005 shares C001's email; C004's email is invalid; C008 has none
    assert (email["messages"], email["duplicates"], email["no_address"],
            email["opted_out"]) == (4, 1, 2, 0)
    # C003 opted out of sms; C007 shares C001's phone; C008 has none
    assert (sms["messages"], sms["duplicates"], sms["no_address"],
            sms["opted_out"]) == (4, 1, 1, 1)


def test_first_channel_follows_the_recipients_preference(ws, tocsin):
    _, doc = plan_json(tocsin, ws)
    sw = wave(doc, "still-working")
    assert sw["first"] is True
    assert sw["channels"]["email"]["messages"] == 3
    assert sw["channels"]["email"]["duplicates"] == 1
    assert sw["channels"]["sms"]["messages"] == 2


def test_locales_fall_back_script_aware(ws, tocsin):
    _, doc = plan_json(tocsin, ws)
    # zh-Hant-HK -> zh-TW, zh-Hans-SG -> zh-CN, en-GB -> en
    assert wave(doc, "acknowledge")["locales"] == {"en": 2, "zh-TW": 2, "zh-CN": 2}


def test_timeline_times_approvals_deadlines(ws, tocsin):
    _, doc = plan_json(tocsin, ws, "--start", "2026-11-22T09:00:00Z")
    assert doc["start"] == "2026-11-22T09:00:00Z"
    assert wave(doc, "acknowledge")["time"] == "2026-11-22T09:00:00Z"
    assert wave(doc, "social")["time"] == "2026-11-22T09:10:00Z"
    assert wave(doc, "social")["approval"]["role"] == "comms-lead"
    sw = wave(doc, "still-working")
    assert sw["occurrences"][:2] == ["2026-11-22T21:00:00Z", "2026-11-23T09:00:00Z"]
    assert len(sw["occurrences"]) == 6  # 12h .. 72h
    res = wave(doc, "resolved")
    assert res["time"] is None and res["on"] == "resolve"
    assert res["compensation"] == "credit"
    dl = doc["deadlines"][0]
    assert dl["name"] == "first-notice" and dl["status"] == "met"
    assert dl["due"] == "2026-11-22T13:00:00Z"
    # acknowledge promises the next update: still-working's first run
    assert wave(doc, "acknowledge")["next_update"] == "2026-11-22T21:00:00Z"
    assert wave(doc, "call-back")["channels"]["tasks"]["messages"] == 2


def test_previews_are_real_recipients_in_their_language(ws, tocsin):
    _, doc = plan_json(tocsin, ws)
    pv = wave(doc, "acknowledge")["previews"]
    en = next(p for p in pv if p["channel"] == "email" and p["locale"] == "en")
    assert en["recipient"] == "C001"
    assert "Hi Ana," in en["text"]
    assert "A-1" in en["subject"]
    assert "<p>" in en["html"]
    tw = next(p for p in pv if p["channel"] == "sms" and p["locale"] == "zh-TW")
    assert tw["recipient"] == "C002"
    assert "訂單 A-2" in tw["text"]
    # durations read as Chinese for a Chinese recipient
    assert "天" in tw["text"] or "小時" in tw["text"]


def test_set_overrides_a_param(ws, tocsin):
    _, doc = plan_json(tocsin, ws, "--set", "eta=3d")
    assert doc["params"]["eta"] == "3d"
    pv = wave(doc, "acknowledge")["previews"]
    en = next(p for p in pv if p["channel"] == "sms" and p["locale"] == "en")
    assert "3 days" in en["text"]


def test_bad_set_value_is_invalid_input(ws, tocsin):
    r = tocsin("plan", MINI, "--audience", MINI_CSV, "--set", "eta=soon", cwd=ws)
    assert r.code == 3, r
    assert "eta" in r.err and "soon" in r.err


def test_human_output(ws, tocsin):
    r = tocsin("plan", MINI, "--audience", MINI_CSV, cwd=ws)
    assert r.code == 0, r
    assert "timeline" in r.out and "acknowledge" in r.out
    assert "needs approval by comms-lead" in r.out
    assert "first-notice" in r.out
    # bad addresses are warnings naming the line, never the value
    assert re.search(r"mini\.csv:5: warning: .*email", r.err), r
    assert re.search(r"mini\.csv:7: warning: .*phone", r.err), r
    assert "di@example" not in r.err and "12345" not in r.err


def test_malformed_csv_names_the_line(ws, tocsin, tmp_path):
    csv = write(tmp_path / "bad.csv", 'id,first_name,order_id,order_status\nC1,Ann,A1,pending\nC2,"Bob,A2,pending\n')
    r = tocsin("plan", MINI, "--audience", str(csv), cwd=ws)
    assert r.code == 3, r
    assert re.search(r"bad\.csv:3(:\d+)?: error: ", r.err), r


def test_duplicate_id_names_both_lines(ws, tocsin, tmp_path):
    csv = write(tmp_path / "dup.csv", "id,first_name,order_id,order_status\nC1,A,1,pending\nC2,B,2,pending\nC1,C,3,pending\n")
    r = tocsin("plan", MINI, "--audience", str(csv), cwd=ws)
    assert r.code == 3, r
    assert "dup.csv:4" in r.err and "2" in r.err.split("dup.csv:4", 1)[1]


def test_invalid_utf8_is_an_error(ws, tocsin, tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes(b"id,first_name,order_id,order_status\nC1,Jos\xe9,A1,pending\n")
    r = tocsin("plan", MINI, "--audience", str(p), cwd=ws)
    assert r.code == 3, r
    assert "latin1.csv:2" in r.err and "UTF-8" in r.err


def test_hostile_data_does_not_reach_headers_or_html(ws, tocsin, tmp_path):
    csv = write(tmp_path / "evil.csv",
                'id,first_name,order_id,order_status,email,locale\n'
                'C1,"<script>alert(1)</script>","A-1\r\nBcc: victim@example.com",pending,e@example.com,en\n')
    r = tocsin("plan", MINI, "--audience", str(csv), "--json", cwd=ws)
    assert r.code == 0, r
    pv = wave(r.json(), "acknowledge")["previews"]
    em = next(p for p in pv if p["channel"] == "email")
    assert "\r" not in em["subject"] and "\n" not in em["subject"]
    assert "<script" not in em["html"]


def test_bundled_playbook_plans_against_sample(ws, tocsin):
    r = tocsin("plan", "warehouse-outage", "--audience",
               "playbooks/samples/customers.csv", "--json", cwd=ws)
    assert r.code == 0, r
    doc = r.json()
    assert doc["audience"]["rows"] >= 200
    assert any(w["recipients"] > 0 for w in doc["waves"])
