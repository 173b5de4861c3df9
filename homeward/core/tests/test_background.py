"""One after-commit enqueue, one stalled-work sweep and one lease for every kind of
background run (issue 13, "one way of doing each thing")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from homeward.core import background
from homeward.core.background import (
    claimed,
    enqueue_after_commit,
    lease_acquire,
    run_kind,
    runs_restart_stalled,
)
from homeward.core.models import Lease

pytestmark = pytest.mark.django_db


class FakeTask:
    """A task whose broker may be down; records what was sent."""

    name = "test.fake"

    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []
        self.broker_down = False

    def delay(self, *args: Any) -> None:
        if self.broker_down:
            raise ConnectionError("broker unreachable")
        self.sent.append(args)


@pytest.fixture
def task() -> FakeTask:
    return FakeTask()


@pytest.fixture
def kind(task: FakeTask) -> Iterator[Callable[[list[tuple[Any, ...]]], None]]:
    found: list[tuple[Any, ...]] = []

    def stalled(now: datetime) -> list[tuple[Any, ...]]:
        return list(found)

    run_kind("test.kind", task=task, stalled=stalled, grace=60)

    def set_found(rows: list[tuple[Any, ...]]) -> None:
        found[:] = rows

    yield set_found
    background._KINDS.pop("test.kind", None)


def test_work_is_enqueued_only_after_commit(
    task: FakeTask, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_after_commit(task, 7)
        assert task.sent == []
    assert task.sent == [(7,)]


def test_work_of_a_rolled_back_transaction_is_never_enqueued(task: FakeTask) -> None:
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        enqueue_after_commit(task, 7)
        raise Rollback
    assert task.sent == []


def test_a_broker_that_is_down_neither_undoes_the_commit_nor_raises(
    task: FakeTask, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    task.broker_down = True
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Lease.objects.create(name="committed", holder="x", expires_at=timezone.now())
        enqueue_after_commit(task, 7)
    assert Lease.objects.filter(name="committed").exists()
    assert task.sent == []


def test_the_sweep_restarts_stalled_runs_once_per_grace_period(
    task: FakeTask, kind: Callable[[list[tuple[Any, ...]]], None]
) -> None:
    kind([(1,), (2,)])
    assert runs_restart_stalled()["test.kind"] == 2
    assert sorted(task.sent) == [(1,), (2,)]
    # a slow queue is not filled with copies: the same runs wait for the grace period
    assert runs_restart_stalled()["test.kind"] == 0
    later = timezone.now() + timedelta(seconds=61)
    assert runs_restart_stalled(later)["test.kind"] == 0  # markers are checked on real time
    Lease.objects.filter(name__startswith="restart:test.kind:").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert runs_restart_stalled()["test.kind"] == 2


def test_a_run_the_broker_refused_is_retried_by_the_next_sweep(
    task: FakeTask, kind: Callable[[list[tuple[Any, ...]]], None]
) -> None:
    kind([(5,)])
    task.broker_down = True
    assert runs_restart_stalled()["test.kind"] == 0
    task.broker_down = False
    assert runs_restart_stalled()["test.kind"] == 1
    assert task.sent == [(5,)]


def test_a_claimed_run_is_not_run_twice_at_once() -> None:
    with claimed("test.kind", 9, seconds=60) as first:
        assert first is not None
        with claimed("test.kind", 9, seconds=60) as second:
            assert second is None
        assert first.renew()
    # released on the way out
    assert lease_acquire("run:test.kind:9", seconds=1) is not None


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_it_expires() -> None:
    token = lease_acquire("run:test.kind:3", seconds=60)
    assert token is not None
    with claimed("test.kind", 3, seconds=60) as blocked:
        assert blocked is None
    Lease.objects.filter(name="run:test.kind:3").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with claimed("test.kind", 3, seconds=60) as taken:
        assert taken is not None


def test_every_kind_of_background_run_is_registered() -> None:
    kinds = background.registered_run_kinds()
    assert {"alerts.fanout", "alerts.dispatch", "alerts.partner_push"} <= set(kinds)
    assert {"dna.match_run", "dna.accuracy_report"} <= set(kinds)
