"""Writing and verifying the hash-chained audit trail (SECURITY.md AUD-01..03).

``audit_record`` must be called inside the transaction of the change it records:
if the audit write fails, the exception propagates and the change rolls back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from homeward.core.audit_actions import AuditAction, audit_action
from homeward.core.context import current_request_context
from homeward.core.errors import AuditWriteError
from homeward.core.models import AuditChainHead, AuditEvent, User

M = TypeVar("M", bound=Model)

GENESIS_HASH = "0" * 64

Outcome = AuditEvent.Outcome


def _canonical(event: Mapping[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(*, prev_hash: str, fields: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(_canonical(fields))
    return digest.hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "agency_code": event.agency_code,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "request_id": event.request_id,
        "source_ip": event.source_ip,
        "detail": event.detail,
    }


def _object_ref(obj: Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, object_id


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = Outcome.SUCCESS,
    detail: Mapping[str, Any] | None = None,
    actor_username: str = "",
    anonymous: bool = False,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``anonymous=True`` (an anonymous public submission) records neither the source
    address nor the request id, and only the hour of the time, which could otherwise
    be joined to web-server logs (DP-08).

    Raises
    ------
    ValueError
        If ``action`` is not listed in :class:`AuditAction` (a programming error).
    AuditWriteError
        If the event cannot be written. The caller's transaction must not commit.
    """
    action = audit_action(action)
    object_type, object_id = _object_ref(obj, object_type, object_id)
    context = current_request_context()
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    try:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
            # Microsecond precision survives every backend's round trip, so the
            # hash recomputed from the stored row matches.
            now = timezone.now()
            event = AuditEvent(
                seq=head.seq + 1,
                # An anonymous submission's event keeps only the hour (DP-08).
                created_at=now.replace(minute=0, second=0, microsecond=0) if anonymous else now,
                actor=actor_obj,
                actor_username=(actor_obj.username if actor_obj else actor_username)[:150],
                agency_code=actor_obj.agency.code if actor_obj else "",
                action=action,
                object_type=object_type,
                object_id=object_id,
                outcome=str(outcome),
                request_id="" if anonymous else context.request_id,
                source_ip=None if anonymous else context.source_ip,
                detail=dict(detail or {}),
                prev_hash=head.hash,
            )
            event.hash = event_hash(prev_hash=head.hash, fields=_hashed_fields(event))
            event.save(force_insert=True)
            head.seq = event.seq
            head.hash = event.hash
            head.save(update_fields=["seq", "hash"])
    except DatabaseError as error:
        raise AuditWriteError(f"audit write failed for {action}") from error
    return event


def audit_read(*, actor: User, obj: Model, purpose: str = "") -> AuditEvent:
    """Record that ``actor`` read a sensitive record (victim, minor, DNA, identity)."""
    detail = {"purpose": purpose} if purpose else {}
    return audit_record(actor=actor, action=AuditAction.READ, obj=obj, detail=detail)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    reason: str


def _events_in_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def audit_verify() -> list[ChainProblem]:
    """Recompute the chain; return every altered, removed or reordered row."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_hash = GENESIS_HASH
    last_seq = 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(
                    expected_seq, None, f"rows {expected_seq}..{event.seq - 1} are missing"
                )
            )
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, event.pk, "link to the previous row is broken"))
        recomputed = event_hash(prev_hash=event.prev_hash, fields=_hashed_fields(event))
        if recomputed != event.hash:
            problems.append(ChainProblem(event.seq, event.pk, "row content was altered"))
        expected_prev = event.hash
        expected_seq = event.seq + 1
        last_hash, last_seq = event.hash, event.seq
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != last_hash):
        problems.append(
            ChainProblem(
                head.seq, None, f"the chain ends at #{last_seq} but the head says #{head.seq}"
            )
        )
    return problems


def read_audited_or_404(actor: User, queryset: QuerySet[M], pk: int, *, purpose: str = "") -> M:
    """The selectors' shared read: one row of ``queryset`` (already scoped to ``actor``)
    with the read audited, or 404 with the refused attempt audited — out-of-scope rows
    behave as if they did not exist (DESIGN.md rule 4)."""
    try:
        obj = queryset.get(pk=pk)
    except ObjectDoesNotExist:
        # An emergency read (break-glass, AC-06) opens this one record for a while.
        from homeward.core.services.breakglass import break_glass_active

        grant = break_glass_active(actor, queryset.model, pk)
        if grant is not None:
            found = queryset.model._default_manager.filter(pk=pk).first()
            if found is not None:
                audit_record(
                    actor=actor,
                    action=AuditAction.READ,
                    obj=found,
                    detail={"purpose": "break_glass", "break_glass": grant.pk},
                )
                return found
        audit_record(
            actor=actor,
            action=AuditAction.READ,
            object_type=queryset.model._meta.label_lower,
            object_id=str(pk),
            outcome="denied",
        )
        raise Http404 from None
    audit_read(actor=actor, obj=obj, purpose=purpose)
    return obj
