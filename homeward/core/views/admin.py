"""Account administration: the system administrator manages accounts and roles; the
security administrator lifts lockouts and resets authenticators. Neither sees casework."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.errors import DomainError
from homeward.core.forms import LockoutClearForm, UserCreateForm, UserRolesForm
from homeward.core.models import User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_MANAGE_USERS, P_SECURITY
from homeward.core.services.accounts import (
    lockout_clear,
    otp_reset,
    temporary_password,
    user_create,
    user_deactivate,
    user_issue_temporary_password,
    user_reactivate,
    user_set_roles,
)


def _managed_user(pk: int) -> User:
    try:
        return User.objects.select_related("agency").get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


@requires(P_MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(
                actor=actor,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                agency=form.cleaned_data["agency"],
                password=temporary_password(
                    User(username=form.cleaned_data["username"], agency=form.cleaned_data["agency"])
                ),
                roles=form.cleaned_data["roles"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except DomainError as error:
            form.add_error("roles", error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The first password is issued expired: the user must choose their own.
            password = user_issue_temporary_password(actor=actor, user=user)
            return render(
                request, "core/user_password_issued.html", {"account": user, "password": password}
            )
    return render(request, "core/user_form.html", {"form": form})


@requires(P_MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    user = _managed_user(pk)
    current = sorted(user.role_assignments.values_list("role", flat=True))
    form = UserRolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            user_set_roles(actor=actor, user=user, roles=form.cleaned_data["roles"])
        except DomainError as error:
            form.add_error("roles", error.message)
        else:
            messages.success(request, _("Roles saved."))
            return redirect("core:user_detail", pk=user.pk)
    return render(
        request,
        "core/user_detail.html",
        {"account": user, "form": form, "is_self": actor.pk == user.pk},
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
    actor = current_user(request)
    user = _managed_user(pk)
    try:
        password = user_issue_temporary_password(actor=actor, user=user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("core:user_detail", pk=user.pk)
    return render(
        request, "core/user_password_issued.html", {"account": user, "password": password}
    )


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
    return render(
        request,
        "core/security_home.html",
        {"locked": locked, "with_devices": with_devices, "form": form},
    )


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
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Authenticator removed; the user enrols a new one at the next sign-in.")
        )
    return redirect("core:security_home")
