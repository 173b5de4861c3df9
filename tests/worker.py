"""A real Celery worker process on Redis for the integration tests.

Needs Redis (HOMEWARD_TEST_REDIS_URL, default redis://127.0.0.1:6379/15). When
HOMEWARD_REQUIRE_SERVICES names "redis" (as CI does) a missing Redis fails the run;
otherwise the test is skipped with the reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("HOMEWARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_url_or_skip() -> str:
    import redis

    try:
        reachable = bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        reachable = False
    if not reachable:
        if "redis" in os.environ.get("HOMEWARD_REQUIRE_SERVICES", ""):
            pytest.fail(f"Redis is required but not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgresql://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def new_queue() -> str:
    return f"homeward-it-{uuid.uuid4().hex[:8]}"


def start_worker(queue: str, broker: str, **extra_env: str) -> subprocess.Popen[bytes]:
    """A worker consuming ``queue``, whose own enqueues also go to ``queue``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.test",
        "HOMEWARD_WORKER_BROKER_URL": broker,
        "HOMEWARD_CELERY_QUEUE": queue,
        "DATABASE_URL": database_url(),
        **extra_env,
    }
    # HOMEWARD_TEST_WORKER_LOG=<file> keeps the worker's output for debugging.
    log_path = os.environ.get("HOMEWARD_TEST_WORKER_LOG")
    output = Path(log_path).open("ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "homeward",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    if process.poll() is not None:
        return
    if kill:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


@contextmanager
def worker_running(queue: str, broker: str, **extra_env: str) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker(queue, broker, **extra_env)
    try:
        yield process
    finally:
        stop_worker(process)


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
