"""The audit trail: keyed chain, anchors outside the database, append-only triggers on
events, head and checkpoints, fail closed (issue 2 §10, issue 17 #9, AUD-02/03/04).

Every tampering the issue lists — deleting the last events and rewinding the head,
rewriting a row and recomputing every later hash, wiping the database — is done here
with the owner's rights (triggers lifted) and must be reported by audit_verify. These
tests run on SQLite and, in CI's second pass, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from homeward.core import audit_triggers
from homeward.core.audit import (
    ChainBroken,
    audit_chain,
    audit_checkpoint,
    audit_purge,
    audit_record,
    audit_verify,
    audit_verify_report,
    event_hash,
)
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import AuditWriteError
from homeward.core.models import AuditChainHead, AuditCheckpoint, AuditEvent, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchors(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    settings.AUDIT_CHECKPOINT_SECONDS = 600
    return tmp_path / "anchors"


def _events(user: User, count: int = 3) -> list[AuditEvent]:
    events = [
        audit_record(actor=user, action=AuditAction.READ, object_type="x", object_id=str(n))
        for n in range(count)
    ]
    audit_chain()
    for event in events:
        event.refresh_from_db()
    return events


def _lift_triggers() -> None:
    """What someone with owner rights on the database could do."""
    audit_triggers.remove(connection)


def _reasons() -> list[str]:
    return [problem.reason for problem in audit_verify()]


def _verify_exit(capsys: Any = None) -> tuple[int, str]:
    err = StringIO()
    try:
        call_command("audit_verify", stderr=err, stdout=StringIO())
    except SystemExit as exit_info:
        return int(exit_info.code or 0), err.getvalue()
    return 0, err.getvalue()


# --- writing and chaining ---------------------------------------------------------------


def test_events_are_appended_unchained_and_linked_after_commit(
    owner: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # given an event written in a transaction
    with django_capture_on_commit_callbacks(execute=True):
        event = audit_record(actor=owner, action=AuditAction.READ, object_type="x")
        # then inside it the event holds no place in the chain and no lock on the head
        assert AuditEvent.objects.get(pk=event.pk).seq is None
    # and after the commit the chaining step linked it
    event.refresh_from_db()
    assert event.seq == 1 and len(event.hash) == 64
    assert AuditChainHead.objects.get(id=1).hash == event.hash


def test_events_are_chained_with_a_key_and_verify(owner: User) -> None:
    events = _events(owner)
    assert events[1].prev_hash == events[0].hash
    assert events[2].seq == events[0].seq + 2
    # the hash is keyed: plain SHA-256 over the same content does not give it
    assert events[0].hash != hashlib.sha256(b"0" * 64).hexdigest()
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


# --- the triggers -----------------------------------------------------------------------


def test_the_database_refuses_to_update_or_delete_an_event(owner: User) -> None:
    event = _events(owner)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="innocent")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_an_unchained_event_can_only_be_chained_not_changed(owner: User) -> None:
    event = audit_record(actor=owner, action=AuditAction.READ, object_type="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="innocent")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(seq=7, hash="f" * 64, outcome="denied")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    # chaining fills the three chain columns once, and only once
    assert audit_chain() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(seq=99, hash="e" * 64)


def test_the_head_only_moves_forward(owner: User) -> None:
    _events(owner)
    head = AuditChainHead.objects.get(id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(seq=head.seq - 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(hash="a" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(base_seq=2, base_hash="b" * 64, seq=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.filter(id=1).delete()


def test_checkpoints_are_append_only(owner: User) -> None:
    _events(owner)
    checkpoint = audit_checkpoint()
    assert checkpoint is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(seq=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).delete()


# --- tampering by the database's owner -------------------------------------------------------


def test_verify_names_an_altered_row(owner: User) -> None:
    # given an owner-level connection that bypasses the triggers
    events = _events(owner)
    _lift_triggers()
    # when one row is altered in place
    AuditEvent.objects.filter(pk=events[1].pk).update(outcome="denied")
    # then verification fails and names that row
    problems = audit_verify()
    assert [(p.event_id, p.reason) for p in problems] == [(events[1].pk, "row content was altered")]
    code, err = _verify_exit()
    assert code == 1
    assert f"row id {events[1].pk}" in err


def test_rewriting_a_row_and_recomputing_later_hashes_without_the_key_is_detected(
    owner: User,
) -> None:
    # given a chain, and an owner who rewrites event 2 and recomputes every later hash
    # the only way he can: without the keyring (here: a key of his own)
    events = _events(owner, 4)
    _lift_triggers()
    forged_key = b"k" * 32
    prev = events[0].hash
    for event in events[1:]:
        row = AuditEvent.objects.filter(pk=event.pk).values().get()
        row["actor_username"] = "someone_else" if event.seq == 2 else row["actor_username"]
        fields = {
            k: row[k]
            for k in (
                "seq",
                "actor_id",
                "actor_username",
                "agency_code",
                "action",
                "object_type",
                "object_id",
                "outcome",
                "request_id",
                "source_ip",
                "detail",
            )
        }
        fields["created_at"] = row["created_at"].isoformat()
        new_hash = event_hash(key=forged_key, prev_hash=prev, fields=fields)
        AuditEvent.objects.filter(pk=event.pk).update(
            actor_username=row["actor_username"], prev_hash=prev, hash=new_hash
        )
        prev = new_hash
    connection.cursor().execute("UPDATE core_auditchainhead SET hash = %s WHERE id = 1", [prev])
    # then every rewritten row fails its keyed hash
    problems = audit_verify()
    assert {p.event_id for p in problems if p.reason == "row content was altered"} == {
        e.pk for e in events[1:]
    }


def test_rewriting_with_the_key_itself_contradicts_the_anchor(owner: User) -> None:
    # given a checkpoint anchored outside the database
    events = _events(owner, 4)
    audit_checkpoint()
    # when someone holding the application's key rewrites event 2 and re-chains the
    # rest of the chain validly (the strongest attacker short of the anchor file)
    _lift_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_username="someone_else")
    AuditEvent.objects.filter(pk__in=[e.pk for e in events]).update(seq=None, hash="", prev_hash="")
    connection.cursor().execute("UPDATE core_auditchainhead SET seq = 0, hash = %s", ["0" * 64])
    audit_chain()
    # then the chain is internally consistent, but contradicts its anchor
    reasons = _reasons()
    assert any(reason.startswith("rewritten: event #4") for reason in reasons), reasons


def test_deleting_the_last_events_and_rewinding_the_head_is_detected(owner: User) -> None:
    # given a chain whose head was anchored
    events = _events(owner, 5)
    audit_checkpoint()
    # when the owner deletes the last two events and rewinds the head to match
    _lift_triggers()
    AuditEvent.objects.filter(pk__in=[events[3].pk, events[4].pk]).delete()
    AuditChainHead.objects.filter(id=1).update(seq=3, hash=events[2].hash)
    # then the links verify, but the anchor reports the truncation
    reasons = _reasons()
    assert len(reasons) == 1
    assert reasons[0].startswith("truncated: the anchor of ")
    assert "records #5 but the chain ends at #3" in reasons[0]
    assert _verify_exit()[0] == 1


def test_a_wiped_database_is_detected(owner: User) -> None:
    # given an anchored chain
    _events(owner, 3)
    audit_checkpoint()
    # when every audit table is emptied (what `flush` does)
    _lift_triggers()
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    AuditCheckpoint.objects.all().delete()
    # then the anchor outside the database says what was there
    reasons = _reasons()
    assert any("records #3 but the chain ends at #0" in reason for reason in reasons), reasons


def test_a_forged_anchor_line_is_reported(owner: User, anchors: Path) -> None:
    _events(owner, 2)
    audit_checkpoint()
    path = next(anchors.glob("audit-anchors-*.jsonl"))
    record = json.loads(path.read_text().splitlines()[0])
    record["seq"] = 1
    with path.open("a") as handle:
        handle.write(json.dumps(record) + "\n")
    assert any("not a validly signed anchor" in reason for reason in _reasons())


def test_removing_the_first_events_without_a_purge_is_detected(owner: User) -> None:
    events = _events(owner, 4)
    audit_checkpoint()
    _lift_triggers()
    AuditEvent.objects.filter(pk__in=[events[0].pk, events[1].pk]).delete()
    connection.cursor().execute(
        "UPDATE core_auditchainhead SET base_seq = 2, base_hash = %s", [events[1].hash]
    )
    assert any("no purge anchor records it" in reason for reason in _reasons())


# --- checkpoints, incremental verification, retention -----------------------------------------


def test_the_anchor_file_holds_a_signed_line_per_checkpoint(owner: User, anchors: Path) -> None:
    _events(owner, 3)
    checkpoint = audit_checkpoint()
    assert checkpoint is not None and checkpoint.seq == 3
    # nothing new: no second checkpoint
    assert audit_checkpoint() is None
    (path,) = anchors.glob("audit-anchors-*.jsonl")
    (line,) = path.read_text().splitlines()
    record = json.loads(line)
    assert record["seq"] == 3 and record["hash"] == checkpoint.hash
    assert record["sig"] == checkpoint.signature
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_checkpoint_is_refused_over_a_broken_segment(owner: User) -> None:
    events = _events(owner, 3)
    _lift_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).update(outcome="denied")
    with pytest.raises(ChainBroken):
        audit_checkpoint()
    assert not AuditCheckpoint.objects.exists()


def test_incremental_verification_starts_at_the_newest_anchor(owner: User) -> None:
    _events(owner, 10)
    audit_checkpoint()
    _events(owner, 2)
    report = audit_verify_report(full=False)
    assert report.problems == []
    assert (report.start_seq, report.checked) == (10, 2)
    assert audit_verify_report(full=True).checked == 12


@pytest.fixture
def aged_events(owner: User, settings: Any) -> Iterator[dict[int, AuditEvent]]:
    settings.AUDIT_RETENTION_DAYS = 184
    now = timezone.now()
    aged = {}
    for days in (186, 185, 184, 183):
        with time_machine.travel(now - timedelta(days=days) + timedelta(minutes=1), tick=False):
            aged[days] = audit_record(actor=owner, action=AuditAction.READ, object_type="x")
    audit_chain()
    yield aged


def test_the_purge_removes_only_events_past_retention_and_keeps_the_chain_verifiable(
    aged_events: dict[int, AuditEvent],
) -> None:
    # when the retention purge runs
    removed = audit_purge()
    # then the events older than 184 days are gone, the 184- and 183-day ones stay
    assert removed == 2
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert aged_events[186].pk not in remaining and aged_events[185].pk not in remaining
    assert {aged_events[184].pk, aged_events[183].pk} <= remaining
    # and the purge is itself audited, and the chain still verifies from its new start
    audit_chain()
    purge = AuditEvent.objects.get(action=AuditAction.AUDIT_PURGE)
    assert purge.detail["removed"] == 2 and purge.detail["through_seq"] == 2
    assert audit_verify() == []
    assert AuditCheckpoint.objects.filter(kind="purge", seq=2).exists()
    # and running it again removes nothing
    assert audit_purge() == 0


def test_the_tick_runs_the_purge_and_the_checkpoint(
    aged_events: dict[int, AuditEvent], anchors: Path
) -> None:
    from homeward.core.tick import registered_jobs

    jobs = registered_jobs()
    assert jobs["core.audit_purge"]() == 2
    assert not AuditEvent.objects.filter(pk=aged_events[186].pk).exists()
    jobs["core.audit_chain"]()
    assert audit_verify() == []
    assert list(anchors.glob("audit-anchors-*.jsonl"))


def test_the_retention_setting_cannot_go_below_six_months(settings: Any) -> None:
    from homeward.config.env import EnvError, env_int

    assert settings.AUDIT_RETENTION_DAYS >= 184
    with pytest.raises(EnvError):
        env_int("X_AUDIT_RETENTION", 100, minimum=184, environ={"X_AUDIT_RETENTION": "100"})


# --- fail closed ------------------------------------------------------------------------


def test_when_the_audit_write_fails_the_operation_fails(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homeward.core.services.accounts import user_deactivate

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEvent, "save", broken)
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


def test_the_auditors_page_shows_the_anchors(
    auditor: User, owner: User, client_for: Callable[[User], Any]
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # given an anchored chain
    _events(owner, 2)
    checkpoint = audit_checkpoint()
    assert checkpoint is not None
    # when the auditor opens the trail
    device = TOTPDevice.objects.create(user=auditor, name="t", confirmed=True)
    client = client_for(auditor)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/account/otp/", {"otp_token": f"{code:06d}"})
    page = client.get("/audit/").content.decode()
    # then the anchored hash is shown for comparison with the log host's copy
    assert checkpoint.hash in page
    assert 'id="audit-anchors"' in page


def test_a_page_whose_read_cannot_be_audited_answers_503_without_the_record(
    owner: User, client_for: Callable[[User], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from homeward.testing.factories import PersonFactory

    person = PersonFactory(full_name="王小红", id_number="500101201801010011")
    client = client_for(owner)

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    # given an audit trail that cannot be written
    monkeypatch.setattr(AuditEvent, "save", broken)
    # when the person's page is read, then it is refused and shows nothing of the person
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "王小红" not in body and "500101201801010011" not in body
