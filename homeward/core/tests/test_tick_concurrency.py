"""tick() across processes (issue 19, background work 1): a job runs in one place at a
time, and a job run twice at once changes nothing the second time."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from homeward.core import tick as tick_module
from homeward.core.background import lease_acquire, lease_release
from homeward.core.models import AuditEvent, Lease
from homeward.core.tick import BUSY, job_lock, tick
from homeward.testing.backlog import overdue_tips
from homeward.tips.models import Tip
from homeward.tips.services import tips_flag_overdue

# Threads need committed data: these tests run in real transactions. They make the few
# reference rows they need (homeward.testing.backlog.district_police).
concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _at_once(func: Callable[[], Any], copies: int = 2) -> list[Any]:
    """Run ``func`` in ``copies`` threads released together; each has its own database
    connection, as two processes would."""
    barrier = threading.Barrier(copies)
    results: list[Any] = [None] * copies
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = func()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def _overdue_events() -> Counter[str]:
    return Counter(
        AuditEvent.objects.filter(action="tip_overdue").values_list("object_id", flat=True)
    )


@concurrent
def test_two_ticks_started_at_once_write_each_overdue_event_once() -> None:
    # given a backlog of clues past their triage deadline
    ids = overdue_tips(400)
    # when two ticks start at the same moment
    runs = _at_once(tick)
    # then every clue is flagged and audited exactly once
    events = _overdue_events()
    assert set(events) == {str(pk) for pk in ids}
    assert max(events.values()) == 1
    assert Tip.objects.filter(pk__in=ids, overdue=True).count() == len(ids)
    flagged = [run.results["tips.sla_overdue"] for run in runs]
    assert sum(n for n in flagged if isinstance(n, int)) == len(ids)


@concurrent
def test_the_overdue_job_run_twice_at_once_without_its_lock_flags_once() -> None:
    # given a backlog, and two copies of the job that bypass the tick's lock
    ids = overdue_tips(300)
    # when both run at once in small batches
    counts = _at_once(lambda: tips_flag_overdue(batch=7))
    # then the condition re-checked in each row update lets one of them win each clue
    assert sum(counts) == len(ids)
    events = _overdue_events()
    assert len(events) == len(ids)
    assert max(events.values()) == 1


@concurrent
def test_a_job_held_by_another_process_is_skipped_as_busy() -> None:
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        try:
            with job_lock("tips.sla_overdue") as got:
                assert got
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(timeout=30)
        overdue_tips(3)
        run = tick()
    finally:
        release.set()
        thread.join(timeout=30)
    assert run.results["tips.sla_overdue"] == BUSY
    assert run.ok
    # the clues wait for the holder (or the next tick), they are not lost
    assert Tip.objects.filter(overdue=False).count() == 3
    assert tick().results["tips.sla_overdue"] == 3


@pytest.mark.django_db
def test_a_job_lock_is_free_again_after_the_job() -> None:
    with job_lock("core.prune_tick_history") as got:
        assert got
    with job_lock("core.prune_tick_history") as again:
        assert again
    if connection.vendor == "sqlite":
        assert not Lease.objects.filter(name__startswith="tick:").exists()


@pytest.mark.django_db
def test_a_lease_left_by_a_dead_process_expires() -> None:
    token = lease_acquire("tick:demo", seconds=30)
    assert token is not None
    assert lease_acquire("tick:demo", seconds=30) is None
    Lease.objects.filter(name="tick:demo").update(expires_at="2000-01-01T00:00:00Z")
    taker = lease_acquire("tick:demo", seconds=30)
    assert taker is not None and taker != token
    lease_release("tick:demo", token)  # the old holder's release does nothing
    assert Lease.objects.filter(name="tick:demo", holder=taker).exists()


@pytest.mark.django_db
def test_a_failing_job_releases_its_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(tick_module._JOBS, "test.broken", broken)
    assert tick().results["test.broken"] == "error"
    with job_lock("test.broken") as got:
        assert got
