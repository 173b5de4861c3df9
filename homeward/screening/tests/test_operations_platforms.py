"""Managing 净网 operations (planned → running → ended, with their dates) and the
platforms of the partner API (register, deactivate, reactivate, a new token shown once,
the old one refused at once): services, pages, outsiders and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import AuditEvent, User
from homeward.screening.models import Operation, Platform
from homeward.screening.services import (
    ScreeningError,
    intake_request_upload,
    operation_create,
    operation_set_status,
    platform_register,
    platform_rotate_token,
    platform_set_active,
)

pytestmark = pytest.mark.django_db


def _planned(actor: User, days_ahead: int = 3) -> Operation:
    return operation_create(
        actor=actor,
        name="春季净网行动",
        lead=Operation.Lead.CYBERSPACE,
        starts_on=timezone.localdate() + timedelta(days=days_ahead),
    )


# --- operations ------------------------------------------------------------------------------


def test_an_operation_starting_later_is_planned_then_started_and_ended_with_its_dates(
    cyberspace: User,
) -> None:
    today = timezone.localdate()
    operation = _planned(cyberspace)
    assert operation.status == Operation.Status.PLANNED
    # started early, today
    running = operation_set_status(actor=cyberspace, operation=operation, to="running")
    assert (running.status, running.starts_on) == (Operation.Status.RUNNING, today)
    # ended today (not before it started)
    closed = operation_set_status(actor=cyberspace, operation=running, to="closed", on=today)
    assert (closed.status, closed.ends_on) == (Operation.Status.CLOSED, today)
    events = AuditEvent.objects.filter(
        action="screening_operation_status", object_id=str(operation.pk)
    )
    assert [e.detail["to"] for e in events.order_by("pk")] == ["running", "closed"]


@pytest.mark.parametrize(
    ("steps", "to"),
    [
        ([], "closed"),  # a planned operation is not ended before it starts
        (["running"], "planned"),  # nor sent back to planning
        (["running", "closed"], "running"),  # an ended operation stays ended
        ([], "bogus"),
    ],
)
def test_a_bad_step_is_refused_with_its_reason(cyberspace: User, steps: list[str], to: str) -> None:
    operation = _planned(cyberspace)
    for step in steps:
        operation = operation_set_status(actor=cyberspace, operation=operation, to=step)
    with pytest.raises(DomainError) as refused:
        operation_set_status(actor=cyberspace, operation=operation, to=to)
    assert refused.value.code == ScreeningError.OPERATION_BAD_TRANSITION
    assert "不能从" in refused.value.message or "cannot go from" in refused.value.message
    assert Operation.objects.get(pk=operation.pk).status == operation.status


def test_dates_in_the_future_or_before_the_start_are_refused(cyberspace: User) -> None:
    operation = _planned(cyberspace)
    with pytest.raises(ValidationError) as future:
        operation_set_status(
            actor=cyberspace,
            operation=operation,
            to="running",
            on=timezone.localdate() + timedelta(days=1),
        )
    assert "on" in future.value.message_dict
    running = operation_set_status(
        actor=cyberspace, operation=operation, to="running", on=date(2026, 11, 20)
    )
    with pytest.raises(ValidationError) as early:
        operation_set_status(
            actor=cyberspace, operation=running, to="closed", on=date(2026, 11, 19)
        )
    assert "on" in early.value.message_dict
    assert Operation.objects.get(pk=operation.pk).status == Operation.Status.RUNNING


def test_only_the_unit_running_the_operation_changes_it(
    cyberspace: User, owner: User, no_role_user: User
) -> None:
    operation = _planned(cyberspace)
    # 渝中区 police review posts of the city's operation but do not run it
    with pytest.raises(DomainError) as police:
        operation_set_status(actor=owner, operation=operation, to="running")
    assert police.value.code == ActorError.NOT_YOUR_UNIT
    with pytest.raises(DomainError) as nobody:
        operation_set_status(actor=no_role_user, operation=operation, to="running")
    assert nobody.value.code == ActorError.MISSING_PERMISSION
    assert Operation.objects.get(pk=operation.pk).status == Operation.Status.PLANNED


def test_an_ended_operation_takes_no_more_uploads(cyberspace: User) -> None:
    operation = _planned(cyberspace, days_ahead=0)
    operation = operation_set_status(actor=cyberspace, operation=operation, to="closed")
    with pytest.raises(DomainError) as refused:
        intake_request_upload(
            actor=cyberspace, operation=operation, file_name="x.csv", content=b"a,b\n"
        )
    assert refused.value.code == ScreeningError.OPERATION_CLOSED


def test_the_operation_page_starts_and_ends_it_and_shows_errors_beside_the_date(
    client_for: Callable[[User], Client], cyberspace: User
) -> None:
    client = client_for(cyberspace)
    operation = _planned(cyberspace)
    page = client.get(reverse("screening:operation_detail", args=[operation.pk]))
    assert 'id="operation-status"' in page.content.decode()
    url = reverse("screening:operation_status", args=[operation.pk])
    # bad input: a start date in the future, refused beside the field
    bad = client.post(url, {"to": "running", "on": "2099-01-01"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "field--error" in body and "日期不能晚于今天" in body
    started = client.post(url, {"to": "running", "on": ""})
    assert started.status_code == 302
    operation.refresh_from_db()
    assert operation.status == Operation.Status.RUNNING
    # a step the page does not offer (back to planned): the reason is said
    back = client.post(url, {"to": "planned"})
    assert back.status_code == 400
    assert "不能从" in back.content.decode()
    ended = client.post(url, {"to": "closed"})
    assert ended.status_code == 302
    operation.refresh_from_db()
    assert operation.status == Operation.Status.CLOSED
    page = client.get(reverse("screening:operation_detail", args=[operation.pk])).content.decode()
    assert 'id="operation-status"' not in page
    assert "operation_upload" not in page and 'enctype="multipart/form-data"' not in page


def test_outsiders_cannot_change_an_operation(
    client_for: Callable[[User], Client],
    owner: User,
    outsider: User,
    no_role_user: User,
) -> None:
    # a 渝中区 police operation
    operation = operation_create(
        actor=owner,
        name="渝中区净网",
        lead=Operation.Lead.PUBLIC_SECURITY,
        starts_on=timezone.localdate() + timedelta(days=2),
    )
    url = reverse("screening:operation_status", args=[operation.pk])
    assert client_for(outsider).post(url, {"to": "running"}).status_code == 404
    assert client_for(no_role_user).post(url, {"to": "running"}).status_code == 403
    assert Client().post(url, {"to": "running"}).status_code in {302, 403}
    operation.refresh_from_db()
    assert operation.status == Operation.Status.PLANNED
    # its own unit may
    assert client_for(owner).post(url, {"to": "running"}).status_code == 302


# --- platforms -------------------------------------------------------------------------------


def _push(token: str, post_id: str = "p1") -> int:
    response = Client().post(
        "/api/v1/partner/screening/posts",
        json.dumps({"posts": [{"post_id": post_id, "text": "今天天气很好"}]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY=f"key-{post_id}-0001",
    )
    return response.status_code


def test_a_platform_is_registered_deactivated_reactivated_and_its_token_rotated(
    cyberspace: User,
) -> None:
    platform, token = platform_register(actor=cyberspace, code="kuaishou", name="快手")
    assert _push(token, "k1") == 201
    platform_set_active(actor=cyberspace, platform=platform, active=False)
    assert _push(token, "k2") == 401
    platform_set_active(actor=cyberspace, platform=platform, active=True)
    assert _push(token, "k3") == 201
    _platform, new_token = platform_rotate_token(actor=cyberspace, platform=platform)
    assert new_token != token
    assert _push(token, "k4") == 401  # the old token is refused at once
    assert _push(new_token, "k5") == 201
    actions = list(
        AuditEvent.objects.filter(object_id=str(platform.pk), object_type="screening.platform")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "screening_platform_register",
        "screening_platform_active",
        "screening_platform_active",
        "screening_platform_token_rotate",
    ]
    # no token in the trail
    assert not AuditEvent.objects.filter(detail__icontains=new_token).exists()


def test_district_units_do_not_manage_platforms(owner: User, wechat: Platform) -> None:
    for attempt in (
        lambda: platform_register(actor=owner, code="x-platform", name="某平台"),
        lambda: platform_set_active(actor=owner, platform=wechat, active=False),
        lambda: platform_rotate_token(actor=owner, platform=wechat),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == ScreeningError.PLATFORMS_MUNICIPAL
    wechat.refresh_from_db()
    assert wechat.active


def test_the_platform_page_registers_one_and_shows_its_token_once(
    client_for: Callable[[User], Client], cyberspace: User, wechat: Platform
) -> None:
    client = client_for(cyberspace)
    url = reverse("screening:platforms")
    listing = client.get(url)
    assert listing.status_code == 200 and "微信" in listing.content.decode()
    # bad input: a code that is no code, and a code already taken
    bad = client.post(url, {"code": "快 手", "name": "快手", "takedown_hours": "24"})
    assert bad.status_code == 400 and "field--error" in bad.content.decode()
    taken = client.post(url, {"code": "wechat", "name": "微信二号", "takedown_hours": "24"})
    assert taken.status_code == 400 and "field--error" in taken.content.decode()
    done = client.post(url, {"code": "kuaishou", "name": "快手", "takedown_hours": "12"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    body = done.content.decode()
    assert 'id="new-token"' in body
    token = body.split('<code class="secret" lang="zxx">')[1].split("</code>")[0]
    assert _push(token, "page-1") == 201
    # shown once: the list does not show it again
    assert token not in client.get(url).content.decode()
    kuaishou = Platform.objects.get(code="kuaishou")
    assert kuaishou.takedown_hours == 12
    # deactivate, then a new token from the page
    off = client.post(reverse("screening:platform_active", args=[kuaishou.pk]), {"active": "0"})
    assert off.status_code == 302
    assert _push(token, "page-2") == 401
    on = client.post(reverse("screening:platform_active", args=[kuaishou.pk]), {"active": "1"})
    assert on.status_code == 302
    rotated = client.post(reverse("screening:platform_token", args=[kuaishou.pk]))
    assert rotated.status_code == 200 and "no-store" in rotated["Cache-Control"]
    new_token = rotated.content.decode().split('<code class="secret" lang="zxx">')[1]
    new_token = new_token.split("</code>")[0]
    assert _push(token, "page-3") == 401
    assert _push(new_token, "page-4") == 201
    # bad input on the switch: neither on nor off
    odd = client.post(reverse("screening:platform_active", args=[kuaishou.pk]), {"active": "x"})
    assert odd.status_code == 302
    kuaishou.refresh_from_db()
    assert kuaishou.active


def test_outsiders_cannot_see_or_manage_platforms(
    client_for: Callable[[User], Client],
    owner: User,
    outsider: User,
    no_role_user: User,
    wechat: Platform,
) -> None:
    urls = [
        ("get", reverse("screening:platforms"), {}),
        ("post", reverse("screening:platforms"), {"code": "x1", "name": "x", "takedown_hours": 1}),
        ("post", reverse("screening:platform_active", args=[wechat.pk]), {"active": "0"}),
        ("post", reverse("screening:platform_token", args=[wechat.pk]), {}),
    ]
    for user in (owner, outsider, no_role_user):
        client = client_for(user)
        for method, url, data in urls:
            response = getattr(client, method)(url, data)
            assert response.status_code == 403, (user.username, url)
            assert "secret" not in response.content.decode()
    wechat.refresh_from_db()
    assert wechat.active and not Platform.objects.filter(code="x1").exists()
    digest = wechat.token_digest
    assert Platform.objects.get(pk=wechat.pk).token_digest == digest
