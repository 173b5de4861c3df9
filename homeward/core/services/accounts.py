"""Accounts: creating users, granting roles (三权分立), deactivating, passwords."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import AccountError, DomainError, WorkflowError
from homeward.core.keys import keyring
from homeward.core.models import Agency, RoleAssignment, RoleRequest, SignInLink, User
from homeward.core.roles import (
    ADMIN_ROLES,
    P_MANAGE_USERS,
    P_SECURITY,
    POLICE_ONLY_ROLES,
    ROLE_PERMISSIONS,
    Role,
)
from homeward.core.stepup import require_step_up
from homeward.crypto import decrypt, encrypt


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
    password: str | None = None,
    roles: Iterable[str] = (),
    expires_at: datetime | None = None,
    is_demo: bool = False,
) -> User:
    """Create a named account in one agency.

    ``actor`` is None only for bootstrap commands run from the server console, which
    may set a password and grant roles at once. A system administrator creates the
    account with no usable password (the user sets it through a sealed sign-in link,
    :func:`signin_link_issue`) and no roles: the roles asked for wait in a
    :class:`RoleRequest` for a security administrator (三权分立).
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
    if actor is None and password is not None:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    if actor is None:
        for code in codes:
            RoleAssignment.objects.create(
                user=user, group=Group.objects.get(name=code), role=code, granted_by=None
            )
    audit_record(
        actor=actor,
        action=AuditAction.USER_CREATE,
        obj=user,
        detail={"roles": codes if actor is None else [], "agency": agency.code},
        actor_username="console" if actor is None else "",
    )
    if actor is not None and codes:
        _role_request(actor=actor, user=user, codes=codes)
    return user


def _role_request(*, actor: User, user: User, codes: list[str]) -> RoleRequest:
    RoleRequest.objects.filter(user=user, status=RoleRequest.Status.PENDING).update(
        status=RoleRequest.Status.SUPERSEDED
    )
    request = RoleRequest.objects.create(user=user, roles=codes, requested_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_REQUESTED,
        obj=user,
        detail={"roles": codes, "request": request.pk},
    )
    return request


def user_set_roles(*, actor: User, user: User, roles: Iterable[str]) -> RoleRequest | None:
    """The system administrator changes a user's roles. Taking roles away applies at
    once; any role added waits for a security administrator (returns the request).
    Nobody changes their own roles; the refused attempt is audited in its own
    transaction so that the refusal does not roll it back."""
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
    require_step_up()
    codes = _check_roles(roles, user.agency)
    current = set(user.role_assignments.values_list("role", flat=True))
    if set(codes) <= current:
        with transaction.atomic():
            RoleRequest.objects.filter(user=user, status=RoleRequest.Status.PENDING).update(
                status=RoleRequest.Status.SUPERSEDED
            )
            _user_replace_roles(actor=actor, user=user, roles=codes)
        return None
    with transaction.atomic():
        return _role_request(actor=actor, user=user, codes=codes)


@transaction.atomic
def role_request_decide(*, actor: User, request: RoleRequest, approve: bool) -> RoleRequest:
    """A security administrator approves (the roles are granted) or rejects a request."""
    require_permission(actor, P_SECURITY)
    locked = RoleRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if locked.status != RoleRequest.Status.PENDING:
        raise DomainError(
            WorkflowError.TRANSITION_NOT_ALLOWED,
            gettext("This request has already been decided."),
            status=409,
        )
    if locked.user_id == actor.pk:
        raise DomainError(
            AccountError.SELF_ROLE_CHANGE, gettext("You cannot change your own roles"), status=403
        )
    require_step_up()
    if approve:
        _user_replace_roles(actor=actor, user=locked.user, roles=locked.roles)
    locked.status = RoleRequest.Status.APPROVED if approve else RoleRequest.Status.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_REQUEST_DECIDED,
        obj=locked.user,
        detail={"request": locked.pk, "roles": locked.roles, "approved": approve},
    )
    return locked


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


def _token_digest(token: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"signin-link\x00{token}".encode(), hashlib.sha256).hexdigest()


def _link_holder(user: User, actor: User) -> User:
    """The head (else a deputy head) of the user's unit, else of the unit above it."""
    agency: Agency | None = user.agency
    while agency is not None:
        candidates = (
            User.objects.filter(
                agency=agency, is_active=True, leader_post__in=["head", "deputy_head"]
            )
            .exclude(pk__in=[user.pk, actor.pk])
            .order_by("-leader_post", "pk")  # "head" before "deputy_head"
        )
        holder = candidates.first()
        if holder is not None:
            return holder
        agency = agency.parent
    raise DomainError(
        AccountError.NO_UNIT_HEAD,
        gettext(
            "Neither this unit nor the unit above it has a head with an account to hand"
            " the sign-in link over. Ask for the head's account first."
        ),
    )


@transaction.atomic
def signin_link_issue(*, actor: User, user: User, purpose: str) -> SignInLink:
    """A one-time link for ``user`` to set their own password, sealed for the head of
    their unit. For a reset the current password stops working and every session
    ends. The administrator never sees the link or any password."""
    require_permission(actor, P_MANAGE_USERS)
    if actor.pk == user.pk:
        raise DomainError(
            AccountError.SELF_ROLE_CHANGE,
            gettext("Use the password change page for your own account"),
            status=403,
        )
    holder = _link_holder(user, actor)
    SignInLink.objects.filter(user=user, used_at__isnull=True, revoked=False).update(
        revoked=True, sealed_token=""
    )
    token = secrets.token_urlsafe(32)
    link = SignInLink.objects.create(
        user=user,
        purpose=purpose,
        token_digest=_token_digest(token),
        sealed_token=encrypt(keyring(), token, context=f"core.signin_link.{holder.pk}"),
        issued_by=actor,
        holder=holder,
        expires_at=timezone.now() + settings.SIGNIN_LINK_LIFETIME,
    )
    if purpose == SignInLink.Purpose.RESET:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        _end_sessions_of(user)
    audit_record(
        actor=actor,
        action=(
            AuditAction.PASSWORD_RESET_BY_ADMIN
            if purpose == SignInLink.Purpose.RESET
            else AuditAction.SIGNIN_LINK_ISSUED
        ),
        obj=user,
        detail={"link": link.pk, "holder": holder.pk, "purpose": purpose},
    )
    return link


def signin_links_held_by(user: User) -> QuerySet[SignInLink]:
    return SignInLink.objects.filter(
        holder=user, used_at__isnull=True, revoked=False, expires_at__gt=timezone.now()
    ).select_related("user", "user__agency")


@transaction.atomic
def signin_link_reveal(*, actor: User, link_id: int) -> tuple[SignInLink, str]:
    """The holder opens the sealed link, once; the sealed copy is erased."""
    link = signin_links_held_by(actor).select_for_update(of=("self",)).filter(pk=link_id).first()
    if link is None or not link.sealed_token:
        raise DomainError(
            AccountError.LINK_INVALID,
            gettext("This link has already been opened, used or withdrawn."),
            status=404,
        )
    token = decrypt(keyring(), link.sealed_token, context=f"core.signin_link.{actor.pk}")
    link.sealed_token = ""
    link.revealed_at = timezone.now()
    link.save(update_fields=["sealed_token", "revealed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.SIGNIN_LINK_REVEALED,
        obj=link.user,
        detail={"link": link.pk},
    )
    return link, token


def signin_link_lookup(token: str) -> SignInLink | None:
    """The usable link with this token, or None (unknown, used, withdrawn, expired)."""
    return (
        SignInLink.objects.filter(
            token_digest=_token_digest(token),
            used_at__isnull=True,
            revoked=False,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )


@transaction.atomic
def signin_link_use(*, token: str, new_password: str) -> User:
    """The user sets their own password with the link (once)."""
    link = signin_link_lookup(token)
    if link is None:
        raise DomainError(
            AccountError.LINK_INVALID,
            gettext("This link has already been used, has expired or was withdrawn."),
            status=404,
        )
    link = SignInLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if link.used_at is not None:
        raise DomainError(AccountError.LINK_INVALID, status=404)
    user = link.user
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    link.used_at = timezone.now()
    link.sealed_token = ""
    link.save(update_fields=["used_at", "sealed_token"])
    _end_sessions_of(user)
    audit_record(
        actor=None,
        action=AuditAction.SIGNIN_LINK_USED,
        obj=user,
        detail={"link": link.pk, "purpose": link.purpose},
        actor_username=user.username,
    )
    return user


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
    require_step_up()
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    _end_sessions_of(user)
    audit_record(
        actor=actor, action=AuditAction.OTP_RESET, obj=user, detail={"devices_removed": removed}
    )
    return int(removed)
