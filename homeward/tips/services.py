"""Writes of the clue module. Public submissions are acknowledged only after commit
(the caller builds its answer from the returned, committed row)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import require_permission, require_public_security
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.idempotency import app_hmac, legacy_secret_key_hmac
from homeward.core.keys import keyring
from homeward.core.models import Agency, Division, User
from homeward.core.roles import P_TIP_MANDATORY, P_TIP_TRIAGE
from homeward.core.tick import keyset_batches
from homeward.crypto import blind_index, decrypt, encrypt
from homeward.tips.models import MandatoryReport, Tip, TipAttachment, TipEvent, TipIdentifier

PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{5,6}"
)
SLA_HOURS = {Tip.Priority.HIGHEST: 2, Tip.Priority.HIGH: 24, Tip.Priority.NORMAL: 72}

TRANSITIONS: dict[str, set[str]] = {
    Tip.Status.RECEIVED: {Tip.Status.TRIAGED, Tip.Status.UNSUBSTANTIATED, Tip.Status.REFERRED},
    Tip.Status.TRIAGED: {Tip.Status.ASSIGNED, Tip.Status.UNSUBSTANTIATED, Tip.Status.REFERRED},
    Tip.Status.ASSIGNED: {Tip.Status.VERIFYING, Tip.Status.REFERRED},
    Tip.Status.VERIFYING: {
        Tip.Status.SUBSTANTIATED,
        Tip.Status.UNSUBSTANTIATED,
        Tip.Status.REFERRED,
    },
    Tip.Status.SUBSTANTIATED: set(),
    Tip.Status.UNSUBSTANTIATED: set(),
    Tip.Status.REFERRED: set(),
}


class TipError:
    BAD_TRANSITION = "tip_bad_transition"
    VERSION_CONFLICT = "version_conflict"
    BAD_ATTACHMENT = "bad_attachment"
    IDEMPOTENCY_REUSED = "idempotency_key_reused"


@dataclass(frozen=True)
class Submission:
    tip: Tip
    secret: str
    created: bool


def _hmac(purpose: str, value: str) -> str:
    """A keyring HMAC (core.idempotency), not SECRET_KEY: rotating the Django secret must
    not void every reporter's secret."""
    return app_hmac(purpose, value)


def _new_reporter_secret() -> str:
    """80 random bits made by the server, never derived from anything the client sent."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").rstrip("=")


def _receipt_pad(idempotency_key: str) -> bytes:
    # Only the client knows the raw idempotency key (the row keeps its keyed digest),
    # so the stored receipt opens only for the one who sent the key.
    return hashlib.sha256(f"tip-receipt-pad\x00{idempotency_key}".encode()).digest()[:10]


def _seal_receipt(secret: str, idempotency_key: str, digest: str) -> str:
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    masked = bytes(a ^ b for a, b in zip(raw, _receipt_pad(idempotency_key), strict=True))
    return encrypt(keyring(), masked.hex(), context=f"tips.receipt.{digest}")


def _open_receipt(sealed: str, idempotency_key: str, digest: str) -> str:
    masked = bytes.fromhex(decrypt(keyring(), sealed, context=f"tips.receipt.{digest}"))
    raw = bytes(a ^ b for a, b in zip(masked, _receipt_pad(idempotency_key), strict=True))
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _payload_digest(fields: dict[str, Any], attachments: list[UploadedFile]) -> str:
    """A keyed fingerprint of what was submitted, to tell a retry (same key, same
    payload) from a replay of someone else's key with another payload."""
    canonical = dict(fields, attachments=[_file_digest(upload) for upload in attachments])
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return _hmac("tip-payload", text)


def _replayed(existing: Tip, idempotency_key: str, digest: str, payload: str) -> Submission:
    """The stored receipt for a retry; a 409 for the same key with another payload."""
    if not existing.payload_digest or not hmac.compare_digest(existing.payload_digest, payload):
        raise DomainError(
            TipError.IDEMPOTENCY_REUSED,
            _("This form was already used to send another report. Check yours and send it again."),
            status=409,
        )
    secret = _open_receipt(existing.sealed_receipt, idempotency_key, digest)
    return Submission(existing, secret, created=False)


def secret_verifier(secret: str) -> str:
    """Keyed hash of a reporter secret. The secret is 80 random bits, so a fast keyed
    hash is as safe as a slow password hash here, and public intake stays fast."""
    return _hmac("tip-secret-verifier", secret.strip().upper())


def secret_matches(secret: str, verifier: str) -> bool:
    """Also accepts a verifier stored by an older release (HMAC under SECRET_KEY)."""
    current = hmac.compare_digest(secret_verifier(secret), verifier)
    legacy = hmac.compare_digest(
        legacy_secret_key_hmac(f"tip-secret-verifier\x00{secret.strip().upper()}"), verifier
    )
    return current or legacy


def _tracking_code() -> str:
    return "HJ" + base64.b32encode(secrets.token_bytes(6)).decode("ascii").rstrip("=")[:10]


def _police_unit(division: Division) -> Agency:
    # Only the key: the clue needs the foreign key, not the unit's names (less CPU per clue).
    return Agency.objects.only("pk").get(division=division, kind="public_security")


def identifier_digest(kind: str, value: str) -> str:
    """The keyed blind index of a normalised identifier (a phone's 11 digits, a WeChat
    id, a plate ...). Every module that links records by contact details (clues, online
    screening) uses this one digest, so equal values meet whatever module wrote them."""
    return blind_index(keyring(), value, context=f"tips.identifier.{kind}")


# Kinds of contact detail a clue is linked by: the screening engine's, less places, and
# plates (which posts do not carry).
CONTACT_KINDS = frozenset({"phone", "wechat", "qq", "bank_account", "alipay", "email"})


def identifier_values(narrative: str, contact: str = "") -> set[tuple[str, str]]:
    """The contact details named in a clue, as ``(kind, normalised value)``: phones
    however written (spaces, dashes, full-width or circled digits, 一三八, 幺), WeChat and
    QQ ids after their spellings (加v, 威信, 扣扣 ...), accounts and e-mail addresses, by
    the screening engine's extractor — so a clue carries the very values (and digests)
    that the screening app stores for a post — and plates."""
    from homeward.screening_engine import extract_identifiers

    found: set[tuple[str, str]] = set()
    for part in (narrative, contact):
        found |= {
            (identifier.kind, identifier.value[:200])
            for identifier in extract_identifiers(part)
            if identifier.kind in CONTACT_KINDS and identifier.value
        }
    text = f"{narrative}\n{contact}"
    # A bare eleven-digit mobile number, as the clue module always read it.
    found |= {("phone", m) for m in PHONE_RE.findall(text)}
    found |= {("plate", m.upper()) for m in PLATE_RE.findall(text.upper())}
    return found


def _identifiers(narrative: str, contact: str) -> set[tuple[str, str]]:
    return {
        (kind, identifier_digest(kind, value))
        for kind, value in identifier_values(narrative, contact)
    }


def _store_attachments(tip: Tip, attachments: list[UploadedFile]) -> None:
    from homeward.core.uploads import reencode_photo

    if len(attachments) > 5:
        raise DomainError(TipError.BAD_ATTACHMENT, _("At most five pictures."))
    for upload in attachments:
        try:
            content = reencode_photo(upload)
        except DomainError as error:
            raise DomainError(TipError.BAD_ATTACHMENT, error.message) from error
        attachment = TipAttachment(tip=tip, size=len(content))
        attachment.file.save(content.name or "picture.jpg", content, save=False)
        attachment.save()


def _validate(category: str, narrative: str, occurred_on: date | None) -> None:
    errors: dict[str, str] = {}
    if category not in Tip.Category.values:
        errors["category"] = _("Choose a category.")
    if len(narrative.strip()) < 10:
        errors["narrative"] = _("Describe what happened in at least 10 characters.")
    if len(narrative) > 5000:
        errors["narrative"] = _("At most 5,000 characters.")
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date is in the future.")
    if errors:
        raise ValidationError(errors)


def tip_submit(
    *,
    channel: str,
    category: str,
    narrative: str,
    division: Division,
    address: str = "",
    occurred_on: date | None = None,
    occurred_time: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    contact: str = "",
    attachments: list[UploadedFile] | None = None,
    idempotency_key: str,
    priority: int = Tip.Priority.NORMAL,
    mandatory: dict[str, Any] | None = None,
) -> Submission:
    """Store a clue and return it with the reporter's secret once committed.

    The secret is random and made here. A retry with the same idempotency key and the
    same payload returns the stored clue and the same secret; the same key with another
    payload is refused (409 ``idempotency_key_reused``), so knowing someone's key never
    yields their tracking code or secret."""
    _validate(category, narrative, occurred_on)
    digest = _hmac("tip-idempotency", idempotency_key)
    payload = _payload_digest(
        {
            "channel": channel,
            "category": category,
            "narrative": narrative.strip(),
            "division": division.pk,
            "address": address.strip()[:300],
            "occurred_on": occurred_on,
            "occurred_time": occurred_time[:40],
            "latitude": latitude,
            "longitude": longitude,
            "contact": contact.strip()[:100],
            "priority": int(priority),
            "mandatory": {
                key: (value.pk if isinstance(value, User) else value)
                for key, value in (mandatory or {}).items()
            },
        },
        attachments or [],
    )
    existing = Tip.objects.filter(idempotency_digest=digest).first()
    if existing is not None:
        return _replayed(existing, idempotency_key, digest, payload)
    secret = _new_reporter_secret()
    now = timezone.now()
    received_hour = now.replace(minute=0, second=0, microsecond=0)
    # A clue from an anonymous reporter keeps no exact time anywhere (DP-08): the
    # received event and the triage deadline count from the hour (the deadline is at
    # most 59 minutes earlier, never later); a mandatory report names its reporter
    # and keeps exact times.
    anonymous = mandatory is None
    stamp = received_hour if anonymous else now
    try:
        with transaction.atomic():
            tip = Tip.objects.create(
                tracking_code=_tracking_code(),
                secret_hash=secret_verifier(secret),
                idempotency_digest=digest,
                payload_digest=payload,
                sealed_receipt=_seal_receipt(secret, idempotency_key, digest),
                category=category,
                channel=channel,
                priority=priority,
                narrative=narrative.strip(),
                occurred_on=occurred_on,
                occurred_time=occurred_time[:40],
                division=division,
                address=address.strip()[:300],
                latitude=latitude,
                longitude=longitude,
                contact=contact.strip()[:100],
                received_hour=received_hour,
                owning_agency=_police_unit(division),
                sla_due_at=stamp + timedelta(hours=SLA_HOURS[Tip.Priority(priority)]),
            )
            for kind, value in _identifiers(narrative, contact):
                TipIdentifier.objects.create(tip=tip, kind=kind, digest=value)
            _store_attachments(tip, attachments or [])
            reporter = None
            if mandatory is not None:
                reporter = mandatory["reporter"]
                MandatoryReport.objects.create(tip=tip, **mandatory)
            TipEvent.objects.create(tip=tip, kind="received", actor=reporter, at=stamp)
            audit_record(
                actor=reporter,
                action=AuditAction.TIP_RECEIVED,
                obj=tip,
                detail={"channel": channel, "category": category},
                actor_username="" if reporter else "anonymous",
                anonymous=reporter is None,
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its clue.
        existing = Tip.objects.filter(idempotency_digest=digest).first()
        if existing is None:
            raise
        return _replayed(existing, idempotency_key, digest, payload)
    return Submission(tip, secret, created=True)


def mandatory_report_submit(
    *,
    actor: User,
    institution_name: str,
    institution_kind: str,
    reporter_role: str,
    idempotency_key: str,
    **fields: Any,
) -> Submission:
    """强制报告: routed to the district police at the highest triage priority. Only a
    holder of a mandatory-reporting role files one (teachers, medical staff, marriage
    registrars, hotel, transport and station staff)."""
    # The police record a concern they find themselves (a rejected adoption check) the
    # same way; anyone else needs a mandatory-reporting role.
    if not (actor.agency.is_public_security and actor.has_perm(P_TIP_TRIAGE)):
        require_permission(actor, P_TIP_MANDATORY)
    if institution_kind not in MandatoryReport.InstitutionKind.values:
        raise ValidationError({"institution_kind": [_("Choose the kind of institution.")]})
    return tip_submit(
        channel=Tip.Channel.MANDATORY,
        priority=Tip.Priority.HIGHEST,
        idempotency_key=f"{actor.pk}:{idempotency_key}",
        mandatory={
            "institution_name": institution_name.strip()[:120],
            "institution_kind": institution_kind,
            "reporter": actor,
            "reporter_role": reporter_role.strip()[:60],
        },
        **fields,
    )


@dataclass(frozen=True)
class ReporterView:
    """What an anonymous reporter may know: the stage, nothing else."""

    tracking_code: str
    stage: str
    received_on: date


def reporter_stage(tip: Tip) -> str:
    if tip.status == Tip.Status.RECEIVED:
        return _("Received: waiting to be examined")
    if tip.status in {Tip.Status.TRIAGED, Tip.Status.ASSIGNED, Tip.Status.VERIFYING}:
        return _("Being examined by the police")
    if tip.status == Tip.Status.REFERRED:
        return _("Passed to the competent agency")
    return _("Examination finished. Thank you for your report.")


def tip_status_for_reporter(*, tracking_code: str, secret: str) -> ReporterView | None:
    """None unless both the code and the secret are right (same answer either way)."""
    tip = Tip.objects.filter(tracking_code=tracking_code.strip().upper()).first()
    if tip is None:
        secret_verifier(secret)  # equal work for unknown codes
        return None
    if not secret_matches(secret, tip.secret_hash):
        return None
    return ReporterView(
        tip.tracking_code, reporter_stage(tip), timezone.localdate(tip.received_hour)
    )


def _require_police(actor: User) -> None:
    require_public_security(actor, _("Only the police triage clues."))
    require_permission(actor, P_TIP_TRIAGE)


@transaction.atomic
def tip_transition(
    *,
    actor: User,
    tip: Tip,
    to: str,
    version: int,
    note: str = "",
    assigned_to: User | None = None,
    referred_to: Agency | None = None,
    priority: int | None = None,
) -> Tip:
    """Move a clue along its triage workflow (optimistic locking on ``version``)."""
    _require_police(actor)
    locked = Tip.objects.select_for_update().get(pk=tip.pk)
    if locked.version != version:
        raise DomainError(
            TipError.VERSION_CONFLICT,
            _("The clue was changed by someone else; reload it."),
            status=409,
        )
    if to not in TRANSITIONS[locked.status]:
        raise DomainError(
            TipError.BAD_TRANSITION,
            _("A clue cannot go from %(from)s to %(to)s.")
            % {"from": locked.get_status_display(), "to": Tip.Status(to).label},
            status=409,
        )
    if to == Tip.Status.ASSIGNED:
        if assigned_to is None or not assigned_to.agency.is_public_security:
            raise DomainError(TipError.BAD_TRANSITION, _("Assign the clue to a police officer."))
        locked.assigned_to = assigned_to
    if to == Tip.Status.REFERRED:
        if referred_to is None:
            raise DomainError(
                TipError.BAD_TRANSITION, _("Choose the agency the clue is referred to.")
            )
        locked.referred_to = referred_to
    if priority is not None:
        locked.priority = priority
    before = locked.status
    locked.status = to
    locked.outcome_note = note.strip()[:300] or locked.outcome_note
    locked.version += 1
    if to != Tip.Status.RECEIVED:
        locked.overdue = False
    locked.save()
    TipEvent.objects.create(tip=locked, kind=to, actor=actor, detail=note.strip()[:300])
    audit_record(
        actor=actor,
        action=AuditAction.TIP_TRANSITION,
        obj=locked,
        detail={"from": before, "to": to},
    )
    return locked


def tips_flag_overdue(now: datetime | None = None, *, batch: int | None = None) -> int:
    """Tick job: clues still waiting for triage past their due time are flagged once.

    Works in committed batches (``TICK_BATCH_SIZE`` clues a transaction), so that a
    backlog of thousands never holds the database for long; each flag is a conditional
    update that re-checks the condition, so two sweeps at once flag and audit every
    clue once.
    """
    now = now or timezone.now()
    size = batch or settings.TICK_BATCH_SIZE
    due = Tip.objects.filter(status=Tip.Status.RECEIVED, overdue=False, sla_due_at__lt=now)
    count = 0
    for ids in keyset_batches(due.values_list("pk", flat=True), size):
        with transaction.atomic():
            for pk in ids:
                if not due.filter(pk=pk).update(overdue=True):
                    continue  # flagged meanwhile by another sweep, or triaged
                audit_record(
                    actor=None,
                    action=AuditAction.TIP_OVERDUE,
                    object_type=Tip._meta.label_lower,
                    object_id=str(pk),
                    actor_username="system",
                )
                count += 1
    return count


@transaction.atomic
def tip_join_case(*, actor: User, tip: Tip, case_number: str) -> Tip:
    """Attach a substantiated clue to an existing case the officer can see."""
    from homeward.cases.selectors import cases_visible_to

    _require_police(actor)
    if tip.status != Tip.Status.SUBSTANTIATED:
        raise DomainError(TipError.BAD_TRANSITION, _("Only a substantiated clue joins a case."))
    case = cases_visible_to(actor).filter(number=case_number.strip()).first()
    if case is None:
        raise DomainError(TipError.BAD_TRANSITION, _("No case with this number in your area."))
    Tip.objects.filter(pk=tip.pk).update(joined_case=case)
    TipEvent.objects.create(tip=tip, kind="joined_case", actor=actor, detail=case.number)
    audit_record(actor=actor, action=AuditAction.TIP_JOINED_CASE, obj=tip, detail={"case": case.pk})
    tip.refresh_from_db()
    return tip


@transaction.atomic
def tip_record_for_case(
    *,
    actor: User,
    case: Any,
    narrative: str,
    idempotency_key: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    contact: str = "",
    occurred_on: date | None = None,
    occurred_time: str = "",
) -> Tip:
    """A clue that police take in for a case they run (a sighting on a missing-child
    alert): stored like any clue, assigned to the officer and joined to the case."""
    _require_police(actor)
    submission = tip_submit(
        channel=Tip.Channel.ALERT_SIGHTING,
        category=Tip.Category.SUSPICIOUS,
        narrative=narrative,
        division=case.division,
        address=address,
        latitude=latitude,
        longitude=longitude,
        contact=contact,
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        idempotency_key=idempotency_key,
        priority=Tip.Priority.HIGHEST,
    )
    tip = submission.tip
    if submission.created:
        Tip.objects.filter(pk=tip.pk).update(
            joined_case=case, assigned_to=actor, status=Tip.Status.ASSIGNED
        )
        TipEvent.objects.create(tip=tip, kind="joined_case", actor=actor, detail=case.number)
        audit_record(
            actor=actor, action=AuditAction.TIP_JOINED_CASE, obj=tip, detail={"case": case.pk}
        )
        tip.refresh_from_db()
    return tip


ONLINE_LABEL_CATEGORIES: dict[str, str] = {
    "illegal_adoption": Tip.Category.CHILD_SELLING,
    "surrogacy": Tip.Category.ONLINE,
    "bride_trafficking": Tip.Category.TRAFFICKING,
    "forced_labour_recruitment": Tip.Category.FORCED_LABOUR,
    "sexual_exploitation": Tip.Category.SEXUAL_EXPLOITATION,
}


@transaction.atomic
def tip_record_from_online_post(
    *,
    actor: User,
    label: str,
    narrative: str,
    division: Division,
    identifiers: list[tuple[str, str]],
    evidence: str,
    idempotency_key: str,
) -> Tip:
    """A clue opened from an online post a reviewer confirmed (网络巡查, 三、(四)): stored
    like any clue for the district police, at high priority, with the post's text as
    its narrative and the post's contact details (``(kind, normalised value)``)
    attached as identifiers, so that it is related to every clue and case that names
    the same phone or WeChat id. A retry with the same key returns the same clue."""
    from homeward.core.roles import P_SCREEN_REVIEW

    require_permission(actor, P_SCREEN_REVIEW)
    unknown = {kind for kind, _value in identifiers} - set(TipIdentifier.Kind.values)
    if unknown:
        raise ValueError(f"unknown identifier kinds {sorted(unknown)}")
    submission = tip_submit(
        channel=Tip.Channel.ONLINE_SCREENING,
        category=ONLINE_LABEL_CATEGORIES.get(label, Tip.Category.ONLINE),
        narrative=narrative[:5000],
        division=division,
        idempotency_key=idempotency_key,
        priority=Tip.Priority.HIGH,
    )
    tip = submission.tip
    if submission.created:
        for kind, value in identifiers:
            TipIdentifier.objects.get_or_create(
                tip=tip, kind=kind, digest=identifier_digest(kind, value)
            )
        TipEvent.objects.create(
            tip=tip, kind="from_online_post", actor=actor, detail=evidence[:300]
        )
        audit_record(
            actor=actor,
            action=AuditAction.TIP_FROM_ONLINE_POST,
            obj=tip,
            detail={"label": label, "identifiers": len(identifiers)},
        )
    return tip


def tips_reindex_identifiers(*, batch: int | None = None, after: int = 0) -> tuple[int, int]:
    """Add the contact details that the current extraction finds in stored clues (a
    WeChat or QQ id, a phone written in full-width digits or in words) and that an
    older release did not record. Nothing is removed: a clue keeps every identifier it
    has. Committed batches of ``TICK_BATCH_SIZE`` clues; run twice, the second run adds
    nothing. Returns ``(clues read, identifiers added)``."""
    size = batch or settings.TICK_BATCH_SIZE
    read = added = 0
    for tips in keyset_batches(Tip.objects.only("pk", "narrative", "contact"), size, after=after):
        with transaction.atomic():
            have = set(
                TipIdentifier.objects.filter(tip__in=[t.pk for t in tips]).values_list(
                    "tip_id", "kind", "digest"
                )
            )
            new = [
                TipIdentifier(tip_id=tip.pk, kind=kind, digest=digest)
                for tip in tips
                for kind, digest in sorted(_identifiers(tip.narrative, tip.contact))
                if (tip.pk, kind, digest) not in have
            ]
            TipIdentifier.objects.bulk_create(new, ignore_conflicts=True)
        read += len(tips)
        added += len(new)
    audit_record(
        actor=None,
        action=AuditAction.TIP_IDENTIFIERS_REINDEX,
        object_type=Tip._meta.label_lower,
        actor_username="console",
        detail={"clues": read, "added": added},
    )
    return read, added
