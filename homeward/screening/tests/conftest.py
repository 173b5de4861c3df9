"""Screening personas and data: platforms, an operation, a seller's ad and its reposts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.screening.models import Operation, Platform
from homeward.screening.services import operation_create, platform_register

SELLER_AD = "送养男宝，刚满月，健康，营养费私聊，加v：baobao_2026，电话138 2345 6789"
SELLER_REPOST = "送养男宝，刚满月健康，营养费私聊！加v：baobao_2026，电话138 2345 6789"
WARNING = "警惕！有人在网上发布“送养男宝，营养费私聊”的信息，这是拐卖儿童的犯罪行为，请大家举报"


@pytest.fixture
def cyberspace(make_user: Callable[..., User]) -> User:
    """An officer of 市委网信办 (municipal: every district)."""
    return make_user(
        roles=[Role.CYBERSPACE_OFFICER], agency_code="cq-cyberspace", username="wangxin"
    )


@pytest.fixture
def platform_tokens(db: None) -> dict[str, tuple[Platform, str]]:
    return {
        code: platform_register(actor=None, code=code, name=name)
        for code, name in (("wechat", "微信"), ("douyin", "抖音"), ("tieba", "百度贴吧"))
    }


@pytest.fixture
def wechat(platform_tokens: dict[str, tuple[Platform, str]]) -> Platform:
    return platform_tokens["wechat"][0]


@pytest.fixture
def douyin(platform_tokens: dict[str, tuple[Platform, str]]) -> Platform:
    return platform_tokens["douyin"][0]


@pytest.fixture
def yuzhong(db: None) -> Division:
    return Division.objects.get(code="500103")


@pytest.fixture
def wanzhou(db: None) -> Division:
    return Division.objects.get(code="500101")


@pytest.fixture
def operation(cyberspace: User, wechat: Platform, douyin: Platform) -> Operation:
    return operation_create(
        actor=cyberspace,
        name="2026年冬季净网行动",
        lead=Operation.Lead.CYBERSPACE,
        starts_on=date(2026, 11, 1),
        platforms=[wechat, douyin],
    )
