"""A DNA search asked for while the broker is down is not lost (issue 13: one stalled-work
sweep for every kind of background run): tick() starts it once the broker is back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from kombu.exceptions import OperationalError

from homeward.core.background import claimed
from homeward.core.models import User
from homeward.core.roles import Role
from homeward.core.tick import tick
from homeward.dna import tasks
from homeward.dna.models import MatchCandidate, MatchRun, Specimen
from homeward.dna.services import match_run_start

from .test_dna_module import _import_population, _population

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_dir(settings: Any, tmp_path: Path) -> None:
    settings.DNA_INDEX_DIR = tmp_path / "dna-index"


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna.bg")


def _broker_down(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_search_started_while_the_broker_is_down_is_run_by_the_next_ticks(
    analyst: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _import_population(analyst, _population(n=8, unrelated=4))
    # given the broker is down when the analyst starts a search
    monkeypatch.setattr(tasks.match_run_execute, "delay", _broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(
            actor=analyst, specimen=Specimen.objects.get(specimen_id="C0003"), purpose="寻亲比对"
        )
    # then the request succeeded and the run waits, queued
    run.refresh_from_db()
    assert run.status == MatchRun.Status.QUEUED
    # when the broker is back and the sweep runs after the stall period
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(seconds=tasks.STALL_SECONDS + 5)):
        results = tick().results
    run.refresh_from_db()
    assert results["core.restart_stalled_runs"] >= 1
    assert run.status == MatchRun.Status.DONE
    assert MatchCandidate.objects.filter(run=run, rank=1).exists()
    # a later sweep leaves the finished run alone
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        tick()
    assert MatchCandidate.objects.filter(run=run, rank=1).count() == 1


def test_a_search_held_by_a_live_worker_is_not_started_twice(
    analyst: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _import_population(analyst, _population(n=4, unrelated=2))
    monkeypatch.setattr(tasks.match_run_execute, "delay", _broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(
            actor=analyst, specimen=Specimen.objects.get(specimen_id="C0001"), purpose="寻亲比对"
        )
    monkeypatch.undo()
    # a worker holds the run (it is searching right now)
    with claimed("dna.match_run", run.pk, seconds=tasks.CLAIM_SECONDS) as claim:
        assert claim is not None
        tasks.match_run_execute(run.pk)  # a duplicate delivery does nothing
        run.refresh_from_db()
        assert run.status == MatchRun.Status.QUEUED
        with time_machine.travel(timezone.now() + timedelta(seconds=tasks.STALL_SECONDS + 5)):
            assert tasks._stalled_match_runs(timezone.now()) == []
