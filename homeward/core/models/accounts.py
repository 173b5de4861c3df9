"""Users (each in one agency) and their role assignments."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.models.agencies import Agency
from homeward.core.roles import ADMIN_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        if not username:
            raise ValueError("username is required")
        user = self.model(username=self.model.normalize_username(username), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        # Only for the sealed break-glass account; daily work never uses a superuser.
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    username_validator = UnicodeUsernameValidator()

    username = models.CharField(
        _("Username"), max_length=150, unique=True, validators=[username_validator]
    )
    full_name = models.CharField(_("Full name"), max_length=64)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", verbose_name=_("Agency")
    )
    is_active = models.BooleanField(_("Active"), default=True)
    is_staff = models.BooleanField(_("Can access the admin site"), default=False)
    date_joined = models.DateTimeField(_("Created at"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("Password changed at"), default=timezone.now)
    expires_at = models.DateTimeField(_("Account expires at"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demo account"), default=False)
    leader_post = models.CharField(
        _("Leadership post"),
        max_length=12,
        blank=True,
        choices=[
            ("deputy_head", _("Deputy head of the agency")),
            ("head", _("Head of the agency")),
        ],
        help_text=_(
            "Heads and deputy heads of county-level-or-above public security lead task forces (一长三包)."
        ),
    )
    groups = models.ManyToManyField(  # type: ignore[assignment,var-annotated]
        Group,
        through="RoleAssignment",
        through_fields=("user", "group"),
        blank=True,
        related_name="user_set",
        related_query_name="user",
        verbose_name=_("Roles"),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name", "agency"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("User")
        verbose_name_plural = _("Users")
        permissions = [
            ("use_portal", _("Use the work portal")),
            ("manage_users", _("Manage user accounts")),
            ("manage_security", _("Manage security settings")),
            ("export_records", _("Export lists of personal records")),
            (
                "manage_reference_data",
                _("Manage reference data (institutions, schools, work areas, agencies)"),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    @property
    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._role_codes = cached
        return cached


class RoleAssignment(models.Model):
    """A role held by a user. The through table of ``User.groups``.

    The database enforces 三权分立 (a partial unique index: at most one of the
    three administrator roles per user) and that nobody grants themselves a role.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("Role"), max_length=40, choices=Role.choices)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Granted by"),
    )
    granted_at = models.DateTimeField(_("Granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("Role assignment")
        verbose_name_plural = _("Role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="core_role_once_per_user"),
            models.UniqueConstraint(fields=["user", "role"], name="core_role_code_once_per_user"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role__in=sorted(ADMIN_ROLES)),
                name="core_one_admin_role_per_user",
            ),
            models.CheckConstraint(
                condition=~models.Q(granted_by=models.F("user")),
                name="core_no_self_granted_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class RoleRequest(models.Model):
    """Roles the system administrator asks for on an account. They take effect only
    when a security administrator approves (三权分立: whoever creates accounts does
    not also decide what they may read)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_requests")
    roles = models.JSONField(_("Roles"), default=list)
    requested_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("person", "Requested by"),
    )
    requested_at = models.DateTimeField(_("Requested at"), default=timezone.now)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("Role request")
        verbose_name_plural = _("Role requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="core_one_pending_role_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="core_role_request_not_self_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.status}"


class SignInLink(models.Model):
    """A one-time link with which a user sets their own password (first sign-in or a
    reset). The administrator who issues it never sees it: it is sealed for the head
    of the user's unit, who opens it once and hands it over in person."""

    class Purpose(models.TextChoices):
        FIRST = "first", _("First sign-in")
        RESET = "reset", _("Password reset")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signin_links")
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    token_digest = models.CharField(max_length=64, unique=True)
    # The token encrypted for the holder, erased once the holder has opened it.
    sealed_token = models.TextField(blank=True)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="held_signin_links", verbose_name=_("Holder")
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("Expires at"))
    revealed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("Sign-in link")
        verbose_name_plural = _("Sign-in links")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(holder=models.F("user"))
                & ~models.Q(holder=models.F("issued_by")),
                name="core_signin_link_held_by_a_third_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.purpose}"


class BreakGlass(models.Model):
    """An emergency read of one record outside the user's scope (AC-06): a typed
    reason, a time limit, the security administrator alerted at once, and a review."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="break_glass", verbose_name=_("User")
    )
    object_type = models.CharField(_("Kind of record"), max_length=64)
    object_id = models.CharField(_("Record"), max_length=64)
    reason = models.TextField(_("Reason"))
    opened_at = models.DateTimeField(_("Opened at"), default=timezone.now)
    expires_at = models.DateTimeField(_("Expires at"))
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("Review"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_at", "pk"]
        verbose_name = _("Break-glass access")
        verbose_name_plural = _("Break-glass accesses")
        indexes = [models.Index(fields=["user", "object_type", "object_id", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("user")),
                name="core_break_glass_not_self_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.object_type}:{self.object_id}"


class SecurityNotice(models.Model):
    """Something a security administrator must see at once (a break-glass read)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_notices")
    break_glass = models.ForeignKey(
        BreakGlass, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    message = models.CharField(_("Message"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("Security notice")
        verbose_name_plural = _("Security notices")

    def __str__(self) -> str:
        return self.message


class ExportApproval(models.Model):
    """A head's approval of one large export of personal data (DP-05): asked for by
    the exporter for exactly one listing (its path and filters), usable once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        USED = "used", _("Used")

    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="export_approvals"
    )
    object_type = models.CharField(_("Kind of record"), max_length=64)
    path = models.CharField(_("Listing"), max_length=500)
    rows = models.PositiveIntegerField(_("Rows"))
    reason = models.CharField(_("Reason"), max_length=300)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "pk"]
        verbose_name = _("Export approval")
        verbose_name_plural = _("Export approvals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="core_export_not_self_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_by_id}:{self.object_type}:{self.status}"
