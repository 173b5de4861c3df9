"""Reunion personas and the story's two sides: a family that lost a boy in 1998 and a man
who registered a self-search in 2026."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.reunion.models import SearchRegistration

YUZHONG = "500103"


@pytest.fixture
def caseworker(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
        agency_code=f"{YUZHONG}-civil_affairs",
        username="caseworker",
    )


@pytest.fixture
def yuzhong() -> Division:
    return Division.objects.get(code=YUZHONG)


FAMILY_FIELDS: dict[str, Any] = {
    "name": "王小强",
    "nickname": "幺娃",
    "sex": "male",
    "birth_date": "1994-03",
    "age_stated": 4,
    "age_kind": "full",
    "missing_date": "1998-05",
    "missing_place": "解放碑附近的菜市场",
    "home_features": "家门口有条小河，河边有棵黄葛树",
    "marks": "左肩膀有块胎记",
    "father_name": "王建国",
    "mother_name": "李秀英",
    "contact_name": "李秀英",
    "contact_phone": "13800000000",
}

SELF_FIELDS: dict[str, Any] = {
    "name": "陈志远",
    "nickname": "幺娃",
    "sex": "male",
    "marks": "左肩有胎记",
    "report_date": date(2026, 3, 2),
}

SELF_FOUND: dict[str, Any] = {
    "est_age_low": 30,
    "est_age_high": 34,
    "age_method": "bone",
    "age_estimated_on": date(2026, 3, 2),
    "found_province": "福建",
    "found_city": "莆田市",
    "landmarks_remembered": "小时候家门口有一条河",
    "accent": "福建口音",
}


@pytest.fixture
def public_search(yuzhong: Division) -> SearchRegistration:
    from homeward.reunion.services import search_submit_public

    return search_submit_public(
        idempotency_key="family-key-1", kind="family", division=yuzhong, **FAMILY_FIELDS
    ).search


@pytest.fixture
def self_search(owner: User, yuzhong: Division) -> SearchRegistration:
    from homeward.reunion.services import search_register

    return search_register(
        actor=owner, kind="self", division=yuzhong, found_details=SELF_FOUND, **SELF_FIELDS
    )


def unknown_victim(owner: User, person_factory: Any, division: Division, **person: Any) -> Any:
    """A rescued boy of unknown identity registered by ``owner`` (the victims module's
    own service), the source of a found person."""
    from django.utils import timezone

    from homeward.victims.services import victim_register

    return victim_register(
        actor=owner,
        person=person_factory(**{"full_name": "无名氏", "sex": "male", **person}),
        identity_status="unknown",
        age_at_rescue=6,
        origin="chongqing",
        rescued_at=timezone.now(),
        how_rescued="在车站解救",
        division=division,
    )
