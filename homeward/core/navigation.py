"""The navigation shell: modules register entries, each shown to users holding its
permission. Later modules (alerts, clues, cases, DNA …) add their own entries."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    P_LEGAL_AID,
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
    P_REUNION_MATCH,
    P_REUNION_VIEW,
    P_SCREEN_REVIEW,
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
    # Entries every portal user has (the plan, the districts) come after the user's own
    # modules, so that on a phone the user's own work is in the first line of the menu.
    general: bool = False
    # A dotted path to ``(user) -> bool`` narrowing the entry further than its permission.
    when: str = ""


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    active: bool


_MANAGES_VICTIMS = "homeward.victims.selectors.manages_victims"

_REGISTRY: list[NavEntry] = [
    NavEntry("core:home", pgettext_lazy("staff portal", "Home"), P_PORTAL),
    NavEntry("core:division_list", _("Districts and agencies"), P_PLACES, general=True),
    NavEntry("coordination:matrix", _("The plan"), P_PLAN_VIEW, general=True),
    NavEntry(
        "coordination:my_plan",
        _("Our plan and report"),
        P_PLAN_WRITE,
        general=True,
        when="homeward.coordination.selectors.files_reports_for_menu",
    ),
    NavEntry("coordination:dashboard", _("Plan dashboard"), P_PLAN_OVERSEE),
    NavEntry("tips:queue", _("Clues"), P_TIP_TRIAGE),
    NavEntry("cases:case_list", _("Cases"), P_CASE_VIEW),
    NavEntry("cases:supervision_list", _("Supervision"), P_CASE_SUPERVISE),
    NavEntry("alerts:list", _("Alerts"), P_ALERT_VIEW),
    NavEntry("victims:legal_aid", _("Legal-aid green channel"), P_LEGAL_AID),
    NavEntry("victims:queue", _("Victims"), P_VICTIM_VIEW, when=_MANAGES_VICTIMS),
    # Departments that only deliver services see the services referred to them.
    NavEntry(
        "victims:queue",
        _("Referred services"),
        P_VICTIM_VIEW,
        when="homeward.victims.selectors.serves_victims_only",
    ),
    NavEntry("prevention:worklist", _("Prevention"), P_LEDGER_VIEW),
    NavEntry("prevention:dropouts", _("Dropouts"), P_DROPOUT_VIEW),
    NavEntry("prevention:overview", _("Prevention overview"), P_PREVENTION_OVERVIEW),
    NavEntry("prevention:found_children", _("Found children"), P_FOUND_VIEW),
    NavEntry("prevention:registration_checks", _("Registration checks"), P_REGCHECK_VIEW),
    NavEntry("prevention:offenders", _("Released offenders"), P_OFFENDER_VIEW),
    NavEntry("reunion:search_list", _("Finding relatives"), P_REUNION_VIEW),
    NavEntry("reunion:found_list", _("Found persons"), P_REUNION_MATCH),
    NavEntry("screening:queue", _("Online screening"), P_SCREEN_REVIEW),
    NavEntry("tips:mandatory_list", _("Mandatory reports"), P_TIP_MANDATORY),
    NavEntry("people:person_list", _("Person registry"), P_PERSON_VIEW),
    NavEntry("dna:specimen_list", _("DNA"), P_DNA_VIEW),
    NavEntry("core:user_list", _("User management"), P_MANAGE_USERS),
    NavEntry("core:reference_home", _("Reference data"), P_REFERENCE),
    NavEntry("core:audit_list", _("Audit trail"), P_AUDIT),
    NavEntry("core:security_home", _("Security"), P_SECURITY),
    # Heads of units hand over sign-in links and approve large exports.
    NavEntry(
        "core:handover_list",
        _("Sign-in links to hand over"),
        P_PORTAL,
        general=True,
        when="homeward.core.export_control.is_unit_head",
    ),
    NavEntry(
        "core:export_approvals",
        _("Export approvals"),
        P_PORTAL,
        general=True,
        when="homeward.core.export_control.is_unit_head",
    ),
]


def register(entry: NavEntry) -> None:
    if all(
        (existing.url_name, existing.when) != (entry.url_name, entry.when) for existing in _REGISTRY
    ):
        _REGISTRY.append(entry)


def navigation_for(user: User, path: str) -> list[NavItem]:
    """The user's menu: home, the user's own modules, then the general entries."""
    items = []
    entries = sorted(_REGISTRY, key=lambda entry: (entry.url_name != "core:home", entry.general))
    for entry in entries:
        if not user.has_perm(entry.permission):
            continue
        if entry.when and not import_string(entry.when)(user):
            continue
        url = reverse(entry.url_name)
        items.append(NavItem(url=url, label=str(entry.label), active=False))
    # The active entry is the one whose address matches the page the most closely.
    matches = [
        item.url
        for item in items
        if path == item.url or (item.url != "/" and path.startswith(item.url))
    ]
    best = max(matches, key=len, default="")
    return [NavItem(url=i.url, label=i.label, active=i.url == best) for i in items]
