"""Accounts: creating users, granting roles (三权分立), deactivating, passwords."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import AccountError, DomainError
from homeward.core.models import Agency, RoleAssignment, User
from homeward.core.roles import (
    ADMIN_ROLES,
    P_MANAGE_USERS,
    P_SECURITY,
    POLICE_ONLY_ROLES,
    ROLE_PERMISSIONS,
    Role,
)


def roles_sync() -> None:
    """Create one group per role and give it exactly its permissions (idempotent)."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def _check_roles(roles: Iterable[str], agency: Agency) -> list[str]:
    codes = sorted(set(roles))
    for code in codes:
        if code not in Role.values:
            raise DomainError(AccountError.UNKNOWN_ROLE, f"unknown role {code!r}")
    admin = [code for code in codes if code in ADMIN_ROLES]
    if len(admin) > 1:
        raise DomainError(
            AccountError.SEPARATION_OF_DUTIES,
            gettext(
                "The system administrator, security administrator and audit administrator"
                " roles may not be held by the same user"
            ),
        )
    police = [code for code in codes if code in POLICE_ONLY_ROLES]
    if police and not agency.is_public_security:
        raise DomainError(
            AccountError.AGENCY_REQUIRED,
            gettext("This role can only be granted to staff of public security agencies"),
        )
    return codes


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    agency: Agency,
    password: str,
    roles: Iterable[str] = (),
    expires_at: datetime | None = None,
    is_demo: bool = False,
) -> User:
    """Create a named account in one agency with its roles.

    ``actor`` is None only for bootstrap commands run from the server console.
    """
    if actor is not None:
        require_permission(actor, P_MANAGE_USERS)
    codes = _check_roles(roles, agency)
    user = User(
        username=username,
        full_name=full_name,
        agency=agency,
        expires_at=expires_at,
        is_demo=is_demo,
    )
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    for code in codes:
        RoleAssignment.objects.create(
            user=user, group=Group.objects.get(name=code), role=code, granted_by=actor
        )
    audit_record(
        actor=actor,
        action=AuditAction.USER_CREATE,
        obj=user,
        detail={"roles": codes, "agency": agency.code},
        actor_username="console" if actor is None else "",
    )
    return user


def user_set_roles(*, actor: User, user: User, roles: Iterable[str]) -> User:
    """Replace the user's roles. Nobody changes their own roles; the refused attempt
    is audited in its own transaction so that the refusal does not roll it back."""
    require_permission(actor, P_MANAGE_USERS)
    if actor.pk == user.pk:
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_CHANGE,
            obj=user,
            outcome="denied",
            detail={"reason": AccountError.SELF_ROLE_CHANGE},
        )
        raise DomainError(
            AccountError.SELF_ROLE_CHANGE, gettext("You cannot change your own roles"), status=403
        )
    return _user_replace_roles(actor=actor, user=user, roles=roles)


@transaction.atomic
def _user_replace_roles(*, actor: User, user: User, roles: Iterable[str]) -> User:
    codes = _check_roles(roles, user.agency)
    before = sorted(user.role_assignments.values_list("role", flat=True))
    user.role_assignments.exclude(role__in=codes).delete()
    for code in codes:
        RoleAssignment.objects.get_or_create(
            user=user,
            role=code,
            defaults={"group": Group.objects.get(name=code), "granted_by": actor},
        )
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_CHANGE,
        obj=user,
        detail={"before": before, "after": codes},
    )
    if hasattr(user, "_role_codes"):
        del user._role_codes
    return user


def _end_sessions_of(user: User) -> int:
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User, reason: str) -> User:
    """Disable an account and end every session it has (AUTH-07). ``actor`` is None for
    the system (inactivity, expiry)."""
    if actor is not None:
        require_permission(actor, P_MANAGE_USERS)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions_of(user)
    audit_record(
        actor=actor,
        action=AuditAction.USER_DEACTIVATE,
        obj=user,
        detail={"reason": reason, "sessions_ended": ended},
        actor_username="system" if actor is None else "",
    )
    return user


@transaction.atomic
def user_change_password(*, user: User, new_password: str) -> User:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, obj=user)
    return user


def password_expired(user: User) -> bool:
    max_age: timedelta = settings.PASSWORD_MAX_AGE
    return timezone.now() - user.password_changed_at > max_age


def account_expired(user: User) -> bool:
    return user.expires_at is not None and user.expires_at <= timezone.now()


def accounts_disable_inactive() -> int:
    """Tick job: disable accounts unused for ACCOUNT_INACTIVITY_LIMIT or past expiry (AC-07)."""
    now = timezone.now()
    cutoff = now - settings.ACCOUNT_INACTIVITY_LIMIT
    stale = (
        User.objects.filter(is_active=True, is_superuser=False).filter(
            # Never-used accounts count from their creation date.
            last_login__lt=cutoff
        )
        | User.objects.filter(
            is_active=True, is_superuser=False, last_login__isnull=True, date_joined__lt=cutoff
        )
        | User.objects.filter(is_active=True, expires_at__lte=now)
    )
    count = 0
    for user in stale.distinct():
        with transaction.atomic():
            # Re-checked under the row lock: two sweeps at once disable (and audit) once.
            current = User.objects.select_for_update().filter(pk=user.pk, is_active=True).first()
            if current is None:
                continue
            reason = "expired" if account_expired(current) else "inactive"
            user_deactivate(actor=None, user=current, reason=reason)
        count += 1
    return count


def temporary_password(user: User | None = None) -> str:
    """A random password that satisfies the whole policy (for ``user`` when given:
    random letters can spell a context word such as "cq", so each draw is validated)."""
    import secrets
    import string

    from django.core.exceptions import ValidationError

    alphabet = string.ascii_letters + string.digits
    while True:
        core = "".join(secrets.choice(alphabet) for _ in range(14))
        candidate = f"{core[:7]}-{core[7:]}#{secrets.randbelow(90) + 10}"
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    require_permission(actor, P_MANAGE_USERS)
    user.is_active = True
    user.last_login = timezone.now()  # the 90-day inactivity clock starts again
    user.save(update_fields=["is_active", "last_login"])
    audit_record(actor=actor, action=AuditAction.USER_REACTIVATE, obj=user)
    return user


@transaction.atomic
def user_issue_temporary_password(*, actor: User, user: User) -> str:
    """Set a one-time password that must be changed at the next sign-in (it is issued
    already expired). Returns the password to hand over; it is not stored in clear."""
    require_permission(actor, P_MANAGE_USERS)
    if actor.pk == user.pk:
        raise DomainError(
            AccountError.SELF_ROLE_CHANGE,
            gettext("Use the password change page for your own account"),
            status=403,
        )
    password = temporary_password(user)
    user.set_password(password)
    user.password_changed_at = timezone.now() - settings.PASSWORD_MAX_AGE - timedelta(days=1)
    user.save(update_fields=["password", "password_changed_at"])
    _end_sessions_of(user)
    audit_record(actor=actor, action=AuditAction.PASSWORD_RESET_BY_ADMIN, obj=user)
    return password


@transaction.atomic
def lockout_clear(*, actor: User, username: str) -> int:
    """Security administrator: lift a django-axes lockout before it expires."""
    require_permission(actor, P_SECURITY)
    from axes.utils import reset

    cleared = int(reset(username=username) or 0)
    audit_record(
        actor=actor,
        action=AuditAction.LOCKOUT_CLEARED,
        object_type="core.user",
        object_id=username[:64],
        detail={"attempt_records": cleared},
    )
    return cleared


@transaction.atomic
def otp_reset(*, actor: User, user: User) -> int:
    """Security administrator: remove a user's authenticators (lost phone). The user
    enrols a new one at the next sign-in; 2FA stays required for their role."""
    require_permission(actor, P_SECURITY)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor.pk == user.pk:
        raise DomainError(
            AccountError.SELF_ROLE_CHANGE,
            gettext("Another security administrator must reset your authenticator"),
            status=403,
        )
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    _end_sessions_of(user)
    audit_record(
        actor=actor, action=AuditAction.OTP_RESET, obj=user, detail={"devices_removed": removed}
    )
    return int(removed)
