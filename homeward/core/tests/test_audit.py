"""The audit trail: hash chain, append-only, tamper detection, fail closed (issue 2 §10)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from homeward.core.audit import audit_record, audit_verify
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import AuditWriteError
from homeward.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def _three_events(user: User) -> list[AuditEvent]:
    return [
        audit_record(actor=user, action=AuditAction.READ, object_type="x", object_id=str(n))
        for n in range(3)
    ]


def test_events_are_chained_and_verify(owner: User) -> None:
    events = _three_events(owner)
    assert events[1].prev_hash == events[0].hash
    assert events[2].seq == events[0].seq + 2
    assert audit_verify() == []
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def test_events_carry_actor_agency_and_utc_time(owner: User) -> None:
    event = audit_record(actor=owner, action=AuditAction.READ, object_type="x", object_id="1")
    event.refresh_from_db()
    assert event.actor_username == "owner"
    assert event.agency_code == "500103-public_security"
    assert event.created_at.utcoffset().total_seconds() == 0


def test_the_database_refuses_to_update_or_delete_an_event(owner: User) -> None:
    event = _three_events(owner)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="innocent")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def _drop_triggers() -> None:
    """What someone with owner rights on the database could do."""
    from homeward.core import audit_triggers

    audit_triggers.remove(connection)


def test_verify_names_an_altered_row(owner: User) -> None:
    # given an owner-level connection that bypasses the triggers
    events = _three_events(owner)
    _drop_triggers()
    # when one row is altered in place
    AuditEvent.objects.filter(pk=events[1].pk).update(outcome="denied")
    # then verification fails and names that row
    problems = audit_verify()
    assert [(p.event_id, p.reason) for p in problems] == [(events[1].pk, "row content was altered")]
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", stderr=err)
    assert exit_info.value.code == 1
    assert f"row id {events[1].pk}" in err.getvalue()


def test_verify_detects_a_removed_row_and_a_removed_tail(owner: User) -> None:
    events = _three_events(owner)
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    reasons = [p.reason for p in audit_verify()]
    assert any("missing" in reason for reason in reasons)
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    reasons = [p.reason for p in audit_verify()]
    assert any("head says" in reason for reason in reasons)


def test_when_the_audit_write_fails_the_operation_fails(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homeward.core.models import AuditChainHead
    from homeward.core.services.accounts import user_deactivate

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditChainHead.objects, "select_for_update", broken)
    with pytest.raises(AuditWriteError):
        user_deactivate(actor=None, user=owner, reason="test")
    owner.refresh_from_db()
    assert owner.is_active  # the change rolled back with the failed audit write


def test_an_unlisted_action_name_fails_loudly(owner: User) -> None:
    # given a name that is not in the one list of audit actions (a typo)
    # when a service records it, then the write is refused before anything is stored
    with pytest.raises(ValueError, match="unknown audit action 'case_opne'"):
        audit_record(actor=owner, action="case_opne", object_type="x")  # type: ignore[arg-type]
    assert not AuditEvent.objects.filter(action="case_opne").exists()
    # and every listed name is accepted
    assert (
        audit_record(actor=owner, action=AuditAction("case_open"), object_type="x").action
        == "case_open"
    )
