"""Overdue takedown requests: the tick reminds each platform once (audited), the platform
sees the reminder in its list, the takedown list shows the request as overdue and
reminded; a second tick changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.core.models import AuditEvent, User
from homeward.core.tick import tick
from homeward.screening.models import Platform, Post, Takedown
from homeward.screening.services import post_review, posts_submit_api, takedown_report
from homeward.screening.tests.conftest import SELLER_AD, SELLER_REPOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def takedowns(owner: User, wechat: Platform, douyin: Platform) -> list[Takedown]:
    """Three requests: the seller's post on WeChat and its repost on Douyin (overdue),
    and a third post's request that is not due yet."""
    posts_submit_api(
        platform=wechat,
        items=[
            {"post_id": "w1", "text": SELLER_AD, "district": "500103"},
            {
                "post_id": "w2",
                "text": "代孕包成功，包性别，试管婴儿，私聊，微信 daiyun_888",
                "district": "500103",
            },
        ],
        idempotency_key="remind-0001",
    )
    posts_submit_api(
        platform=douyin,
        items=[{"post_id": "d1", "text": SELLER_REPOST, "district": "500103"}],
        idempotency_key="remind-0002",
    )
    post_review(
        actor=owner,
        post=Post.objects.get(platform_post_id="w1"),
        decision=True,
        label="illegal_adoption",
    )
    post_review(
        actor=owner,
        post=Post.objects.get(platform_post_id="w2"),
        decision=True,
        label="surrogacy",
    )
    past = timezone.now() - timedelta(hours=2)
    Takedown.objects.filter(post__platform_post_id__in=["w1", "d1"]).update(due_at=past)
    return list(Takedown.objects.order_by("pk"))


def _reminders() -> int:
    return AuditEvent.objects.filter(action="screening_takedown_reminder").count()


def test_a_tick_reminds_each_overdue_request_once_and_a_second_tick_changes_nothing(
    takedowns: list[Takedown],
) -> None:
    assert len(takedowns) == 3
    first = tick()
    assert first.results["screening.takedown_reminders"] == 2
    reminded = {
        t.post.platform_post_id: t.reminded_at for t in Takedown.objects.select_related("post")
    }
    assert reminded["w1"] is not None and reminded["d1"] is not None
    assert reminded["w2"] is None  # not due yet
    assert _reminders() == 2
    event = AuditEvent.objects.filter(action="screening_takedown_reminder").first()
    assert event is not None and event.actor_username == "system"
    # run again: nothing new, the times kept
    second = tick()
    assert second.results["screening.takedown_reminders"] == 0
    assert _reminders() == 2
    again = {
        t.post.platform_post_id: t.reminded_at for t in Takedown.objects.select_related("post")
    }
    assert again == reminded


def test_an_answered_request_is_not_reminded(takedowns: list[Takedown], wechat: Platform) -> None:
    w1 = Takedown.objects.get(post__platform_post_id="w1")
    takedown_report(platform=wechat, takedown_id=w1.pk, status="confirmed_removed")
    assert tick().results["screening.takedown_reminders"] == 1
    w1.refresh_from_db()
    assert w1.reminded_at is None


def test_the_platform_sees_the_reminder_and_the_list_shows_the_request_overdue(
    takedowns: list[Takedown],
    platform_tokens: dict[str, tuple[Platform, str]],
    client_for: Callable[[User], Client],
    owner: User,
    outsider: User,
) -> None:
    tick()
    _wechat, token = platform_tokens["wechat"]
    listed = Client().get(
        "/api/v1/partner/screening/takedowns", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert listed.status_code == 200
    rows = {row["post_id"]: row for row in json.loads(listed.content)}
    assert rows["w1"]["overdue"] is True and rows["w1"]["reminded_at"]
    assert rows["w2"]["overdue"] is False and rows["w2"]["reminded_at"] is None
    page = client_for(owner).get(reverse("screening:takedowns") + "?overdue=1")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="tag tag--red overdue"') == 2
    assert body.count('class="muted reminded"') == 2
    assert "已向平台催办" in body
    # another district's police see none of it
    other = client_for(outsider).get(reverse("screening:takedowns")).content.decode()
    assert "overdue" not in other.split('id="takedowns"')[1]
