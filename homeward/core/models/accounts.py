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

    def create_user(
        self, username: str, password: str | None = None, **extra: Any
    ) -> User:
        if not username:
            raise ValueError("username is required")
        user = self.model(username=self.model.normalize_username(username), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, username: str, password: str | None = None, **extra: Any
    ) -> User:
        # Only for the sealed break-glass account; daily work never uses a superuser.
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    username_validator = UnicodeUsernameValidator()

    username = models.CharField(
        _("用户名"), max_length=150, unique=True, validators=[username_validator]
    )
    full_name = models.CharField(_("姓名"), max_length=64)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", verbose_name=_("所属单位")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("账号到期时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示账号"), default=False)
    groups = models.ManyToManyField(
        Group,
        through="RoleAssignment",
        through_fields=("user", "group"),
        blank=True,
        related_name="user_set",
        related_query_name="user",
        verbose_name=_("角色"),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name", "agency"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [
            ("use_portal", _("使用工作平台")),
            ("manage_users", _("管理用户账号")),
            ("manage_security", _("管理安全设置")),
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
    role = models.CharField(_("角色"), max_length=40, choices=Role.choices)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("授权人"),
    )
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
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
