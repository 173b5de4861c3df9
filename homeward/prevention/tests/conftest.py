"""People of the prevention tests, in 石柱县 (500240): a child director and a township
head in one town, a worker in another town, a school and its staff, the county's
education officer, civil affairs and police."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from homeward.core.models import Agency, Division, Township, User
from homeward.core.roles import Role
from homeward.people.models import Person
from homeward.prevention.models import School, WorkArea

COUNTY = "500240"


@pytest.fixture
def towns(db: None) -> tuple[Township, Township]:
    towns = list(Township.objects.filter(division__code=COUNTY, type="town").order_by("code")[:2])
    return towns[0], towns[1]


@pytest.fixture
def in_area(make_user: Callable[..., User]) -> Callable[..., User]:
    def make(
        role: str,
        *,
        kind: str = "civil_affairs",
        township: Township | None = None,
        school: School | None = None,
        post: str = "",
        **kwargs: Any,
    ) -> User:
        user = make_user(roles=[role], agency_code=f"{COUNTY}-{kind}", **kwargs)
        if township is not None or school is not None:
            WorkArea.objects.create(user=user, township=township, school=school, post=post)
        return user

    return make


@pytest.fixture
def director(in_area: Callable[..., User], towns: tuple[Township, Township]) -> User:
    """儿童主任 of a village in the first town."""
    return in_area(Role.PREVENTION_WORKER, township=towns[0], post="儿童主任", username="director")


@pytest.fixture
def township_head(in_area: Callable[..., User], towns: tuple[Township, Township]) -> User:
    return in_area(Role.PREVENTION_WORKER, township=towns[0], post="镇长", username="head")


@pytest.fixture
def other_town_worker(in_area: Callable[..., User], towns: tuple[Township, Township]) -> User:
    return in_area(Role.PREVENTION_WORKER, township=towns[1], post="儿童主任", username="other")


@pytest.fixture
def school(towns: tuple[Township, Township]) -> School:
    return School.objects.create(
        name="石柱县第二中学", division=Division.objects.get(code=COUNTY), township=towns[0]
    )


@pytest.fixture
def teacher(in_area: Callable[..., User], school: School) -> User:
    return in_area(
        Role.EDUCATION_OFFICER, kind="education", school=school, post="班主任", username="teacher"
    )


@pytest.fixture
def education_officer(in_area: Callable[..., User]) -> User:
    return in_area(Role.EDUCATION_OFFICER, kind="education", username="edu")


@pytest.fixture
def caseworker(in_area: Callable[..., User]) -> User:
    return in_area(Role.CIVIL_AFFAIRS_CASEWORKER, username="caseworker")


@pytest.fixture
def county_police(in_area: Callable[..., User]) -> User:
    return in_area(Role.INVESTIGATOR, kind="public_security", username="police")


@pytest.fixture
def child(db: None) -> Callable[..., Person]:
    def make(name: str = "谭小花", sex: str = "female", age: int = 9) -> Person:
        today = timezone.localdate()
        return Person.objects.create(
            full_name=name,
            sex=sex,
            date_of_birth=today.replace(year=today.year - age, day=min(today.day, 28)),
            division=Division.objects.get(code=COUNTY),
            owning_agency=Agency.objects.get(code=f"{COUNTY}-civil_affairs"),
        )

    return make
