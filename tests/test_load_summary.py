"""The load test's summary (tests/load/summary.py) holds a run to its goals and says where the CPU went."""

import json

import pytest

from tests.load import summary

HEADER = "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,Max Response Time\n"


def run(tmp_path, *, rps=48.6, p95=1400, failures=0, extra=()):
    stats = tmp_path / "load_stats.csv"
    stats.write_text(
        HEADER
        + f"GET,dashboard,900,{failures},15.0,300,{p95},2000\n"
        + f",Aggregated,2900,{failures},{rps},400,{p95},4000\n"
    )
    logins = tmp_path / "logins.json"
    logins.write_text(json.dumps({"logins": 100, "failures": 0, "p50_ms": 2800, "p95_ms": 6700}))
    cpu = tmp_path / "cpu.json"
    cpu.write_text(json.dumps({"server": 88.4, "database": 3.1, "load generator": 6.6, "machine busy": 99.2}))
    out = tmp_path / "summary"
    args = [
        str(stats),
        "--users",
        "100",
        "--duration",
        "60 s",
        "--logins",
        str(logins),
        "--cpu",
        str(cpu),
        "--out",
        str(out),
        *extra,
    ]
    return (
        summary.main(args),
        (tmp_path / "summary.md").read_text(),
        json.loads((tmp_path / "summary.json").read_text()),
    )


def test_a_capacity_run_is_held_to_its_throughput_and_not_to_p95(tmp_path):
    code, text, figures = run(tmp_path, extra=["--min-rps", "44", "--max-p95", "0", "--wait", "1-3"])
    assert code == 0
    assert "Goals met: 0 errors, at least 44 requests/s." in text
    assert "100 people pausing 1–3 s between pages ask for about 50.0 pages/s" in text
    assert "server 88 %, database 3 %, load generator 7 %, busy in all 99 %" in text
    assert figures["cpu_share"]["server"] == 88.4


@pytest.mark.parametrize(
    ("changes", "missed"),
    [
        (
            {"rps": 40.0, "extra": ["--min-rps", "44", "--max-p95", "0"]},
            "40.0 requests/s (goal: at least 44)",
        ),
        ({"p95": 1400}, "p95 1400 ms (goal: under 500 ms)"),
        ({"p95": 300, "failures": 2}, "2 errors (goal: 0)"),
    ],
)
def test_a_missed_goal_fails_the_run_and_says_which(tmp_path, changes, missed):
    code, text, figures = run(tmp_path, **changes)
    assert code == 1
    assert missed in text
    assert figures["missed"]


def test_a_quiet_run_under_500_ms_meets_the_default_goals(tmp_path):
    code, text, _ = run(tmp_path, p95=300)
    assert code == 0
    assert "Goals met: 0 errors, p95 under 500 ms." in text
