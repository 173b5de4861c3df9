"""Writes to the person registry. Each writes its audit event in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import Division, User
from homeward.core.roles import P_PERSON_ADD, P_PERSON_CHANGE
from homeward.core.uploads import reencode_photo
from homeward.people.models import Person
from homeward.people.validators import normalize_id_number, validate_id_number

# Fields a caller may set; scope and ownership are always set by the server (AC-05).
WRITABLE_FIELDS = frozenset(
    {
        "full_name",
        "sex",
        "date_of_birth",
        "estimated_age_years",
        "age_estimated_on",
        "ethnicity",
        "id_number",
        "household_division",
        "phone",
        "address",
    }
)


class PersonError:
    DUPLICATE_ID_NUMBER = "duplicate_id_number"
    VERSION_CONFLICT = "version_conflict"
    BAD_PHOTO = "bad_photo"


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - WRITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be written.") for name in sorted(unknown)}
        )
    cleaned = dict(fields)
    if cleaned.get("id_number"):
        try:
            validate_id_number(cleaned["id_number"])
        except ValidationError as error:
            raise ValidationError({"id_number": error.error_list}) from error
        cleaned["id_number"] = normalize_id_number(cleaned["id_number"])
    return cleaned


@transaction.atomic
def person_create(
    *,
    actor: User,
    division: Division | None = None,
    photo: UploadedFile | None = None,
    **fields: Any,
) -> Person:
    """Register a person in the actor's agency, with their photo if one is given: one
    transaction, so a refused photo leaves nothing behind and a retry makes no
    duplicate. District users register in their own district; municipal users name
    the district."""
    require_permission(actor, P_PERSON_ADD)
    agency = actor.agency
    if agency.division_id is not None:
        division = agency.division
    if division is None:
        raise ValidationError({"division": _("Choose the district of registration.")})
    cleaned = _clean_fields(fields)
    person = Person(division=division, owning_agency=agency, created_by=actor, **cleaned)
    person.full_clean(exclude=["id_number_index", "photo"])
    content = reencode_photo(photo) if photo is not None else None
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        if "id_number" in str(error).lower():
            raise DomainError(
                PersonError.DUPLICATE_ID_NUMBER,
                _("This ID number is already registered."),
                status=409,
            ) from error
        raise
    if content is not None:
        person.photo.save(content.name or "photo.jpg", content, save=False)
        person.save(update_fields=["photo"])
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_CREATE,
        obj=person,
        detail={"photo": content is not None},
    )
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, version: int, **fields: Any) -> Person:
    """Update with optimistic locking: a stale ``version`` is a 409 conflict (REL-01)."""
    require_permission(actor, P_PERSON_CHANGE)
    cleaned = _clean_fields(fields)
    updated = Person.objects.filter(pk=person.pk, version=version).update(
        version=version + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise DomainError(
            PersonError.VERSION_CONFLICT,
            _("Someone else has changed the record. Refresh the page and try again."),
            status=409,
        )
    person.refresh_from_db()
    for name, value in cleaned.items():
        setattr(person, name, value)
    person.full_clean(exclude=["id_number_index", "photo"])
    person.save()
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_UPDATE,
        obj=person,
        detail={"fields": sorted(cleaned)},
    )
    return person


@transaction.atomic
def person_set_photo(*, actor: User, person: Person, upload: UploadedFile) -> Person:
    require_permission(actor, P_PERSON_CHANGE)
    content = reencode_photo(upload)
    person.photo.save(content.name or "photo.jpg", content, save=False)
    person.updated_at = timezone.now()
    person.save(update_fields=["photo", "updated_at"])
    audit_record(actor=actor, action=AuditAction.PERSON_PHOTO_SET, obj=person)
    return person


def estimated_birth_year(person: Person) -> int | None:
    if person.date_of_birth:
        return person.date_of_birth.year
    if person.estimated_age_years is not None:
        reference: date = person.age_estimated_on or timezone.localdate()
        return reference.year - person.estimated_age_years
    return None
