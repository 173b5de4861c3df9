"""A backlog tick never holds up the public (issue 19, background work 2): while tick()
flags 5,000 overdue clues, a public clue submission is answered within a second of its
usual time.

This is a test of locking, not a benchmark: without batches the sweep held the database
(SQLite's one writer, or the audit chain's row lock on PostgreSQL) for its whole run and
a submission waited for all of it — 31-37 s in the issue, several seconds here. With
committed batches it waits at most for one batch of ``TICK_BATCH_SIZE`` clues, tens of
milliseconds. The bound is generous — one second more than the same submission takes
before the backlog, measured in the same run — so that a busy shared machine slows
both alike and cannot make the test flaky, while a sweep that holds its lock for
seconds still fails it.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from homeward.core import tick as tick_module
from homeward.core.tick import tick
from homeward.testing.backlog import district_police, overdue_tips
from homeward.tips.models import Tip

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BACKLOG = 5000
SLACK_SECONDS = 1.0

PAYLOAD = {
    "category": "child_selling",
    "narrative": "有人在车站附近出价出售一名男婴，形迹可疑。",
    "division_code": "500103",
    "address": "菜园坝火车站",
}


def _submit(client: Client) -> float:
    started = time.perf_counter()
    response = client.post(
        "/api/v1/tips/",
        PAYLOAD,
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content
    return elapsed


def test_a_public_clue_is_answered_promptly_while_a_backlog_is_flagged(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TIP_HOURLY_LIMIT = 1000
    district_police()
    client = Client()
    # the usual time of a submission on this machine, now
    before = max(_submit(client) for _ in range(3))

    overdue_tips(BACKLOG)
    started = threading.Event()
    real_job = tick_module.registered_jobs()["tips.sla_overdue"]

    def job() -> int:
        started.set()
        return real_job()

    monkeypatch.setattr(tick_module, "registered_jobs", lambda: {"tips.sla_overdue": job})
    outcome: dict[str, Any] = {}

    def sweep() -> None:
        try:
            outcome["run"] = tick()
        finally:
            connections.close_all()

    thread = threading.Thread(target=sweep)
    thread.start()
    try:
        assert started.wait(timeout=60)
        time.sleep(0.3)  # well inside the sweep
        during = [_submit(client) for _ in range(5)]
        still_sweeping = thread.is_alive()
    finally:
        thread.join(timeout=600)
    assert outcome["run"].results["tips.sla_overdue"] == BACKLOG
    assert still_sweeping, "the sweep ended before the submissions: nothing was measured"
    assert max(during) <= before + SLACK_SECONDS, (before, during)
    assert Tip.objects.filter(overdue=False).count() == 3 + len(during)
