"""Template context for the staff portal's navigation shell."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from homeward.core.models import User
from homeward.core.navigation import navigation_for


def portal(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated or not isinstance(user, User):
        return {"nav_items": []}
    return {"nav_items": navigation_for(user, request.path)}
