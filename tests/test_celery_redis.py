"""A real Celery worker on Redis runs the tasks the platform enqueues (issue 2 §4)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from celery.result import EagerResult

from homeward.celery import app
from homeward.core.models import TickRun
from homeward.testing.celery import celery_conf

from .worker import new_queue, redis_url_or_skip, wait_for, worker_running

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def worker() -> Iterator[str]:
    broker = redis_url_or_skip()
    queue = new_queue()
    # Not eager: the task must travel through Redis to the worker process.
    with (
        celery_conf(broker_url=broker, task_always_eager=False, task_default_queue=queue),
        worker_running(queue, broker),
    ):
        yield queue


def test_a_worker_on_redis_runs_an_enqueued_task_once(worker: str) -> None:
    from homeward.core.tasks import ping

    token = uuid.uuid4().hex
    with app.connection_for_write() as conn:
        result = ping.apply_async(args=[token], queue=worker, connection=conn)
    assert not isinstance(result, EagerResult)  # sent through Redis, not run in this process
    assert wait_for(lambda: TickRun.objects.filter(results__ping=token).exists())
    time.sleep(1)
    assert TickRun.objects.filter(results__ping=token).count() == 1


def test_the_beat_task_runs_the_tick_sweep_on_the_worker(worker: str) -> None:
    from homeward.core.tasks import run_tick

    before = TickRun.objects.filter(ok=True, results__has_key="core.purge_expired_sessions").count()
    with app.connection_for_write() as conn:
        run_tick.apply_async(queue=worker, connection=conn)
    assert wait_for(
        lambda: TickRun.objects.filter(
            ok=True, results__has_key="core.purge_expired_sessions"
        ).count()
        > before
    )
