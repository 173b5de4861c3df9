"""``tick()``: the idempotent sweep of due work.

Time-driven work is state in the database plus this sweep, never only a message in a
broker: a crash or restart loses nothing, and running the sweep twice repeats nothing.
Celery beat runs it in production; the ticker thread of `make run` runs it embedded.
Modules register their jobs with :func:`tick_job`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from homeward.core.models import TickRun

logger = logging.getLogger("homeward.tick")

TickJob = Callable[[], int]
_JOBS: dict[str, TickJob] = {}
_lock = threading.Lock()


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


def tick() -> TickRun:
    """Run every registered job once; one failing job does not stop the others."""
    with _lock:
        run = TickRun.objects.create(started_at=timezone.now())
        results: dict[str, int | str] = {}
        ok = True
        for name, job in sorted(registered_jobs().items()):
            try:
                with transaction.atomic():
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
