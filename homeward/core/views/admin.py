"""Account administration: the system administrator manages accounts and roles; the
security administrator lifts lockouts and resets authenticators. Neither sees casework."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.errors import DomainError
from homeward.core.forms import LockoutClearForm, UserCreateForm, UserRolesForm
from homeward.core.models import RoleRequest, SignInLink, User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_MANAGE_USERS, P_SECURITY, Role
from homeward.core.services.accounts import (
    lockout_clear,
    otp_reset,
    role_request_decide,
    signin_link_issue,
    user_create,
    user_deactivate,
    user_reactivate,
    user_set_roles,
)
from homeward.core.services.breakglass import break_glass_pending_review
from homeward.core.stepup import is_reauth_required, reauth_redirect


def _managed_user(pk: int) -> User:
    try:
        return User.objects.select_related("agency").get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


@requires(P_MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    """The account is created with no usable password and no roles: the roles asked
    for wait for the security administrator, and the first sign-in link is sealed for
    the head of the user's unit. The administrator sees neither (三权分立)."""
    actor = current_user(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = user_create(
                    actor=actor,
                    username=form.cleaned_data["username"],
                    full_name=form.cleaned_data["full_name"],
                    agency=form.cleaned_data["agency"],
                    roles=form.cleaned_data["roles"],
                    expires_at=form.cleaned_data["expires_at"],
                )
                link = signin_link_issue(actor=actor, user=user, purpose=SignInLink.Purpose.FIRST)
        except DomainError as error:
            form.add_error("agency" if error.code == "no_unit_head" else "roles", error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "core/user_link_issued.html", {"account": user, "link": link})
    return render(request, "core/user_form.html", {"form": form})


@requires(P_MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    user = _managed_user(pk)
    current = sorted(user.role_assignments.values_list("role", flat=True))
    # An empty POST (every role unticked) is still a submission.
    form = UserRolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": current}
    )
    if request.method == "POST" and form.is_valid():
        try:
            pending = user_set_roles(actor=actor, user=user, roles=form.cleaned_data["roles"])
        except DomainError as error:
            if is_reauth_required(error):
                messages.info(request, error.message)
                return reauth_redirect(request.path)
            form.add_error("roles", error.message)
        else:
            if pending is None:
                messages.success(request, _("Roles saved."))
            else:
                messages.success(
                    request, _("The roles take effect when a security administrator approves.")
                )
            return redirect("core:user_detail", pk=user.pk)
    pending_request = user.role_requests.filter(status=RoleRequest.Status.PENDING).first()
    return render(
        request,
        "core/user_detail.html",
        {
            "account": user,
            "form": form,
            "is_self": actor.pk == user.pk,
            "pending_labels": [Role(code).label for code in pending_request.roles]
            if pending_request
            else [],
        },
    )


@requires(P_MANAGE_USERS)
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    user = _managed_user(pk)
    if user.pk == actor.pk:
        messages.error(request, _("You cannot disable your own account."))
    elif user.is_active:
        user_deactivate(actor=actor, user=user, reason="disabled by the system administrator")
        messages.success(request, _("Account disabled; its sessions have ended."))
    else:
        user_reactivate(actor=actor, user=user)
        messages.success(request, _("Account enabled."))
    return redirect("core:user_detail", pk=user.pk)


@requires(P_MANAGE_USERS)
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """The password stops working; a reset link is sealed for the head of the unit."""
    actor = current_user(request)
    user = _managed_user(pk)
    try:
        link = signin_link_issue(actor=actor, user=user, purpose=SignInLink.Purpose.RESET)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("core:user_detail", pk=user.pk)
    return render(request, "core/user_link_issued.html", {"account": user, "link": link})


@requires(P_SECURITY)
@require_http_methods(["GET", "POST"])
def security_home(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    form = LockoutClearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lockout_clear(actor=actor, username=form.cleaned_data["username"])
        messages.success(request, _("Lockout lifted."))
        return redirect("core:security_home")
    locked = (
        AccessAttempt.objects.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
    with_devices = (
        User.objects.filter(totpdevice__confirmed=True)
        .select_related("agency")
        .distinct()
        .order_by("username")
    )
    requests = RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).select_related(
        "user", "user__agency", "requested_by"
    )
    return render(
        request,
        "core/security_home.html",
        {
            "locked": locked,
            "with_devices": with_devices,
            "form": form,
            "role_requests": [(r, [Role(code).label for code in r.roles]) for r in requests],
            "break_glass": break_glass_pending_review(),
            "notices": actor.security_notices.filter(read_at__isnull=True),
        },
    )


@requires(P_SECURITY)
@require_POST
def security_role_request(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    role_request = RoleRequest.objects.filter(pk=pk).first()
    if role_request is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        role_request_decide(actor=actor, request=role_request, approve=approve)
    except DomainError as error:
        if is_reauth_required(error):
            messages.info(request, error.message)
            return reauth_redirect(reverse("core:security_home"))
        messages.error(request, error.message)
    else:
        messages.success(request, _("Roles granted.") if approve else _("Request rejected."))
    return redirect("core:security_home")


@requires(P_SECURITY)
@require_POST
def security_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    user = _managed_user(pk)
    if not TOTPDevice.objects.filter(user=user).exists():
        raise Http404
    try:
        otp_reset(actor=actor, user=user)
    except DomainError as error:
        if is_reauth_required(error):
            messages.info(request, error.message)
            return reauth_redirect(reverse("core:security_home"))
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Authenticator removed; the user enrols a new one at the next sign-in.")
        )
    return redirect("core:security_home")
