"""Users (each in one agency) and their role assignments."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
