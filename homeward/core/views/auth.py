"""Sign-in (password, then TOTP where required), sign-out, password change."""

from __future__ import annotations

import base64
import io
from typing import Any

import django_otp
import qrcode
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.middleware import needs_second_factor
from homeward.core.models import User
from homeward.core.permissions import account_view, current_user, public_view
from homeward.core.services.accounts import user_change_password
from homeward.core.stepup import SESSION_REAUTH_AT


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=256, strip=False
    )


class OTPForm(forms.Form):
    otp_token = forms.RegexField(
        label=gettext_lazy("Verification code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Enter the 6-digit verification code.")},
    )


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any) -> HttpResponse:
    """django-axes calls this on a locked-out attempt: the same answer for every username."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"code": "locked_out", "retry_after_minutes": minutes}, status=429)
    return render(
        request,
        "core/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@public_view
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and ip_throttled(request):
        return lockout_response(request)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is not None and isinstance(user, User):
            login(request, user)  # rotates the session id
            if (
                needs_second_factor(user)
                or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            ):
                target = "core:otp_verify"
                if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                    target = "core:otp_setup"
                response = redirect(target)
                response["Location"] += f"?next={_safe_next(request)}"
                return response
            return redirect(_safe_next(request))
        ip_failure(request)
        form.add_error(None, _("Incorrect username or password."))
    return render(request, "core/login.html", {"form": form, "next": _safe_next(request)})


@account_view
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        return redirect("core:otp_setup")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            django_otp.login(request, device)
            request.session.cycle_key()
            audit_record(actor=user, action=AuditAction.OTP_VERIFIED, obj=user)
            return redirect(_safe_next(request))
        # Count the failure against the username like a wrong password (AUTH-04).
        user_login_failed.send(
            sender=__name__, credentials={"username": user.username}, request=request
        )
        audit_record(actor=user, action=AuditAction.OTP_FAILED, obj=user, outcome="failure")
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout_response(request)
        form.add_error(
            "otp_token", _("The verification code is incorrect or has already been used.")
        )
    return render(request, "core/otp_verify.html", {"form": form, "next": _safe_next(request)})


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@account_view
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator. A confirmed device can only be replaced by the
    security administrator, never from a session that has not passed 2FA."""
    user = current_user(request)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("core:otp_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            request.session.cycle_key()
            audit_record(actor=user, action=AuditAction.OTP_ENROLLED, obj=user)
            messages.success(request, _("Two-factor authentication is now enabled."))
            return redirect(_safe_next(request))
        form.add_error(
            "otp_token",
            _("The verification code is incorrect. Check the time on your phone and try again."),
        )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "core/otp_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": secret,
            "next": _safe_next(request),
        },
    )


@account_view
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)  # deletes the server-side session (AUTH-06)
    response = HttpResponseRedirect(reverse(settings.LOGIN_URL))
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@account_view
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_change_password(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "core/password_change.html", {"form": form})


def _ip_key(request: HttpRequest) -> str:
    import hashlib

    from homeward.core.client_ip import client_address

    address = client_address(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"login-ip-failures:{digest}"


def ip_throttled(request: HttpRequest) -> bool:
    from django.core.cache import cache

    return int(cache.get(_ip_key(request), 0)) >= settings.LOGIN_IP_FAILURE_LIMIT


def ip_failure(request: HttpRequest) -> None:
    from django.core.cache import cache

    key = _ip_key(request)
    timeout = int(settings.LOGIN_IP_WINDOW.total_seconds())
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout)


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=256, strip=False
    )
    otp_token = forms.RegexField(
        label=gettext_lazy("Verification code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Enter the 6-digit code.")},
    )


@account_view
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Step-up: password and a fresh TOTP code before the most sensitive actions
    (viewing DNA loci). Valid for STEP_UP_WINDOW (SECURITY.md AUTH-08)."""
    from django.utils import timezone

    user = current_user(request)
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = authenticate(
            request, username=user.username, password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout_response(request)
        device = django_otp.match_token(user, form.cleaned_data["otp_token"]) if checked else None
        if checked is not None and checked.pk == user.pk and device is not None:
            request.session[SESSION_REAUTH_AT] = timezone.now().isoformat()
            audit_record(actor=user, action=AuditAction.REAUTHENTICATED, obj=user)
            return redirect(_safe_next(request))
        if checked is not None:
            user_login_failed.send(
                sender=__name__, credentials={"username": user.username}, request=request
            )
        audit_record(
            actor=user, action=AuditAction.REAUTHENTICATION_FAILED, obj=user, outcome="failure"
        )
        form.add_error(None, _("The password or the code is not correct."))
    return render(request, "core/reauthenticate.html", {"form": form, "next": _safe_next(request)})
