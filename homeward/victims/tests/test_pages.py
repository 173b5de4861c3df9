"""The victims pages through the client: register, place on the board, refer, the
department's queue, the legal-aid queue, the export."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from homeward.core.models import Division, User
from homeward.victims.models import (
    Institution,
    LegalAidApplication,
    Placement,
    ServiceReferral,
    Victim,
)

from .test_victims import people, welfare  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_police_register_civil_affairs_place_and_departments_serve_from_the_pages(
    people: dict[str, User],  # noqa: F811
    welfare: Institution,  # noqa: F811
    client_for: Callable[[User], Client],
) -> None:
    police = client_for(people["police"])
    bad = police.post("/victims/new/", {"identity_status": "unknown"})
    assert bad.status_code == 200 and bad.context["form"].errors
    response = police.post(
        "/victims/new/",
        {
            "full_name": "无名氏（男童）",
            "sex": "male",
            "identity_status": "unknown",
            "age_at_rescue": "5",
            "origin": "chongqing",
            "rescued_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "how_rescued": "在长途汽车站解救",
            "division": Division.objects.get(code="500103").pk,
        },
    )
    assert response.status_code == 302
    victim = Victim.objects.get()
    caseworker = client_for(people["caseworker"])
    assert caseworker.get("/victims/").status_code == 200
    assert (
        caseworker.post(
            f"/victims/{victim.pk}/", {"action": "place", "place-institution": welfare.pk}
        ).status_code
        == 302
    )
    placement = Placement.objects.get()
    board = caseworker.get(f"/victims/institutions/{welfare.pk}/")
    assert "无名氏（男童）" in board.content.decode()
    caseworker.post(
        f"/victims/institutions/{welfare.pk}/", {"placement": placement.pk, "decision": "accept"}
    )
    placement.refresh_from_db()
    assert placement.status == "active"
    assert (
        caseworker.post(
            f"/victims/{victim.pk}/",
            {
                "action": "refer",
                "refer-kind": "medical",
                "refer-due_on": timezone.localdate().isoformat(),
            },
        ).status_code
        == 302
    )
    referral = ServiceReferral.objects.get()
    doctor = client_for(people["doctor"])
    queue = doctor.get("/victims/").content.decode()
    assert "无名氏（男童）" in queue
    assert (
        doctor.post(f"/victims/services/{referral.pk}/", {"status": "accepted"}).status_code == 302
    )
    referral.refresh_from_db()
    assert referral.status == "accepted"
    export = caseworker.get("/victims/", {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert doctor.get(f"/victims/institutions/{welfare.pk}/").status_code == 403


def test_the_legal_aid_queue_puts_the_green_channel_first(
    people: dict[str, User],  # noqa: F811
    client_for: Callable[[User], Client],
) -> None:
    from homeward.victims import services

    victim = services.victim_register(
        actor=people["police"],
        person=__import__("homeward.testing.factories", fromlist=["PersonFactory"]).PersonFactory(),
        identity_status="identified",
        age_at_rescue=20,
        origin="chongqing",
        rescued_at=timezone.now(),
        how_rescued="解救",
        division=Division.objects.get(code="500103"),
    )
    ordinary = services.legal_aid_apply(actor=people["caseworker"], victim=victim, matter="普通")
    LegalAidApplication.objects.filter(pk=ordinary.pk).update(green_channel=False)
    green = services.legal_aid_apply(actor=people["caseworker"], victim=victim, matter="紧急")
    client = client_for(people["lawyer"])
    page = client.get("/victims/legal-aid/")
    assert [a.pk for a, _ in page.context["rows"]][:2] == [green.pk, ordinary.pk]
    client.post("/victims/legal-aid/", {"application": green.pk, "step": "accept"})
    client.post(
        "/victims/legal-aid/",
        {"application": green.pk, "step": "assign", "lawyer": people["lawyer"].pk},
    )
    green.refresh_from_db()
    assert green.status == "assigned" and green.lawyer == people["lawyer"]
    assert client_for(people["doctor"]).get("/victims/legal-aid/").status_code == 403


def test_a_caseworker_placing_a_child_with_the_buyers_family_is_stopped_on_the_page(
    people: dict[str, User],  # noqa: F811
    client_for: Callable[[User], Client],
) -> None:
    from homeward.cases.models import CaseParty
    from homeward.cases.services import case_open
    from homeward.testing.factories import PersonFactory
    from homeward.victims import services

    police = people["police"]
    police.leader_post = "head"
    police.save()
    case = case_open(
        actor=police,
        title="收买被拐卖儿童案",
        crimes=["art241"],
        source="other",
        leader=police,
        division=Division.objects.get(code="500103"),
    )
    buyer = PersonFactory(full_name="赵某（收买人）", address="渝中区大坪正街88号")
    CaseParty.objects.create(case=case, person=buyer, role="buyer", added_by=police)
    victim = services.victim_register(
        actor=police,
        person=PersonFactory(full_name="小丫"),
        identity_status="identified",
        age_at_rescue=4,
        origin="chongqing",
        rescued_at=timezone.now(),
        how_rescued="解救",
        division=Division.objects.get(code="500103"),
        case=case,
    )
    page = client_for(people["caseworker"]).post(
        f"/victims/{victim.pk}/",
        {
            "action": "return",
            "return-kind": "foster",
            "return-people": str(buyer.pk),
            "return-address": "渝中区大坪正街88号",
            "return-returned_on": timezone.localdate().isoformat(),
        },
    )
    assert page.status_code == 200
    errors = page.context["forms"]["return"].non_field_errors()
    assert errors and "收买" in errors[0]
    assert "收买" in page.content.decode()
    victim.refresh_from_db()
    assert victim.status == "rescued"
