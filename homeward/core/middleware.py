"""Request-wide middleware: request context, fail-closed errors, session lifetime,
the account gate (2FA, expired password or account) and no-store caching."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation

from homeward.core.api_errors import error_response
from homeward.core.client_ip import client_address
from homeward.core.context import bind_request_context, clear_request_context
from homeward.core.errors import AuditWriteError, IntegrityFailure
from homeward.core.models import User
from homeward.core.roles import TWO_FACTOR_ROLES

logger = logging.getLogger("homeward.security")

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_LOGIN_AT = "_hw_login_at"
SESSION_ACTIVE_AT = "_hw_active_at"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class TrustedProxyMiddleware:
    """Behind the reverse proxy every request comes from the proxy's address. When it
    comes from one of ``HOMEWARD_TRUSTED_PROXIES``, the client's address is the one the
    proxy states in ``X-Real-IP`` (nginx: ``proxy_set_header X-Real-IP $remote_addr``),
    so that throttles count per client and the audit trail names the client. From any
    other address the header is ignored: a client cannot choose its own address."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.trusted = frozenset(settings.HOMEWARD_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted and request.META.get("REMOTE_ADDR") in self.trusted:
            stated = (request.META.get("HTTP_X_REAL_IP") or "").strip()
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(stated))
        return self.get_response(request)


class RequestContextMiddleware:
    """Give each request an id and remember its source address for the audit trail."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = bind_request_context(source_ip=client_address(request) or None)
        request.request_id = context.request_id  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            clear_request_context()
        response["X-Request-ID"] = context.request_id
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise. The platform serves Chongqing's public
    servants and public: the browser's Accept-Language does not switch it to English;
    the language switcher (a cookie) does."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Deny by default: every view needs a signed-in user unless marked public.
    API clients get 401 JSON instead of a redirect to the sign-in page."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        # Public API operations (anonymous clue reporting) authenticate themselves.
        if request.path in settings.PUBLIC_API_PATHS or request.path.startswith(
            settings.PUBLIC_API_PREFIXES
        ):
            return None
        # Partners authenticate with their token; the operation checks it.
        if request.path.startswith(settings.PARTNER_API_PREFIX) and request.headers.get(
            "Authorization", ""
        ).startswith("Bearer "):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase]
    ) -> HttpResponseBase:
        if is_api(request):
            return error_response(401, "not_authenticated")
        return super().handle_no_permission(request, view_func)


class FailClosedMiddleware:
    """An audit write that fails makes the request fail with 503 and no data (AUD-03);
    a ciphertext that fails verification gives a generic 500 and is audited (DP-02)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AuditWriteError):
            logger.error("audit write failed; request refused")
            return _error(request, 503, "audit_unavailable")
        if isinstance(exception, IntegrityFailure):
            from homeward.core.audit import audit_record
            from homeward.core.audit_actions import AuditAction

            logger.error("stored data failed integrity verification")
            user = request.user if request.user.is_authenticated else None
            try:
                audit_record(
                    actor=user,
                    action=AuditAction.INTEGRITY_FAILURE,
                    outcome="failure",
                    detail={"path": request.path[:200]},
                )
            except AuditWriteError:
                logger.error("could not audit an integrity failure")
            return _error(request, 500, "integrity_failure")
        return None


def _error(request: HttpRequest, status: int, code: str) -> HttpResponse:
    if is_api(request):
        return error_response(status, code)
    return TemplateResponse(request, f"{status}.html", {"code": code}, status=status).render()


POLL_HEADER = "X-Homeward-Poll"


def is_polling(request: HttpRequest) -> bool:
    """A request the page makes by itself on a timer (htmx ``every Ns`` elements send
    ``X-Homeward-Poll: 1``), not an action of the person at the screen."""
    return request.headers.get(POLL_HEADER) == "1"


class SessionLifetimeMiddleware:
    """End sessions idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT
    (AUTH-06).

    Idleness is measured from the last request the person made: a page that polls
    by itself (``is_polling``) does not count as activity, so an unattended browser
    on the alert operations page or a DNA run page is signed out after the idle
    timeout like any other (issue 17 defect 8). The session store's own expiry
    (SESSION_COOKIE_AGE, saved on every request) is only a backstop."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            login_at = request.session.get(SESSION_LOGIN_AT)
            started = datetime.fromisoformat(login_at) if login_at else None
            active_at = request.session.get(SESSION_ACTIVE_AT)
            last_active = datetime.fromisoformat(active_at) if active_at else started
            if (
                started is None
                or last_active is None
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - last_active > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                return _signed_out(request)
            if not is_polling(request):
                request.session[SESSION_ACTIVE_AT] = now.isoformat()
        return self.get_response(request)


def _signed_out(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return error_response(401, "session_expired")
    target = f"{reverse(settings.LOGIN_URL)}?next={request.path}"
    if request.headers.get("HX-Request"):
        # htmx would swap the sign-in page into the polled element: load it whole.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


_GATE_EXEMPT_NAMES = {
    "core:logout",
    "core:otp_verify",
    "core:otp_setup",
    "core:password_change",
    "core:reauthenticate",
    "set_language",
}


class AccountGateMiddleware:
    """After sign-in, nothing else is reachable until the account is in order:
    expired accounts are signed out, 2FA roles must pass TOTP, expired passwords
    must be changed (AUTH-03, AUTH-05, AC-07)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or getattr(view_func, "homeward_public", False):
            return None
        match = request.resolver_match
        name = (
            f"{match.namespace}:{match.url_name}"
            if match and match.namespace
            else (match.url_name if match else "")
        )
        if name in _GATE_EXEMPT_NAMES:
            return None
        from homeward.core.services.accounts import account_expired, password_expired

        if account_expired(user):
            logout(request)
            return _gate(request, "account_expired", status=403)
        if needs_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
            if is_api(request):
                return error_response(401, "otp_required")
            return redirect(f"{reverse('core:otp_verify')}?next={request.path}")
        if password_expired(user):
            if is_api(request):
                return error_response(403, "password_expired")
            return redirect("core:password_change")
        return None


def needs_second_factor(user: User) -> bool:
    """Every member of staff with a role, and anyone with an enrolled authenticator:
    once enrolled, the code page cannot be skipped (AUTH-05, issue 17 defect 10)."""
    if user.role_codes & TWO_FACTOR_ROLES:
        return True
    enrolled: bool | None = getattr(user, "_hw_has_authenticator", None)
    if enrolled is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._hw_has_authenticator = enrolled  # type: ignore[attr-defined]
    return enrolled


def _gate(request: HttpRequest, code: str, *, status: int) -> HttpResponse:
    if is_api(request):
        return error_response(status, code)
    return TemplateResponse(request, "core/account_blocked.html", {"code": code}, status=status)


# Methods no route of the platform answers: refused on every path before anything
# else looks at the request (WEB-04; TRACE would echo cookies and headers back).
REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})


class RefuseMethodsMiddleware:
    """405 for TRACE, TRACK and CONNECT on every path, signed in or not (WEB-04)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in REFUSED_METHODS:
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
            return response
        return self.get_response(request)


class NoStoreMiddleware:
    """Authenticated responses are never cached by browsers or proxies (DP-03)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
