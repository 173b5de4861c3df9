"""Deny by default: every staff view declares the permission it needs.

The route-walk test reads the attributes set here, so a view without a
declaration fails the build (SECURITY.md AC-01).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from homeward.core.models import User

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def requires(*perms: str) -> Callable[[View], View]:
    """Require every permission in ``perms``; 403 otherwise (login is enforced by middleware)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated or not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.homeward_permissions = perms  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def account_view(view: View) -> View:
    """A view every signed-in user may reach whatever their roles (logout, 2FA, password)."""
    view.homeward_account_view = True  # type: ignore[attr-defined]
    return view


def public_view(view: View) -> View:
    """A view anyone may reach without signing in (public site, login, health)."""
    wrapped = login_not_required(view)
    wrapped.homeward_public = True  # type: ignore[attr-defined]
    return wrapped


def current_user(request: HttpRequest) -> User:
    """The signed-in staff user of ``request``; anything else is refused (403)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
