"""Found persons: a link from the record that holds the person (a victim of unknown
identity, a found child, a registration check that suspected a purchase) with the
matching details that record lacks. Self-searchers are linked by their registration
(services.registration)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.background import enqueue_after_commit
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.core.roles import P_REUNION_FOUND_ADD
from homeward.linkage.records import FieldError
from homeward.reunion import engine
from homeward.reunion.models import FoundPerson
from homeward.reunion.services.common import ReunionError
from homeward.reunion.services.registration import SELF_SEARCH_FOUND_FIELDS, _clean_found_details

DETAIL_FIELDS = frozenset(SELF_SEARCH_FOUND_FIELDS | {"name_remembered", "marks", "blood_type"})


def _source_in_scope(actor: User, source: str, pk: int) -> Model:
    """The source record, if the actor may see it (its module's own selector)."""
    from homeward.prevention.selectors import (
        found_children_visible_to,
        registration_checks_visible_to,
    )
    from homeward.victims.selectors import victims_visible_to

    Source = FoundPerson.Source
    record: Model | None = None
    if source == Source.VICTIM:
        record = victims_visible_to(actor).filter(pk=pk, identity_status="unknown").first()
    elif source == Source.FOUND_CHILD:
        record = found_children_visible_to(actor).filter(pk=pk).first()
    elif source == Source.REGISTRATION_CHECK:
        record = (
            registration_checks_visible_to(actor).filter(pk=pk, suspected_purchase=True).first()
        )
    if record is None:
        raise DomainError(
            ReunionError.SOURCE_NOT_FOUND,
            _(
                "No such record in your area (a victim must be of unknown identity, a check must suspect a purchase)."
            ),
            status=404,
        )
    return record


def _clean_details(details: dict[str, Any]) -> dict[str, Any]:
    unknown = set(details) - DETAIL_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be written.") for name in unknown})
    found_only = {k: v for k, v in details.items() if k in SELF_SEARCH_FOUND_FIELDS}
    cleaned = _clean_found_details(found_only)
    for name in ("name_remembered", "marks"):
        cleaned[name] = str(details.get(name) or "").strip()[:500]
    cleaned["blood_type"] = details.get("blood_type") or ""
    return cleaned


def _check_readable(found: FoundPerson) -> None:
    try:
        engine.found_record(found)
    except FieldError as error:
        field = engine.FOUND_FIELD_OF_COLUMN.get(error.field)
        message = engine.field_error_message(error)
        raise ValidationError({field: [message]} if field else [message]) from error


@transaction.atomic
def found_person_register(
    *, actor: User, source: str, source_id: int, **details: Any
) -> FoundPerson:
    """Put a person whose family is sought into the search (matched after commit)."""
    require_permission(actor, P_REUNION_FOUND_ADD)
    if source not in FoundPerson.Source.values or source == FoundPerson.Source.SELF_SEARCH:
        raise ValidationError({"source": [_("Choose where the person is recorded.")]})
    cleaned = _clean_details(details)
    record: Any = _source_in_scope(actor, source, source_id)
    found = FoundPerson(
        source=source,
        division_id=record.division_id,
        owning_agency_id=record.owning_agency_id,
        registered_by=actor,
        **{source: record},
        **cleaned,
    )
    _check_readable(found)
    try:
        with transaction.atomic():
            found.save()
    except IntegrityError as error:
        raise DomainError(
            ReunionError.DUPLICATE_FOUND,
            _("This person is already in the search for relatives."),
            status=409,
        ) from error
    audit_record(
        actor=actor,
        action=AuditAction.REUNION_FOUND_REGISTER,
        obj=found,
        detail={"source": source},
    )
    _match_after_commit(found)
    return found


@transaction.atomic
def found_person_update(
    *, actor: User, found: FoundPerson, version: int, **details: Any
) -> FoundPerson:
    """Correct or complete a found person's details (matched again after commit)."""
    from homeward.reunion.services.common import require_police_in_area

    require_police_in_area(actor, found.division_id)
    locked = FoundPerson.objects.select_for_update().get(pk=found.pk)
    if locked.version != version:
        raise DomainError(
            ReunionError.VERSION_CONFLICT,
            _("The record was changed by someone else; reload it."),
            status=409,
        )
    current = {name: getattr(locked, name) for name in DETAIL_FIELDS}
    current.update(details)
    cleaned = _clean_details(current)
    changed = sorted(n for n in cleaned if getattr(locked, n) != cleaned[n])
    for name, value in cleaned.items():
        setattr(locked, name, value)
    _check_readable(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.REUNION_FOUND_UPDATE, obj=locked, detail={"fields": changed}
    )
    _match_after_commit(locked)
    return locked


def _match_after_commit(found: FoundPerson) -> None:
    from homeward.reunion import tasks

    enqueue_after_commit(tasks.match_found, found.pk)
