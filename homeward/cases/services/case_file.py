"""The case file: opening a case (with its number and task force), editing its header,
and moving it through the workflow."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.cases.errors import CaseError
from homeward.cases.models import (
    REFERENCED_SOURCES,
    Case,
    CaseCrime,
    CaseNumberCounter,
    CasePriority,
    CaseSource,
    CaseStatus,
    Crime,
    EventKind,
    TaskForce,
    TaskForceMember,
)
from homeward.cases.policy import check_leader, check_transition, is_qualified_member
from homeward.cases.services.common import case_claim_version, event_add, require_case_team
from homeward.core.actors import require_public_security
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import Division, User

# Endings dropped from a division's name in case numbers: 渝中区 → 渝中,
# 石柱土家族自治县 → 石柱; a name that would shrink to one character stays whole (忠县).
_NAME_ENDINGS = ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "自治县", "区", "县")


def division_short_name(division: Division) -> str:
    name = division.name_zh
    for ending in _NAME_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return name


def case_number_format(division: Division, year: int, sequence: int) -> str:
    return f"{division_short_name(division)}-{year}-{sequence:04d}"


def case_number_allocate(*, division: Division, year: int) -> int:
    """The next sequence number of ``division`` in ``year``, taken under a row lock.

    Must run inside the transaction that stores the case: if that transaction rolls
    back, so does the counter, and no number is ever skipped.
    """
    counter = CaseNumberCounter.objects.select_for_update().filter(division=division, year=year)
    row = counter.first()
    if row is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(division=division, year=year)
        except IntegrityError:
            pass  # another opening created the counter first; lock theirs
        row = counter.get()
    row.last_sequence += 1
    row.save(update_fields=["last_sequence"])
    return row.last_sequence


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the case a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("At most 200 characters.")})
    return title


def _clean_crimes(crimes: Iterable[str]) -> list[str]:
    chosen = sorted(set(crimes))
    if not chosen:
        raise DomainError(CaseError.CRIME_REQUIRED, _("Choose at least one crime."))
    unknown = [crime for crime in chosen if crime not in Crime.values]
    if unknown:
        raise DomainError(CaseError.UNKNOWN_CRIME, _("Unknown crime: %s") % ", ".join(unknown))
    return chosen


def _clean_priority(priority: str) -> str:
    if priority not in CasePriority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    return priority


@transaction.atomic
def case_open(
    *,
    actor: User,
    title: str,
    crimes: Iterable[str],
    source: str,
    leader: User,
    source_reference: int | None = None,
    priority: str = CasePriority.NORMAL,
    division: Division | None = None,
    members: Iterable[User] = (),
) -> Case:
    """Open a case in the actor's public-security unit, with its number and its task
    force led by ``leader`` (一长三包).

    District units open cases in their own district; the municipal bureau names the
    district. The number is unique and gap-free per district and year.
    """
    agency = actor.agency
    require_public_security(actor, _("Only public security agencies open criminal cases."))
    if agency.division is not None:
        division = agency.division
    if division is None:
        raise DomainError(CaseError.DIVISION_REQUIRED, _("Choose the district of the case."))
    title = _clean_title(title)
    chosen_crimes = _clean_crimes(crimes)
    priority = _clean_priority(priority)
    if source not in CaseSource.values:
        raise ValidationError({"source": _("Choose the source of the case.")})
    if source_reference is not None and source not in REFERENCED_SOURCES:
        raise DomainError(
            CaseError.SOURCE_REFERENCE_NOT_APPLICABLE,
            _("Only a clue, alert, DNA match or mandatory report has a record number."),
        )
    check_leader(leader, division)
    team = {member.pk: member for member in members if member.pk != leader.pk}
    for member in team.values():
        if not is_qualified_member(member, division):
            raise DomainError(
                CaseError.MEMBER_NOT_QUALIFIED,
                _("Task force members are officers of the district's or the municipal police."),
            )

    year = timezone.localdate().year
    sequence = case_number_allocate(division=division, year=year)
    now = timezone.now()
    case = Case.objects.create(
        number=case_number_format(division, year, sequence),
        year=year,
        sequence=sequence,
        title=title,
        division=division,
        owning_agency=agency,
        source=source,
        source_reference=source_reference,
        priority=priority,
        opened_by=actor,
        created_at=now,
        updated_at=now,
    )
    CaseCrime.objects.bulk_create([CaseCrime(case=case, crime=crime) for crime in chosen_crimes])
    task_force = TaskForce.objects.create(case=case, leader=leader, formed_at=now)
    event_add(
        case=case,
        kind=EventKind.OPENED,
        actor=actor,
        number=case.number,
        leader_id=leader.pk,
        leader_name=leader.full_name,
    )
    for member in team.values():
        TaskForceMember.objects.create(task_force=task_force, user=member, added_by=actor)
        event_add(
            case=case,
            kind=EventKind.MEMBER_ADDED,
            actor=actor,
            user_id=member.pk,
            user_name=member.full_name,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CASE_OPEN,
        obj=case,
        detail={"number": case.number, "leader_id": leader.pk, "crimes": chosen_crimes},
    )
    return case


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    version: int,
    title: str | None = None,
    priority: str | None = None,
    crimes: Iterable[str] | None = None,
) -> Case:
    """Edit the header of a case with optimistic locking (a stale version is a 409)."""
    require_case_team(actor, case)
    case_claim_version(case, version)
    if case.status == CaseStatus.CLOSED:
        raise DomainError(CaseError.CASE_CLOSED, _("The case is closed."))
    changed: list[str] = []
    if title is not None and (cleaned_title := _clean_title(title)) != case.title:
        case.title = cleaned_title
        changed.append("title")
    if priority is not None and _clean_priority(priority) != case.priority:
        case.priority = priority
        changed.append("priority")
    if changed:
        case.save(update_fields=changed)
    if crimes is not None:
        chosen = _clean_crimes(crimes)
        current = sorted(case.crimes.values_list("crime", flat=True))
        if chosen != current:
            case.crimes.exclude(crime__in=chosen).delete()
            CaseCrime.objects.bulk_create(
                [CaseCrime(case=case, crime=crime) for crime in chosen if crime not in current]
            )
            changed.append("crimes")
    if changed:
        event_add(case=case, kind=EventKind.UPDATED, actor=actor, fields=changed)
        audit_record(
            actor=actor, action=AuditAction.CASE_UPDATE, obj=case, detail={"fields": changed}
        )
    return case


@transaction.atomic
def case_change_status(
    *, actor: User, case: Case, version: int, to_status: str, note: str = ""
) -> Case:
    """Move the case along the transition map (``policy.TRANSITIONS``). A forbidden
    move raises a DomainError with a stable code; a stale version is a 409."""
    require_case_team(actor, case)
    case_claim_version(case, version)
    from_status = case.status
    check_transition(from_status, to_status)
    now = timezone.now()
    case.status = to_status
    fields = ["status"]
    if to_status == CaseStatus.SOLVED:
        case.solved_at = now
        fields.append("solved_at")
    if to_status == CaseStatus.CLOSED:
        case.closed_at = now
        fields.append("closed_at")
    case.save(update_fields=fields)
    event_add(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        note=note.strip(),
        from_status=from_status,
        to_status=to_status,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CASE_STATUS_CHANGE,
        obj=case,
        detail={"from": from_status, "to": to_status},
    )
    return case
