"""A backlog tick never holds up the public (issue 19, background work 2): while tick()
flags 5,000 overdue clues, public clue submissions are answered while the sweep is
still running.

This is a test of locking, not a benchmark, and it asserts no time: without batches the
sweep held the database (SQLite's one writer, or the audit chain's row lock on
PostgreSQL) for its whole run, so a submission could only be answered after the sweep
had committed — the sweep thread would no longer be alive when the submissions return.
With committed batches every submission waits at most for one batch of
``TICK_BATCH_SIZE`` clues and all five are answered before the sweep ends. How long a
submission takes during a backlog is measured by the benchmarks, not here (a wall-time
bound failed on a machine shared by other work).
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

PAYLOAD = {
    "category": "child_selling",
    "narrative": "有人在车站附近出价出售一名男婴，形迹可疑。",
    "division_code": "500103",
    "address": "菜园坝火车站",
}


def _submit(client: Client) -> None:
    response = client.post(
        "/api/v1/tips/",
        PAYLOAD,
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.content


def test_public_clues_are_answered_while_a_backlog_is_being_flagged(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TIP_HOURLY_LIMIT = 1000
    district_police()
    client = Client()
    for _ in range(3):  # before the backlog
        _submit(client)

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
        for _ in range(5):
            _submit(client)
        # answered while the sweep still runs: it did not hold the writer or the chain
        still_sweeping = thread.is_alive()
    finally:
        thread.join(timeout=600)
    assert outcome["run"].results["tips.sla_overdue"] == BACKLOG
    assert still_sweeping, "the submissions were answered only after the sweep had ended"
    assert Tip.objects.filter(overdue=False).count() == 3 + 5
