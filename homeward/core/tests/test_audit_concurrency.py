"""The audit chain does not serialise the platform behind its longest transaction
(issue 19, background work 2): a transaction that wrote an audit event and stays open
holds up no other writer's audit event, and the chaining step links both once each
commits.

PostgreSQL only: on SQLite one writer at a time is the database's own rule, whatever
the audit trail does (there the sweeps commit in small batches instead).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction

from homeward.core.audit import audit_chain, audit_record, audit_verify
from homeward.core.audit_actions import AuditAction
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_open_transaction_with_an_audit_event_holds_up_no_other_audit_write(
    settings: Any, tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has one writer by design")
    settings.AUDIT_ANCHOR_DIR = tmp_path
    holding, release = threading.Event(), threading.Event()

    def long_transaction() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action=AuditAction.READ, object_type="x", object_id="long")
                holding.set()
                release.wait(15)
        finally:
            connections.close_all()

    # given a transaction that wrote an audit event and is still open
    worker = threading.Thread(target=long_transaction)
    worker.start()
    try:
        assert holding.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        # when another request writes its own audit event and commits
        started = time.perf_counter()
        with transaction.atomic():
            audit_record(actor=None, action=AuditAction.READ, object_type="x", object_id="short")
        elapsed = time.perf_counter() - started
        short = AuditEvent.objects.get(object_id="short")
    finally:
        release.set()
        worker.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    # then it waited for no lock, and was linked into the chain right after its commit
    assert elapsed < 1.0, elapsed
    assert short.seq is not None
    # and the long transaction's event follows it once that commits
    audit_chain()
    long = AuditEvent.objects.get(object_id="long")
    assert long.seq is not None and long.seq > short.seq
    assert audit_verify() == []
