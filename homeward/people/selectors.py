"""Reads of the person registry, scoped to the user and audited where sensitive."""

from __future__ import annotations

from django.db.models import QuerySet

from homeward.core.audit import audit_record, read_audited_or_404
from homeward.core.audit_actions import AuditAction
from homeward.core.fields import EncryptedTextField
from homeward.core.models import User
from homeward.core.roles import P_PERSON_FULL_IDENTITY
from homeward.core.scoping import scope_filter
from homeward.people.models import Person
from homeward.people.validators import normalize_id_number


def persons_visible_to(user: User) -> QuerySet[Person]:
    return scope_filter(Person.objects.all(), user).select_related(
        "division", "owning_agency", "household_division"
    )


def person_get_for_user(user: User, person_id: int, *, purpose: str = "") -> Person:
    """One person in the user's scope (404 otherwise); the read is audited."""
    return read_audited_or_404(user, persons_visible_to(user), person_id, purpose=purpose)


def persons_search(user: User, *, query: str) -> QuerySet[Person]:
    """Search by exact ID number (blind index) or by part of the name; audited."""
    persons = persons_visible_to(user)
    query = query.strip()
    if not query:
        return persons
    normalized = normalize_id_number(query)
    if len(normalized) == 18:
        persons = persons.filter(id_number_index=id_number_blind_index(normalized))
        kind = "id_number"
    else:
        persons = persons.filter(full_name__icontains=query)
        kind = "name"
    audit_record(
        actor=user, action=AuditAction.SEARCH, object_type="people.person", detail={"by": kind}
    )
    return persons


def id_number_blind_index(id_number: str) -> str:
    field = Person._meta.get_field("id_number")
    if not isinstance(field, EncryptedTextField):
        raise TypeError("Person.id_number must be an EncryptedTextField")
    return field.blind_index_of(id_number)


def can_see_identity(user: User, person: Person) -> bool:
    """Full identity fields only for holders of the identity permission (AC-03)."""
    return user.has_perm(P_PERSON_FULL_IDENTITY)


def mask(value: str, *, keep_start: int = 3, keep_end: int = 2) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    tail = value[len(value) - keep_end :] if keep_end else ""
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + tail
