"""tocsin staff: the staffing calculator, driven as a user would.

Asserts the table and the JSON a commander reads, and the exit codes:
2 for usage mistakes, 3 for values the model refuses.
"""
import json
import math
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("TOCSIN_BIN", os.path.join(ROOT, "build", "tocsin"))


def staff(*args):
    return subprocess.run([BIN, "staff", *args], capture_output=True,
                          text=True, timeout=60)


def staff_json(*args):
    p = staff(*args, "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_call_centre_helper_example_needs_14_agents_20_with_shrinkage():
    # 100 calls in 30 minutes, AHT 3 min, 80 % in 20 s, occupancy <= 85 %,
    # shrinkage 30 %: the well-known worked example.
    doc = staff_json("--contacts", "100", "--over", "30m", "--aht", "3m",
                     "--target", "80/20s", "--max-occupancy", "0.85",
                     "--shrinkage", "0.30")
    assert doc["channel"] == "voice"
    assert doc["peak_agents"] == 20
    (row,) = doc["intervals"]
    assert row["start"] == "0s"
    assert row["contacts"] == 100
    assert row["agents_on_phone"] == 14
    assert row["agents"] == 20
    assert abs(row["service_level"] - 0.8883500192) < 1e-9
    assert abs(row["occupancy"] - 10 / 14) < 1e-9


def test_json_has_exactly_the_documented_fields():
    doc = staff_json("--contacts", "600", "--over", "2h", "--interval", "30m")
    assert list(doc) == ["channel", "intervals", "peak_agents"]
    assert [r["start"] for r in doc["intervals"]] == ["0s", "30m", "1h", "1h30m"]
    for r in doc["intervals"]:
        assert list(r) == ["start", "contacts", "agents", "agents_on_phone",
                           "service_level", "asa_s", "occupancy"]
        assert r["contacts"] == pytest.approx(150)
        assert isinstance(r["agents"], int)
        assert r["agents"] >= r["agents_on_phone"]
        for k in ("service_level", "asa_s", "occupancy"):
            assert math.isfinite(r[k])
    assert doc["peak_agents"] == max(r["agents"] for r in doc["intervals"])


def test_defaults_are_6m_aht_80_20_30pc_shrinkage_85pc_occupancy():
    implicit = staff_json("--contacts", "300", "--over", "1h")
    explicit = staff_json("--contacts", "300", "--over", "1h", "--aht", "6m",
                          "--target", "80/20s", "--shrinkage", "0.30",
                          "--max-occupancy", "0.85", "--interval", "1h")
    assert implicit == explicit


def test_table_shows_each_interval_and_the_peak():
    p = staff("--contacts", "100", "--over", "30m", "--aht", "3m")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("voice: 100 contacts over 30m, AHT 3m, "
                               "target 80% in 20s")
    header = next(l for l in lines if l.startswith("start"))
    for col in ("contacts", "agents", "on phone", "service", "ASA",
                "occupancy"):
        assert col in header
    row = lines[lines.index(header) + 1].split()
    assert row[:4] == ["0s", "100.0", "20", "14"]
    assert row[4] == "88.8%"
    assert row[-1] == "71.4%"
    assert "peak: 20 agents at 0s (14 on phone; agents include 30% " \
           "shrinkage)" in p.stdout
    assert "nan" not in p.stdout and "inf" not in p.stdout


def test_chat_concurrency_halves_the_work():
    one = staff_json("--contacts", "400", "--over", "1h", "--channel", "chat",
                     "--aht", "8m", "--concurrency", "1")
    two = staff_json("--contacts", "400", "--over", "1h", "--channel", "chat",
                     "--aht", "8m", "--concurrency", "2")
    half = staff_json("--contacts", "400", "--over", "1h", "--aht", "4m")
    assert two["channel"] == "chat"
    assert two["intervals"][0]["agents"] == half["intervals"][0]["agents"]
    assert two["peak_agents"] < one["peak_agents"]


def test_email_replies_run_on_until_the_promised_time():
    doc = staff_json("--contacts", "960", "--over", "30m", "--aht", "5m",
                     "--channel", "email", "--reply-within", "4h",
                     "--shrinkage", "0", "--max-occupancy", "1")
    rows = doc["intervals"]
    # arrivals over 30m, replies until 4h after the last arrival
    assert [r["start"] for r in rows][-1] == "4h"
    assert len(rows) == 9
    assert sum(r["contacts"] for r in rows) == pytest.approx(960)
    # 80 agent-hours of replies over a 4h window: 20 agents in the middle
    assert [r["agents"] for r in rows[1:8]] == [20] * 7
    assert all(r["service_level"] == 1 and r["asa_s"] == 4 * 3600
               for r in rows)


def test_missing_contacts_is_a_usage_error():
    p = staff("--over", "30m")
    assert p.returncode == 2
    assert "tocsin staff: --contacts is required" in p.stderr
    assert "usage: tocsin staff --contacts N --over DUR" in p.stderr
    assert p.stdout == ""


@pytest.mark.parametrize("args", [
    ["--contacts", "1", "--over", "1h", "--nope"],
    ["--contacts", "1"],
    ["--contacts", "1", "--over", "1h", "stray"],
    ["--contacts", "1", "--over", "1h", "--concurrency", "2"],
    ["--contacts", "1", "--over", "1h", "--channel", "email", "--target",
     "80/20s"],
    ["--contacts"],
])
def test_usage_mistakes_exit_2(args):
    p = staff(*args)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("tocsin staff: ")


@pytest.mark.parametrize("args,needle", [
    (["--contacts", "100", "--over", "30m", "--aht", "0s"], "--aht"),
    (["--contacts", "100", "--over", "30m", "--target", "100/0s"],
     "cannot be met"),
    (["--contacts", "100", "--over", "30m", "--target", "100/20s"],
     "cannot be met"),
    (["--contacts", "100", "--over", "3650d", "--interval", "1s"],
     "more than 100000"),
    (["--contacts", "nan", "--over", "30m"], "not a number"),
    (["--contacts", "-5", "--over", "30m"], "outside"),
    (["--contacts", "1e30", "--over", "30m"], "outside"),
    (["--contacts", "100", "--over", "0s"], "--over"),
    (["--contacts", "100", "--over", "soon"], "invalid duration"),
    (["--contacts", "100", "--over", "30m", "--shrinkage", "1"], "shrinkage"),
    (["--contacts", "100", "--over", "30m", "--max-occupancy", "0"],
     "max-occupancy"),
    (["--contacts", "100", "--over", "30m", "--max-occupancy", "inf"],
     "not a number"),
    (["--contacts", "100", "--over", "30m", "--channel", "fax"],
     "unknown channel"),
    (["--contacts", "1e9", "--over", "1s", "--aht", "1d"],
     "more than 1000000 agents"),
])
def test_bad_values_exit_3_with_an_error(args, needle):
    p = staff(*args)
    assert p.returncode == 3, (p.returncode, p.stderr)
    assert p.stderr.startswith("tocsin staff: error: "), p.stderr
    assert needle in p.stderr
    assert p.stdout == ""


def test_output_never_holds_nan_or_inf():
    # near-idle and near-impossible loads alike
    for contacts, target in (("0.001", "80/20s"), ("5000", "99.9/5s"),
                             ("0", "50/0s")):
        p = staff("--contacts", contacts, "--over", "1h", "--interval",
                  "20m", "--target", target, "--json")
        assert p.returncode == 0, p.stderr
        assert "NaN" not in p.stdout and "Infinity" not in p.stdout
        json.loads(p.stdout)


def test_help_prints_usage_and_exits_0():
    p = staff("--help")
    assert p.returncode == 0
    assert p.stdout.startswith("usage: tocsin staff --contacts N")
