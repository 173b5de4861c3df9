"""Search registrations (寻亲登记): at a police station or civil affairs, or by the family on
the public site (acknowledged with a tracking code and a secret only after commit);
verification by the police, which asks the family for blood; closing."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import check_transition, require_division, require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.background import enqueue_after_commit
from homeward.core.errors import DomainError
from homeward.core.idempotency import app_hmac
from homeward.core.models import Division, Township, User
from homeward.core.roles import P_REUNION_REGISTER
from homeward.linkage.records import FieldError
from homeward.reunion import engine
from homeward.reunion.models import FoundPerson, SearchRegistration, Sex
from homeward.reunion.services.common import (
    TRANSITIONS,
    ReunionError,
    police_unit,
    require_police_in_area,
)

# The fields a registration form may write (everything else is set by the services).
TEXT_FIELDS = (
    "name",
    "other_names",
    "nickname",
    "missing_place",
    "home_features",
    "marks",
    "father_name",
    "mother_name",
    "contact_name",
    "contact_phone",
)
PLAIN_FIELDS = (
    "sex",
    "birth_date",
    "birth_calendar",
    "age_stated",
    "age_kind",
    "missing_date",
    "height_band",
    "blood_type",
    "report_date",
    "township",
)
WRITABLE = frozenset(TEXT_FIELDS + PLAIN_FIELDS)
# What a self-search registration adds for the found side (see FoundPerson).
SELF_SEARCH_FOUND_FIELDS = frozenset(
    {
        "est_age_low",
        "est_age_high",
        "age_method",
        "age_estimated_on",
        "found_province",
        "found_city",
        "landmarks_remembered",
        "parent_surname_remembered",
        "parent_relation",
        "accent",
        "height_cm",
    }
)
TEXT_LIMIT = 500


@dataclass(frozen=True)
class PublicSubmission:
    search: SearchRegistration
    secret: str
    created: bool


def _tracking_code() -> str:
    return "XQ" + base64.b32encode(secrets.token_bytes(6)).decode("ascii").rstrip("=")[:10]


def _new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").rstrip("=")


def secret_verifier(secret: str) -> str:
    return app_hmac("reunion-secret-verifier", secret.strip().upper())


def _clean(kind: str, division: Division, fields: dict[str, Any]) -> dict[str, Any]:
    """Field-level checks, the engine's own reading included: a value the matcher cannot
    read is refused here, naming its field, so that nothing stored is unmatchable."""
    unknown = set(fields) - WRITABLE
    if unknown:
        raise ValidationError({name: _("This field cannot be written.") for name in unknown})
    cleaned: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        cleaned[name] = str(fields.get(name) or "").strip()[:TEXT_LIMIT]
    for name in PLAIN_FIELDS:
        value = fields.get(name)
        cleaned[name] = value.strip() if isinstance(value, str) else value
    errors: dict[str, list[str]] = {}
    if kind not in SearchRegistration.Kind.values:
        errors["kind"] = [_("Choose who is searching.")]
    if cleaned["sex"] in (None, ""):
        cleaned["sex"] = Sex.UNKNOWN
    if cleaned["sex"] not in Sex.values:
        errors["sex"] = [_("Choose the sex.")]
    nameless = not (cleaned["name"] or cleaned["nickname"] or cleaned["other_names"])
    if nameless and kind == SearchRegistration.Kind.FAMILY:
        errors["name"] = [_("Give the child's name or nickname.")]
    township = cleaned["township"]
    if township is not None and (
        not isinstance(township, Township) or township.division_id != division.pk
    ):
        errors["township"] = [_("Choose a township of the district.")]
    if cleaned["report_date"] is None:
        cleaned["report_date"] = timezone.localdate()
    elif cleaned["report_date"] > timezone.localdate():
        errors["report_date"] = [_("The date is in the future.")]
    for name in (
        "birth_calendar",
        "age_kind",
        "blood_type",
        "birth_date",
        "missing_date",
        "height_band",
    ):
        if cleaned[name] is None:
            cleaned[name] = ""
    if not cleaned["birth_calendar"]:
        cleaned["birth_calendar"] = SearchRegistration.Calendar.SOLAR
    if not cleaned["age_kind"]:
        cleaned["age_kind"] = SearchRegistration.AgeKind.FULL
    if cleaned["age_stated"] is not None and not 0 <= int(cleaned["age_stated"]) <= 120:
        errors["age_stated"] = [_("Give the age in years.")]
    if errors:
        raise ValidationError(errors)
    probe = SearchRegistration(kind=kind, division=division, pk=0, **cleaned)
    try:
        engine.report_record(probe)
    except FieldError as error:
        field = engine.REPORT_FIELD_OF_COLUMN.get(error.field, None)
        message = engine.field_error_message(error)
        raise ValidationError({field: [message]} if field else [message]) from error
    return cleaned


def _clean_found_details(details: dict[str, Any]) -> dict[str, Any]:
    unknown = set(details) - SELF_SEARCH_FOUND_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be written.") for name in unknown})
    cleaned = {k: (v.strip()[:TEXT_LIMIT] if isinstance(v, str) else v) for k, v in details.items()}
    low, high = cleaned.get("est_age_low"), cleaned.get("est_age_high")
    if low is not None and high is not None and low > high:
        raise ValidationError({"est_age_high": [_("The upper age is below the lower one.")]})
    if (low is not None or high is not None) and not cleaned.get("age_method"):
        raise ValidationError({"age_method": [_("Say how the age was estimated.")]})
    if cleaned.get("age_method", "") not in FoundPerson.AgeMethod.values:
        raise ValidationError({"age_method": [_("Choose how the age was estimated.")]})
    return cleaned


def _create(
    *,
    kind: str,
    channel: str,
    division: Division,
    fields: dict[str, Any],
    actor: User | None,
    found_details: dict[str, Any] | None,
    **extra: Any,
) -> SearchRegistration:
    search = SearchRegistration.objects.create(
        tracking_code=_tracking_code(),
        kind=kind,
        channel=channel,
        division=division,
        owning_agency=police_unit(division),
        registering_agency=actor.agency if actor is not None else None,
        registered_by=actor,
        **fields,
        **extra,
    )
    if kind == SearchRegistration.Kind.SELF and actor is not None:
        # (Only staff register a self-search: see search_submit_public.) The self-searcher is also a found person: the link record holds what only the
        # found side has (an estimated age, the province where they live, landmarks).
        FoundPerson.objects.create(
            source=FoundPerson.Source.SELF_SEARCH,
            self_search=search,
            division=division,
            owning_agency=search.owning_agency,
            registered_by=actor,
            **(found_details or {}),
        )
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_SEARCH_REGISTER,
        obj=search,
        detail={"kind": kind, "channel": channel},
        actor_username="" if actor else "public",
    )
    return search


@transaction.atomic
def search_register(
    *,
    actor: User,
    kind: str,
    division: Division,
    found_details: dict[str, Any] | None = None,
    **fields: Any,
) -> SearchRegistration:
    """Register a search at a police station or through civil affairs."""
    require_permission(actor, P_REUNION_REGISTER)
    require_division(actor, division.pk)
    cleaned = _clean(kind, division, fields)
    details = _clean_found_details(found_details or {})
    channel = (
        SearchRegistration.Channel.POLICE
        if actor.agency.is_public_security
        else SearchRegistration.Channel.CIVIL_AFFAIRS
    )
    return _create(
        kind=kind,
        channel=channel,
        division=division,
        fields=cleaned,
        actor=actor,
        found_details=details,
    )


def _payload_digest(kind: str, division: Division, fields: dict[str, Any]) -> str:
    canonical = dict(fields, kind=kind, division=division.pk)
    canonical["township"] = fields["township"].pk if fields.get("township") else None
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return app_hmac("reunion-payload", text)


def search_submit_public(
    *, idempotency_key: str, kind: str, division: Division, **fields: Any
) -> PublicSubmission:
    """A family registers on the public site. The answer (tracking code and secret) is
    built from the committed row; a retry with the same key and payload gets the same
    row, the same key with another payload is refused (409), so a key never reveals
    another family's registration."""
    if kind != SearchRegistration.Kind.FAMILY:
        # A self-search needs the police to see the searcher (age estimate, blood).
        raise ValidationError({"kind": [_("Register a self-search at a police station.")]})
    cleaned = _clean(kind, division, fields)
    if not cleaned["contact_phone"]:
        raise ValidationError({"contact_phone": [_("Give a phone number the police can call.")]})
    digest = app_hmac("reunion-idempotency", idempotency_key)
    payload = _payload_digest(kind, division, cleaned)
    existing = SearchRegistration.objects.filter(idempotency_digest=digest).first()
    if existing is not None:
        return _replayed(existing, payload)
    secret = _new_secret()
    try:
        with transaction.atomic():
            search = _create(
                kind=kind,
                channel=SearchRegistration.Channel.PUBLIC,
                division=division,
                fields=cleaned,
                actor=None,
                found_details=None,
                secret_hash=secret_verifier(secret),
                idempotency_digest=digest,
                payload_digest=payload,
            )
    except IntegrityError:
        existing = SearchRegistration.objects.filter(idempotency_digest=digest).first()
        if existing is None:
            raise
        return _replayed(existing, payload)
    return PublicSubmission(search, secret, created=True)


def _replayed(existing: SearchRegistration, payload: str) -> PublicSubmission:
    if not hmac.compare_digest(existing.payload_digest, payload):
        raise DomainError(
            ReunionError.IDEMPOTENCY_REUSED,
            _(
                "This form was already used for another registration. Check yours and send it again."
            ),
            status=409,
        )
    # The secret is not stored: a retry of the same form gets the code, and is told to
    # keep the secret shown the first time.
    return PublicSubmission(existing, "", created=False)


@dataclass(frozen=True)
class FamilyView:
    """What the family may know: their own search's stage, nothing of any candidate."""

    tracking_code: str
    stage: str
    registered_on: date


def _reunited(search: SearchRegistration) -> bool:
    """The confirmed candidate met the family again: recorded by the police, or, for a
    rescued victim, returned home to the parents by civil affairs."""
    from homeward.reunion.models import Candidate

    confirmed = (
        Candidate.objects.filter(search=search, state=Candidate.State.CONFIRMED)
        .select_related("found__victim")
        .first()
    )
    if confirmed is None:
        return False
    if confirmed.reunited_on is not None:
        return True
    victim = confirmed.found.victim
    return victim is not None and victim.returns.filter(kind="parents").exists()


def family_stage(search: SearchRegistration) -> str:
    if search.status == SearchRegistration.Status.SUBMITTED:
        return _("Received: the police will contact you to verify it")
    if search.status == SearchRegistration.Status.VERIFIED:
        return _("Verified: being searched. The police will contact you if there is news.")
    if search.status == SearchRegistration.Status.MATCHED:
        if _reunited(search):
            return _("Your family has met again (团聚). We wish you well.")
        return _("Your family member has been found. The police will contact you.")
    return _("Closed. Contact the police for details.")


def search_status_for_family(*, tracking_code: str, secret: str) -> FamilyView | None:
    """None unless both the code and the secret are right (the same answer either way)."""
    search = SearchRegistration.objects.filter(
        tracking_code=tracking_code.strip().upper(), channel=SearchRegistration.Channel.PUBLIC
    ).first()
    verifier = secret_verifier(secret)
    if search is None or not hmac.compare_digest(verifier, search.secret_hash):
        return None
    return FamilyView(
        search.tracking_code, family_stage(search), timezone.localdate(search.registered_at)
    )


def _locked(search: SearchRegistration, version: int) -> SearchRegistration:
    locked = SearchRegistration.objects.select_for_update().get(pk=search.pk)
    if locked.version != version:
        raise DomainError(
            ReunionError.VERSION_CONFLICT,
            _("The search was changed by someone else; reload it."),
            status=409,
        )
    return locked


def _move(locked: SearchRegistration, to: str) -> None:
    check_transition(
        TRANSITIONS,
        locked.status,
        to,
        code=ReunionError.BAD_TRANSITION,
        message=_("A search cannot go from %(from)s to %(to)s.")
        % {"from": locked.get_status_display(), "to": SearchRegistration.Status(to).label},
    )
    locked.status = to
    locked.version += 1


def _registry_person(actor: User, search: SearchRegistration) -> Any:
    from homeward.people.services import person_create

    name = (
        search.name
        or search.nickname
        or _("Sought in search %(code)s") % {"code": search.tracking_code}
    )
    dob = None
    if len(search.birth_date) == 10 and search.birth_calendar == SearchRegistration.Calendar.SOLAR:
        dob = date.fromisoformat(search.birth_date)
    return person_create(
        actor=actor,
        division=search.division,
        full_name=name[:64],
        sex=search.sex,
        date_of_birth=dob,
    )


@transaction.atomic
def search_verify(*, actor: User, search: SearchRegistration, version: int) -> SearchRegistration:
    """The police verify a registration: the person sought enters the registry, and a DNA
    request asks that the family (or the self-searcher) give blood — only public
    security collects DNA. The search is matched once the transaction commits."""
    from homeward.dna.models import CheckRequest
    from homeward.dna.services import check_request_create

    require_police_in_area(actor, search.division_id)
    locked = _locked(search, version)
    _move(locked, SearchRegistration.Status.VERIFIED)
    if locked.person_id is None:  # (a search made of an alert has the child's record)
        locked.person = _registry_person(actor, locked)
    family = locked.kind == SearchRegistration.Kind.FAMILY
    reason = (
        _("Search %(code)s: take blood from the parents of the missing child.")
        if family
        else _("Self-search %(code)s: take blood from the searcher.")
    ) % {"code": locked.tracking_code}
    locked.dna_request = check_request_create(
        actor=actor,
        person=locked.person,
        source=CheckRequest.Source.FAMILY_SEARCH if family else CheckRequest.Source.OTHER,
        reason=reason,
        division=locked.division,
    )
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.save()
    if not family:
        FoundPerson.objects.filter(self_search=locked).update(registered_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_SEARCH_VERIFY,
        obj=locked,
        detail={"dna_request": locked.dna_request.pk},
    )
    _rematch_after_commit(locked)
    return locked


@transaction.atomic
def search_close(
    *, actor: User, search: SearchRegistration, version: int, note: str
) -> SearchRegistration:
    """Close a search (withdrawn by the family, a duplicate, found by other means)."""
    require_police_in_area(actor, search.division_id)
    if not note.strip():
        raise ValidationError({"note": [_("Say why the search is closed.")]})
    locked = _locked(search, version)
    before = locked.status
    _move(locked, SearchRegistration.Status.CLOSED)
    locked.closing_note = note.strip()[:300]
    locked.save()
    if locked.kind == SearchRegistration.Kind.SELF:
        FoundPerson.objects.filter(self_search=locked).update(status=FoundPerson.Status.CLOSED)
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_SEARCH_CLOSE,
        obj=locked,
        detail={"from": before},
    )
    return locked


@transaction.atomic
def search_update(
    *, actor: User, search: SearchRegistration, version: int, **fields: Any
) -> SearchRegistration:
    """Correct or complete what the family remembers; matched again after commit."""
    require_police_in_area(actor, search.division_id)
    locked = _locked(search, version)
    if locked.status in {SearchRegistration.Status.MATCHED, SearchRegistration.Status.CLOSED}:
        raise DomainError(ReunionError.BAD_TRANSITION, _("A finished search is not changed."))
    current = {name: getattr(locked, name) for name in WRITABLE}
    current.update(fields)
    cleaned = _clean(locked.kind, locked.division, current)
    changed = sorted(name for name in WRITABLE if getattr(locked, name) != cleaned[name])
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_SEARCH_UPDATE,
        obj=locked,
        detail={"fields": changed},
    )
    _rematch_after_commit(locked)
    return locked


def _rematch_after_commit(search: SearchRegistration) -> None:
    from homeward.reunion import tasks

    if search.kind == SearchRegistration.Kind.FAMILY:
        enqueue_after_commit(tasks.match_search, search.pk)
    else:
        found = FoundPerson.objects.filter(self_search=search).first()
        if found is not None:
            enqueue_after_commit(tasks.match_found, found.pk)
