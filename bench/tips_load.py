"""Load test of public clue intake on PostgreSQL (issue 5). Run: `python bench/tips_load.py`.

Starts gunicorn (4 workers) on 127.0.0.1 against a fresh PostgreSQL database, waits
until ``/healthz`` answers ``{"status": "ok"}``, warms every worker, then drives
POST /api/v1/tips/ from this script's threads (loopback only, bounded in time) and
reports sustained requests per second and latency percentiles, with the CPU time the
server spent per request (gunicorn master and workers, and the PostgreSQL backends that
served them), the client's own CPU, SQL statements per clue and the load average.
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

from costs import _pid_cpu, load, machine, measured

ROOT = Path(__file__).resolve().parents[1]
GRACEFUL_SECONDS = 5
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


def _wait_until_healthy(server: subprocess.Popen[bytes], port: int) -> None:
    """Until /healthz answers 200 {"status": "ok"}; fails if gunicorn exits or 60 s pass."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before it was ready")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            answer = response.read()
            if response.status == 200 and json.loads(answer) == {"status": "ok"}:
                return
        except (OSError, http.client.HTTPException, ValueError):
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz with status ok within 60 s")


def _warm(port: int, requests: int) -> None:
    """Load every worker's code and connection before the clock starts."""
    for _ in range(requests):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
        finally:
            connection.close()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _backend_pids(database: str) -> list[int]:
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'",  # noqa: S608
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [int(pid) for pid in out.split()]


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait longer than gunicorn's own graceful timeout; SIGKILL after."""
    server.terminate()
    try:
        server.wait(timeout=GRACEFUL_SECONDS + 15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


STATEMENTS = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
payload = json.loads(%r)
client = Client()
client.post("/api/v1/tips/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="warm-0000-0000")
with CaptureQueriesContext(connection) as queries:
    response = client.post("/api/v1/tips/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="count-0000-0000")
assert response.status_code == 201, response.content
print(len(queries))
"""


def _statements_per_clue(env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", STATEMENTS % json.dumps(PAYLOAD)],
        cwd=ROOT,
        env={**env, "DJANGO_ALLOWED_HOSTS": "testserver"},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    return lines[-1] if result.returncode == 0 and lines else f"? ({result.stderr.strip()[-200:]})"


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
    Path(var, "static").mkdir(parents=True)  # WhiteNoise warns per worker without it
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
            "--graceful-timeout",
            str(GRACEFUL_SECONDS),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_healthy(server, args.port)
        _warm(args.port, args.workers * 8)
        backends = _backend_pids(database)
        cpu_backends_before = _pid_cpu(backends)
        results: list[tuple[int, float, str]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=_worker, args=(args.port, deadline, results, lock))
            for _ in range(args.clients)
        ]
        server_pids = [server.pid, *_children(server.pid)]
        with measured("load", pids=server_pids, quiet=True) as run:
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        backends = _backend_pids(database)
        cpu_backends = _pid_cpu(backends) - cpu_backends_before
    finally:
        _stop(server)
    statements = _statements_per_clue(env)
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
    print(f"machine: {machine()}")
    print(
        f"gunicorn {args.workers} workers; {args.clients} client threads; {elapsed:.1f} s; "
        f"load average {run.load_before} -> {run.load_after} (now {load()})"
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
    served = max(len(results), 1)
    print(
        f"server CPU {run.cpu_others:.2f} s (gunicorn) + {cpu_backends:.2f} s (PostgreSQL) = "
        f"{(run.cpu_others + cpu_backends) / served * 1000:.1f} ms per request "
        f"({run.cpu_others / served * 1000:.1f} + {cpu_backends / served * 1000:.1f}); "
        f"client CPU {run.cpu_self:.2f} s"
    )
    print(f"SQL statements per clue: {statements}")
    print(f"acknowledged clues missing from the database: {len(missing)} (stored {len(stored)})")
    _psql(f"DROP DATABASE IF EXISTS {database}")
    if missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
