"""tick(): the idempotent sweep, and background-work settings (issue 2 §4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from homeward.core.models import AuditEvent, TickRun, User
from homeward.core.tick import registered_jobs, tick

pytestmark = pytest.mark.django_db


def test_tick_runs_every_registered_job_and_records_the_run() -> None:
    run = tick()
    assert run.ok
    assert set(run.results) == set(registered_jobs())
    assert TickRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists()


def test_accounts_unused_for_90_days_are_disabled_once(owner: User) -> None:
    User.objects.filter(pk=owner.pk).update(last_login=timezone.now())
    with time_machine.travel(
        timezone.now() + settings.ACCOUNT_INACTIVITY_LIMIT + timedelta(days=1)
    ):
        first = tick()
        second = tick()
    owner.refresh_from_db()
    assert not owner.is_active
    assert first.results["core.disable_inactive_accounts"] >= 1
    assert second.results["core.disable_inactive_accounts"] == 0
    event = AuditEvent.objects.get(action="user_deactivate", object_id=str(owner.pk))
    assert event.detail["reason"] == "inactive"


def test_a_temporary_account_past_its_expiry_is_disabled(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    User.objects.filter(pk=owner.pk).update(expires_at=timezone.now() + timedelta(minutes=5))
    client = client_for(owner)
    assert client.get("/").status_code == 200
    # Within the idle timeout, so the session is still alive when the account expires.
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        # The open session is refused at once, before any sweep (the account gate).
        api = client.get("/api/v1/me")
        assert (api.status_code, api.json()["code"]) == (403, "account_expired")
        tick()
    owner.refresh_from_db()
    assert not owner.is_active
    event = AuditEvent.objects.get(action="user_deactivate", object_id=str(owner.pk))
    assert event.detail["reason"] == "expired"


def test_a_failing_job_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from homeward.core import tick as tick_module

    def broken() -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(tick_module._JOBS, "test.broken", broken)
    run = tick()
    assert not run.ok
    assert run.results["test.broken"] == "error"
    assert isinstance(run.results["core.purge_expired_sessions"], int)


def test_without_a_broker_tasks_run_in_process_after_commit(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from django.db import transaction

    from homeward.core.tasks import ping

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():  # type: ignore[operator]
        transaction.on_commit(lambda: ping.delay("after-commit"))
        assert not TickRun.objects.filter(results__ping="after-commit").exists()
    assert TickRun.objects.filter(results__ping="after-commit").exists()


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs() -> None:
    from django.db import transaction

    from homeward.core.tasks import ping

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        transaction.on_commit(lambda: ping.delay("rolled-back"))
        raise Rollback
    assert not TickRun.objects.filter(results__ping="rolled-back").exists()


def test_the_broker_visibility_timeout_outlasts_every_task() -> None:
    from homeward.celery import app

    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if name.startswith("homeward.")]
    assert len(ours) >= 5  # the platform's tasks are registered, not only Celery's own
    longest = max(
        task.time_limit or app.conf.task_time_limit or settings.CELERY_TASK_TIME_LIMIT
        for task in ours
    )
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > settings.CELERY_TASK_TIME_LIMIT
    )
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.AUDIT_RETENTION_DAYS >= 184
    assert settings.USE_TZ is True


def test_keyset_batches_read_each_row_once_in_key_order_and_pause_between(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from homeward.core import tick
    from homeward.core.models import Division

    pauses: list[int] = []
    monkeypatch.setattr(tick, "batch_pause", lambda: pauses.append(1))
    everyone = list(Division.objects.order_by("pk").values_list("pk", flat=True))
    assert len(everyone) == 38
    # flat keys, tuples with the key first, and model instances page alike
    flat = list(tick.keyset_batches(Division.objects.values_list("pk", flat=True), 10))
    assert [len(batch) for batch in flat] == [10, 10, 10, 8]
    assert [pk for batch in flat for pk in batch] == everyone
    assert len(pauses) == 3  # between batches, not before the first
    rows = tick.keyset_batches(Division.objects.values_list("pk", "code"), 10)
    assert [pk for batch in rows for pk, _code in batch] == everyone
    models = tick.keyset_batches(Division.objects.only("pk"), 16, after=everyone[4])
    assert [d.pk for batch in models for d in batch] == everyone[5:]
    # a row that leaves the query between batches is not read, none is read twice
    due = Division.objects.filter(type="district").values_list("pk", flat=True)
    seen: list[int] = []
    for batch in tick.keyset_batches(due, 5):
        seen.extend(batch)
        if len(seen) == 5:
            gone = list(due.filter(pk__gt=batch[-1]).order_by("pk")[:1])
            Division.objects.filter(pk__in=gone).update(type="county")
    assert len(seen) == len(set(seen)) and gone[0] not in seen


def test_paced_pauses_after_every_batch_of_items(monkeypatch: pytest.MonkeyPatch) -> None:
    from homeward.core import tick

    pauses: list[int] = []
    monkeypatch.setattr(tick, "batch_pause", lambda: pauses.append(1))
    assert list(tick.paced(range(7), 3)) == list(range(7))
    assert len(pauses) == 2
