"""Step-up re-authentication (SECURITY.md AUTH-08): password and a fresh TOTP code
within ``STEP_UP_WINDOW`` (5 min) before the most sensitive actions.

The proof lives in the signed-in session (``SESSION_REAUTH_AT``, written by the
``core:reauthenticate`` page). ``StepUpMiddleware`` reads it once per request into a
context variable, so that the services themselves refuse (``require_step_up``) — a
page or API operation that forgets to ask cannot skip it. Code that runs without a
request (management commands, tests of service rules) is refused unless its caller
states that it is trusted with :func:`stepped_up`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from homeward.core.errors import DomainError

SESSION_REAUTH_AT = "_hw_reauth_at"

_stepped_up: ContextVar[bool] = ContextVar("homeward_stepped_up", default=False)


class StepUpError(StrEnum):
    REAUTH_REQUIRED = "reauth_required"


def session_stepped_up(session: Any) -> bool:
    """Whether ``session`` passed the step-up within ``STEP_UP_WINDOW``."""
    stamp = session.get(SESSION_REAUTH_AT)
    if not stamp:
        return False
    try:
        at = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return False
    return timezone.now() - at <= settings.STEP_UP_WINDOW


def recently_reauthenticated(request: HttpRequest) -> bool:
    return session_stepped_up(request.session)


def is_stepped_up() -> bool:
    """Whether the current request (or a trusted caller) has stepped up."""
    return _stepped_up.get()


def require_step_up() -> None:
    """Refuse (403 ``reauth_required``) unless the current request stepped up within
    the window, or a trusted caller runs inside :func:`stepped_up`."""
    if not is_stepped_up():
        raise DomainError(
            StepUpError.REAUTH_REQUIRED,
            gettext("Confirm your password and verification code first."),
            status=403,
        )


@contextmanager
def stepped_up() -> Iterator[None]:
    """For trusted callers without a browser session (commands, service tests)."""
    token = _stepped_up.set(True)
    try:
        yield
    finally:
        _stepped_up.reset(token)


def reauth_redirect(back: str) -> HttpResponse:
    """The step-up page, coming back to ``back`` (a path of this site) afterwards."""
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    return redirect(f"{reverse('core:reauthenticate')}?{urlencode({'next': back})}")


def is_reauth_required(error: DomainError) -> bool:
    return error.code == StepUpError.REAUTH_REQUIRED


class StepUpMiddleware:
    """Carries the session's step-up into the request's context (after sessions and
    authentication); cleared when the response leaves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fresh = bool(
            getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and session_stepped_up(request.session)
        )
        token = _stepped_up.set(fresh)
        try:
            return self.get_response(request)
        finally:
            _stepped_up.reset(token)
