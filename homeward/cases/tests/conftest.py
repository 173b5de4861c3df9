"""Case personas on top of the shared ones (owner, colleague, outsider, municipal
investigator): task force leaders, a joint-conference officer, a civil-affairs
caseworker, and a case opened by the owner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from homeward.cases.models import Case, CaseParty, Crime
from homeward.cases.services import case_open, case_party_add
from homeward.core.models import User
from homeward.core.roles import Role
from homeward.people.models import Person
from homeward.testing.factories import PersonFactory


@pytest.fixture
def district_head(make_user: Callable[..., User]) -> User:
    """Head of 渝中区公安局: qualified to lead 渝中 task forces."""
    return make_user(roles=[Role.INVESTIGATOR], username="yuzhong.head", leader_post="head")


@pytest.fixture
def municipal_deputy_head(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.INVESTIGATOR],
        agency_code="cq-public_security",
        username="city.deputy",
        leader_post="deputy_head",
    )


@pytest.fixture
def joint_conference_officer(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER],
        agency_code="cq-joint_conference_office",
        username="jc.officer",
    )


@pytest.fixture
def civil_affairs_user(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
        agency_code="500103-civil_affairs",
        username="civil.affairs",
    )


@pytest.fixture
def open_case(owner: User, district_head: User) -> Callable[..., Case]:
    """Open a case as the owner with the district head as leader; keywords override."""

    def open_(**overrides: Any) -> Case:
        arguments: dict[str, Any] = {
            "actor": owner,
            "title": "解放碑儿童失踪案",
            "crimes": [Crime.TRAFFICKING],
            "source": Case.Source.ALERT,
            "source_reference": 17,
            "leader": district_head,
        }
        arguments.update(overrides)
        return case_open(**arguments)

    return open_


@pytest.fixture
def case(open_case: Callable[..., Case]) -> Case:
    return open_case()


def born_years_ago(years: int) -> date:
    """Born on 1 January, ``years`` years ago: exactly ``years`` old all year."""
    return date(timezone.localdate().year - years, 1, 1)


@pytest.fixture
def child(db: None) -> Person:
    person: Person = PersonFactory(full_name="王小花", date_of_birth=born_years_ago(9))
    return person


@pytest.fixture
def adult_victim(db: None) -> Person:
    person: Person = PersonFactory(full_name="李秀英", date_of_birth=born_years_ago(30))
    return person


@pytest.fixture
def child_victim(case: Case, owner: User, child: Person) -> CaseParty:
    return case_party_add(actor=owner, case=case, person=child, role=CaseParty.Role.VICTIM)
