"""一长三包: who may lead (a head or deputy head of county-level-or-above public
security), members, leader changes and the progress log of the three responsibilities."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from homeward.cases.models import Case, CaseEvent, Responsibility, TaskForce
from homeward.cases.services import (
    progress_entry_add,
    task_force_add_member,
    task_force_change_leader,
)
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_non_police_official_cannot_lead_a_task_force(
    open_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    # given: the head of the district's civil affairs bureau
    civil_head = make_user(agency_code="500103-civil_affairs", leader_post="head")
    # when
    with pytest.raises(DomainError) as error:
        open_case(leader=civil_head)
    # then
    assert error.value.code == "leader_not_qualified"
    assert not Case.objects.exists()


def test_a_police_officer_without_a_leadership_post_cannot_lead(
    open_case: Callable[..., Case], colleague: User
) -> None:
    with pytest.raises(DomainError) as error:
        open_case(leader=colleague)
    assert error.value.code == "leader_not_qualified"


def test_the_head_of_the_district_police_leads_a_district_case(
    open_case: Callable[..., Case], district_head: User
) -> None:
    case = open_case(leader=district_head)
    assert case.task_force.leader == district_head
    assert case.task_force.is_active


def test_a_deputy_head_of_the_municipal_police_leads_a_district_case(
    open_case: Callable[..., Case], municipal_deputy_head: User
) -> None:
    case = open_case(leader=municipal_deputy_head)
    assert TaskForce.objects.get(case=case).leader == municipal_deputy_head


def test_the_head_of_another_districts_police_cannot_lead(
    open_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    wanzhou_head = make_user(agency_code="500101-public_security", leader_post="head")
    with pytest.raises(DomainError) as error:
        open_case(leader=wanzhou_head)
    assert error.value.code == "leader_not_qualified"


def test_only_public_security_opens_cases(
    open_case: Callable[..., Case], civil_affairs_user: User
) -> None:
    with pytest.raises(DomainError) as error:
        open_case(actor=civil_affairs_user)
    assert error.value.code == "not_public_security"


def test_a_district_unit_opens_cases_in_its_own_district(
    open_case: Callable[..., Case], owner: User
) -> None:
    from homeward.core.models import Division

    case = open_case(division=Division.objects.get(code="500101"))
    assert case.division.code == "500103"
    assert case.owning_agency == owner.agency


def test_the_municipal_police_name_the_district(
    open_case: Callable[..., Case], municipal_investigator: User, municipal_deputy_head: User
) -> None:
    from homeward.core.models import Division

    with pytest.raises(DomainError) as error:
        open_case(actor=municipal_investigator, leader=municipal_deputy_head)
    assert error.value.code == "division_required"
    case = open_case(
        actor=municipal_investigator,
        leader=municipal_deputy_head,
        division=Division.objects.get(code="500101"),
    )
    assert case.number.startswith("万州-")
    assert case.owning_agency.code == "cq-public_security"


def test_crimes_are_validated_choices(open_case: Callable[..., Case]) -> None:
    with pytest.raises(DomainError) as error:
        open_case(crimes=[])
    assert error.value.code == "crime_required"
    with pytest.raises(DomainError) as error:
        open_case(crimes=["art240", "art999"])
    assert error.value.code == "unknown_crime"
    case = open_case(crimes=["art241", "art240", "art240"])
    assert sorted(case.crimes.values_list("crime", flat=True)) == ["art240", "art241"]


def test_a_source_reference_belongs_to_record_sources_only(open_case: Callable[..., Case]) -> None:
    with pytest.raises(DomainError) as error:
        open_case(source="province_transfer", source_reference=5)
    assert error.value.code == "source_reference_not_applicable"


def test_changing_the_leader_is_recorded_on_the_timeline(
    case: Case, owner: User, district_head: User, municipal_deputy_head: User
) -> None:
    # when
    task_force_change_leader(
        actor=owner, case=case, leader=municipal_deputy_head, reason="市局提级侦办"
    )
    # then
    case.task_force.refresh_from_db()
    assert case.task_force.leader == municipal_deputy_head
    event = case.events.get(kind=CaseEvent.Kind.LEADER_CHANGED)
    assert event.detail["from_user_id"] == district_head.pk
    assert event.detail["to_user_id"] == municipal_deputy_head.pk
    assert event.note == "市局提级侦办"
    assert AuditEvent.objects.filter(action="task_force_leader_change").exists()


def test_the_new_leader_must_be_qualified_and_different(
    case: Case, owner: User, colleague: User, district_head: User
) -> None:
    with pytest.raises(DomainError) as error:
        task_force_change_leader(actor=owner, case=case, leader=colleague)
    assert error.value.code == "leader_not_qualified"
    with pytest.raises(DomainError) as error:
        task_force_change_leader(actor=owner, case=case, leader=district_head)
    assert error.value.code == "leader_unchanged"


def test_members_are_police_of_the_district_or_the_city(
    case: Case,
    owner: User,
    colleague: User,
    outsider: User,
    municipal_investigator: User,
    civil_affairs_user: User,
) -> None:
    task_force_add_member(actor=owner, case=case, user=colleague)
    task_force_add_member(actor=owner, case=case, user=municipal_investigator)
    for unqualified in (outsider, civil_affairs_user):
        with pytest.raises(DomainError) as error:
            task_force_add_member(actor=owner, case=case, user=unqualified)
        assert error.value.code == "member_not_qualified"
    with pytest.raises(DomainError) as error:
        task_force_add_member(actor=owner, case=case, user=colleague)
    assert error.value.code == "already_member"
    assert case.events.filter(kind=CaseEvent.Kind.MEMBER_ADDED).count() == 2


def test_each_responsibility_keeps_its_own_progress_log(
    case: Case, district_head: User, colleague: User, owner: User
) -> None:
    # given
    task_force_add_member(actor=owner, case=case, user=colleague)
    # when
    progress_entry_add(
        actor=district_head,
        case=case,
        responsibility=Responsibility.SOLVE_CASE,
        text="锁定嫌疑车辆",
    )
    progress_entry_add(
        actor=colleague,
        case=case,
        responsibility=Responsibility.COMFORT_FAMILY,
        text="走访家属，告知进展",
    )
    # then
    logs = {
        code: list(
            case.task_force.progress.filter(responsibility=code).values_list("text", flat=True)
        )
        for code in Responsibility.values
    }
    assert logs == {
        "solve_case": ["锁定嫌疑车辆"],
        "rescue_child": [],
        "comfort_family": ["走访家属，告知进展"],
    }
    assert case.events.filter(kind=CaseEvent.Kind.PROGRESS_LOGGED).count() == 2


def test_only_the_task_force_logs_its_progress(case: Case, make_user: Callable[..., User]) -> None:
    bystander = make_user(roles=[Role.INVESTIGATOR])
    with pytest.raises(DomainError) as error:
        progress_entry_add(
            actor=bystander, case=case, responsibility=Responsibility.RESCUE_CHILD, text="x"
        )
    assert error.value.code == "not_task_force_member"


def test_a_progress_entry_needs_a_known_responsibility_and_text(
    case: Case, district_head: User
) -> None:
    with pytest.raises(ValidationError):
        progress_entry_add(actor=district_head, case=case, responsibility="other", text="x")
    with pytest.raises(ValidationError):
        progress_entry_add(
            actor=district_head, case=case, responsibility=Responsibility.SOLVE_CASE, text="  "
        )
