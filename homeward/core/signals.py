"""Receivers for Django's own events: authentication events go to the audit trail,
and roles are kept in sync after migrations. No business logic lives here."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.middleware import SESSION_LOGIN_AT
from homeward.core.models import User


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = timezone.now().isoformat()
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed)
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        outcome="failure",
        object_type="core.user",
        actor_username=username,
    )


@receiver(user_locked_out)
def _on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    """django-axes locked a username (its fifth failure) or refused an attempt while
    it is locked: a lockout event, not only a failed sign-in (AUD-01)."""
    audit_record(
        actor=None,
        action=AuditAction.LOCKOUT,
        outcome="denied",
        object_type="core.user",
        object_id=str(username or "")[:64],
        actor_username=str(username or "")[:150],
    )


@receiver(post_migrate)
def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    if sender.label != "core":
        return
    from django.contrib.auth.management import create_permissions

    from homeward.core.services.accounts import roles_sync

    # Permissions of every app must exist before groups reference them.
    apps = kwargs.get("apps")
    from django.apps import apps as global_apps

    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, apps=global_apps if apps is None else global_apps)
    roles_sync()


@receiver(post_migrate)
def _record_key_fingerprints(sender: AppConfig, **kwargs: Any) -> None:
    """A freshly migrated database learns the fingerprints of the keys it will be
    written with (core.keycheck); a mismatch is left for the start-up check to refuse."""
    if sender.label != "core":
        return
    import logging

    from homeward.core.keycheck import keyring_problems, keyring_record

    problems = keyring_problems()
    if problems:
        logging.getLogger("homeward.keys").error("keyring does not match the data: %s", problems)
        return
    keyring_record(audit=False)
