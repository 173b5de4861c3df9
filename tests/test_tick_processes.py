"""Two real processes run tick() at the same moment over a backlog (issue 19, background
work 1): every overdue clue is flagged and audited once, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from homeward.core.models import AuditEvent
from homeward.testing.backlog import overdue_tips
from homeward.tips.models import Tip

from .worker import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BACKLOG = 3000


def _tick_process() -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.test",
        "DATABASE_URL": database_url(),
        "HOMEWARD_LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "tick"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_tick_processes_at_once_flag_and_audit_each_clue_once() -> None:
    # given a backlog of clues past their triage deadline, committed
    ids = overdue_tips(BACKLOG)
    # when two processes run the sweep at the same moment
    processes = [_tick_process(), _tick_process()]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err[-6000:]
    results = [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]
    # then each clue is flagged once and has one audit event
    events = Counter(
        AuditEvent.objects.filter(action="tip_overdue").values_list("object_id", flat=True)
    )
    assert set(events) == {str(pk) for pk in ids}
    assert max(events.values()) == 1
    assert Tip.objects.filter(pk__in=ids, overdue=False).count() == 0
    # the two sweeps shared the work or one found the job busy; together they did it once
    flagged = [r["tips.sla_overdue"] for r in results]
    assert sum(n for n in flagged if isinstance(n, int)) == BACKLOG
