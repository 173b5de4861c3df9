"""AC-02 need-to-know as a matrix: three districts by three departments. Each user
searches the registry with generated queries; no result is outside their district, and
every record outside it answers 404 on the page and the API, as if it did not exist.

The expected sets come from the rule itself (a district unit sees its own district,
the municipal bureau every district), not from the code under test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.core.models import User
from homeward.core.roles import Role
from homeward.people.models import Person
from homeward.people.services import person_create

pytestmark = pytest.mark.django_db

DISTRICTS = ("500101", "500103", "500105")
DEPARTMENTS = {
    "public_security": Role.INVESTIGATOR,
    "civil_affairs": Role.CIVIL_AFFAIRS_CASEWORKER,
    "education": Role.EDUCATION_OFFICER,
}
# Names share characters across districts, so that a query matches in several.
NAMES = ("王小明", "王小红", "李明", "张红梅")
QUERY_ALPHABET = "王小明红李张梅 "


@pytest.fixture
def matrix(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> tuple[dict[str, set[int]], list[tuple[str, str, Client]]]:
    """Four people registered in each district by its police; a signed-in client for
    each district and department, and one for the municipal police."""
    people: dict[str, set[int]] = {}
    for code in DISTRICTS:
        registrar = make_user(
            roles=[Role.INVESTIGATOR], agency_code=f"{code}-public_security", username=f"reg{code}"
        )
        people[code] = {
            person_create(actor=registrar, full_name=name, sex="male").pk for name in NAMES
        }
        assert set(
            Person.objects.filter(pk__in=people[code]).values_list("division__code", flat=True)
        ) == {code}
    clients = []
    for code in DISTRICTS:
        for department, role in DEPARTMENTS.items():
            user = make_user(
                roles=[role], agency_code=f"{code}-{department}", username=f"{department}{code}"
            )
            clients.append((code, department, client_for(user)))
    city = make_user(roles=[Role.INVESTIGATOR], agency_code="cq-public_security", username="city")
    clients.append(("*", "public_security", client_for(city)))
    return people, clients


def _in_scope(people: dict[str, set[int]], district: str) -> set[int]:
    if district == "*":
        return set().union(*people.values())
    return people[district]


def test_every_out_of_scope_record_is_404_on_the_page_and_the_api(
    matrix: tuple[dict[str, set[int]], list[tuple[str, str, Client]]],
) -> None:
    people, clients = matrix
    everyone = set().union(*people.values())
    for district, department, client in clients:
        mine = _in_scope(people, district)
        for pk in sorted(everyone - mine):
            assert client.get(f"/people/{pk}/").status_code == 404, (district, department, pk)
            assert client.get(f"/api/v1/people/{pk}").status_code == 404, (district, pk)
        for pk in sorted(mine)[:1]:
            assert client.get(f"/api/v1/people/{pk}").status_code == 200, (district, pk)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(alphabet=QUERY_ALPHABET, max_size=3))
def test_a_search_never_returns_an_out_of_scope_record(
    matrix: tuple[dict[str, set[int]], list[tuple[str, str, Client]]], query: str
) -> None:
    people, clients = matrix
    everyone = set().union(*people.values())
    for district, department, client in clients:
        response = client.get("/api/v1/people/", {"q": query, "limit": 200})
        assert response.status_code == 200, (district, department)
        found = {row["id"] for row in response.json()}
        mine = _in_scope(people, district)
        assert found <= mine, (district, department, query, found - mine)
        if not query.strip():
            assert found == mine, (district, department)  # an empty query lists the scope
        page = client.get("/people/", {"q": query}).content.decode()
        for pk in everyone - mine:
            assert f"/people/{pk}/" not in page, (district, department, query, pk)
