"""The task force of a case (一长三包): its leader, members, the progress log of the three
responsibilities, and its dissolution once the case is solved (案件不破，专案组不得撤销)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.cases.errors import CaseError
from homeward.cases.models import (
    UNSOLVED_STATUSES,
    Case,
    EventKind,
    ProgressEntry,
    Responsibility,
    TaskForce,
    TaskForceMember,
)
from homeward.cases.policy import check_leader, is_qualified_member
from homeward.cases.selectors import is_task_force_member
from homeward.cases.services.common import (
    case_lock,
    ensure_not_closed,
    event_add,
    require_case_team,
)
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import User


def _active_task_force(case: Case) -> TaskForce:
    task_force = (
        TaskForce.objects.select_for_update(of=("self",)).select_related("leader").get(case=case)
    )
    if not task_force.is_active:
        raise DomainError(CaseError.TASK_FORCE_DISSOLVED, _("The task force has been dissolved."))
    return task_force


@transaction.atomic
def task_force_change_leader(
    *, actor: User, case: Case, leader: User, reason: str = ""
) -> TaskForce:
    """Hand the task force to another qualified leader; the change is on the timeline."""
    require_case_team(actor, case)
    case_lock(case)
    ensure_not_closed(case)
    task_force = _active_task_force(case)
    if leader.pk == task_force.leader_id:
        raise DomainError(
            CaseError.LEADER_UNCHANGED, _("This officer already leads the task force.")
        )
    check_leader(leader, case.division)
    previous = task_force.leader
    task_force.leader = leader
    task_force.save(update_fields=["leader"])
    event_add(
        case=case,
        kind=EventKind.LEADER_CHANGED,
        actor=actor,
        note=reason.strip(),
        from_user_id=previous.pk,
        from_name=previous.full_name,
        to_user_id=leader.pk,
        to_name=leader.full_name,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TASK_FORCE_LEADER_CHANGE,
        obj=task_force,
        detail={"case_id": case.pk, "from": previous.pk, "to": leader.pk},
    )
    return task_force


@transaction.atomic
def task_force_add_member(*, actor: User, case: Case, user: User) -> TaskForceMember:
    """Add an officer of the district's or the municipal police to the task force."""
    require_case_team(actor, case)
    case_lock(case)
    ensure_not_closed(case)
    task_force = _active_task_force(case)
    if not is_qualified_member(user, case.division):
        raise DomainError(
            CaseError.MEMBER_NOT_QUALIFIED,
            _("Task force members are officers of the district's or the municipal police."),
        )
    if user.pk == task_force.leader_id or task_force.members.filter(user=user).exists():
        raise DomainError(
            CaseError.ALREADY_MEMBER, _("This officer is already on the task force."), status=409
        )
    member = TaskForceMember.objects.create(task_force=task_force, user=user, added_by=actor)
    event_add(
        case=case,
        kind=EventKind.MEMBER_ADDED,
        actor=actor,
        user_id=user.pk,
        user_name=user.full_name,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TASK_FORCE_MEMBER_ADD,
        obj=task_force,
        detail={"case_id": case.pk, "user_id": user.pk},
    )
    return member


@transaction.atomic
def task_force_dissolve(*, actor: User, case: Case, reason: str = "") -> TaskForce:
    """Dissolve the task force. Refused while the case is unsolved (rules 三、(一))."""
    require_case_team(actor, case)
    case_lock(case)
    if case.status in UNSOLVED_STATUSES:
        raise DomainError(
            CaseError.UNSOLVED_TASK_FORCE_STAYS,
            _("The task force cannot be dissolved while the case is unsolved."),
        )
    task_force = _active_task_force(case)
    task_force.dissolved_at = timezone.now()
    task_force.dissolved_by = actor
    task_force.dissolution_reason = reason.strip()[:300]
    task_force.save(update_fields=["dissolved_at", "dissolved_by", "dissolution_reason"])
    event_add(case=case, kind=EventKind.TASK_FORCE_DISSOLVED, actor=actor, note=reason.strip())
    audit_record(
        actor=actor,
        action=AuditAction.TASK_FORCE_DISSOLVE,
        obj=task_force,
        detail={"case_id": case.pk},
    )
    return task_force


@transaction.atomic
def progress_entry_add(*, actor: User, case: Case, responsibility: str, text: str) -> ProgressEntry:
    """Log progress on one of the three responsibilities. Task force members only."""
    case_lock(case)
    ensure_not_closed(case)
    task_force = _active_task_force(case)
    if responsibility not in Responsibility.values:
        raise ValidationError({"responsibility": _("Choose one of the three responsibilities.")})
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Describe the progress.")})
    if not is_task_force_member(actor, case):
        raise DomainError(
            CaseError.NOT_TASK_FORCE_MEMBER,
            _("Only the leader and members of the task force log its progress."),
            status=403,
        )
    entry = ProgressEntry.objects.create(
        task_force=task_force, responsibility=responsibility, text=text, author=actor
    )
    event_add(
        case=case,
        kind=EventKind.PROGRESS_LOGGED,
        actor=actor,
        entry_id=entry.pk,
        responsibility=responsibility,
    )
    audit_record(
        actor=actor,
        action=AuditAction.PROGRESS_ENTRY_ADD,
        obj=entry,
        detail={"case_id": case.pk, "responsibility": responsibility},
    )
    return entry
