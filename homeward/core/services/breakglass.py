"""Break-glass (SECURITY.md AC-06): an emergency read of a record outside the user's
scope. The user types the reason; the access lasts BREAK_GLASS_WINDOW (4 h) and only
for that record; every security administrator is notified at once and one of them
reviews it. The reads themselves are audited like any read, naming the grant."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError, WorkflowError
from homeward.core.models import BreakGlass, SecurityNotice, User
from homeward.core.roles import (
    ADMIN_ROLES,
    P_CASE_VIEW,
    P_PERSON_VIEW,
    P_SECURITY,
    P_VICTIM_VIEW,
    Role,
)

logger = logging.getLogger("homeward.security")

BREAK_GLASS_MIN_REASON = 15


@dataclass(frozen=True)
class GlassKind:
    label: str  # the model's label_lower
    permission: str  # the user must already read this kind of record in their own scope
    url_name: str
    title: object


KINDS: dict[str, GlassKind] = {
    "case": GlassKind("cases.case", P_CASE_VIEW, "cases:case_detail", _("Case")),
    "person": GlassKind("people.person", P_PERSON_VIEW, "people:person_detail", _("Person")),
    "victim": GlassKind("victims.victim", P_VICTIM_VIEW, "victims:victim", _("Victim file")),
}


class BreakGlassError:
    REASON_REQUIRED = "break_glass_reason_required"
    NOT_ALLOWED = "break_glass_not_allowed"
    NO_SUCH_RECORD = "break_glass_no_such_record"


def _model_of(kind: GlassKind) -> type[Model]:
    from django.apps import apps

    return apps.get_model(kind.label)


@transaction.atomic
def break_glass_open(*, actor: User, kind: str, object_id: int, reason: str) -> BreakGlass:
    """Open an emergency read of one record for BREAK_GLASS_WINDOW."""
    glass = KINDS.get(kind)
    if glass is None:
        raise DomainError(BreakGlassError.NO_SUCH_RECORD, gettext("Choose the kind of record."))
    require_permission(actor, glass.permission)
    if actor.role_codes & ADMIN_ROLES:
        # Administrators administer; they never read casework, not even in an emergency.
        raise DomainError(
            BreakGlassError.NOT_ALLOWED,
            gettext("Administrator accounts cannot read records."),
            status=403,
        )
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise DomainError(
            BreakGlassError.REASON_REQUIRED,
            gettext("State the emergency in at least %(n)d characters.")
            % {"n": BREAK_GLASS_MIN_REASON},
        )
    if not _model_of(glass)._default_manager.filter(pk=object_id).exists():
        raise DomainError(BreakGlassError.NO_SUCH_RECORD, gettext("No record with this number."))
    now = timezone.now()
    grant = BreakGlass.objects.create(
        user=actor,
        object_type=glass.label,
        object_id=str(object_id),
        reason=reason[:2000],
        opened_at=now,
        expires_at=now + settings.BREAK_GLASS_WINDOW,
    )
    audit_record(
        actor=actor,
        action=AuditAction.BREAK_GLASS,
        object_type=glass.label,
        object_id=str(object_id),
        detail={"break_glass": grant.pk, "reason": reason[:300]},
    )
    message = gettext("%(user)s (%(agency)s) broke the glass on %(kind)s %(id)s: %(reason)s") % {
        "user": actor.full_name,
        "agency": actor.agency.name_zh,
        "kind": glass.title,
        "id": object_id,
        "reason": reason[:120],
    }
    admins = User.objects.filter(
        is_active=True, role_assignments__role=Role.SECURITY_ADMIN
    ).distinct()
    SecurityNotice.objects.bulk_create(
        SecurityNotice(recipient=admin, break_glass=grant, message=message[:300])
        for admin in admins
    )
    logger.warning("break-glass %s by user %s on %s %s", grant.pk, actor.pk, glass.label, object_id)
    return grant


def break_glass_active(actor: User, model: type[Model], pk: object) -> BreakGlass | None:
    """The user's unexpired grant for this record, if any."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        return None
    label = model._meta.label_lower
    if label not in {kind.label for kind in KINDS.values()}:
        return None
    return (
        BreakGlass.objects.filter(
            user=actor, object_type=label, object_id=str(pk), expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def break_glass_pending_review() -> QuerySet[BreakGlass]:
    return BreakGlass.objects.filter(reviewed_at__isnull=True).select_related(
        "user", "user__agency"
    )


@transaction.atomic
def break_glass_review(*, actor: User, grant: BreakGlass, note: str) -> BreakGlass:
    """A security administrator records the review of an emergency read."""
    require_permission(actor, P_SECURITY)
    locked = BreakGlass.objects.select_for_update().get(pk=grant.pk)
    if locked.reviewed_at is not None:
        raise DomainError(
            WorkflowError.TRANSITION_NOT_ALLOWED, gettext("Already reviewed."), status=409
        )
    if locked.user_id == actor.pk:
        raise DomainError(
            BreakGlassError.NOT_ALLOWED, gettext("Nobody reviews their own access."), status=403
        )
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note.strip()[:300]
    locked.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    SecurityNotice.objects.filter(break_glass=locked, read_at__isnull=True).update(
        read_at=locked.reviewed_at
    )
    audit_record(
        actor=actor,
        action=AuditAction.BREAK_GLASS_REVIEWED,
        object_type=locked.object_type,
        object_id=locked.object_id,
        detail={"break_glass": locked.pk},
    )
    return locked
