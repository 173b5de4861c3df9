"""Break-glass (SECURITY.md AC-06): an emergency read outside the user's area needs a
typed reason, lasts four hours, alerts the security administrator at once and is
listed for review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from homeward.core.models import AuditEvent, BreakGlass, Division, SecurityNotice, User
from homeward.core.roles import Role
from homeward.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

REASON = "110指挥中心通报该人员涉嫌拐卖儿童，正在渝中区火车站，需立即核对身份"


@pytest.fixture
def far_person() -> object:
    """A person registered in 万州区, outside the 渝中区 investigator's area."""
    return PersonFactory(full_name="远方人", division=Division.objects.get(code="500101"))


@pytest.fixture
def secadmin(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.SECURITY_ADMIN], agency_code="cq-big_data", username="sec1")


def test_break_glass_without_a_reason_is_refused(
    owner: User, far_person: object, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    url = f"/people/{far_person.pk}/"  # type: ignore[attr-defined]
    assert client.get(url).status_code == 404
    response = client.post(
        "/break-glass/",
        {"kind": "person", "object_id": far_person.pk, "reason": ""},  # type: ignore[attr-defined]
    )
    assert response.status_code == 400 and b'class="errorlist"' in response.content
    assert not BreakGlass.objects.exists()
    assert client.get(url).status_code == 404


def test_break_glass_opens_one_record_for_four_hours_and_alerts_the_security_admin(
    owner: User, secadmin: User, far_person: object, client_for: Callable[[User], Client]
) -> None:
    pk = far_person.pk  # type: ignore[attr-defined]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(owner)
        # when the investigator states the emergency
        response = client.post(
            "/break-glass/", {"kind": "person", "object_id": pk, "reason": REASON}
        )
        assert response.status_code == 302 and response["Location"] == f"/people/{pk}/"
        # then they read the record, and the read names the grant
        page = client.get(f"/people/{pk}/")
        assert page.status_code == 200 and "远方人" in page.content.decode()
        grant = BreakGlass.objects.get()
        event = AuditEvent.objects.get(action="break_glass")
        assert event.actor == owner and event.detail["reason"] == REASON
        assert AuditEvent.objects.filter(
            action="read", actor=owner, object_id=str(pk), detail__break_glass=grant.pk
        ).exists()
        # and the security administrator is notified at once and sees it to review
        assert SecurityNotice.objects.filter(recipient=secadmin, break_glass=grant).exists()
        security = client_for(secadmin)
        home = security.get("/security/").content.decode()
        assert REASON in home
        # four hours and a minute later the record is out of reach again
        traveller.shift(settings.BREAK_GLASS_WINDOW + timedelta(minutes=1))
        again = client_for(owner)
        assert again.get(f"/people/{pk}/").status_code == 404
        # the review is recorded and audited
        security = client_for(secadmin)
        reviewed = security.post(f"/security/break-glass/{grant.pk}/review/", {"note": "核实属实"})
        assert reviewed.status_code == 302
        grant.refresh_from_db()
        assert grant.reviewed_by == secadmin and grant.review_note == "核实属实"
        assert AuditEvent.objects.filter(action="break_glass_reviewed", actor=secadmin).exists()
        assert REASON not in security.get("/security/").content.decode()


def test_the_grant_opens_only_the_named_record(
    owner: User, far_person: object, client_for: Callable[[User], Client]
) -> None:
    other = PersonFactory(full_name="另一人", division=Division.objects.get(code="500101"))
    client = client_for(owner)
    client.post(
        "/break-glass/",
        {"kind": "person", "object_id": far_person.pk, "reason": REASON},  # type: ignore[attr-defined]
    )
    assert client.get(f"/people/{other.pk}/").status_code == 404


def test_administrators_and_roles_without_the_permission_cannot_break_glass(
    make_user: Callable[..., User], far_person: object, client_for: Callable[[User], Client]
) -> None:
    for role, agency_code, kind in (
        (Role.SYSTEM_ADMIN, "cq-big_data", "person"),
        (Role.EDUCATION_OFFICER, "500103-education", "case"),  # does not read cases
    ):
        user = make_user(roles=[role], agency_code=agency_code)
        response = client_for(user).post(
            "/break-glass/",
            {"kind": kind, "object_id": far_person.pk, "reason": REASON},  # type: ignore[attr-defined]
        )
        assert response.status_code in {400, 403}
    assert not BreakGlass.objects.exists()


def test_only_the_security_administrator_reviews(
    owner: User, far_person: object, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    client.post(
        "/break-glass/",
        {"kind": "person", "object_id": far_person.pk, "reason": REASON},  # type: ignore[attr-defined]
    )
    grant = BreakGlass.objects.get()
    assert client.post(f"/security/break-glass/{grant.pk}/review/").status_code == 403
    assert BreakGlass.objects.get().reviewed_at is None
