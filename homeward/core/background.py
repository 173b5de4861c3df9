"""Background work: one way to start it, one sweep that restarts it, one lease that holds it.

Every kind of background run (an alert ring's fan-out and dispatch, a partner push, a DNA
search, an accuracy report ...) follows the same rules:

1. Its state is a row in the database, written in the transaction that asks for the work.
2. Its task is started with :func:`enqueue_after_commit`: only once that transaction has
   committed, and a broker that is down only delays the work (the failure is logged) —
   it never undoes the commit and never turns the user's answer into an error.
3. Its kind is registered with :func:`run_kind`, naming a finder of stalled work. The
   tick job ``core.restart_stalled_runs`` calls every finder and enqueues again what they
   return: work that was never picked up (the broker was down) or whose worker died. A
   run found stalled is enqueued again at most once per ``grace`` seconds, so a queue
   that is merely slow does not fill up with copies.
4. A task that can be delivered twice (the sweep and the broker may both restart it)
   does its work under :func:`claimed`: a lease per run, so two workers never run the
   same run at once, and a lease that is not renewed expires, so a dead worker's run is
   taken over.

Leases (:class:`homeward.core.models.Lease`) are rows: acquiring one is a conditional
``UPDATE`` or an ``INSERT`` under a unique constraint, atomic on both databases.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.core.models import Lease

logger = logging.getLogger("homeward.background")

__all__ = [
    "Claim",
    "RunKind",
    "claimed",
    "enqueue",
    "enqueue_after_commit",
    "lease_acquire",
    "lease_release",
    "lease_renew",
    "leases_held",
    "registered_run_kinds",
    "run_kind",
    "runs_restart_stalled",
]


class Task(Protocol):
    """What we need of a Celery task: ``delay`` (eager without a broker)."""

    name: str

    def delay(self, *args: Any, **kwargs: Any) -> Any: ...


# --- Starting work ----------------------------------------------------------------------


def enqueue(task: Task, *args: Any) -> bool:
    """Send ``task`` now. False (logged) when the broker cannot be reached: the work's row
    is in the database and the stalled-work sweep starts it later."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep recovers the run
        logger.exception("could not enqueue %s; the sweep will start it", task.name)
        return False
    return True


def enqueue_after_commit(task: Task, *args: Any) -> None:
    """Send ``task`` with ``args`` once the current transaction commits (never if it rolls
    back). Outside a transaction it is sent at once."""
    transaction.on_commit(lambda: enqueue(task, *args))


# --- Leases -----------------------------------------------------------------------------


def lease_acquire(name: str, *, seconds: float) -> str | None:
    """Take the lease ``name`` for ``seconds`` if nobody holds it (or their hold has
    expired). Returns the holder token, or None when someone else holds it."""
    token = uuid.uuid4().hex
    now = timezone.now()
    until = now + timedelta(seconds=seconds)
    with transaction.atomic():
        # On PostgreSQL a concurrent taker blocks on the row and then re-reads the
        # condition, so only one of two takers of an expired lease gets it.
        if Lease.objects.filter(name=name, expires_at__lte=now).update(
            holder=token, expires_at=until
        ):
            return token
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, holder=token, expires_at=until)
    except IntegrityError:
        return None
    return token


def lease_renew(name: str, token: str, *, seconds: float) -> bool:
    """Extend a lease we hold. False if it was lost (expired and taken over)."""
    until = timezone.now() + timedelta(seconds=seconds)
    return bool(Lease.objects.filter(name=name, holder=token).update(expires_at=until))


def lease_release(name: str, token: str) -> None:
    Lease.objects.filter(name=name, holder=token).delete()


def leases_held(names: Iterable[str], *, now: datetime | None = None) -> set[str]:
    """Which of ``names`` are held right now (not expired)."""
    now = now or timezone.now()
    wanted = list(names)
    if not wanted:
        return set()
    return set(
        Lease.objects.filter(name__in=wanted, expires_at__gt=now).values_list("name", flat=True)
    )


@dataclass
class Claim:
    """A held lease on one run. ``renew()`` before ``seconds`` have passed keeps it."""

    name: str
    token: str
    seconds: float

    def renew(self) -> bool:
        return lease_renew(self.name, self.token, seconds=self.seconds)


def claim_name(kind: str, object_id: object) -> str:
    return f"run:{kind}:{object_id}"


@contextmanager
def claimed(kind: str, object_id: object, *, seconds: float) -> Iterator[Claim | None]:
    """Hold the run ``(kind, object_id)`` while the block runs; yields None (and the caller
    does nothing) when another worker holds it. The lease is released on the way out,
    also on error; a worker killed inside the block frees it after ``seconds``."""
    name = claim_name(kind, object_id)
    token = lease_acquire(name, seconds=seconds)
    if token is None:
        yield None
        return
    try:
        yield Claim(name, token, seconds)
    finally:
        lease_release(name, token)


# --- Kinds of run and the stalled-work sweep ----------------------------------------------

StalledFinder = Callable[[datetime], Iterable[Sequence[Any]]]


@dataclass(frozen=True)
class RunKind:
    """A kind of background run: the task that does it and a finder of stalled runs.

    ``stalled(now)`` returns the argument tuples of the runs to start again; ``grace``
    (seconds, or a function that reads them from the settings) is how long after one
    restart the same run may be restarted again.
    """

    name: str
    task: Task
    stalled: StalledFinder
    grace: float | Callable[[], float] = 60.0

    def grace_seconds(self) -> float:
        return float(self.grace() if callable(self.grace) else self.grace)


_KINDS: dict[str, RunKind] = {}


def run_kind(
    name: str,
    *,
    task: Task,
    stalled: StalledFinder,
    grace: float | Callable[[], float] = 60.0,
) -> RunKind:
    """Register a kind of background run (idempotent: the last registration wins)."""
    kind = RunKind(name=name, task=task, stalled=stalled, grace=grace)
    _KINDS[name] = kind
    return kind


def registered_run_kinds() -> dict[str, RunKind]:
    # Kinds are registered by the apps' ``tasks`` and ``tick_jobs`` modules.
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks", "tick_jobs")
    return dict(_KINDS)


def _restart_marker(kind: RunKind, args: Sequence[Any]) -> str:
    return f"restart:{kind.name}:{':'.join(str(a) for a in args)}"


def runs_restart_stalled(now: datetime | None = None) -> dict[str, int]:
    """The sweep: enqueue again every stalled run of every kind. Returns how many runs of
    each kind were started. A kind whose finder fails is logged and skipped."""
    now = now or timezone.now()
    started: dict[str, int] = {}
    for name, kind in sorted(registered_run_kinds().items()):
        count = 0
        try:
            for args in kind.stalled(now):
                marker = _restart_marker(kind, args)
                if lease_acquire(marker, seconds=kind.grace_seconds()) is None:
                    continue  # restarted less than ``grace`` ago: give that one time
                if enqueue(kind.task, *args):
                    count += 1
                else:
                    Lease.objects.filter(name=marker).delete()  # try again next sweep
        except Exception:
            logger.exception("stalled-work finder of %s failed", name)
        started[name] = count
    return started


def leases_prune(now: datetime | None = None, *, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete leases expired for more than ``older_than`` (restart markers pile up)."""
    now = now or timezone.now()
    deleted, _ = Lease.objects.filter(expires_at__lt=now - older_than).delete()
    return deleted
