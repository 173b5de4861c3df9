"""Every write of the prevention module, each in one transaction with its audit event.

Concerns for the police go through the clue module's mandatory-report service (a
village committee, a school and civil affairs are all bound by 强制报告): the police
see a clue in their queue, the reporter sees its outcome, nothing is copied.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import (
    check_transition,
    require_division,
    require_permission,
    require_public_security,
)
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import ActorError, DomainError
from homeward.core.models import Agency, Division, Township, User
from homeward.core.policy import policy_value
from homeward.core.roles import (
    P_DROPOUT_WRITE,
    P_FOUND_WRITE,
    P_LEDGER_WRITE,
    P_OFFENDER_WRITE,
    P_REFERENCE,
    P_REGCHECK_ADD,
    P_REGCHECK_DECIDE,
)
from homeward.people.models import Person
from homeward.prevention.models import (
    Category,
    DropoutAction,
    DropoutFile,
    FoundChild,
    LedgerEntry,
    OffenderFollowUp,
    OffenderReview,
    RegistrationCheck,
    RiskLevel,
    RiskReason,
    School,
    TracingStep,
    Visit,
    WorkArea,
)


class PreventionError:
    NO_WORK_AREA = "prevention_no_work_area"
    VERSION_CONFLICT = "version_conflict"
    CLOSED = "prevention_closed"
    DUPLICATE = "prevention_duplicate"
    BAD_STATUS = "prevention_bad_status"


# A found child: placed while the guardians are traced, then returned to them or taken
# into long-term care (from which a later return is still possible).
FOUND_CHILD_TRANSITIONS: dict[str, frozenset[str]] = {
    FoundChild.Status.PLACED: frozenset({FoundChild.Status.RETURNED, FoundChild.Status.LONG_TERM}),
    FoundChild.Status.LONG_TERM: frozenset({FoundChild.Status.RETURNED}),
    FoundChild.Status.RETURNED: frozenset(),
}


def visit_interval(category: str, risk_level: str) -> timedelta:
    table = settings.PREVENTION_VISIT_DAYS
    row = table.get(category) or table["default"]
    return timedelta(days=int(row.get(risk_level, table["default"][risk_level])))


def _area_township(actor: User) -> Township | None:
    area = getattr(actor, "work_area", None)
    return area.township if area is not None else None


def _require_work_area(actor: User) -> None:
    """A village or township worker without a work area works nowhere (not the whole
    district): the system administrator sets their township first."""
    from homeward.prevention.selectors import requires_work_area

    if requires_work_area(actor) and getattr(actor, "work_area", None) is None:
        raise DomainError(
            PreventionError.NO_WORK_AREA,
            _("Your township has not been set. Ask the system administrator to set it."),
            status=403,
        )


def _check_area(actor: User, division: Division, township: Township | None) -> None:
    """Township workers write in their township; district units in their district."""
    _require_work_area(actor)
    require_division(actor, division.pk)
    own = _area_township(actor)
    if own is not None and (township is None or township.pk != own.pk):
        raise DomainError(ActorError.OUT_OF_AREA, _("This is outside your township."), status=403)


def _check_record_area(actor: User, record: Any) -> None:
    """A record with ``division`` and ``township`` (the ledger, found children)."""
    _check_area(actor, record.division, record.township)


def _check_dropout_area(actor: User, file: DropoutFile) -> None:
    """A school works on its own students' files, a township on its township's, the
    education bureau on its district's."""
    area = getattr(actor, "work_area", None)
    if area is not None and area.school_id is not None:
        if area.school_id != file.school_id:
            raise DomainError(
                ActorError.OUT_OF_AREA, _("This student is not of your school."), status=403
            )
        return
    _check_area(actor, file.division, file.township)


def _unit(division: Division, kind: str) -> Agency:
    return Agency.objects.get(division=division, kind=kind)


def _claim(model: type[Any], obj: Any, version: int) -> None:
    if not model.objects.filter(pk=obj.pk, version=version).update(version=version + 1):
        raise DomainError(
            PreventionError.VERSION_CONFLICT,
            _("Someone else changed this record. Reload it and try again."),
            status=409,
        )
    obj.version = version + 1


def _clean_reasons(reasons: list[str]) -> list[str]:
    unknown = [r for r in reasons if r not in RiskReason.values]
    if unknown:
        raise ValidationError({"risk_reasons": [_("Unknown reason.")]})
    return sorted(set(reasons))


# --- The ledger and visits -------------------------------------------------------------


@transaction.atomic
def ledger_entry_create(
    *,
    actor: User,
    person: Person,
    category: str,
    township: Township,
    responsible_worker: User,
    risk_level: str = RiskLevel.MEDIUM,
    risk_reasons: list[str] | None = None,
    **fields: Any,
) -> LedgerEntry:
    """Put a person in the ledger with the worker who visits them; the first visit is
    due at once."""
    require_permission(actor, P_LEDGER_WRITE)
    division = township.division
    _check_area(actor, division, township)
    if category not in Category.values:
        raise ValidationError({"category": [_("Choose a category.")]})
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": [_("Choose a risk level.")]})
    worker_area = _area_township(responsible_worker)
    if (
        not responsible_worker.is_active
        or (responsible_worker.agency.division_id not in (None, division.pk))
        or (worker_area is not None and worker_area.pk != township.pk)
    ):
        raise ValidationError(
            {"responsible_worker": [_("The worker must work in this township or district.")]}
        )
    if LedgerEntry.objects.filter(
        person=person, category=category, status=LedgerEntry.Status.ACTIVE
    ).exists():
        raise DomainError(
            PreventionError.DUPLICATE,
            _("This person is already in the ledger in this category."),
            status=409,
        )
    allowed = {
        "guardian_name",
        "guardian_relation",
        "guardian_whereabouts",
        "guardian_phone",
        "carer",
        "village",
    }
    extra = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if k in allowed}
    entry = LedgerEntry.objects.create(
        person=person,
        category=category,
        division=division,
        township=township,
        owning_agency=actor.agency
        if actor.agency.division_id
        else _unit(division, "civil_affairs"),
        responsible_worker=responsible_worker,
        risk_level=risk_level,
        risk_reasons=_clean_reasons(risk_reasons or []),
        next_visit_due=timezone.localdate(),
        created_by=actor,
        **extra,
    )
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_ENTRY_CREATE,
        obj=entry,
        detail={"category": category, "risk": risk_level},
    )
    return entry


@transaction.atomic
def ledger_entry_update_risk(
    *, actor: User, entry: LedgerEntry, version: int, risk_level: str, risk_reasons: list[str]
) -> LedgerEntry:
    """Re-assess the risk; the next visit is due by the new level's interval."""
    require_permission(actor, P_LEDGER_WRITE)
    _check_record_area(actor, entry)
    if entry.status != LedgerEntry.Status.ACTIVE:
        raise DomainError(PreventionError.CLOSED, _("This follow-up has ended."))
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": [_("Choose a risk level.")]})
    _claim(LedgerEntry, entry, version)
    entry.risk_level = risk_level
    entry.risk_reasons = _clean_reasons(risk_reasons)
    last = entry.visits.order_by("-visited_on").first()
    base = last.visited_on if last else timezone.localdate()
    entry.next_visit_due = base + visit_interval(entry.category, risk_level)
    entry.overdue = entry.next_visit_due < timezone.localdate()
    entry.save(update_fields=["risk_level", "risk_reasons", "next_visit_due", "overdue"])
    audit_record(
        actor=actor, action=AuditAction.LEDGER_ENTRY_RISK, obj=entry, detail={"risk": risk_level}
    )
    return entry


@transaction.atomic
def ledger_entry_close(*, actor: User, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """End the follow-up with its reason; a closed entry stays closed (a new one opens)."""
    require_permission(actor, P_LEDGER_WRITE)
    _check_record_area(actor, entry)
    if entry.status != LedgerEntry.Status.ACTIVE:
        raise DomainError(PreventionError.CLOSED, _("This follow-up has ended."))
    if not reason.strip():
        raise ValidationError({"close_reason": [_("Say why the follow-up ends.")]})
    entry.status = LedgerEntry.Status.CLOSED
    entry.closed_at = timezone.now()
    entry.close_reason = reason.strip()[:200]
    entry.overdue = False
    entry.save(update_fields=["status", "closed_at", "close_reason", "overdue"])
    audit_record(actor=actor, action=AuditAction.LEDGER_ENTRY_CLOSE, obj=entry)
    return entry


@transaction.atomic
def visit_record(
    *,
    actor: User,
    entry: LedgerEntry,
    visited_on: date,
    kind: str,
    observations: str,
    concern: str = "",
) -> Visit:
    """Record a visit and schedule the next. A concern becomes a police clue in the same
    step (a mandatory report from the village or residents' committee)."""
    require_permission(actor, P_LEDGER_WRITE)
    _check_record_area(actor, entry)
    if entry.status != LedgerEntry.Status.ACTIVE:
        raise DomainError(PreventionError.CLOSED, _("This follow-up has ended."))
    errors: dict[str, list[str]] = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("The visit cannot be in the future.")]
    if not observations.strip():
        errors["observations"] = [_("Write what you saw.")]
    if kind not in Visit.Kind.values:
        errors["kind"] = [_("Choose how you met.")]
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(
        entry=entry,
        visitor=actor,
        visited_on=visited_on,
        kind=kind,
        observations=observations.strip(),
        concern=concern.strip(),
    )
    if concern.strip():
        visit.tip = _concern_to_clue(
            actor=actor,
            person=entry.person,
            division=entry.division,
            narrative=_(
                "Concern from a visit on %(date)s by %(worker)s (%(post)s) in %(village)s "
                "(%(category)s): %(text)s"
            )
            % {
                "date": visited_on.isoformat(),
                "worker": actor.full_name,
                "post": _post_of(actor),
                "category": entry.get_category_display(),
                "village": f"{entry.township.name_zh}{entry.village}",
                "text": concern.strip(),
            },
            institution=f"{entry.township.name_zh}{entry.village}",
            kind="village_committee",
            key=f"visit-{visit.pk}",
            occurred_on=visited_on,
            address=f"{entry.division.display_name}{entry.township.name_zh}{entry.village}",
        )
        visit.save(update_fields=["tip"])
    latest = entry.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    entry.next_visit_due = (latest or visited_on) + visit_interval(entry.category, entry.risk_level)
    entry.overdue = entry.next_visit_due < timezone.localdate()
    entry.save(update_fields=["next_visit_due", "overdue"])
    audit_record(
        actor=actor,
        action=AuditAction.VISIT_RECORD,
        obj=visit,
        detail={"entry": entry.pk, "concern": bool(concern.strip())},
    )
    return visit


def _concern_to_clue(
    *,
    actor: User,
    person: Person,
    division: Division,
    narrative: str,
    institution: str,
    kind: str,
    key: str,
    category: str = "suspicious",
    occurred_on: date | None = None,
    address: str = "",
) -> Any:
    from homeward.tips.services import mandatory_report_submit

    submission = mandatory_report_submit(
        actor=actor,
        institution_name=institution[:120] or actor.agency.name_zh,
        institution_kind=kind,
        reporter_role=_post_of(actor),
        idempotency_key=key,
        category=category,
        narrative=narrative,
        division=division,
        occurred_on=occurred_on,
        address=address,
    )
    return submission.tip


def _post_of(actor: User) -> str:
    """The reporter's post (儿童主任 …) from their work area, else their unit."""
    return getattr(getattr(actor, "work_area", None), "post", "") or actor.agency.name_zh


def ledger_flag_overdue(today: date | None = None) -> int:
    """The tick job: flag active entries whose visit is overdue (and unflag the rest)."""
    today = today or timezone.localdate()
    flagged = LedgerEntry.objects.filter(
        status=LedgerEntry.Status.ACTIVE, next_visit_due__lt=today, overdue=False
    ).update(overdue=True)
    LedgerEntry.objects.filter(overdue=True).exclude(
        status=LedgerEntry.Status.ACTIVE, next_visit_due__lt=today
    ).update(overdue=False)
    return flagged


# --- School dropouts ---------------------------------------------------------------------


@transaction.atomic
def dropout_open(
    *,
    actor: User,
    person: Person,
    school: School,
    grade: str,
    left_on: date,
    reason: str,
    township_worker: User | None = None,
) -> DropoutFile:
    """The school opens the file; the township and the education bureau follow it."""
    require_permission(actor, P_DROPOUT_WRITE)
    area = getattr(actor, "work_area", None)
    if area is not None and area.school_id is not None and area.school_id != school.pk:
        raise DomainError(ActorError.OUT_OF_AREA, _("Open files for your own school."), status=403)
    _check_area(actor, school.division, school.township if area and area.township_id else None)
    errors: dict[str, list[str]] = {}
    if reason not in DropoutFile.Reason.values:
        errors["reason"] = [_("Choose a reason.")]
    if left_on > timezone.localdate():
        errors["left_on"] = [_("This date is in the future.")]
    if not grade.strip():
        errors["grade"] = [_("Give the grade.")]
    if errors:
        raise ValidationError(errors)
    if township_worker is not None:
        area = getattr(township_worker, "work_area", None)
        if area is None or area.township_id != school.township_id:
            raise ValidationError(
                {"township_worker": [_("Choose a worker of the school's township.")]}
            )
    if DropoutFile.objects.filter(person=person, status=DropoutFile.Status.OPEN).exists():
        raise DomainError(
            PreventionError.DUPLICATE, _("This student already has an open file."), status=409
        )
    file = DropoutFile.objects.create(
        person=person,
        school=school,
        grade=grade.strip(),
        left_on=left_on,
        reason=reason,
        division=school.division,
        township=school.township,
        owning_agency=school.education_bureau or _unit(school.division, "education"),
        township_worker=township_worker,
        opened_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.DROPOUT_OPEN, obj=file, detail={"reason": reason})
    return file


def _dropout_role(actor: User) -> str:
    area = getattr(actor, "work_area", None)
    if area is not None and area.school_id is not None:
        return DropoutAction.By.SCHOOL
    if area is not None and area.township_id is not None:
        return DropoutAction.By.TOWNSHIP
    return DropoutAction.By.EDUCATION_BUREAU


@transaction.atomic
def dropout_action_add(
    *, actor: User, file: DropoutFile, taken_on: date, action: str, contact_made: bool
) -> DropoutAction:
    require_permission(actor, P_DROPOUT_WRITE)
    _check_dropout_area(actor, file)
    if file.status != DropoutFile.Status.OPEN:
        raise DomainError(PreventionError.CLOSED, _("This file is closed."))
    if not action.strip():
        raise ValidationError({"action": [_("Say what was done.")]})
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": [_("This date is in the future.")]})
    record = DropoutAction.objects.create(
        file=file,
        by=_dropout_role(actor),
        actor=actor,
        taken_on=taken_on,
        action=action.strip(),
        contact_made=contact_made,
    )
    if contact_made and (file.last_contact_on is None or taken_on > file.last_contact_on):
        file.last_contact_on = taken_on
        file.save(update_fields=["last_contact_on"])
    audit_record(
        actor=actor, action=AuditAction.DROPOUT_ACTION, obj=file, detail={"contact": contact_made}
    )
    return record


@transaction.atomic
def dropout_resolve(
    *, actor: User, file: DropoutFile, version: int, status: str, resolved_on: date
) -> DropoutFile:
    require_permission(actor, P_DROPOUT_WRITE)
    _check_dropout_area(actor, file)
    if status not in (
        DropoutFile.Status.RETURNED,
        DropoutFile.Status.TRANSFERRED,
        DropoutFile.Status.OTHER,
    ):
        raise ValidationError({"status": [_("Choose how the file ends.")]})
    if file.status != DropoutFile.Status.OPEN:
        raise DomainError(PreventionError.CLOSED, _("This file is closed."))
    _claim(DropoutFile, file, version)
    file.status = status
    file.resolved_on = resolved_on
    file.save(update_fields=["status", "resolved_on"])
    audit_record(
        actor=actor, action=AuditAction.DROPOUT_RESOLVE, obj=file, detail={"status": status}
    )
    return file


def dropouts_raise_concerns(today: date | None = None) -> int:
    """The tick job: an open file with no contact for the configured number of days is
    reported to the police as a child who may be missing (once per file)."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=policy_value("dropout_no_contact_days"))
    raised = 0
    candidates = DropoutFile.objects.filter(
        status=DropoutFile.Status.OPEN, concern_tip__isnull=True
    ).select_related("school", "opened_by", "person")
    for file in candidates:
        since = file.last_contact_on or file.left_on
        if since > limit:
            continue
        with transaction.atomic():
            locked = DropoutFile.objects.select_for_update().get(pk=file.pk)
            if locked.concern_tip_id is not None:
                continue
            tip = _concern_to_clue(
                actor=file.opened_by,
                person=file.person,
                division=file.division,
                narrative=_(
                    "A student of %(school)s (grade %(grade)s) has been out of school since"
                    " %(left)s and nobody has reached the student or the family for %(days)s"
                    " days. The child may be missing."
                )
                % {
                    "school": file.school.name,
                    "grade": file.grade,
                    "left": file.left_on.isoformat(),
                    "days": (today - since).days,
                },
                institution=file.school.name,
                kind="school",
                key=f"dropout-{file.pk}",
                category="missing_child",
            )
            locked.concern_tip = tip
            locked.save(update_fields=["concern_tip"])
            audit_record(
                actor=None,
                action=AuditAction.DROPOUT_CONCERN,
                obj=locked,
                detail={"tip": tip.pk},
                actor_username="system",
            )
            raised += 1
    return raised


# --- Street minors and abandoned infants --------------------------------------------------


@transaction.atomic
def found_child_record(
    *,
    actor: User,
    person: Person,
    kind: str,
    found_at: datetime,
    found_place: str,
    found_by: str,
    placement: str,
    institution: str,
    division: Division,
    township: Township | None = None,
) -> FoundChild:
    require_permission(actor, P_FOUND_WRITE)
    _check_area(actor, division, township if _area_township(actor) else None)
    errors: dict[str, list[str]] = {}
    if kind not in FoundChild.Kind.values:
        errors["kind"] = [_("Choose street minor or abandoned infant.")]
    if placement not in FoundChild.Placement.values:
        errors["placement"] = [_("Choose the placement.")]
    if not found_place.strip():
        errors["found_place"] = [_("Say where the child was found.")]
    if found_at > timezone.now() + timedelta(minutes=5):
        errors["found_at"] = [_("This time is in the future.")]
    if (
        placement in (FoundChild.Placement.PROTECTION, FoundChild.Placement.WELFARE)
        and not institution.strip()
    ):
        errors["institution"] = [_("Name the institution.")]
    if errors:
        raise ValidationError(errors)
    child = FoundChild.objects.create(
        person=person,
        kind=kind,
        found_at=found_at,
        found_place=found_place.strip(),
        found_by=found_by.strip(),
        placement=placement,
        institution=institution.strip(),
        placed_at=timezone.now(),
        division=division,
        township=township,
        owning_agency=_unit(division, "civil_affairs"),
        recorded_by=actor,
    )
    audit_record(
        actor=actor, action=AuditAction.FOUND_CHILD_RECORD, obj=child, detail={"kind": kind}
    )
    return child


@transaction.atomic
def tracing_step_add(*, actor: User, child: FoundChild, taken_on: date, step: str) -> TracingStep:
    require_permission(actor, P_FOUND_WRITE)
    _check_found_child_area(actor, child)
    if not step.strip():
        raise ValidationError({"step": [_("Say what was done to find the guardians.")]})
    record = TracingStep.objects.create(
        child=child, actor=actor, taken_on=taken_on, step=step.strip()
    )
    audit_record(actor=actor, action=AuditAction.TRACING_STEP, obj=child)
    return record


@transaction.atomic
def found_child_request_dna(*, actor: User, child: FoundChild, reason: str) -> FoundChild:
    """Ask the police for a DNA check; the request is the DNA module's record."""
    from homeward.dna.models import CheckRequest
    from homeward.dna.services import check_request_create

    require_permission(actor, P_FOUND_WRITE)
    _check_found_child_area(actor, child)
    if child.dna_request_id is not None:
        raise DomainError(PreventionError.DUPLICATE, _("A DNA check was already requested."))
    child.dna_request = check_request_create(
        actor=actor,
        person=child.person,
        source=CheckRequest.Source.FOUND_CHILD,
        reason=reason,
        division=child.division,
    )
    child.save(update_fields=["dna_request"])
    return child


@transaction.atomic
def found_child_set_status(*, actor: User, child: FoundChild, status: str) -> FoundChild:
    """Returned to the guardians, or into long-term care: along the transition map."""
    require_permission(actor, P_FOUND_WRITE)
    _check_found_child_area(actor, child)
    if status not in FoundChild.Status.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    before = child.status
    check_transition(
        FOUND_CHILD_TRANSITIONS,
        before,
        status,
        code=PreventionError.BAD_STATUS,
        message=_("A found child cannot go from %(from)s to %(to)s.")
        % {"from": child.get_status_display(), "to": FoundChild.Status(status).label},
    )
    child.status = status
    child.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.FOUND_CHILD_STATUS,
        obj=child,
        detail={"from": before, "status": status},
    )
    return child


def _check_found_child_area(actor: User, child: FoundChild) -> None:
    """The township where the child was found (township workers), or its district."""
    _require_work_area(actor)
    require_division(actor, child.division_id)
    own = _area_township(actor)
    if own is not None and child.township_id != own.pk:
        raise DomainError(ActorError.OUT_OF_AREA, _("This is outside your township."), status=403)


# --- Registration and adoption checks -----------------------------------------------------


@transaction.atomic
def registration_check_open(
    *, actor: User, kind: str, child: Person, applicant: str, account: str, division: Division
) -> RegistrationCheck:
    """A 落户 or adoption application for a child of unclear origin: pending, with a DNA
    check requested from the police, until the police clear it."""
    from homeward.dna.models import CheckRequest
    from homeward.dna.services import check_request_create

    require_permission(actor, P_REGCHECK_ADD)
    _check_area(actor, division, None)
    if kind not in RegistrationCheck.Kind.values:
        raise ValidationError({"kind": [_("Choose household registration or adoption.")]})
    if not applicant.strip():
        raise ValidationError({"applicant": [_("Name the applicant.")]})
    check = RegistrationCheck.objects.create(
        kind=kind,
        child=child,
        applicant=applicant.strip(),
        account=account.strip(),
        division=division,
        owning_agency=actor.agency,
        recorded_by=actor,
    )
    check.dna_request = check_request_create(
        actor=actor,
        person=child,
        source=CheckRequest.Source.REGISTRATION,
        reason=_("%(kind)s of a child of unclear origin") % {"kind": check.get_kind_display()},
        division=division,
    )
    check.save(update_fields=["dna_request"])
    audit_record(
        actor=actor, action=AuditAction.REGISTRATION_CHECK_OPEN, obj=check, detail={"kind": kind}
    )
    return check


@transaction.atomic
def registration_check_decide(
    *,
    actor: User,
    check: RegistrationCheck,
    clear: bool,
    note: str,
    suspected_purchase: bool = False,
) -> RegistrationCheck:
    """The police clear the registration, or reject it; a rejected adoption for a
    suspected purchase becomes a clue."""
    require_public_security(actor, _("Only the police clear these checks."))
    require_permission(actor, P_REGCHECK_DECIDE)
    require_division(actor, check.division_id)
    if check.status != RegistrationCheck.Status.PENDING:
        raise DomainError(PreventionError.CLOSED, _("This check has been decided."))
    if not clear and not note.strip():
        raise ValidationError({"decision_note": [_("Say why the application is rejected.")]})
    check.status = RegistrationCheck.Status.CLEARED if clear else RegistrationCheck.Status.REJECTED
    check.decision_note = note.strip()[:300]
    check.suspected_purchase = bool(suspected_purchase and not clear)
    check.decided_by = actor
    check.decided_at = timezone.now()
    if check.suspected_purchase:
        check.tip = _concern_to_clue(
            actor=actor,
            person=check.child,
            division=check.division,
            narrative=_(
                "%(kind)s rejected: the child may have been bought. Applicant's account: "
                "%(account)s. Police note: %(note)s"
            )
            % {
                "kind": check.get_kind_display(),
                "account": check.account,
                "note": check.decision_note,
            },
            institution=check.owning_agency.name_zh,
            kind="civil_affairs",
            key=f"registration-{check.pk}",
            category="buying",
        )
    check.save()
    audit_record(
        actor=actor,
        action=AuditAction.REGISTRATION_CHECK_DECIDE,
        obj=check,
        detail={"status": check.status, "suspected_purchase": check.suspected_purchase},
    )
    return check


# --- Released offenders -------------------------------------------------------------------


@transaction.atomic
def offender_follow_up_open(
    *,
    actor: User,
    person: Person,
    released_on: date,
    offence: str,
    review_interval_days: int,
    division: Division,
) -> OffenderFollowUp:
    require_permission(actor, P_OFFENDER_WRITE)
    _check_area(actor, division, None)
    if not 7 <= review_interval_days <= 365:
        raise ValidationError({"review_interval_days": [_("Between 7 and 365 days.")]})
    follow_up = OffenderFollowUp.objects.create(
        person=person,
        released_on=released_on,
        offence=offence.strip(),
        review_interval_days=review_interval_days,
        next_review_due=max(released_on, timezone.localdate())
        + timedelta(days=review_interval_days),
        division=division,
        owning_agency=actor.agency,
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.OFFENDER_FOLLOW_UP_OPEN, obj=follow_up)
    return follow_up


@transaction.atomic
def offender_review_record(
    *, actor: User, follow_up: OffenderFollowUp, reviewed_on: date, notes: str
) -> OffenderReview:
    """A review by the police or the justice bureau of the offender's district."""
    require_permission(actor, P_OFFENDER_WRITE)
    require_division(actor, follow_up.division_id)
    if not follow_up.active:
        raise DomainError(PreventionError.CLOSED, _("This follow-up has ended."))
    errors: dict[str, list[str]] = {}
    if not notes.strip():
        errors["notes"] = [_("Write what the review found.")]
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = [_("This date is in the future.")]
    if errors:
        raise ValidationError(errors)
    review = OffenderReview.objects.create(
        follow_up=follow_up,
        reviewer=actor,
        agency=actor.agency,
        reviewed_on=reviewed_on,
        notes=notes.strip(),
    )
    follow_up.next_review_due = reviewed_on + timedelta(days=follow_up.review_interval_days)
    follow_up.overdue = follow_up.next_review_due < timezone.localdate()
    follow_up.save(update_fields=["next_review_due", "overdue"])
    audit_record(actor=actor, action=AuditAction.OFFENDER_REVIEW, obj=follow_up)
    return review


def offenders_flag_overdue(today: date | None = None) -> int:
    today = today or timezone.localdate()
    return OffenderFollowUp.objects.filter(
        active=True, next_review_due__lt=today, overdue=False
    ).update(overdue=True)


# --- Reference data: schools and work areas ------------------------------------------------

EDUCATION_KIND = "education"


@transaction.atomic
def school_save(
    *,
    actor: User,
    school: School | None = None,
    name: str,
    division: Division,
    township: Township | None = None,
    education_bureau: Agency | None = None,
) -> School:
    """Create a school, or change one (``school`` given): its district, the township it
    serves and the education bureau that follows its dropouts (the district's when not
    given)."""
    require_permission(actor, P_REFERENCE)
    require_division(actor, division.pk)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the school's name.")]
    elif (
        School.objects.filter(division=division, name=name)
        .exclude(pk=school.pk if school is not None else 0)
        .exists()
    ):
        errors["name"] = [_("This district has a school with this name already.")]
    if township is not None and township.division_id != division.pk:
        errors["township"] = [_("Choose a township of the school's district.")]
    if education_bureau is not None and (
        education_bureau.kind != EDUCATION_KIND
        or education_bureau.division_id not in (None, division.pk)
    ):
        errors["education_bureau"] = [
            _("Choose the education bureau of the school's district or the municipal one.")
        ]
    if (
        education_bureau is None
        and not Agency.objects.filter(division=division, kind=EDUCATION_KIND).exists()
    ):
        errors["education_bureau"] = [
            _("This district has no education bureau: choose the one that follows the school.")
        ]
    if errors:
        raise ValidationError(errors)
    created = school is None
    if school is None:
        school = School()
    school.name = name
    school.division = division
    school.township = township
    school.education_bureau = education_bureau
    school.save()
    audit_record(
        actor=actor,
        action=AuditAction.SCHOOL_SAVE,
        obj=school,
        detail={
            "created": created,
            "division": division.code,
            "township": township.code if township else "",
            "education_bureau": education_bureau.code if education_bureau else "",
        },
    )
    return school


@transaction.atomic
def work_area_set(
    *,
    actor: User,
    user: User,
    township: Township | None = None,
    school: School | None = None,
    post: str = "",
) -> WorkArea:
    """Narrow ``user`` to a township (a village or township worker) or a school (its
    staff). Both lie in the district of the user's agency; a municipal user works
    municipality-wide and has no work area."""
    require_permission(actor, P_REFERENCE)
    division_id = user.agency.division_id
    errors: dict[str, list[str]] = {}
    if division_id is None:
        errors["user"] = [_("A municipal unit's staff work municipality-wide; no work area.")]
    else:
        require_division(actor, division_id)
    if township is None and school is None:
        errors["township"] = [_("Choose a township or a school.")]
    if township is not None and division_id is not None and township.division_id != division_id:
        errors["township"] = [_("Choose a township of the user's district.")]
    if school is not None and division_id is not None and school.division_id != division_id:
        errors["school"] = [_("Choose a school of the user's district.")]
    if (
        township is not None
        and school is not None
        and school.township_id
        not in (
            None,
            township.pk,
        )
    ):
        errors["school"] = [_("The school is in another township.")]
    if errors:
        raise ValidationError(errors)
    area, created = WorkArea.objects.update_or_create(
        user=user,
        defaults={"township": township, "school": school, "post": post.strip()[:40]},
    )
    audit_record(
        actor=actor,
        action=AuditAction.WORK_AREA_SET,
        obj=user,
        detail={
            "created": created,
            "township": township.code if township else "",
            "school": school.pk if school else None,
        },
    )
    return area


@transaction.atomic
def work_area_clear(*, actor: User, user: User) -> None:
    """Remove ``user``'s work area (a village worker without one then sees nothing)."""
    require_permission(actor, P_REFERENCE)
    if user.agency.division_id is not None:
        require_division(actor, user.agency.division_id)
    deleted, _counts = WorkArea.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, action=AuditAction.WORK_AREA_CLEAR, obj=user)
