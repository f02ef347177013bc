"""Summarise a locust run (its *_stats.csv) against the goals: no errors, p95 under 500 ms (--max-p95),
and with --min-rps a throughput.

    python tests/load/summary.py artifacts/load/load_stats.csv --users 50 --duration 60s \
        --out artifacts/load/summary

Prints a Markdown table per request name and overall, writes it to OUT.md and the figures to OUT.json,
and exits 1 when a goal is missed.
"""

import argparse
import csv
import json
import os
import platform
import sys
from pathlib import Path

P95_GOAL_MS = 500


def number(value: str) -> float:
    """A locust figure; 'N/A' (no request of that name in the measured time) as 0."""
    return 0.0 if value == "N/A" else float(value)


def read(stats_csv: Path) -> list[dict]:
    with stats_csv.open(newline="") as handle:
        return [
            {
                "name": row["Name"] if row["Name"] != "Aggregated" else "all requests",
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": number(row["Requests/s"]),
                "p50_ms": number(row["50%"]),
                "p95_ms": number(row["95%"]),
                "max_ms": number(row["Max Response Time"]),
            }
            for row in csv.DictReader(handle)
            if int(row["Request Count"])
        ]


def markdown(rows: list[dict], users: int, duration: str) -> str:
    lines = [
        f"{users} users for {duration} on {platform.node()} ({platform.machine()}, {os.cpu_count()} cores)",
        "",
        "| request | requests | req/s | p50 ms | p95 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['requests']} | {row['rps']:.1f} | {row['p50_ms']:.0f} | "
            f"{row['p95_ms']:.0f} | {row['max_ms']:.0f} | {row['failures']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("stats_csv", type=Path)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--duration", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--logins", type=Path, help="the logins' figures, kept aside by the locustfile")
    parser.add_argument(
        "--min-rps", type=float, default=0, help="throughput goal in requests/s over all requests (0: none)"
    )
    parser.add_argument(
        "--max-p95", type=float, default=P95_GOAL_MS, help="p95 goal in ms over all requests (0: none)"
    )
    parser.add_argument("--cpu", type=Path, help="each kind of process's share of the CPU (the locustfile's)")
    parser.add_argument("--wait", help="seconds between a person's pages, MIN-MAX")
    args = parser.parse_args(argv)

    rows = read(args.stats_csv)
    total = next(row for row in rows if row["name"] == "all requests")
    text = markdown(rows, args.users, args.duration)
    logins = json.loads(args.logins.read_text()) if args.logins and args.logins.exists() else None
    if logins is None:
        text += "\nThe run stopped before every user had logged in.\n"
    else:
        text += (
            f"\nBefore: {logins['logins']} logins, p50 {logins['p50_ms']:.0f} ms, "
            f"p95 {logins['p95_ms']:.0f} ms, {logins['failures']} failed "
            "(a login hashes the password on purpose).\n"
        )
    cores = os.cpu_count() or 1
    text += (
        f"\nThroughput: {total['rps']:.1f} requests/s over all requests "
        f"({total['rps'] / cores:.1f} per core, {cores} cores).\n"
    )
    if args.wait:
        low, high = (float(value) for value in args.wait.split("-"))
        text += (
            f"{args.users} people pausing {low:g}–{high:g} s between pages ask for about "
            f"{args.users / ((low + high) / 2):.1f} pages/s (a saved form is two requests); a throughput "
            "well below that is the server's limit.\n"
        )
    if args.cpu and args.cpu.exists():
        share = json.loads(args.cpu.read_text())
        text += (
            f"CPU of the machine over the measured time: server {share['server']:.0f} %, database "
            f"{share['database']:.0f} %, load generator {share['load generator']:.0f} %, busy in all "
            f"{share['machine busy']:.0f} %.\n"
        )
    missed = []
    if args.min_rps and total["rps"] < args.min_rps:
        missed.append(f"{total['rps']:.1f} requests/s (goal: at least {args.min_rps:.0f})")
    if logins is None or logins["failures"]:
        missed.append("not every user logged in")
    if total["requests"] == 0:
        missed.append("no request was made")
    if total["failures"]:
        missed.append(f"{total['failures']} errors (goal: 0)")
    if args.max_p95 and total["p95_ms"] >= args.max_p95:
        missed.append(f"p95 {total['p95_ms']:.0f} ms (goal: under {args.max_p95:.0f} ms)")
    met = (
        "Goals met: 0 errors"
        + (f", p95 under {args.max_p95:.0f} ms" if args.max_p95 else "")
        + (f", at least {args.min_rps:.0f} requests/s." if args.min_rps else ".")
    )
    verdict = "Goals missed: " + "; ".join(missed) if missed else met
    text += "\n" + verdict
    print(text)
    args.out.with_suffix(".md").write_text(text + "\n")
    args.out.with_suffix(".json").write_text(
        json.dumps(
            {
                "users": args.users,
                "duration": args.duration,
                "throughput_rps": total["rps"],
                "cpu_share": json.loads(args.cpu.read_text()) if args.cpu and args.cpu.exists() else None,
                "requests": rows,
                "missed": missed,
            },
            indent=1,
        )
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
