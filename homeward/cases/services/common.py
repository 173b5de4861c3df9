"""Helpers shared by the case services: the timeline writer, optimistic locking and
the guard against writing to a closed case. Call them inside the service's transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.cases.errors import CaseError
from homeward.cases.models import Case, CaseEvent, CaseStatus, EventKind
from homeward.core.actors import require_permission, require_public_security
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.core.roles import P_CASE_MANAGE


def require_case_team(actor: User, case: Case) -> None:
    """Changes to a case file: the police of its unit, its task force, or the municipal
    bureau (which oversees every district)."""
    from homeward.cases.selectors import is_case_team

    require_public_security(actor, _("Only public security works on criminal cases."))
    require_permission(actor, P_CASE_MANAGE)
    if not (actor.agency.is_municipal or is_case_team(actor, case)):
        raise DomainError(
            CaseError.NOT_CASE_TEAM,
            _("Only the case's unit and its task force change the case."),
            status=403,
        )


def event_add(
    *, case: Case, kind: EventKind, actor: User | None, note: str = "", **detail: Any
) -> CaseEvent:
    """Append one entry to the case's timeline. ``detail`` holds codes and ids only."""
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, detail=detail, note=note[:300], at=timezone.now()
    )


def case_claim_version(case: Case, version: int) -> Case:
    """Bump the case's version if it is still ``version``; a stale version is a 409.

    The conditional UPDATE is atomic on every backend, so of two writers holding the
    same version exactly one wins. ``case`` is refreshed from the database.
    """
    claimed = Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if claimed != 1:
        raise DomainError(
            CaseError.VERSION_CONFLICT,
            _("Someone else has changed the case. Refresh the page and try again."),
            status=409,
        )
    case.refresh_from_db()
    return case


def case_lock(case: Case) -> Case:
    """Lock the case row for the rest of the transaction and refresh ``case``."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(locked, field.attname))
    return case


def ensure_not_closed(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise DomainError(CaseError.CASE_CLOSED, _("The case is closed."))
