"""People in a case (links to the registry) and one-stop interviews (一站式询问, rules
三、(五)): minors only with a guardian or appropriate adult, summaries encrypted at
rest and shown only to the case team."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from homeward.cases.models import Case, CaseEvent, CaseParty, Interview
from homeward.cases.services import case_party_add, interview_record, task_force_add_member
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User
from homeward.people.models import Person
from homeward.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

SUMMARY = "孩子说被一名男子带上面包车，车牌尾号为37，之后被送到外省。"
GUARDIAN = "王建国"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _interview(actor: User, case: Case, party: CaseParty, **overrides: object) -> Interview:
    arguments: dict[str, object] = {
        "actor": actor,
        "case": case,
        "party": party,
        "conducted_at": timezone.now() - timedelta(hours=2),
        "location": "渝中区公安分局一站式询问室",
        "interviewer": actor,
        "summary": SUMMARY,
    }
    arguments.update(overrides)
    return interview_record(**arguments)  # type: ignore[arg-type]


def test_people_are_linked_from_the_registry_not_copied(
    case: Case, owner: User, child: Person
) -> None:
    # when
    party = case_party_add(actor=owner, case=case, person=child, role=CaseParty.Role.VICTIM)
    # then
    assert party.person_id == child.pk
    assert {field.name for field in CaseParty._meta.get_fields()}.isdisjoint(
        {"full_name", "id_number", "phone", "address", "date_of_birth"}
    )
    event = case.events.get(kind=CaseEvent.Kind.PERSON_ADDED)
    assert event.detail == {"party_id": party.pk, "person_id": child.pk, "role": "victim"}


def test_a_person_is_in_a_case_once_per_role(case: Case, owner: User, child: Person) -> None:
    case_party_add(actor=owner, case=case, person=child, role=CaseParty.Role.VICTIM)
    case_party_add(actor=owner, case=case, person=child, role=CaseParty.Role.WITNESS)
    with pytest.raises(DomainError) as error:
        case_party_add(actor=owner, case=case, person=child, role=CaseParty.Role.VICTIM)
    assert error.value.code == "person_already_in_role"


def test_a_person_outside_the_actors_area_cannot_be_added(case: Case, owner: User) -> None:
    from homeward.core.models import Division

    stranger = PersonFactory(division=Division.objects.get(code="500101"))
    with pytest.raises(DomainError) as error:
        case_party_add(actor=owner, case=case, person=stranger, role=CaseParty.Role.SUSPECT)
    assert error.value.code == "person_not_visible"


def test_a_minors_interview_needs_a_guardian_or_appropriate_adult(
    case: Case, owner: User, child_victim: CaseParty
) -> None:
    # when: no adult named
    with pytest.raises(DomainError) as error:
        _interview(owner, case, child_victim)
    # then
    assert error.value.code == "guardian_required"
    # and a name without the relation is not enough either
    with pytest.raises(DomainError) as error:
        _interview(owner, case, child_victim, adult_present_name=GUARDIAN)
    assert error.value.code == "guardian_required"
    assert not Interview.objects.exists()


def test_a_minors_interview_with_a_guardian_is_recorded(
    case: Case, owner: User, child_victim: CaseParty
) -> None:
    interview = _interview(
        owner,
        case,
        child_victim,
        adult_present_name=GUARDIAN,
        adult_present_relation=Interview.AdultRelation.PARENT,
    )
    assert interview.subject_was_minor
    event = case.events.get(kind=CaseEvent.Kind.INTERVIEW_RECORDED)
    assert event.detail["minor"] is True
    assert AuditEvent.objects.filter(
        action="interview_record", object_id=str(interview.pk)
    ).exists()


def test_an_adult_victim_is_interviewed_without_a_guardian(
    case: Case, owner: User, adult_victim: Person
) -> None:
    party = case_party_add(actor=owner, case=case, person=adult_victim, role=CaseParty.Role.VICTIM)
    interview = _interview(owner, case, party)
    assert not interview.subject_was_minor


def test_minority_is_judged_on_the_day_of_the_interview(case: Case, owner: User) -> None:
    # given: eighteen today, seventeen a week ago
    person = PersonFactory(date_of_birth=date(2008, 3, 10))
    party = case_party_add(actor=owner, case=case, person=person, role=CaseParty.Role.VICTIM)
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=SHANGHAI), tick=False):
        # then
        with pytest.raises(DomainError) as error:
            _interview(owner, case, party, conducted_at=timezone.now() - timedelta(days=7))
        assert error.value.code == "guardian_required"
        assert not _interview(owner, case, party).subject_was_minor


def test_only_victims_have_one_stop_interviews(
    case: Case, owner: User, adult_victim: Person
) -> None:
    witness = case_party_add(
        actor=owner, case=case, person=adult_victim, role=CaseParty.Role.WITNESS
    )
    with pytest.raises(DomainError) as error:
        _interview(owner, case, witness)
    assert error.value.code == "interview_subject_not_victim"


def test_an_interview_cannot_be_dated_in_the_future(
    case: Case, owner: User, adult_victim: Person
) -> None:
    party = case_party_add(actor=owner, case=case, person=adult_victim, role=CaseParty.Role.VICTIM)
    with pytest.raises(DomainError) as error:
        _interview(owner, case, party, conducted_at=timezone.now() + timedelta(days=1))
    assert error.value.code == "interview_in_future"


def test_the_interview_summary_is_encrypted_at_rest(
    case: Case, owner: User, child_victim: CaseParty
) -> None:
    # given
    interview = _interview(
        owner,
        case,
        child_victim,
        adult_present_name=GUARDIAN,
        adult_present_relation=Interview.AdultRelation.PARENT,
    )
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT summary, adult_present_name FROM cases_interview WHERE id = %s",
            [interview.pk],
        )
        raw_summary, raw_adult = cursor.fetchone()
    # then
    for raw, plain in ((raw_summary, SUMMARY), (raw_adult, GUARDIAN)):
        assert plain not in raw
        assert "车牌" not in raw and "王" not in raw
        assert raw.startswith("hw1:")
    assert Interview.objects.get(pk=interview.pk).summary == SUMMARY


def test_summaries_are_for_the_case_team_only(
    case: Case,
    owner: User,
    colleague: User,
    municipal_investigator: User,
    child_victim: CaseParty,
    client_for: Callable[[User], Client],
) -> None:
    # given
    interview = _interview(
        owner,
        case,
        child_victim,
        adult_present_name=GUARDIAN,
        adult_present_relation=Interview.AdultRelation.GUARDIAN,
    )
    url = f"/cases/{case.pk}/interviews/{interview.pk}/"
    # then: the opening unit reads it, and the read is audited
    response = client_for(colleague).get(url)
    assert response.status_code == 200
    assert SUMMARY in response.content.decode()
    assert AuditEvent.objects.filter(
        action="read", actor=colleague, object_type="cases.interview", outcome="success"
    ).exists()
    # a municipal investigator who is not on the task force sees the case, not the summary
    city = client_for(municipal_investigator)
    page = city.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert SUMMARY not in page.content.decode()
    # (404 like an interview that does not exist: no existence oracle)
    assert city.get(url).status_code == 404
    assert city.get(f"/cases/{case.pk}/interviews/{interview.pk + 1000}/").status_code == 404
    assert AuditEvent.objects.filter(
        action="read", actor=municipal_investigator, object_type="cases.interview", outcome="denied"
    ).exists()
    # once on the task force, they read it
    task_force_add_member(actor=owner, case=case, user=municipal_investigator)
    assert SUMMARY in city.get(url).content.decode()


def test_the_case_page_never_shows_a_summary_inline(
    case: Case, owner: User, child_victim: CaseParty, client_for: Callable[[User], Client]
) -> None:
    _interview(
        owner,
        case,
        child_victim,
        adult_present_name=GUARDIAN,
        adult_present_relation=Interview.AdultRelation.PARENT,
    )
    body = client_for(owner).get(f"/cases/{case.pk}/").content.decode()
    assert "王小花" in body
    assert SUMMARY not in body
    assert GUARDIAN not in body


def test_only_the_case_team_records_interviews(
    case: Case, municipal_investigator: User, child_victim: CaseParty
) -> None:
    with pytest.raises(DomainError) as error:
        _interview(
            municipal_investigator,
            case,
            child_victim,
            adult_present_name=GUARDIAN,
            adult_present_relation=Interview.AdultRelation.PARENT,
        )
    assert error.value.code == "not_case_team"
