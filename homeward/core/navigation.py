"""The navigation shell: modules register entries, each shown to users holding its
permission. Later modules (alerts, clues, cases, DNA …) add their own entries."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from homeward.core.models import User
from homeward.core.roles import (
    P_ALERT_VIEW,
    P_AUDIT,
    P_CASE_SUPERVISE,
    P_CASE_VIEW,
    P_DNA_VIEW,
    P_DROPOUT_VIEW,
    P_FOUND_VIEW,
    P_LEDGER_VIEW,
    P_MANAGE_USERS,
    P_OFFENDER_VIEW,
    P_PERSON_VIEW,
    P_PLACES,
    P_PLAN_OVERSEE,
    P_PLAN_VIEW,
    P_PLAN_WRITE,
    P_PORTAL,
    P_PREVENTION_OVERVIEW,
    P_REFERENCE,
    P_REGCHECK_VIEW,
    P_SECURITY,
    P_TIP_MANDATORY,
    P_TIP_TRIAGE,
    P_VICTIM_VIEW,
)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    permission: str


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool


_REGISTRY: list[NavEntry] = [
    NavEntry("core:home", _("Home"), P_PORTAL),
    NavEntry("core:division_list", _("Districts and agencies"), P_PLACES),
    NavEntry("coordination:matrix", _("The plan"), P_PLAN_VIEW),
    NavEntry("coordination:my_plan", _("Our plan and report"), P_PLAN_WRITE),
    NavEntry("coordination:dashboard", _("Plan dashboard"), P_PLAN_OVERSEE),
    NavEntry("alerts:list", _("Alerts"), P_ALERT_VIEW),
    NavEntry("victims:queue", _("Victims"), P_VICTIM_VIEW),
    NavEntry("prevention:worklist", _("Prevention"), P_LEDGER_VIEW),
    NavEntry("prevention:dropouts", _("Dropouts"), P_DROPOUT_VIEW),
    NavEntry("prevention:overview", _("Prevention overview"), P_PREVENTION_OVERVIEW),
    NavEntry("prevention:found_children", _("Found children"), P_FOUND_VIEW),
    NavEntry("prevention:registration_checks", _("Registration checks"), P_REGCHECK_VIEW),
    NavEntry("prevention:offenders", _("Released offenders"), P_OFFENDER_VIEW),
    NavEntry("tips:queue", _("Clues"), P_TIP_TRIAGE),
    NavEntry("cases:case_list", _("Cases"), P_CASE_VIEW),
    NavEntry("cases:supervision_list", _("Supervision"), P_CASE_SUPERVISE),
    NavEntry("tips:mandatory_list", _("Mandatory reports"), P_TIP_MANDATORY),
    NavEntry("people:person_list", _("Person registry"), P_PERSON_VIEW),
    NavEntry("dna:specimen_list", _("DNA"), P_DNA_VIEW),
    NavEntry("core:user_list", _("User management"), P_MANAGE_USERS),
    NavEntry("core:reference_home", _("Reference data"), P_REFERENCE),
    NavEntry("core:audit_list", _("Audit trail"), P_AUDIT),
    NavEntry("core:security_home", _("Security"), P_SECURITY),
]


def register(entry: NavEntry) -> None:
    if all(existing.url_name != entry.url_name for existing in _REGISTRY):
        _REGISTRY.append(entry)


def navigation_for(user: User, path: str) -> list[NavItem]:
    items = []
    for entry in _REGISTRY:
        if not user.has_perm(entry.permission):
            continue
        url = reverse(entry.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(url=url, label=str(entry.label), active=active))
    return items
