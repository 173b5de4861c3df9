"""Load test of public clue intake on PostgreSQL (issue 5). Run: `python bench/tips_load.py`.

Starts gunicorn (4 workers) on 127.0.0.1 against a fresh PostgreSQL database, then
drives POST /api/v1/tips/ from a second process (this script's threads, loopback only,
bounded in time) and reports sustained requests per second and latency percentiles.
Afterwards it checks that every acknowledged clue (201) is in the database: no accepted
clue is lost, and refused requests got an explicit 429/503, never a silent drop.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = {
    "category": "child_selling",
    "narrative": "有人在车站附近出价出售一名男婴，自称是孩子的亲戚，形迹可疑。",
    "division_code": "500103",
    "address": "菜园坝火车站",
}


def _psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qc", sql],
        check=True,
        capture_output=True,
    )


def _worker(
    port: int, deadline: float, results: list[tuple[int, float, str]], lock: threading.Lock
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps(PAYLOAD).encode()
    local: list[tuple[int, float, str]] = []
    while time.monotonic() < deadline:
        key = uuid.uuid4().hex
        started = time.perf_counter()
        try:
            connection.request(
                "POST",
                "/api/v1/tips/",
                body=body,
                headers={"Content-Type": "application/json", "Idempotency-Key": key},
            )
            response = connection.getresponse()
            data = response.read()
            code = response.status
            tracking = json.loads(data)["tracking_code"] if code == 201 else ""
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            code, tracking = 0, ""
        local.append((code, time.perf_counter() - started, tracking))
    with lock:
        results.extend(local)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8811)
    args = parser.parse_args()

    database = "homeward_bench_tips"
    _psql(f"DROP DATABASE IF EXISTS {database}")
    _psql(f"CREATE DATABASE {database}")
    var = tempfile.mkdtemp(prefix="homeward-load-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.embedded",
        "HOMEWARD_VAR_DIR": var,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
        "HOMEWARD_TIP_HOURLY_LIMIT": "100000000",  # one client address: lift the throttle
        "HOMEWARD_LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "homeward.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request(
                    "GET", "/healthz"
                )
                break
            except OSError:
                time.sleep(0.2)
        results: list[tuple[int, float, str]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=_worker, args=(args.port, deadline, results, lock))
            for _ in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    accepted = [r for r in results if r[0] == 201]
    refused = [r for r in results if r[0] in (429, 503)]
    failed = [r for r in results if r[0] not in (201, 429, 503)]
    latencies = sorted(r[1] for r in results)
    codes = {r[2] for r in accepted}
    stored = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            database,
            "-tAc",
            "SELECT tracking_code FROM tips_tip",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    missing = codes - set(stored)
    print(
        f"machine: {os.cpu_count()} cores; gunicorn {args.workers} workers; {args.clients} client threads; {elapsed:.1f} s"
    )
    print(
        f"requests {len(results)}  accepted {len(accepted)}  refused (429/503) {len(refused)}  other {len(failed)}"
    )
    print(
        f"throughput {len(results) / elapsed:,.0f} req/s; accepted {len(accepted) / elapsed:,.0f} clues/s"
    )
    if latencies:
        p50 = statistics.median(latencies)
        p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
        print(
            f"latency p50 {p50 * 1000:.1f} ms  p99 {p99 * 1000:.1f} ms  max {latencies[-1] * 1000:.1f} ms"
        )
    print(f"acknowledged clues missing from the database: {len(missing)} (stored {len(stored)})")
    _psql(f"DROP DATABASE IF EXISTS {database}")
    if missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
