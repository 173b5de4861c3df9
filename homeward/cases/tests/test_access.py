"""Who sees a case: district police their district, municipal police all districts,
joint-conference officers the header and supervision of listed cases, nobody else.
An out-of-scope id is a 404 on every surface; every read of a case is audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from homeward.cases.models import Case, CaseParty
from homeward.cases.selectors import cases_visible_to
from homeward.cases.services import supervision_listing_create
from homeward.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db

CASE_PAGES = [
    "/cases/{pk}/",
    "/cases/{pk}/status/",
    "/cases/{pk}/leader/",
    "/cases/{pk}/members/new/",
    "/cases/{pk}/dissolve/",
    "/cases/{pk}/people/new/",
    "/cases/{pk}/interviews/new/",
]


def _numbers_in_export(client: Client) -> list[str]:
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [str(row[0]) for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_an_outsider_gets_404_on_every_surface_and_the_case_is_in_none_of_their_lists(
    case: Case, outsider: User, client_for: Callable[[User], Client]
) -> None:
    # given: an investigator of 万州区公安局
    client = client_for(outsider)
    # then
    for page in CASE_PAGES:
        assert client.get(page.format(pk=case.pk)).status_code == 404, page
    assert client.post(f"/cases/{case.pk}/progress/", {"text": "x"}).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert case.number not in client.get("/cases/").content.decode()
    assert [row["id"] for row in client.get("/api/v1/cases/").json()] == []
    assert _numbers_in_export(client) == []
    assert AuditEvent.objects.filter(
        action="read", actor=outsider, object_id=str(case.pk), outcome="denied"
    ).exists()


def test_a_colleague_sees_the_case_and_the_read_is_audited(
    case: Case, colleague: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(colleague)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert case.number in response.content.decode()
    assert case.number in client.get("/cases/").content.decode()
    assert _numbers_in_export(client) == [case.number]
    assert (
        AuditEvent.objects.filter(
            action="read", actor=colleague, object_type="cases.case", object_id=str(case.pk)
        ).count()
        == 1
    )


def test_the_municipal_police_see_every_district(
    case: Case, municipal_investigator: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(municipal_investigator)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert _numbers_in_export(client) == [case.number]


def test_a_civil_affairs_caseworker_is_forbidden(
    case: Case, civil_affairs_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(civil_affairs_user)
    for path in (
        "/cases/",
        "/cases/cold/",
        "/cases/export.xlsx",
        "/cases/new/",
        f"/cases/{case.pk}/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 403
    assert client.get("/api/v1/cases/").status_code == 403
    assert not cases_visible_to(civil_affairs_user).exists()


def test_a_joint_conference_officer_sees_only_listed_cases_and_only_their_header(
    open_case: Callable[..., Case],
    owner: User,
    joint_conference_officer: User,
    child: object,
    client_for: Callable[[User], Client],
) -> None:
    from homeward.cases.services import case_party_add

    # given: two cases, one listed for supervision, with a child victim in it
    listed, unlisted = open_case(title="重点案件"), open_case(title="普通案件")
    case_party_add(actor=owner, case=listed, person=child, role=CaseParty.Role.VICTIM)  # type: ignore[arg-type]
    supervision_listing_create(
        actor=joint_conference_officer,
        case=listed,
        level="municipal",
        deadline=timezone.localdate() + timedelta(days=30),
        requirements="30日内报告侦办进展",
    )
    client = client_for(joint_conference_officer)
    # then: the supervision page shows the header and the listing, no people
    page = client.get(f"/cases/supervision/{listed.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "重点案件" in body and "30日内报告侦办进展" in body
    assert "王小花" not in body
    # and the police pages stay closed to them
    assert client.get(f"/cases/{listed.pk}/").status_code == 403
    assert client.get(f"/api/v1/cases/{listed.pk}").status_code == 403
    # and an unlisted case does not exist for them
    assert client.get(f"/cases/supervision/{unlisted.pk}/").status_code == 404
    assert list(cases_visible_to(joint_conference_officer)) == [listed]
    desk = client.get("/cases/supervision/").content.decode()
    assert listed.number in desk and unlisted.number not in desk


def test_a_police_investigator_cannot_use_the_supervision_desk(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    assert client.get("/cases/supervision/").status_code == 403
    assert client.get(f"/cases/supervision/{case.pk}/").status_code == 403
