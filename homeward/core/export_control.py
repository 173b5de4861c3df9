"""Controls on exporting lists of personal records (SECURITY.md DP-05).

Exporting is its own permission (``core.export_records``); a list longer than
EXPORT_ROW_LIMIT rows needs the approval of the head of the exporter's unit, for that
listing and once; each user has EXPORT_DAILY_QUOTA exports a day; every export is
watermarked (``core.exports``, ``core.documents``) and audited with its row count.
A refused export is audited too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError, WorkflowError
from homeward.core.models import AuditEvent, ExportApproval, User
from homeward.core.roles import P_EXPORT
from homeward.core.stepup import is_stepped_up, reauth_redirect


class ExportError:
    NO_PERMISSION = "export_permission_required"
    APPROVAL_REQUIRED = "approval_required"
    QUOTA = "export_quota_exceeded"
    NOT_HEAD = "not_unit_head"


@dataclass(frozen=True)
class ExportClearance:
    """What the export's audit event carries (``detail``)."""

    detail: dict[str, Any] = field(default_factory=dict)


def _today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def exports_today(user: User) -> int:
    return AuditEvent.objects.filter(
        actor=user,
        action=AuditAction.EXPORT,
        created_at__gte=_today_start(),
        detail__gated=True,
    ).count()


def is_unit_head(user: User) -> bool:
    """Heads and deputy heads decide exports and hand over sign-in links."""
    return user.leader_post in ("head", "deputy_head")


def unit_heads_of(user: User) -> QuerySet[User]:
    return User.objects.filter(
        agency_id=user.agency_id, is_active=True, leader_post__in=["head", "deputy_head"]
    ).exclude(pk=user.pk)


def _refuse(
    request: HttpRequest, user: User, *, code: str, status: int, object_type: str, rows: int
) -> HttpResponse:
    audit_record(
        actor=user,
        action=AuditAction.EXPORT_REFUSED,
        object_type=object_type,
        outcome="denied",
        detail={"code": code, "rows": rows},
    )
    pending = ExportApproval.objects.filter(
        requested_by=user,
        path=request.get_full_path()[:500],
        status=ExportApproval.Status.PENDING,
    ).exists()
    return render(
        request,
        "core/export_refused.html",
        {
            "code": code,
            "rows": rows,
            "limit": settings.EXPORT_ROW_LIMIT,
            "quota": settings.EXPORT_DAILY_QUOTA,
            "object_type": object_type,
            "path": request.get_full_path()[:500],
            "pending": pending,
            "has_head": unit_heads_of(user).exists(),
        },
        status=status,
    )


@transaction.atomic
def export_clearance(
    request: HttpRequest, user: User, *, object_type: str, rows: int
) -> ExportClearance | HttpResponse:
    """Allow this export (and use up its approval) or answer with the refusal page:
    403 without the permission, 403 ``approval_required`` over the row limit without an
    approval, 429 past the daily quota; over the row limit, with the approval, the
    step-up page first unless the user stepped up within ``STEP_UP_WINDOW``."""
    if not user.has_perm(P_EXPORT):
        return _refuse(
            request,
            user,
            code=ExportError.NO_PERMISSION,
            status=403,
            object_type=object_type,
            rows=rows,
        )
    if exports_today(user) >= settings.EXPORT_DAILY_QUOTA:
        return _refuse(
            request, user, code=ExportError.QUOTA, status=429, object_type=object_type, rows=rows
        )
    detail: dict[str, Any] = {"gated": True, "rows": rows}
    if rows > settings.EXPORT_ROW_LIMIT:
        approval = (
            ExportApproval.objects.select_for_update()
            .filter(
                requested_by=user,
                object_type=object_type,
                path=request.get_full_path()[:500],
                status=ExportApproval.Status.APPROVED,
                rows__gte=rows,
                decided_at__gt=timezone.now() - settings.EXPORT_APPROVAL_VALIDITY,
            )
            .order_by("-decided_at")
            .first()
        )
        if approval is None:
            return _refuse(
                request,
                user,
                code=ExportError.APPROVAL_REQUIRED,
                status=403,
                object_type=object_type,
                rows=rows,
            )
        # A bulk export also needs a fresh step-up (AUTH-08); the approval is kept for it.
        if not is_stepped_up():
            return reauth_redirect(request.get_full_path()[:500])
        approval.status = ExportApproval.Status.USED
        approval.used_at = timezone.now()
        approval.save(update_fields=["status", "used_at"])
        detail["approval"] = approval.pk
        detail["approved_by"] = approval.decided_by_id
    return ExportClearance(detail=detail)


@transaction.atomic
def export_approval_request(
    *, actor: User, object_type: str, path: str, rows: int, reason: str
) -> ExportApproval:
    require_permission(actor, P_EXPORT)
    reason = reason.strip()
    if len(reason) < 5:
        raise DomainError(ExportError.APPROVAL_REQUIRED, _("Say why you need the whole list."))
    if not path.startswith("/") or path.startswith("//") or not unit_heads_of(actor).exists():
        raise DomainError(
            ExportError.NOT_HEAD, _("Your unit has no head with an account to approve it.")
        )
    approval = ExportApproval.objects.create(
        requested_by=actor, object_type=object_type[:64], path=path[:500], rows=rows, reason=reason
    )
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT_APPROVAL_REQUESTED,
        object_type=object_type[:64],
        detail={"approval": approval.pk, "rows": rows},
    )
    return approval


def export_approvals_for_head(user: User) -> QuerySet[ExportApproval]:
    """The requests of the user's unit waiting for them (empty unless they head it)."""
    if not is_unit_head(user):
        return ExportApproval.objects.none()
    return (
        ExportApproval.objects.filter(
            requested_by__agency_id=user.agency_id, status=ExportApproval.Status.PENDING
        )
        .exclude(requested_by=user)
        .select_related("requested_by")
    )


@transaction.atomic
def export_approval_decide(*, actor: User, approval_id: int, approve: bool) -> ExportApproval:
    """The head (or a deputy head) of the exporter's unit decides."""
    approval = export_approvals_for_head(actor).select_for_update().filter(pk=approval_id).first()
    if approval is None:
        raise DomainError(
            WorkflowError.TRANSITION_NOT_ALLOWED,
            _("This request is not waiting for you."),
            status=404,
        )
    approval.status = ExportApproval.Status.APPROVED if approve else ExportApproval.Status.REJECTED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT_APPROVAL_DECIDED,
        object_type=approval.object_type,
        detail={"approval": approval.pk, "approved": approve, "rows": approval.rows},
    )
    return approval
