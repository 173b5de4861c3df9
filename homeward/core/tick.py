"""``tick()``: the idempotent sweep of due work.

Time-driven work is state in the database plus this sweep, never only a message in a
broker: a crash or restart loses nothing, and running the sweep twice repeats nothing.
Celery beat runs it in production; the ticker thread of `make run` runs it embedded.
Modules register their jobs with :func:`tick_job`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from homeward.core.background import lease_acquire, lease_release
from homeward.core.models import TickRun

T = TypeVar("T")

logger = logging.getLogger("homeward.tick")

TickJob = Callable[[], int]
_JOBS: dict[str, TickJob] = {}
BUSY = "busy"


def tick_job(name: str) -> Callable[[TickJob], TickJob]:
    """Register ``func`` as a job of the sweep. It returns how many items it handled."""

    def decorator(func: TickJob) -> TickJob:
        _JOBS[name] = func
        return func

    return decorator


def registered_jobs() -> dict[str, TickJob]:
    _load_default_jobs()
    return dict(_JOBS)


def _load_default_jobs() -> None:
    # Every installed app may have a ``tick_jobs`` module that registers its jobs.
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tick_jobs")


def batch_pause() -> None:
    """Call between two committed batches of a job. SQLite gives its one write lock to
    whichever writer asks when it is free, and a waiting writer only asks again after
    sleeping (up to 100 ms): a job that starts its next batch at once would starve every
    other writer (a public submission, another process's job) until its busy timeout.
    PostgreSQL queues lock waiters in order, so it needs no pause."""
    if connection.vendor == "sqlite":
        time.sleep(settings.TICK_BATCH_PAUSE_MS / 1000)


def keyset_batches(
    rows: QuerySet[Any], size: int | None = None, *, after: int = 0
) -> Iterator[list[Any]]:
    """``rows`` in primary-key order, ``size`` (``TICK_BATCH_SIZE``) at a time, each batch
    read after the last key of the one before (keyset paging: a row changed meanwhile
    is neither skipped nor read twice), with :func:`batch_pause` between batches. The
    caller commits each batch in its own transaction. A ``values_list`` must name the
    primary key first (``flat=True`` on it alone)."""
    size = size or settings.TICK_BATCH_SIZE
    first = True
    while True:
        batch = list(rows.filter(pk__gt=after).order_by("pk")[:size])
        if not batch:
            return
        if not first:
            batch_pause()
        first = False
        last = batch[-1]
        after = last[0] if isinstance(last, tuple) else getattr(last, "pk", last)
        yield batch


def paced(items: Iterable[T], size: int | None = None) -> Iterator[T]:
    """``items`` one by one, with :func:`batch_pause` after every ``size``
    (``TICK_BATCH_SIZE``): for a job whose unit of work commits on its own."""
    size = size or settings.TICK_BATCH_SIZE
    for position, item in enumerate(items):
        if position and position % size == 0:
            batch_pause()
        yield item


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key per job name for PostgreSQL's advisory locks."""
    digest = hashlib.sha256(f"homeward.tick:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Hold the job ``name`` across every process, or yield False if another holds it.

    PostgreSQL: a session-level advisory lock on this connection, released at the end
    (and by the server if the process dies). SQLite: a lease row, taken in a write
    transaction (SQLite's one writer makes the take atomic), released at the end and
    expiring after ``TICK_JOB_LEASE_SECONDS`` if the process dies.
    """
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = bool(cursor.fetchone()[0])
        if not held:
            yield False
            return
        try:
            yield True
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    lease = f"tick:{name}"
    token = lease_acquire(lease, seconds=settings.TICK_JOB_LEASE_SECONDS)
    if token is None:
        yield False
        return
    try:
        yield True
    finally:
        lease_release(lease, token)


def tick() -> TickRun:
    """Run every registered job once; one failing job does not stop the others.

    Each job runs under its lock (:func:`job_lock`): a job still running in another
    process (a tick longer than its interval, two tickers) is skipped and reported as
    ``"busy"``. Jobs commit their own work in small batches and re-check their condition
    in each row update, so that a job run twice changes nothing the second time.
    """
    run = TickRun.objects.create(started_at=timezone.now())
    results: dict[str, int | str] = {}
    ok = True
    for name, job in sorted(registered_jobs().items()):
        with job_lock(name) as held:
            if not held:
                results[name] = BUSY
                continue
            try:
                results[name] = job()
            except Exception:
                logger.exception("tick job %s failed", name)
                results[name] = "error"
                ok = False
    run.finished_at = timezone.now()
    run.results = results
    run.ok = ok
    run.save(update_fields=["finished_at", "results", "ok"])
    return run


class Ticker(threading.Thread):
    """The embedded ticker thread of `make run`: calls tick() every ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="homeward-ticker", daemon=True)
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        from django.db import close_old_connections

        while not self._stop_event.is_set():
            close_old_connections()
            try:
                tick()
            except Exception:
                logger.exception("tick failed")
            finally:
                close_old_connections()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
