"""AC-03 field-level access: a person's identity fields (ID number, phone, address)
reach only roles holding the identity permission. Every role that reads the registry
fetches the same person through the page, the API detail, the API list, a search by
name and an exact search by ID number; the API's key set is the same for every role,
and the seeded canaries appear in no body of a role without the permission."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.models import User
from homeward.core.roles import P_PERSON_FULL_IDENTITY, P_PERSON_VIEW, ROLE_PERMISSIONS, Role
from homeward.people.api import PersonOut
from homeward.people.models import Person
from homeward.people.services import person_create

pytestmark = pytest.mark.django_db

ID_NUMBER = "500101201801010016"  # the SECURITY.md canary
PHONE = "13800138000"
ADDRESS = "CANARY-ADDRESS 渝中区解放碑步行街88号"
CANARIES = (ID_NUMBER, PHONE, ADDRESS)

# A role that reads the registry, with a unit of 渝中区 it can belong to.
READERS = {
    Role.INVESTIGATOR: "500103-public_security",
    Role.DNA_ANALYST: "500103-public_security",
    Role.CIVIL_AFFAIRS_CASEWORKER: "500103-civil_affairs",
    Role.EDUCATION_OFFICER: "500103-education",
    Role.HEALTH_OFFICER: "500103-health",
    Role.LEGAL_AID_OFFICER: "500103-justice",
}


def _holds(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS[role]


def test_the_matrix_covers_both_kinds_of_reader() -> None:
    assert all(_holds(role, P_PERSON_VIEW) for role in READERS)
    kinds = {_holds(role, P_PERSON_FULL_IDENTITY) for role in READERS}
    assert kinds == {True, False}


@pytest.fixture
def person(owner: User) -> Person:
    return person_create(
        actor=owner,
        full_name="陈小明",
        sex="male",
        id_number=ID_NUMBER,
        phone=PHONE,
        address=ADDRESS,
    )


@pytest.mark.parametrize("role", sorted(READERS), ids=str)
def test_identity_fields_reach_only_the_roles_that_hold_the_permission(
    role: str,
    person: Person,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    user = make_user(roles=[role], agency_code=READERS[role], username=f"reader-{role}")
    client = client_for(user)
    detail = client.get(f"/api/v1/people/{person.pk}")
    responses = {
        "page": client.get(f"/people/{person.pk}/"),
        "api detail": detail,
        "api list": client.get("/api/v1/people/"),
        "api search by name": client.get("/api/v1/people/", {"q": "陈小明"}),
        "api search by id number": client.get("/api/v1/people/", {"q": ID_NUMBER}),
        "page search": client.get("/people/", {"q": "陈小明"}),
    }
    for surface, response in responses.items():
        assert response.status_code == 200, (role, surface, response.status_code)
    assert set(detail.json()) == set(PersonOut.model_fields)  # one key set for every role
    listed = [row for row in responses["api list"].json() if row["id"] == person.pk]
    assert listed and set(listed[0]) == set(PersonOut.model_fields)
    full = _holds(role, P_PERSON_FULL_IDENTITY)
    assert detail.json()["identity_masked"] is (not full)
    if full:
        assert detail.json()["id_number"] == ID_NUMBER
        assert ID_NUMBER.encode() in responses["page"].content
        return
    for surface, response in responses.items():
        body = response.content.decode()
        for canary in CANARIES:
            assert canary not in body, (role, surface, canary)
