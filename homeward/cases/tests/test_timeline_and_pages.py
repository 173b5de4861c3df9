"""The timeline (every change writes a CaseEvent in its transaction) and the case pages:
opening a case through the form, changing the status, logging progress with htmx,
cold cases, and the list's query count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeward.cases.models import Case, CaseEvent, CaseParty, Interview
from homeward.cases.selectors import cold_cases
from homeward.cases.services import (
    case_change_status,
    case_party_add,
    interview_record,
    progress_entry_add,
    supervision_listing_create,
    supervision_report_submit,
    task_force_add_member,
    task_force_change_leader,
)
from homeward.core.models import User
from homeward.people.models import Person

pytestmark = pytest.mark.django_db


def test_every_change_is_on_the_timeline(
    case: Case,
    owner: User,
    colleague: User,
    district_head: User,
    municipal_deputy_head: User,
    joint_conference_officer: User,
    child: Person,
) -> None:
    # when
    case_change_status(actor=owner, case=case, version=1, to_status="investigating")
    task_force_change_leader(actor=owner, case=case, leader=municipal_deputy_head)
    task_force_add_member(actor=owner, case=case, user=colleague)
    party = case_party_add(actor=owner, case=case, person=child, role=CaseParty.Role.VICTIM)
    interview_record(
        actor=owner,
        case=case,
        party=party,
        conducted_at=timezone.now() - timedelta(hours=1),
        location="询问室",
        interviewer=owner,
        summary="略",
        adult_present_name="社工张某",
        adult_present_relation=Interview.AdultRelation.APPROPRIATE_ADULT,
    )
    progress_entry_add(actor=colleague, case=case, responsibility="rescue_child", text="已解救")
    listing = supervision_listing_create(
        actor=joint_conference_officer,
        case=case,
        level="municipal",
        deadline=timezone.localdate() + timedelta(days=10),
        requirements="报告",
    )
    supervision_report_submit(actor=owner, listing=listing, text="进展")
    # then
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        CaseEvent.Kind.OPENED,
        CaseEvent.Kind.STATUS_CHANGED,
        CaseEvent.Kind.LEADER_CHANGED,
        CaseEvent.Kind.MEMBER_ADDED,
        CaseEvent.Kind.PERSON_ADDED,
        CaseEvent.Kind.INTERVIEW_RECORDED,
        CaseEvent.Kind.PROGRESS_LOGGED,
        CaseEvent.Kind.SUPERVISION_LISTED,
        CaseEvent.Kind.SUPERVISION_REPORTED,
    ]


def test_a_refused_change_leaves_no_timeline_entry(case: Case, owner: User) -> None:
    from homeward.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        case_change_status(actor=owner, case=case, version=1, to_status="closed")
    assert refused.value.code == "unsolved_cannot_close"
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED]


def test_the_case_page_shows_the_task_force_and_the_timeline(
    case: Case, owner: User, district_head: User, client_for: Callable[[User], Client]
) -> None:
    progress_entry_add(actor=district_head, case=case, responsibility="solve_case", text="调取监控")
    body = client_for(owner).get(f"/cases/{case.pk}/").content.decode()
    assert district_head.full_name in body
    assert body.count('<ul class="log">') == 3  # one log per responsibility
    assert "调取监控" in body
    assert case.number in body
    assert body.count('<ol class="timeline">') == 1


def test_the_case_page_carries_the_browser_hardening_headers(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    """WEB-01 on a page that shows a case."""
    from homeward.testing.headers import assert_hardened

    client = client_for(owner)
    first, second = client.get(f"/cases/{case.pk}/"), client.get(f"/cases/{case.pk}/")
    assert first.status_code == second.status_code == 200
    assert assert_hardened(first) != assert_hardened(second)  # a fresh nonce per response


def test_a_case_is_opened_through_the_form(
    owner: User, district_head: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    form = client.get("/cases/new/")
    assert form.status_code == 200
    assert district_head.full_name in form.content.decode()
    response = client.post(
        "/cases/new/",
        {
            "title": "朝天门码头拐卖案",
            "crimes": ["art240", "art241"],
            "source": "clue",
            "source_reference": "42",
            "priority": "high",
            "leader": district_head.pk,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.title, case.source_reference, case.priority) == ("朝天门码头拐卖案", 42, "high")


def test_the_form_shows_a_field_error_for_an_unqualified_leader(
    owner: User, colleague: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).post(
        "/cases/new/",
        {
            "title": "x",
            "crimes": ["art240"],
            "source": "other",
            "priority": "normal",
            "leader": colleague.pk,
        },
    )
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert response.context["form"].errors["leader"]


def test_the_status_form_uses_the_version_and_refuses_a_stale_one(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    url = f"/cases/{case.pk}/status/"
    assert client.post(url, {"version": 1, "to_status": "investigating"}).status_code == 302
    stale = client.post(url, {"version": 1, "to_status": "solved"})
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.status == "investigating"


def test_progress_logged_with_htmx_returns_the_task_force_section(
    case: Case, district_head: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(district_head).post(
        f"/cases/{case.pk}/progress/",
        {"responsibility": "comfort_family", "text": "向家属通报进展"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="task-force">')
    assert "向家属通报进展" in body
    assert "<html" not in body


def test_cold_cases_are_unsolved_and_idle_with_their_last_activity(
    open_case: Callable[..., Case], owner: User, client_for: Callable[[User], Client]
) -> None:
    # given: a case idle for 400 days, one solved long ago, one active last month
    long_ago = timezone.now() - timedelta(days=400)
    with time_machine.travel(long_ago, tick=False):
        idle = open_case(title="久未进展案")
        solved = open_case(title="已破案件")
        case_change_status(actor=owner, case=solved, version=1, to_status="investigating")
        case_change_status(actor=owner, case=solved, version=2, to_status="solved")
        active = open_case(title="近期有进展")
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        case_change_status(actor=owner, case=active, version=1, to_status="investigating")
    # when
    found = list(cold_cases(owner))
    # then
    assert found == [idle]
    assert found[0].last_activity.date() == long_ago.date()  # type: ignore[attr-defined]
    assert [case.pk for case in cold_cases(owner, idle_days=20)] == [idle.pk, active.pk]
    page = client_for(owner).get("/cases/cold/").content.decode()
    assert "久未进展案" in page and "已破案件" not in page and "近期有进展" not in page


def test_the_case_list_filters_and_runs_in_a_fixed_number_of_queries(
    open_case: Callable[..., Case], owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    open_case(priority="highest")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/", {"priority": "highest"}).status_code == 200
        return len(queries)

    count_queries()  # the menu caches whether the user owns a plan: the first page asks
    few = count_queries()
    for n in range(10):
        open_case(title=f"案件{n}", priority="highest", crimes=["art240", "art244"])
    assert count_queries() == few
    assert (
        open_case(title="普通").number
        not in client.get("/cases/", {"priority": "highest"}).content.decode()
    )


def test_the_list_answers_htmx_with_its_rows_only(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get("/cases/", {"status": "opened"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert case.number in body
    assert "<html" not in body


def test_the_task_force_people_and_interview_forms_work_end_to_end(
    case: Case,
    owner: User,
    colleague: User,
    municipal_deputy_head: User,
    child: Person,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(owner)
    base = f"/cases/{case.pk}"
    # a member joins
    assert colleague.full_name in client.get(f"{base}/members/new/").content.decode()
    assert client.post(f"{base}/members/new/", {"user": colleague.pk}).status_code == 302
    # a person from the registry is added as a victim
    assert (
        client.post(f"{base}/people/new/", {"person": child.pk, "role": "victim"}).status_code
        == 302
    )
    party = case.parties.get()
    # an interview without the adult present is refused on the form, with the guardian saved
    when = timezone.localtime(timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    interview = {
        "party": party.pk,
        "conducted_at": when,
        "location": "一站式询问室",
        "interviewer": owner.pk,
        "summary": "询问摘要",
    }
    refused = client.post(f"{base}/interviews/new/", interview)
    assert refused.status_code == 200
    assert refused.context["form"].errors["adult_present_name"]
    saved = client.post(
        f"{base}/interviews/new/",
        {**interview, "adult_present_name": "王建国", "adult_present_relation": "parent"},
    )
    assert saved.status_code == 302
    assert Interview.objects.get().subject_was_minor
    # the leader changes
    response = client.post(
        f"{base}/leader/", {"leader": municipal_deputy_head.pk, "reason": "提级侦办"}
    )
    assert response.status_code == 302
    # the task force cannot be dissolved before the case is solved
    refused = client.post(f"{base}/dissolve/", {"reason": "x"})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors()
    case.refresh_from_db()
    case_change_status(actor=owner, case=case, version=case.version, to_status="investigating")
    case_change_status(actor=owner, case=case, version=case.version, to_status="solved")
    assert client.post(f"{base}/dissolve/", {"reason": "已破案"}).status_code == 302
    case.task_force.refresh_from_db()
    assert not case.task_force.is_active
