"""System checks run by ``manage.py check`` (tag ``security``): SECURITY.md AUTH-01."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
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


@register(Tags.security)
def check_keyring_matches_data(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Issue 19, keys and restore: a keyring other than the one the data was written
    with is an error, not a platform that starts and cannot read its own rows."""
    from homeward.core.keycheck import keyring_problems, refusal_message

    try:
        problems = keyring_problems()
    except DatabaseError:
        return []
    if problems:
        return [
            Error(
                refusal_message(problems),
                hint="Restore the keys backed up with this database.",
                id="homeward.E010",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Throttles (public submissions, sightings) count in the cache. A per-process cache
    lets every gunicorn worker and host count on its own: with 4 workers a limit of 10
    lets 40 through. Production runs several processes, so it needs a shared cache."""
    if getattr(settings, "HOMEWARD_ENVIRONMENT", "") != "production":
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The cache is per process: throttles are not shared between processes.",
                hint="Set HOMEWARD_CACHE_URL=redis://host:6379/1 (a Redis database of its own).",
                id="homeward.W010",
            )
        ]
    return []
