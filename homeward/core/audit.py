"""Writing, chaining, anchoring and verifying the audit trail (SECURITY.md AUD-01..04,
issue 17 #9, issue 19 background work 2).

How the trail resists its own administrators
--------------------------------------------
* **Append in the writer's transaction.** :func:`audit_record` inserts one row in the
  caller's transaction and touches no shared row, so a long transaction (a backlog
  sweep) holds up nobody else's audit writes. If the write fails, the caller's change
  rolls back (fail closed, AUD-03).
* **Chain in a short follow-up step.** :func:`audit_chain` runs after each commit (and
  in every tick, for anything left over): under one short lock it gives the committed,
  unchained events the next sequence numbers and links each to the one before with
  ``HMAC-SHA256(chain key, prev_hash || canonical row)``. The chain key is derived from
  the keyring (``core.keys``), which the database never holds: whoever owns the
  database can delete or rewrite rows but cannot compute a valid hash for them.
* **Anchor outside the database.** :func:`audit_checkpoint` (a tick job every
  ``AUDIT_CHECKPOINT_SECONDS``, and before every purge) verifies the events since the
  previous checkpoint, then appends a signed line with the head's sequence number and
  hash to a daily file in ``AUDIT_ANCHOR_DIR`` (kept on, or shipped to, the log host)
  and logs it on ``homeward.audit`` (shipped by syslog/journald). Deleting the last N
  events and rewinding the head, rewriting a row and recomputing every later hash
  with the key, or wiping the database, all contradict an anchor.
* **Verify incrementally.** Each checkpoint verifies only the segment since the last
  one; :func:`audit_verify` checks the whole chain (``full=True``) or, from the newest
  anchor that still matches, the events after it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, connection, transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from homeward.core.audit_actions import AuditAction, audit_action
from homeward.core.audit_shipping import ship_events
from homeward.core.context import current_request_context
from homeward.core.errors import AuditWriteError
from homeward.core.models import AuditChainHead, AuditCheckpoint, AuditEvent, User
from homeward.core.models.audit import GENESIS_HASH

M = TypeVar("M", bound=Model)

Outcome = AuditEvent.Outcome
logger = logging.getLogger("homeward.audit")
anchor_logger = logging.getLogger("homeward.audit.anchor")

CHAIN_BATCH = 500
ANCHOR_VERSION = 1
_HASHED = (
    "seq",
    "created_at",
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

__all__ = [
    "GENESIS_HASH",
    "ChainProblem",
    "audit_chain",
    "audit_checkpoint",
    "audit_purge",
    "audit_read",
    "audit_record",
    "audit_verify",
    "read_audited_or_404",
]


# --- keys ---------------------------------------------------------------------------------


def _derived_key(purpose: bytes) -> bytes:
    """A 32-byte key for ``purpose`` derived (HKDF-SHA256) from the keyring's blind-index
    key: it lives wherever the keyring lives (environment or key file), never in the
    database, and its fingerprint is checked at start (core.keycheck)."""
    from homeward.core.keys import keyring

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"homeward.audit", info=purpose).derive(
        keyring().blind_index_key
    )


def _chain_key() -> bytes:
    return _derived_key(b"chain-hmac-v1")


def _anchor_key() -> bytes:
    return _derived_key(b"anchor-signature-v1")


def _canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(*, key: bytes, prev_hash: str, fields: Mapping[str, Any]) -> str:
    mac = hmac.new(key, prev_hash.encode("ascii"), hashlib.sha256)
    mac.update(_canonical(fields))
    return mac.hexdigest()


def _hashed_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    fields = {name: row[name] for name in _HASHED}
    created: datetime = fields["created_at"]
    fields["created_at"] = created.isoformat()
    return fields


# --- writing --------------------------------------------------------------------------------


def _object_ref(obj: Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, object_id


def _chain_after_commit() -> None:
    try:
        audit_chain()
    except DatabaseError:
        # Another chainer holds the lock or the database is busy: the tick links the
        # events later. The events themselves are committed and append-only already.
        logger.warning("audit chaining deferred to the next tick", exc_info=True)


def _schedule_chaining() -> None:
    if not settings.AUDIT_CHAIN_ON_COMMIT:
        return
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _chain_after_commit for entry in pending):
        return
    transaction.on_commit(_chain_after_commit, robust=True)


def _now_for(*, anonymous: bool) -> datetime:
    now = timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) if anonymous else now


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
    """Append one event to the trail, in the caller's transaction.

    The event is linked into the chain by :func:`audit_chain` once the caller's
    transaction has committed. ``anonymous=True`` (an anonymous public submission)
    records neither the source address nor the request id, and only the hour of the
    time, which could otherwise be joined to web-server logs (DP-08).

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
    event = AuditEvent(
        # Microsecond precision survives every backend's round trip; the hash is
        # computed later from the stored row anyway. An anonymous submission's event
        # keeps only the hour (DP-08).
        created_at=_now_for(anonymous=anonymous),
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
    )
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except DatabaseError as error:
        raise AuditWriteError(f"audit write failed for {action}") from error
    _schedule_chaining()
    return event


def audit_read(*, actor: User, obj: Model, purpose: str = "") -> AuditEvent:
    """Record that ``actor`` read a sensitive record (victim, minor, DNA, identity)."""
    detail = {"purpose": purpose} if purpose else {}
    return audit_record(actor=actor, action=AuditAction.READ, obj=obj, detail=detail)


# --- chaining ------------------------------------------------------------------------------


def _chain_lock_key() -> int:
    digest = hashlib.sha256(b"homeward.audit.chain").digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _row_values(queryset: QuerySet[AuditEvent]) -> Iterator[dict[str, Any]]:
    rows: Iterator[dict[str, Any]] = queryset.values("id", "prev_hash", "hash", *_HASHED).iterator(
        chunk_size=5000
    )
    return rows


def audit_chain(*, batch: int = CHAIN_BATCH) -> int:
    """Link every committed, unchained event into the chain; return how many.

    Each batch is one short transaction under the chain lock (a transaction-level
    advisory lock on PostgreSQL, SQLite's one writer otherwise): writers never wait
    for it. On PostgreSQL a chainer that finds the lock taken returns at once — the
    holder or the next tick links what is left.
    """
    key = _chain_key()
    total = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_chain_lock_key()])
                    if not cursor.fetchone()[0]:
                        return total
            head, _ = AuditChainHead.objects.get_or_create(id=1)
            pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not pending:
                return total
            seq, prev = head.seq, head.hash
            for event in pending:
                seq += 1
                event.seq = seq
                event.prev_hash = prev
                row = {name: getattr(event, name) for name in _HASHED}
                event.hash = event_hash(key=key, prev_hash=prev, fields=_hashed_fields(row))
                prev = event.hash
            AuditEvent.objects.bulk_update(pending, ["seq", "prev_hash", "hash"])
            AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev)
            total += len(pending)
        # Once committed, each newly chained event is shipped once to the log host.
        shipped = [
            {name: getattr(event, name) for name in (*_HASHED, "prev_hash", "hash")}
            for event in pending
        ]
        transaction.on_commit(partial(ship_events, shipped), robust=True)
        if len(pending) < batch:
            return total


# --- anchors -------------------------------------------------------------------------------


def anchor_dir() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def _anchor_signature(record: Mapping[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "sig"}
    return hmac.new(_anchor_key(), _canonical(body), hashlib.sha256).hexdigest()


def _write_anchor(record: dict[str, Any]) -> None:
    """Append one signed line to today's anchor file (fsynced) and ship it to the log."""
    record["sig"] = _anchor_signature(record)
    directory = anchor_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"audit-anchors-{timezone.now():%Y-%m-%d}.jsonl"
    line = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    anchor_logger.info("audit anchor %s", line.strip())


@dataclass(frozen=True)
class Anchor:
    kind: str
    seq: int
    hash: str
    at: str
    source: str


def read_anchors(*, until: datetime | None = None) -> tuple[list[Anchor], list[str]]:
    """Every signed anchor in ``AUDIT_ANCHOR_DIR`` (written no later than ``until``, if
    given), and a message per line that is not a validly signed anchor (a forged or
    damaged line)."""
    anchors: list[Anchor] = []
    bad: list[str] = []
    directory = anchor_dir()
    if not directory.is_dir():
        return anchors, bad
    for path in sorted(directory.glob("audit-anchors-*.jsonl")):
        for number, line in enumerate(path.read_text("ascii", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            source = f"{path.name}:{number}"
            try:
                record = json.loads(line)
                valid = hmac.compare_digest(str(record.get("sig", "")), _anchor_signature(record))
                anchor = Anchor(
                    str(record["kind"]),
                    int(record["seq"]),
                    str(record["hash"]),
                    str(record["at"]),
                    source,
                )
            except (ValueError, KeyError, TypeError):
                valid = False
            if not valid:
                bad.append(f"anchor {source} is not a validly signed anchor")
                continue
            if until is not None and datetime.fromisoformat(anchor.at) > until:
                continue
            anchors.append(anchor)
    return anchors, bad


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    reason: str


@dataclass
class VerifyReport:
    problems: list[ChainProblem] = field(default_factory=list)
    checked: int = 0
    unchained: int = 0
    anchors: int = 0
    start_seq: int = 0


def _head() -> AuditChainHead:
    head = AuditChainHead.objects.filter(id=1).first()
    return head if head is not None else AuditChainHead(id=1)


def _verify_segment(
    *, key: bytes, after_seq: int, after_hash: str, upto_seq: int | None, report: VerifyReport
) -> tuple[int, str, dict[int, str]]:
    """Recompute the links after ``after_seq``; return the last seq and hash seen and
    the hash at every seq (for the anchor comparison)."""
    expected_prev, expected_seq = after_hash, after_seq + 1
    last_seq, last_hash = after_seq, after_hash
    hashes: dict[int, str] = {}
    rows = AuditEvent.objects.filter(seq__gt=after_seq).order_by("seq")
    if upto_seq is not None:
        rows = rows.filter(seq__lte=upto_seq)
    for row in _row_values(rows):
        seq = row["seq"]
        if seq != expected_seq:
            report.problems.append(
                ChainProblem(expected_seq, None, f"rows #{expected_seq}..#{seq - 1} are missing")
            )
        if row["prev_hash"] != expected_prev:
            report.problems.append(
                ChainProblem(seq, row["id"], "link to the previous row is broken")
            )
        recomputed = event_hash(key=key, prev_hash=row["prev_hash"], fields=_hashed_fields(row))
        if not hmac.compare_digest(recomputed, row["hash"]):
            report.problems.append(ChainProblem(seq, row["id"], "row content was altered"))
        hashes[seq] = row["hash"]
        expected_prev, expected_seq = row["hash"], seq + 1
        last_seq, last_hash = seq, row["hash"]
        report.checked += 1
    return last_seq, last_hash, hashes


def audit_verify(*, full: bool = True, until: datetime | None = None) -> list[ChainProblem]:
    """Check the chain and the anchors; return every problem found (empty: intact)."""
    return audit_verify_report(full=full, until=until).problems


def audit_verify_report(*, full: bool = True, until: datetime | None = None) -> VerifyReport:
    """Recompute the keyed chain and hold it against the signed anchors.

    ``full=True`` recomputes every event from the chain's start; otherwise only the
    events after the newest anchor whose event still carries the anchored hash (the
    anchored hashes themselves are always compared). Reports removed, altered and
    reordered rows, a head that disagrees with the last row, events removed after an
    anchor (truncation, a rewound head, a wiped database), rows rewritten even with
    their hashes recomputed, and a chain start moved without a recorded purge.
    ``until`` ignores anchors written later (a restored backup of that time).
    """
    key = _chain_key()
    report = VerifyReport()
    head = _head()
    anchors, bad = read_anchors(until=until)
    report.anchors = len(anchors)
    report.problems.extend(ChainProblem(0, None, message) for message in bad)
    report.unchained = AuditEvent.objects.filter(seq__isnull=True).count()

    # The chain's start: genesis, or the last purged event recorded by a purge anchor.
    start_seq, start_hash = head.base_seq, head.base_hash
    if start_seq and not any(
        a.kind == AuditCheckpoint.Kind.PURGE and a.seq == start_seq and a.hash == start_hash
        for a in anchors
    ):
        report.problems.append(
            ChainProblem(
                start_seq,
                None,
                f"the chain starts after #{start_seq} but no purge anchor records it "
                "(events removed from the start)",
            )
        )
    if not full:
        chained = dict(
            AuditEvent.objects.filter(
                seq__in=[a.seq for a in anchors if a.seq > start_seq]
            ).values_list("seq", "hash")
        )
        for anchor in sorted(anchors, key=lambda a: a.seq, reverse=True):
            if anchor.seq > start_seq and chained.get(anchor.seq) == anchor.hash:
                start_seq, start_hash = anchor.seq, anchor.hash
                break
    report.start_seq = start_seq
    last_seq, last_hash, hashes = _verify_segment(
        key=key, after_seq=start_seq, after_hash=start_hash, upto_seq=None, report=report
    )
    if not full:
        earlier = [a.seq for a in anchors if a.seq <= start_seq and a.kind != "purge"]
        for seq, stored_hash in AuditEvent.objects.filter(seq__in=earlier).values_list(
            "seq", "hash"
        ):
            if seq is not None:
                hashes[seq] = stored_hash
    for anchor in anchors:
        if anchor.kind == AuditCheckpoint.Kind.PURGE and anchor.seq <= head.base_seq:
            continue
        stored = hashes.get(anchor.seq)
        if stored is None:
            if anchor.seq > last_seq:
                report.problems.append(
                    ChainProblem(
                        anchor.seq,
                        None,
                        f"truncated: the anchor of {anchor.at} ({anchor.source}) records "
                        f"#{anchor.seq} but the chain ends at #{last_seq}",
                    )
                )
            else:
                report.problems.append(
                    ChainProblem(anchor.seq, None, f"event #{anchor.seq} of an anchor is missing")
                )
        elif stored != anchor.hash:
            report.problems.append(
                ChainProblem(
                    anchor.seq,
                    None,
                    f"rewritten: event #{anchor.seq} differs from the anchor of {anchor.at} "
                    f"({anchor.source})",
                )
            )
    if head.seq != last_seq or head.hash != last_hash:
        report.problems.append(
            ChainProblem(
                head.seq, None, f"the chain ends at #{last_seq} but the head says #{head.seq}"
            )
        )
    return report


# --- checkpoints and retention ---------------------------------------------------------------


class ChainBroken(Exception):
    """The chain does not verify: no checkpoint is signed over it."""


def audit_checkpoint(*, force: bool = False) -> AuditCheckpoint | None:
    """Chain what is pending, verify the events since the last checkpoint, and anchor
    the head outside the database. Returns None when nothing new needs anchoring
    (the head has not moved, or the last checkpoint is younger than
    ``AUDIT_CHECKPOINT_SECONDS`` and ``force`` is false).

    Raises
    ------
    ChainBroken
        If the segment since the last checkpoint does not verify.
    """
    audit_chain()
    head = _head()
    last = AuditCheckpoint.objects.order_by("-seq", "-id").first()
    now = timezone.now()
    if last is not None:
        if last.seq == head.seq:
            return None
        if not force and now - last.created_at < timedelta(
            seconds=settings.AUDIT_CHECKPOINT_SECONDS
        ):
            return None
    report = VerifyReport()
    after_seq, after_hash = (last.seq, last.hash) if last else (head.base_seq, head.base_hash)
    if after_seq < head.base_seq:
        after_seq, after_hash = head.base_seq, head.base_hash
    last_seq, last_hash, _ = _verify_segment(
        key=_chain_key(),
        after_seq=after_seq,
        after_hash=after_hash,
        upto_seq=head.seq,
        report=report,
    )
    if report.problems or last_seq != head.seq or last_hash != head.hash:
        logger.error("audit chain does not verify; no checkpoint signed: %s", report.problems[:5])
        raise ChainBroken(str(report.problems[:5]))
    return _anchor(AuditCheckpoint.Kind.CHECKPOINT, head.seq, head.hash, now)


def _anchor(kind: str, seq: int, hash_: str, now: datetime) -> AuditCheckpoint:
    record: dict[str, Any] = {
        "v": ANCHOR_VERSION,
        "kind": kind,
        "seq": seq,
        "hash": hash_,
        "at": now.isoformat(),
    }
    _write_anchor(record)
    return AuditCheckpoint.objects.create(
        kind=kind, seq=seq, hash=hash_, created_at=now, signature=str(record["sig"])
    )


def audit_purge(*, now: datetime | None = None) -> int:
    """Remove events older than ``AUDIT_RETENTION_DAYS`` (AUD-04) and keep the chain
    verifiable: checkpoint first, anchor the last purged event as the chain's new start
    (a purge anchor), move the head's start, delete, and audit the purge. Only events
    covered by a checkpoint are purged. Returns how many events were removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    if not AuditEvent.objects.filter(created_at__lt=cutoff, seq__isnull=False).exists():
        return 0
    audit_checkpoint(force=True)
    head = _head()
    last_checkpoint = AuditCheckpoint.objects.order_by("-seq").first()
    if last_checkpoint is None:
        return 0
    first_kept = (
        AuditEvent.objects.filter(seq__gt=head.base_seq, created_at__gte=cutoff)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    through = min(last_checkpoint.seq, (first_kept - 1) if first_kept else head.seq)
    if through <= head.base_seq:
        return 0
    through_hash = AuditEvent.objects.values_list("hash", flat=True).get(seq=through)
    with transaction.atomic():
        _anchor(AuditCheckpoint.Kind.PURGE, through, through_hash, now)
        AuditChainHead.objects.filter(id=1).update(base_seq=through, base_hash=through_hash)
        removed, _ = AuditEvent.objects.filter(seq__lte=through).delete()
        audit_record(
            actor=None,
            action=AuditAction.AUDIT_PURGE,
            object_type="core.auditevent",
            detail={"through_seq": through, "removed": removed, "cutoff": cutoff.isoformat()},
        )
    return removed


# --- reads ------------------------------------------------------------------------------------


def read_audited_or_404(actor: User, queryset: QuerySet[M], pk: int, *, purpose: str = "") -> M:
    """The selectors' shared read: one row of ``queryset`` (already scoped to ``actor``)
    with the read audited, or 404 with the refused attempt audited — out-of-scope rows
    behave as if they did not exist (DESIGN.md rule 4)."""
    try:
        obj = queryset.get(pk=pk)
    except ObjectDoesNotExist:
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
