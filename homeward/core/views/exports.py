"""Export approvals (DP-05): the exporter asks, the head of the unit decides."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from homeward.core.errors import DomainError
from homeward.core.export_control import (
    export_approval_decide,
    export_approval_request,
    export_approvals_for_head,
)
from homeward.core.models import ExportApproval
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_PORTAL


@requires(P_PORTAL)
@require_http_methods(["GET", "POST"])
def export_approvals(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "request":
                export_approval_request(
                    actor=user,
                    object_type=request.POST.get("object_type", ""),
                    path=request.POST.get("path", ""),
                    rows=int(request.POST.get("rows", "0") or 0),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The head of your unit has been asked."))
            elif action in ("approve", "reject"):
                export_approval_decide(
                    actor=user,
                    approval_id=int(request.POST.get("approval", "0") or 0),
                    approve=action == "approve",
                )
                messages.success(request, _("Decision recorded."))
        except (DomainError, ValueError) as error:
            messages.error(request, getattr(error, "message", _("This step is not possible now.")))
        return redirect("core:export_approvals")
    mine = ExportApproval.objects.filter(requested_by=user).select_related("decided_by")[:20]
    return render(
        request,
        "core/export_approvals.html",
        {"waiting": export_approvals_for_head(user), "mine": mine},
    )
