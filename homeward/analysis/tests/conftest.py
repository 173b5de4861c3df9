"""Fixtures of the analysis tests: the offices and four years of forced-labour clues in
万州区 with a spike in October 2026, assessed in November."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
import time_machine

from homeward.analysis.early_warning import early_warning_due
from homeward.analysis.models import Warning
from homeward.analysis.rollups import add_months
from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.tips.models import Tip

from .helpers import at, clues

SPIKE = date(2026, 10, 1)
TODAY = at(date(2026, 11, 3))


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER],
        agency_code="cq-joint_conference_office",
        username="office",
    )


@pytest.fixture
def wanzhou_office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.DISTRICT_COORDINATOR],
        agency_code="500101-joint_conference_office",
        username="wz",
    )


@pytest.fixture
def yuzhong_office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.DISTRICT_COORDINATOR],
        agency_code="500103-joint_conference_office",
        username="yz",
    )


@pytest.fixture
def spike() -> Warning:
    wanzhou = Division.objects.get(code="500101")
    rng = random.Random(3)
    month = add_months(SPIKE, -48)
    while month < SPIKE:
        clues(wanzhou, month, rng.randint(1, 4), category=Tip.Category.FORCED_LABOUR)
        month = add_months(month, 1)
    clues(wanzhou, SPIKE, 20, category=Tip.Category.FORCED_LABOUR, point=(30.8, 108.4))
    clues(Division.objects.get(code="500103"), SPIKE, 3, category=Tip.Category.ONLINE)
    with time_machine.travel(TODAY):
        early_warning_due()
    return Warning.objects.get(figure="clues_received", category="forced_labour")
