"""Writes of the analysis app: a warning put under supervision as a key region (挂牌督办)
by a person of the municipal joint-conference office, a warning closed without listing,
a warning notice read. Each is audited in its transaction."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.analysis.models import Warning, WarningNotice
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.core.models.agencies import JOINT_CONFERENCE_OFFICE_KIND
from homeward.core.roles import P_PLAN_OVERSEE


class WarningError(StrEnum):
    NOT_MUNICIPAL_OFFICE = "not_municipal_office"
    ALREADY_DECIDED = "already_decided"
    NOT_LISTED = "not_listed"


def is_municipal_office(user: User) -> bool:
    """A person of the municipal joint-conference office (who alone lists key regions,
    七、(一))."""
    return bool(
        user.has_perm(P_PLAN_OVERSEE)
        and user.agency.kind == JOINT_CONFERENCE_OFFICE_KIND
        and user.agency.division_id is None
    )


def _require_municipal_office(actor: User) -> None:
    if not is_municipal_office(actor):
        raise DomainError(
            WarningError.NOT_MUNICIPAL_OFFICE,
            _("The municipal joint-conference office does this."),
            status=403,
        )


def _decidable(actor: User, warning: Warning) -> Warning:
    _require_municipal_office(actor)
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.status != Warning.Status.OPEN:
        raise DomainError(WarningError.ALREADY_DECIDED, _("This warning has been decided."))
    return locked


@transaction.atomic
def warning_list_region(
    *, actor: User, warning: Warning, deadline: date, reason: str, warning_text: str
) -> Warning:
    """Confirm a key-region listing for the warning's district: never automatic, a
    person gives the deadline and the reason."""
    from homeward.coordination.services import region_listing_create

    locked = _decidable(actor, warning)
    listing = region_listing_create(
        actor=actor,
        division=locked.division,
        reason=reason,
        warning=warning_text,
        deadline=deadline,
    )
    locked.status = Warning.Status.LISTED
    locked.listing = listing
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = reason.strip()[:300]
    locked.save(update_fields=["status", "listing", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action=AuditAction.ANALYSIS_WARNING_LIST,
        obj=locked,
        detail={"listing": listing.pk, "deadline": deadline.isoformat()},
    )
    return locked


@transaction.atomic
def warning_close(*, actor: User, warning: Warning, note: str) -> Warning:
    """Close a warning without listing, with the office's reason (an explained spike)."""
    locked = _decidable(actor, warning)
    if not note.strip():
        raise ValidationError({"note": [_("Say why no listing is needed.")]})
    locked.status = Warning.Status.CLOSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:300]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action=AuditAction.ANALYSIS_WARNING_CLOSE, obj=locked)
    return locked


@transaction.atomic
def warning_listing_lift(*, actor: User, warning: Warning) -> Warning:
    """Lift the key-region listing made from the warning (the municipal office alone,
    after a confirmation step in the page; coordination.region_listing_lift checks the
    actor again, refuses a listing already lifted and audits the lift)."""
    from homeward.coordination.services import region_listing_lift

    _require_municipal_office(actor)
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.listing is None:
        raise DomainError(WarningError.NOT_LISTED, _("No key region was listed from this warning."))
    region_listing_lift(actor=actor, listing=locked.listing)
    return locked


@transaction.atomic
def warning_notices_read(*, actor: User, warning: Warning) -> int:
    """The reader's unit has seen the warning (its inbox entry is cleared)."""
    return WarningNotice.objects.filter(
        warning=warning, agency=actor.agency, read_at__isnull=True
    ).update(read_at=timezone.now(), read_by=actor)
