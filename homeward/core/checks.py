"""System checks run by ``manage.py check`` (tag ``security``): SECURITY.md AUTH-01."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

FORBIDDEN_USERNAMES = frozenset({"admin", "root", "sa", "test", "demo", "administrator"})


@register(Tags.security, deploy=True)
def check_named_accounts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No default or shared accounts, no superuser in daily use, no demo accounts
    in production."""
    from homeward.core.models import User

    errors: list[CheckMessage] = []
    try:
        active = User.objects.filter(is_active=True)
        for username in active.filter(username__in=FORBIDDEN_USERNAMES).values_list(
            "username", flat=True
        ):
            errors.append(
                Error(
                    f"Active account {username!r} has a default or shared name.",
                    hint="Give every person a named account; disable this one.",
                    id="homeward.E001",
                )
            )
        superusers = active.filter(is_superuser=True).count()
        if superusers:
            errors.append(
                Error(
                    f"{superusers} active superuser account(s).",
                    hint="Daily work uses roles; keep break-glass accounts disabled.",
                    id="homeward.E002",
                )
            )
        if getattr(settings, "HOMEWARD_ENVIRONMENT", "") == "production":
            demo = active.filter(is_demo=True).count()
            if demo:
                errors.append(
                    Error(
                        f"{demo} demo account(s) are active in production.",
                        hint="Run `manage.py deactivate_demo_accounts` or disable them on the user pages.",
                        id="homeward.E003",
                    )
                )
    except DatabaseError:
        # Before the first migration there is nothing to check.
        return []
    return errors


@register(Tags.security, deploy=True)
def check_audit_retention(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.AUDIT_RETENTION_DAYS < 184:
        return [Error("AUDIT_RETENTION_DAYS must be at least 184 days.", id="homeward.E004")]
    return []
