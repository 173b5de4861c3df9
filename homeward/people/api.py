"""Person registry endpoints: scoped search and audited reads, identity masked
unless the caller holds the identity permission."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as params

from homeward.core.api import require_perm
from homeward.core.roles import P_PERSON_VIEW
from homeward.people.models import Person
from homeward.people.selectors import can_see_identity, mask, person_get_for_user, persons_search

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    full_name: str
    sex: str
    date_of_birth: date | None
    estimated_age_years: int | None
    ethnicity: str
    id_number: str
    phone: str
    household_division_code: str | None
    division_code: str
    owning_agency_code: str
    identity_masked: bool


def _out(person: Person, *, full: bool) -> PersonOut:
    return PersonOut(
        id=person.pk,
        full_name=person.full_name,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        estimated_age_years=person.estimated_age_years,
        ethnicity=person.ethnicity,
        id_number=person.id_number if full else mask(person.id_number, keep_start=6, keep_end=0),
        phone=person.phone if full else mask(person.phone),
        household_division_code=(
            person.household_division.code if person.household_division else None
        ),
        division_code=person.division.code,
        owning_agency_code=person.owning_agency.code,
        identity_masked=not full,
    )


@router.get("/", response=list[PersonOut], summary="Search people in scope")
def person_search(
    request: HttpRequest, q: str = "", limit: int = params.Query(50, ge=1, le=200)
) -> list[PersonOut]:
    user = require_perm(request, P_PERSON_VIEW)
    persons = persons_search(user, query=q[:64])[:limit]
    return [_out(person, full=can_see_identity(user, person)) for person in persons]


@router.get("/{person_id}", response=PersonOut, summary="One person (audited read)")
def person_read(request: HttpRequest, person_id: int) -> PersonOut:
    user = require_perm(request, P_PERSON_VIEW)
    person = person_get_for_user(user, person_id)
    return _out(person, full=can_see_identity(user, person))
