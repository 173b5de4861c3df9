"""Supervision listings (挂牌督办, rules 七、(一)): the joint conference lists a key case
with a deadline and requirements, the case team reports against it, the office lifts
it; the tick sweep flags a listing overdue once when its deadline passes."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.cases.errors import CaseError
from homeward.cases.models import (
    Case,
    EventKind,
    ListingLevel,
    ListingStatus,
    SupervisionListing,
    SupervisionReport,
)
from homeward.cases.selectors import is_case_team
from homeward.cases.services.common import case_lock, ensure_not_closed, event_add
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.core.roles import P_CASE_SUPERVISE
from homeward.core.scoping import scope_of


def _check_supervisor(actor: User, case: Case, level: str) -> None:
    if not actor.has_perm(P_CASE_SUPERVISE) or not scope_of(actor).allows_division(
        case.division_id
    ):
        raise DomainError(
            CaseError.NOT_SUPERVISOR,
            _("Only the joint conference office responsible for the case supervises it."),
            status=403,
        )
    own_level = ListingLevel.MUNICIPAL if actor.agency.is_municipal else ListingLevel.DISTRICT
    if level != own_level:
        raise DomainError(
            CaseError.SUPERVISION_LEVEL_MISMATCH,
            _(
                "The municipal office lists at municipal level, a district office at district level."
            ),
        )


@transaction.atomic
def supervision_listing_create(
    *, actor: User, case: Case, level: str, deadline: date, requirements: str
) -> SupervisionListing:
    """List a case for supervision (one active listing per case and level)."""
    case_lock(case)
    ensure_not_closed(case)
    _check_supervisor(actor, case, level)
    requirements = requirements.strip()
    if not requirements:
        raise ValidationError({"requirements": _("State what the office requires.")})
    if deadline < timezone.localdate():
        raise DomainError(CaseError.DEADLINE_IN_PAST, _("The deadline is in the past."))
    try:
        with transaction.atomic():
            listing = SupervisionListing.objects.create(
                case=case,
                level=level,
                listing_agency=actor.agency,
                listed_by=actor,
                deadline=deadline,
                requirements=requirements,
            )
    except IntegrityError as error:
        raise DomainError(
            CaseError.ALREADY_LISTED,
            _("The case is already under supervision at this level."),
            status=409,
        ) from error
    event_add(
        case=case,
        kind=EventKind.SUPERVISION_LISTED,
        actor=actor,
        listing_id=listing.pk,
        level=level,
        deadline=deadline.isoformat(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_LISTING_CREATE,
        obj=listing,
        detail={"case_id": case.pk, "level": level, "deadline": deadline.isoformat()},
    )
    return listing


def _active_listing(listing: SupervisionListing) -> SupervisionListing:
    locked = (
        SupervisionListing.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=listing.pk)
    )
    if locked.status != ListingStatus.ACTIVE:
        raise DomainError(
            CaseError.LISTING_NOT_ACTIVE, _("This supervision listing has been lifted.")
        )
    return locked


@transaction.atomic
def supervision_report_submit(
    *, actor: User, listing: SupervisionListing, text: str
) -> SupervisionReport:
    """The case team reports progress to the supervising office."""
    listing = _active_listing(listing)
    case = case_lock(listing.case)
    if not is_case_team(actor, case):
        raise DomainError(
            CaseError.NOT_CASE_TEAM,
            _("Only the task force and the opening unit report to the supervising office."),
            status=403,
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the report.")})
    report = SupervisionReport.objects.create(listing=listing, text=text, author=actor)
    event_add(
        case=case,
        kind=EventKind.SUPERVISION_REPORTED,
        actor=actor,
        listing_id=listing.pk,
        report_id=report.pk,
    )
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_REPORT_SUBMIT,
        obj=report,
        detail={"case_id": case.pk, "listing_id": listing.pk},
    )
    return report


@transaction.atomic
def supervision_listing_lift(
    *, actor: User, listing: SupervisionListing, note: str = ""
) -> SupervisionListing:
    """The office that listed the case at this level lifts the listing."""
    listing = _active_listing(listing)
    case = case_lock(listing.case)
    _check_supervisor(actor, case, listing.level)
    listing.status = ListingStatus.LIFTED
    listing.lifted_at = timezone.now()
    listing.lifted_by = actor
    listing.lift_note = note.strip()[:300]
    listing.save(update_fields=["status", "lifted_at", "lifted_by", "lift_note"])
    event_add(
        case=case,
        kind=EventKind.SUPERVISION_LIFTED,
        actor=actor,
        note=listing.lift_note,
        listing_id=listing.pk,
    )
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_LISTING_LIFT,
        obj=listing,
        detail={"case_id": case.pk},
    )
    return listing


@transaction.atomic
def supervision_listings_flag_overdue() -> int:
    """Tick job: flag active listings whose deadline day has passed, once each.

    Idempotent: only listings without ``overdue_at`` are considered, and the flag is
    set by a conditional UPDATE, so two sweeps never flag (or audit) a listing twice.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    due = SupervisionListing.objects.filter(
        status=ListingStatus.ACTIVE, overdue_at__isnull=True, deadline__lt=today
    ).select_related("case")
    count = 0
    for listing in due:
        flagged = SupervisionListing.objects.filter(pk=listing.pk, overdue_at__isnull=True).update(
            overdue_at=now
        )
        if flagged != 1:
            continue
        event_add(
            case=listing.case,
            kind=EventKind.SUPERVISION_OVERDUE,
            actor=None,
            listing_id=listing.pk,
            deadline=listing.deadline.isoformat(),
        )
        audit_record(
            actor=None,
            action=AuditAction.SUPERVISION_OVERDUE,
            obj=listing,
            actor_username="system",
            detail={"case_id": listing.case_id, "deadline": listing.deadline.isoformat()},
        )
        count += 1
    return count
