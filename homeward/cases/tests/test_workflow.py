"""The status workflow and the rule 案件不破，专案组不得撤销 (rules 三、(一))."""

from __future__ import annotations

from itertools import product

import pytest
from django.db import IntegrityError, transaction

from homeward.cases.models import Case, CaseEvent, CaseStatus
from homeward.cases.policy import TRANSITIONS, next_statuses
from homeward.cases.services import case_change_status, task_force_dissolve
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db

WORKFLOW = [
    CaseStatus.OPENED,
    CaseStatus.INVESTIGATING,
    CaseStatus.SOLVED,
    CaseStatus.TRANSFERRED,
    CaseStatus.CLOSED,
]
FORBIDDEN = [
    (current, target)
    for current, target in product(CaseStatus.values, CaseStatus.values)
    if target not in TRANSITIONS[current]
]


def _put_in(case: Case, status: str, actor: User) -> Case:
    """Walk the case along the workflow up to ``status``."""
    for target in WORKFLOW[1 : WORKFLOW.index(CaseStatus(status)) + 1]:
        case = case_change_status(actor=actor, case=case, version=case.version, to_status=target)
    return case


def test_the_map_is_the_straight_line_from_opened_to_closed() -> None:
    assert [next_statuses(status) for status in WORKFLOW] == [
        [CaseStatus.INVESTIGATING],
        [CaseStatus.SOLVED],
        [CaseStatus.TRANSFERRED],
        [CaseStatus.CLOSED],
        [],
    ]


def test_a_case_walks_the_workflow_and_records_each_step(case: Case, owner: User) -> None:
    # when
    case = _put_in(case, CaseStatus.CLOSED, owner)
    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.solved_at is not None and case.closed_at is not None
    assert case.version == 5
    moves = [
        (event.detail["from_status"], event.detail["to_status"])
        for event in case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).order_by("at", "pk")
    ]
    assert moves == list(zip(WORKFLOW, WORKFLOW[1:], strict=False))
    assert (
        AuditEvent.objects.filter(action="case_status_change", object_id=str(case.pk)).count() == 4
    )


@pytest.mark.parametrize(("current", "target"), FORBIDDEN, ids=lambda value: str(value))
def test_every_forbidden_move_raises_a_domain_error_with_a_stable_code(
    case: Case, owner: User, current: str, target: str
) -> None:
    # given
    case = _put_in(case, current, owner)
    version = case.version
    # when
    with pytest.raises(DomainError) as error:
        case_change_status(actor=owner, case=case, version=version, to_status=target)
    # then
    expected = {
        (CaseStatus.OPENED, CaseStatus.CLOSED): "unsolved_cannot_close",
        (CaseStatus.INVESTIGATING, CaseStatus.CLOSED): "unsolved_cannot_close",
    }.get((current, target), "status_unchanged" if current == target else "transition_not_allowed")
    assert error.value.code == expected
    case.refresh_from_db()
    assert (case.status, case.version) == (current, version)


@pytest.mark.parametrize("current", [CaseStatus.OPENED, CaseStatus.INVESTIGATING])
def test_an_unsolved_case_cannot_be_closed(case: Case, owner: User, current: str) -> None:
    case = _put_in(case, current, owner)
    with pytest.raises(DomainError) as error:
        case_change_status(
            actor=owner, case=case, version=case.version, to_status=CaseStatus.CLOSED
        )
    assert error.value.code == "unsolved_cannot_close"


def test_an_unknown_status_is_refused(case: Case, owner: User) -> None:
    with pytest.raises(DomainError) as error:
        case_change_status(actor=owner, case=case, version=1, to_status="archived")
    assert error.value.code == "transition_not_allowed"


def test_the_database_refuses_a_closed_case_that_was_never_solved(case: Case) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)


@pytest.mark.parametrize("current", [CaseStatus.OPENED, CaseStatus.INVESTIGATING])
def test_the_task_force_of_an_unsolved_case_cannot_be_dissolved(
    case: Case, owner: User, current: str
) -> None:
    # given
    case = _put_in(case, current, owner)
    # when
    with pytest.raises(DomainError) as error:
        task_force_dissolve(actor=owner, case=case, reason="人手不足")
    # then
    assert error.value.code == "unsolved_task_force_stays"
    case.task_force.refresh_from_db()
    assert case.task_force.is_active


def test_the_task_force_is_dissolved_once_the_case_is_solved(case: Case, owner: User) -> None:
    # given
    case = _put_in(case, CaseStatus.SOLVED, owner)
    # when
    task_force = task_force_dissolve(actor=owner, case=case, reason="已破案，儿童已解救")
    # then
    assert not task_force.is_active
    assert task_force.dissolved_by == owner
    assert case.events.filter(kind=CaseEvent.Kind.TASK_FORCE_DISSOLVED).exists()
    with pytest.raises(DomainError) as error:
        task_force_dissolve(actor=owner, case=case)
    assert error.value.code == "task_force_dissolved"


def test_a_closed_case_takes_no_more_changes(case: Case, owner: User, colleague: User) -> None:
    from homeward.cases.services import task_force_add_member

    case = _put_in(case, CaseStatus.CLOSED, owner)
    with pytest.raises(DomainError) as error:
        task_force_add_member(actor=owner, case=case, user=colleague)
    assert error.value.code == "case_closed"
