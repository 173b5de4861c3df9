"""挂牌督办 (rules 七、(一)): the joint conference lists key cases with a deadline and
requirements; the case team reports; the tick sweep flags an overdue listing once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from homeward.cases.models import Case, CaseEvent, SupervisionListing
from homeward.cases.services import (
    supervision_listing_create,
    supervision_listing_lift,
    supervision_report_submit,
)
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role
from homeward.core.tick import registered_jobs, tick

pytestmark = pytest.mark.django_db


def _list(
    actor: User, case: Case, *, level: str = "municipal", days: int = 30
) -> SupervisionListing:
    return supervision_listing_create(
        actor=actor,
        case=case,
        level=level,
        deadline=timezone.localdate() + timedelta(days=days),
        requirements="每周报告解救进展",
    )


def test_a_joint_conference_officer_lists_a_case_for_supervision(
    case: Case, joint_conference_officer: User
) -> None:
    # when
    listing = _list(joint_conference_officer, case)
    # then
    assert listing.status == "active"
    assert listing.listing_agency.code == "cq-joint_conference_office"
    assert not listing.is_overdue
    event = case.events.get(kind=CaseEvent.Kind.SUPERVISION_LISTED)
    assert event.detail["level"] == "municipal"
    assert AuditEvent.objects.filter(
        action="supervision_listing_create", actor=joint_conference_officer
    ).exists()


def test_police_cannot_list_their_own_cases(case: Case, owner: User) -> None:
    with pytest.raises(DomainError) as error:
        _list(owner, case)
    assert error.value.code == "not_supervisor"


def test_each_office_lists_at_its_own_level(
    case: Case, joint_conference_officer: User, make_user: Callable[..., User]
) -> None:
    with pytest.raises(DomainError) as error:
        _list(joint_conference_officer, case, level="district")
    assert error.value.code == "supervision_level_mismatch"
    district_office = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="500103-joint_conference_office"
    )
    assert _list(district_office, case, level="district").level == "district"
    other_office = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="500101-joint_conference_office"
    )
    with pytest.raises(DomainError) as error:
        _list(other_office, case, level="district")
    assert error.value.code == "not_supervisor"


def test_a_case_is_listed_once_per_level_and_with_a_future_deadline(
    case: Case, joint_conference_officer: User
) -> None:
    _list(joint_conference_officer, case)
    with pytest.raises(DomainError) as error:
        _list(joint_conference_officer, case)
    assert error.value.code == "already_listed"
    with pytest.raises(DomainError) as error:
        _list(joint_conference_officer, case, days=-1)
    assert error.value.code == "deadline_in_past"


def test_the_case_team_reports_progress_against_the_listing(
    case: Case, owner: User, joint_conference_officer: User, municipal_investigator: User
) -> None:
    listing = _list(joint_conference_officer, case)
    report = supervision_report_submit(actor=owner, listing=listing, text="已锁定两名嫌疑人")
    assert list(listing.reports.all()) == [report]
    assert case.events.filter(kind=CaseEvent.Kind.SUPERVISION_REPORTED).count() == 1
    with pytest.raises(DomainError) as error:
        supervision_report_submit(actor=municipal_investigator, listing=listing, text="x")
    assert error.value.code == "not_case_team"


def test_a_lifted_listing_takes_no_reports(
    case: Case, owner: User, joint_conference_officer: User
) -> None:
    listing = _list(joint_conference_officer, case)
    supervision_listing_lift(actor=joint_conference_officer, listing=listing, note="已破案")
    with pytest.raises(DomainError) as error:
        supervision_report_submit(actor=owner, listing=listing, text="x")
    assert error.value.code == "listing_not_active"
    assert case.events.filter(kind=CaseEvent.Kind.SUPERVISION_LIFTED).exists()


def test_the_overdue_job_is_registered() -> None:
    assert "cases.supervision_overdue" in registered_jobs()


def test_the_tick_flags_an_overdue_listing_once_with_one_audit_event(
    open_case: Callable[..., Case], joint_conference_officer: User
) -> None:
    # given: a listing due in 3 days, and another lifted before its deadline
    case, other = open_case(), open_case()
    listing = _list(joint_conference_officer, case, days=3)
    lifted = _list(joint_conference_officer, other, days=1)
    supervision_listing_lift(actor=joint_conference_officer, listing=lifted)
    deadline = listing.deadline
    # when: the sweep runs on the deadline day, then twice the day after
    with time_machine.travel(_noon(deadline), tick=False):
        on_the_day = tick()
    with time_machine.travel(_noon(deadline + timedelta(days=1)), tick=False):
        first, second = tick(), tick()
    # then
    assert on_the_day.results["cases.supervision_overdue"] == 0
    assert first.results["cases.supervision_overdue"] == 1
    assert second.results["cases.supervision_overdue"] == 0
    listing.refresh_from_db()
    lifted.refresh_from_db()
    assert listing.is_overdue and not lifted.is_overdue
    assert AuditEvent.objects.filter(action="supervision_overdue").count() == 1
    event = AuditEvent.objects.get(action="supervision_overdue")
    assert (event.object_id, event.actor_username) == (str(listing.pk), "system")
    assert case.events.filter(kind=CaseEvent.Kind.SUPERVISION_OVERDUE, actor=None).count() == 1


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=timezone.get_current_timezone())


def test_the_supervision_pages_list_and_lift_a_case(
    case: Case, joint_conference_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(joint_conference_officer)
    # given: the officer finds the case by its number
    found = client.get("/cases/supervision/new/", {"number": case.number})
    assert found.status_code == 200
    assert case.title in found.content.decode()
    # when: they list it
    deadline = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post(
        f"/cases/supervision/new/?number={case.number}",
        {"level": "municipal", "deadline": deadline, "requirements": "两周内报告"},
    )
    # then
    assert response.status_code == 302
    listing = SupervisionListing.objects.get(case=case)
    assert response["Location"] == f"/cases/supervision/{case.pk}/"
    lift = client.post(f"/cases/supervision/{case.pk}/{listing.pk}/lift/", {"note": "结案"})
    assert lift.status_code == 302
    listing.refresh_from_db()
    assert listing.status == "lifted"


def test_a_number_outside_the_offices_area_is_not_found(
    case: Case, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    wanzhou_office = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="500101-joint_conference_office"
    )
    response = client_for(wanzhou_office).get("/cases/supervision/new/", {"number": case.number})
    assert case.title not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="search", actor=wanzhou_office, detail__found=False
    ).exists()


def test_the_case_team_reports_from_the_case_page(
    case: Case, owner: User, joint_conference_officer: User, client_for: Callable[[User], Client]
) -> None:
    listing = _list(joint_conference_officer, case)
    client = client_for(owner)
    assert "每周报告解救进展" in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(
        f"/cases/{case.pk}/supervision/{listing.pk}/report/", {"text": "已解救一名儿童"}
    )
    assert response.status_code == 302
    assert listing.reports.get().text == "已解救一名儿童"
