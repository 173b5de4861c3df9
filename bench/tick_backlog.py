"""A backlog sweep beside public intake (issue 19): `python bench/tick_backlog.py`.

Starts gunicorn against a fresh database (PostgreSQL by default, or the embedded SQLite
file with ``--database sqlite``), measures how long a public clue submission takes with
nothing else running, then makes ``--backlog`` clues overdue and starts **two** ``manage.py
tick`` processes at once — a tick that runs late and one that runs twice. While they
sweep, client threads keep submitting clues. It prints the submission latency before and
during the sweep (p50, p99, max), the sweep's wall and CPU time, the load average, and
checks what the issue's "Done when" asks:

- every overdue clue is flagged and its ``tip_overdue`` audit event written once;
- no submission during the sweep waited more than ``--target`` seconds (default 1 s);
- every acknowledged clue is in the database.

The exit status is 1 when a check fails. Timings are figures of this run on this
machine, printed with the load that was on it; the test suite asserts none of them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from costs import load, machine
from tips_load import PAYLOAD, _psql, _stop, _wait_until_healthy, _warm

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "homeward_bench_backlog"

SEED = """
from homeward.testing.backlog import overdue_tips
print(len(overdue_tips({count})))
"""


def _submitter(port: int, stop: threading.Event, out: list[tuple[float, float, int, str]]) -> None:
    """Submit clues one after another until ``stop``; (start, seconds, status, code)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps(PAYLOAD).encode()
    while not stop.is_set():
        started = time.monotonic()
        try:
            connection.request(
                "POST",
                "/api/v1/tips/",
                body=body,
                headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
            )
            response = connection.getresponse()
            data = response.read()
            status = response.status
            code = json.loads(data)["tracking_code"] if status == 201 else ""
        except (OSError, http.client.HTTPException, ValueError):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, code = 0, ""
        out.append((started, time.monotonic() - started, status, code))
        time.sleep(0.02)  # a steady trickle, not a load test


def _summary(samples: list[tuple[float, float, int, str]]) -> str:
    if not samples:
        return "no submissions"
    seconds = sorted(s[1] for s in samples)
    p99 = seconds[max(0, int(len(seconds) * 0.99) - 1)]
    return (
        f"{len(seconds)} submissions  p50 {statistics.median(seconds) * 1000:.0f} ms  "
        f"p99 {p99 * 1000:.0f} ms  max {seconds[-1] * 1000:.0f} ms"
    )


def _query(env: dict[str, str], sqlite_path: Path | None, sql: str) -> list[str]:
    if sqlite_path is not None:
        with sqlite3.connect(sqlite_path) as connection:
            return [str(row[0]) for row in connection.execute(sql)]
    out = subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-tAc", sql],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()


def _ticks(env: dict[str, str]) -> tuple[float, float, list[str]]:
    """Two `manage.py tick` processes started together: wall, CPU of both, their output."""
    before = os.times()
    started = time.monotonic()
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "tick"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=1800)
        outputs.append(stdout.strip().splitlines()[-1] if stdout.strip() else stderr[-300:])
    wall = time.monotonic() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument("--target", type=float, default=1.0, help="seconds a submission may wait")
    parser.add_argument("--port", type=int, default=8812)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="homeward-backlog-")
    Path(var, "static").mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.embedded",
        "HOMEWARD_VAR_DIR": var,
        "HOMEWARD_TIP_HOURLY_LIMIT": "100000000",  # one client address: lift the throttle
        "HOMEWARD_LOG_LEVEL": "WARNING",
    }
    sqlite_path: Path | None = None
    if args.database == "postgres":
        _psql(f"DROP DATABASE IF EXISTS {DATABASE}")
        _psql(f"CREATE DATABASE {DATABASE}")
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
    else:
        env.pop("DATABASE_URL", None)
        sqlite_path = Path(var) / "homeward.sqlite3"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    if sqlite_path is not None and not sqlite_path.exists():
        found = sorted(Path(var).glob("*.sqlite3"))
        if not found:
            raise SystemExit(f"no SQLite database in {var} after migrate")
        sqlite_path = found[0]
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "homeward.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
    )
    before: list[tuple[float, float, int, str]] = []
    during: list[tuple[float, float, int, str]] = []
    try:
        _wait_until_healthy(server, args.port)
        _warm(args.port, args.workers * 8)

        stop = threading.Event()
        threads = [
            threading.Thread(target=_submitter, args=(args.port, stop, before))
            for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.baseline_seconds)
        stop.set()
        for thread in threads:
            thread.join()

        seeded = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", SEED.format(count=args.backlog)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]

        stop = threading.Event()
        threads = [
            threading.Thread(target=_submitter, args=(args.port, stop, during))
            for _ in range(args.clients)
        ]
        load_before = load()
        for thread in threads:
            thread.start()
        sweep_wall, sweep_cpu, outputs = _ticks(env)
        stop.set()
        for thread in threads:
            thread.join()
        load_after = load()
    finally:
        _stop(server)

    flagged = int(_query(env, sqlite_path, "SELECT count(*) FROM tips_tip WHERE overdue")[0])
    events = int(
        _query(
            env,
            sqlite_path,
            "SELECT count(*) FROM core_auditevent WHERE action = 'tip_overdue'",
        )[0]
    )
    distinct = int(
        _query(
            env,
            sqlite_path,
            "SELECT count(DISTINCT object_id) FROM core_auditevent WHERE action = 'tip_overdue'",
        )[0]
    )
    stored = set(_query(env, sqlite_path, "SELECT tracking_code FROM tips_tip"))
    acknowledged = {s[3] for s in before + during if s[2] == 201}
    missing = acknowledged - stored
    failed = [s for s in before + during if s[2] != 201]
    worst = max((s[1] for s in during), default=0.0)

    print(f"machine: {machine()}")
    print(f"database: {args.database}; gunicorn {args.workers} workers; {args.clients} submitters")
    print(f"before the backlog: {_summary(before)}")
    print(f"backlog: {seeded} overdue clues; two ticks started at once")
    print(f"  tick outputs: {' | '.join(outputs)}")
    print(
        f"  sweep wall {sweep_wall:.2f} s  cpu {sweep_cpu:.2f} s (both tick processes)  "
        f"load {load_before} -> {load_after}"
    )
    print(f"during the sweep: {_summary(during)}")
    print(f"flagged {flagged}; tip_overdue events {events} for {distinct} clues")
    print(f"failed submissions {len(failed)}; acknowledged clues missing {len(missing)}")
    checks = {
        f"every overdue clue flagged ({args.backlog})": flagged == args.backlog,
        "each overdue event written once": events == distinct == args.backlog,
        f"no submission during the sweep waited more than {args.target:.1f} s": worst
        <= args.target,
        "no submission failed": not failed,
        "no acknowledged clue lost": not missing,
        "submissions were made during the sweep": bool(during),
    }
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    if args.database == "postgres":
        _psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
