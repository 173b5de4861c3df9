"""Roles, their permissions, and the rules that bind them (三权分立, two-factor)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INVESTIGATOR = "investigator", _("侦查员")
    ALERT_COMMANDER = "alert_commander", _("警情指挥员")
    DNA_ANALYST = "dna_analyst", _("DNA检验员")
    CIVIL_AFFAIRS_CASEWORKER = "civil_affairs_caseworker", _("民政个案工作者")
    EDUCATION_OFFICER = "education_officer", _("教育工作人员")
    HEALTH_OFFICER = "health_officer", _("卫生健康工作人员")
    LEGAL_AID_OFFICER = "legal_aid_officer", _("法律援助工作人员")
    WOMENS_FEDERATION_OFFICER = "womens_federation_officer", _("妇联工作人员")
    JOINT_CONFERENCE_OFFICER = "joint_conference_officer", _("联席会议办公室工作人员")
    DISTRICT_COORDINATOR = "district_coordinator", _("区县协调员")
    ANALYST = "analyst", _("分析员")
    AUDITOR = "auditor", _("审计管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


# 三权分立: no user holds two of these (enforced by a partial unique index too).
ADMIN_ROLES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})

# Roles whose holders must pass a TOTP second factor (SECURITY.md AUTH-05).
TWO_FACTOR_ROLES: frozenset[str] = ADMIN_ROLES | {Role.DNA_ANALYST}

# Roles held only by public-security agencies (the rules: only police collect DNA,
# only police publish alerts).
POLICE_ONLY_ROLES: frozenset[str] = frozenset(
    {Role.INVESTIGATOR, Role.ALERT_COMMANDER, Role.DNA_ANALYST}
)

# Permission codenames are "<app_label>.<codename>"; the models that own them
# declare them in Meta.permissions.
P_PORTAL = "core.use_portal"
P_PLACES = "core.view_places"
P_AUDIT = "core.view_audit_trail"
P_MANAGE_USERS = "core.manage_users"
P_SECURITY = "core.manage_security"
P_PERSON_VIEW = "people.view_person"
P_PERSON_ADD = "people.add_person"
P_PERSON_CHANGE = "people.change_person"
P_PERSON_FULL_IDENTITY = "people.view_person_identity"

_COMMON = (P_PORTAL, P_PLACES)
_PERSON_READ = (P_PERSON_VIEW,)
_PERSON_WRITE = (P_PERSON_VIEW, P_PERSON_ADD, P_PERSON_CHANGE, P_PERSON_FULL_IDENTITY)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.INVESTIGATOR: _COMMON + _PERSON_WRITE,
    Role.ALERT_COMMANDER: _COMMON + _PERSON_WRITE,
    Role.DNA_ANALYST: _COMMON + _PERSON_READ,
    Role.CIVIL_AFFAIRS_CASEWORKER: _COMMON + _PERSON_WRITE,
    Role.EDUCATION_OFFICER: _COMMON + _PERSON_READ,
    Role.HEALTH_OFFICER: _COMMON + _PERSON_READ,
    Role.LEGAL_AID_OFFICER: _COMMON + _PERSON_READ,
    Role.WOMENS_FEDERATION_OFFICER: _COMMON + _PERSON_READ,
    Role.JOINT_CONFERENCE_OFFICER: _COMMON,
    Role.DISTRICT_COORDINATOR: _COMMON,
    Role.ANALYST: _COMMON,
    # The three administrators see their own domain and nothing of the casework.
    Role.AUDITOR: (P_PORTAL, P_AUDIT),
    Role.SECURITY_ADMIN: (P_PORTAL, P_SECURITY),
    Role.SYSTEM_ADMIN: (P_PORTAL, P_MANAGE_USERS, P_PLACES),
}


def role_label(code: str) -> str:
    return str(Role(code).label)
