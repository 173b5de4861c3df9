"""A real Celery worker on Redis runs the tasks the platform enqueues (issue 2 §4).

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
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from homeward.celery import app
from homeward.core.models import TickRun

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("HOMEWARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not _redis_available():
        if "redis" in os.environ.get("HOMEWARD_REQUIRE_SERVICES", ""):
            pytest.fail(f"Redis is required but not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return f"postgresql://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture
def worker(redis_url: str) -> Iterator[str]:
    queue = f"homeward-it-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.test",
        "HOMEWARD_WORKER_BROKER_URL": redis_url,
        "DATABASE_URL": _database_url(),
    }
    process = subprocess.Popen(  # noqa: S603
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
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = redis_url
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(predicate: object, timeout: float = 45.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.25)
    return False


def test_a_worker_on_redis_runs_an_enqueued_task_once(worker: str) -> None:
    from homeward.core.tasks import ping

    token = uuid.uuid4().hex
    with app.connection_for_write() as conn:
        ping.apply_async(args=[token], queue=worker, connection=conn)
    assert _wait_for(lambda: TickRun.objects.filter(results__ping=token).exists())
    time.sleep(1)
    assert TickRun.objects.filter(results__ping=token).count() == 1


def test_the_beat_task_runs_the_tick_sweep_on_the_worker(worker: str) -> None:
    from homeward.core.tasks import run_tick

    before = TickRun.objects.filter(ok=True, results__has_key="core.purge_expired_sessions").count()
    with app.connection_for_write() as conn:
        run_tick.apply_async(queue=worker, connection=conn)
    assert _wait_for(
        lambda: TickRun.objects.filter(
            ok=True, results__has_key="core.purge_expired_sessions"
        ).count()
        > before
    )
