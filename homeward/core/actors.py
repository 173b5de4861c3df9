"""Who may do what, checked inside the services (DESIGN.md rule 1: the page is not the
guard). Every service that changes state calls one of these with its ``actor``; the
views decorate themselves with :func:`homeward.core.permissions.requires` as well, but a
command, a task or an API endpoint calling the service is held to the same rule."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.utils.translation import gettext as _

from homeward.core.errors import ActorError, DomainError, WorkflowError
from homeward.core.models import Agency, User
from homeward.core.scoping import scope_of


def require_public_security(actor: User, message: str = "") -> None:
    """Only public security (the rules reserve DNA, triage, alerts, case files, the
    rescue register and registration clearances to the police)."""
    if not (actor.is_active and actor.agency.is_public_security):
        raise DomainError(
            ActorError.NOT_PUBLIC_SECURITY,
            message or _("Only public security may do this."),
            status=403,
        )


def require_permission(actor: User, *perms: str, message: str = "") -> None:
    """The actor holds every permission in ``perms`` through their roles."""
    if not actor.is_active or not actor.has_perms(perms):
        raise DomainError(
            ActorError.MISSING_PERMISSION,
            message or _("Your role does not allow this."),
            status=403,
        )


def require_unit(actor: User, agency: Agency, message: str = "") -> None:
    """The actor works in ``agency``, or in the municipal unit of the same kind (which
    oversees its district counterparts)."""
    if actor.agency_id == agency.pk:
        return
    if actor.agency.is_municipal and actor.agency.kind == agency.kind:
        return
    raise DomainError(
        ActorError.NOT_YOUR_UNIT,
        message or _("Only the responsible unit may do this."),
        status=403,
    )


def require_division(actor: User, division_id: int | None, message: str = "") -> None:
    """The record's district is in the actor's scope (municipal units: every district)."""
    if not scope_of(actor).allows_division(division_id):
        raise DomainError(
            ActorError.OUT_OF_AREA, message or _("This is outside your district."), status=403
        )


def check_transition(
    allowed: Mapping[str, Collection[str]],
    current: str,
    target: str,
    *,
    code: str = WorkflowError.TRANSITION_NOT_ALLOWED,
    message: str = "",
) -> None:
    """Refuse a move that the workflow's transition map does not allow."""
    if target not in allowed.get(current, ()):
        raise DomainError(code, message or _("This step is not possible now."), status=409)
