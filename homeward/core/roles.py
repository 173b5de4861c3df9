"""Roles, their permissions, and the rules that bind them (三权分立, two-factor)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INVESTIGATOR = "investigator", _("Investigator")
    ALERT_COMMANDER = "alert_commander", _("Alert commander")
    DNA_ANALYST = "dna_analyst", _("DNA analyst")
    CIVIL_AFFAIRS_CASEWORKER = "civil_affairs_caseworker", _("Civil affairs caseworker")
    PREVENTION_WORKER = "prevention_worker", _("Community child and women's worker")
    SERVICE_OFFICER = "service_officer", _("Victim services officer")
    EDUCATION_OFFICER = "education_officer", _("Education officer")
    HEALTH_OFFICER = "health_officer", _("Health officer")
    LEGAL_AID_OFFICER = "legal_aid_officer", _("Legal aid officer")
    WOMENS_FEDERATION_OFFICER = "womens_federation_officer", _("Women's Federation officer")
    JOINT_CONFERENCE_OFFICER = "joint_conference_officer", _("Joint conference office officer")
    DISTRICT_COORDINATOR = "district_coordinator", _("District coordinator")
    ANALYST = "analyst", _("Analyst")
    # 强制报告 from staff outside the member units' casework: marriage registrars, hotel,
    # passenger-transport and station staff (二、(二)2–4, 五、(二)3).
    MANDATORY_REPORTER = "mandatory_reporter", _("Mandatory reporter")
    # 网信办: screens posts and runs 净网 operations with the police (二、(三)2, 三、(四)).
    CYBERSPACE_OFFICER = "cyberspace_officer", _("Cyberspace affairs officer")
    AUDITOR = "auditor", _("Audit administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# 三权分立: no user holds two of these (enforced by a partial unique index too).
ADMIN_ROLES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})

# Roles whose holders must pass a TOTP second factor (SECURITY.md AUTH-05: all staff).
# Every role reads personal data or administers those who do, so every role is here;
# a user with an enrolled authenticator passes it whatever their roles
# (core.middleware.needs_second_factor).
TWO_FACTOR_ROLES: frozenset[str] = frozenset(Role.values)

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
# Exporting lists of personal records is its own permission (DP-05).
P_EXPORT = "core.export_records"
# Reference data a district needs before any casework: institutions, schools, work areas,
# agencies, leader posts, partner platforms and policy settings (the system administrator).
P_REFERENCE = "core.manage_reference_data"
P_PERSON_VIEW = "people.view_person"
P_PERSON_ADD = "people.add_person"
P_PERSON_CHANGE = "people.change_person"
P_PERSON_FULL_IDENTITY = "people.view_person_identity"

P_DNA_VIEW = "dna.view_specimen"
P_DNA_ADD = "dna.add_specimen"
P_DNA_SEARCH = "dna.search_kinship"
P_DNA_REVIEW = "dna.review_match"

P_TIP_TRIAGE = "tips.triage_tip"
P_TIP_MANDATORY = "tips.add_mandatoryreport"
P_TIP_REWARD_APPROVE = "tips.approve_reward"
P_CASE_VIEW = "cases.view_case"
P_CASE_MANAGE = "cases.change_case"
P_CASE_SUPERVISE = "cases.supervise_case"

P_PLAN_VIEW = "coordination.view_plan"
P_PLAN_WRITE = "coordination.write_unit_plan"
P_PLAN_OVERSEE = "coordination.oversee_plan"

P_LEDGER_VIEW = "prevention.view_ledgerentry"
P_LEDGER_WRITE = "prevention.add_ledgerentry"
P_PREVENTION_OVERVIEW = "prevention.view_prevention_overview"
P_DROPOUT_VIEW = "prevention.view_dropoutfile"
P_DROPOUT_WRITE = "prevention.add_dropoutfile"
P_FOUND_VIEW = "prevention.view_foundchild"
P_FOUND_WRITE = "prevention.add_foundchild"
P_REGCHECK_VIEW = "prevention.view_registrationcheck"
P_REGCHECK_ADD = "prevention.add_registrationcheck"
P_REGCHECK_DECIDE = "prevention.decide_registrationcheck"
P_OFFENDER_VIEW = "prevention.view_offenderfollowup"
P_OFFENDER_WRITE = "prevention.add_offenderfollowup"

P_VICTIM_VIEW = "victims.view_victim"
P_VICTIM_MANAGE = "victims.manage_victim"
P_VICTIM_SERVICE = "victims.deliver_service"
P_LEGAL_AID = "victims.handle_legal_aid"

# Finding relatives (寻亲): registering searches and found persons; the police verify and
# work on the ranked candidates; whoever registered a search sees its state.
P_REUNION_VIEW = "reunion.view_searchregistration"
P_REUNION_REGISTER = "reunion.add_searchregistration"
P_REUNION_FOUND_ADD = "reunion.add_foundperson"
P_REUNION_MATCH = "reunion.match_search"

P_ALERT_VIEW = "alerts.view_alert"
P_ALERT_DRAFT = "alerts.add_alert"
P_ALERT_PUBLISH = "alerts.publish_alert"
P_ALERT_OPS = "alerts.view_alert_operations"
P_ALERT_PARTNERS = "alerts.manage_partner"

# Online screening (网络巡查): 市公安局 with 市委网信办 run 净网 operations and review posts.
P_SCREEN_OPERATE = "screening.run_operation"
P_SCREEN_REVIEW = "screening.review_post"
_SCREENING = (P_SCREEN_OPERATE, P_SCREEN_REVIEW)

# Situation analysis and early warning (issue 16): figures only, scoped by district.
P_SITUATION_VIEW = "analysis.view_situation"

_COMMON = (P_PORTAL, P_PLACES, P_PLAN_VIEW, P_PLAN_WRITE)
_POLICE_CASEWORK = (P_TIP_TRIAGE, P_TIP_REWARD_APPROVE, P_CASE_VIEW, P_CASE_MANAGE)
_ALERT_WORK = (P_ALERT_VIEW, P_ALERT_DRAFT, P_ALERT_OPS)
# Ledger keepers (village committees, civil affairs, the women's federation) are bound by
# 强制报告: a concern from a visit goes to the police as a mandatory report.
_LEDGER = (P_LEDGER_VIEW, P_LEDGER_WRITE, P_PREVENTION_OVERVIEW, P_TIP_MANDATORY)
_FOUND = (P_FOUND_VIEW, P_FOUND_WRITE)
_DROPOUT = (P_DROPOUT_VIEW, P_DROPOUT_WRITE)
_OFFENDER = (P_OFFENDER_VIEW, P_OFFENDER_WRITE)
_POLICE_PREVENTION = _FOUND + _OFFENDER + (P_REGCHECK_VIEW, P_REGCHECK_ADD, P_REGCHECK_DECIDE)
_VICTIMS = (P_VICTIM_VIEW, P_VICTIM_MANAGE, P_VICTIM_SERVICE)
_SERVICES = (P_VICTIM_VIEW, P_VICTIM_SERVICE)
_DNA = (P_DNA_VIEW, P_DNA_ADD, P_DNA_SEARCH, P_DNA_REVIEW)
_REUNION_REGISTER = (P_REUNION_VIEW, P_REUNION_REGISTER, P_REUNION_FOUND_ADD)
_REUNION_POLICE = _REUNION_REGISTER + (P_REUNION_MATCH,)
_PERSON_READ = (P_PERSON_VIEW,)
_PERSON_WRITE = (P_PERSON_VIEW, P_PERSON_ADD, P_PERSON_CHANGE, P_PERSON_FULL_IDENTITY)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.INVESTIGATOR: _COMMON
    + (P_EXPORT,)
    + _PERSON_WRITE
    + _POLICE_CASEWORK
    + _ALERT_WORK
    + _POLICE_PREVENTION
    + _VICTIMS
    + _REUNION_POLICE
    + _SCREENING,
    Role.ALERT_COMMANDER: _COMMON
    + (P_EXPORT,)
    + _PERSON_WRITE
    + _POLICE_CASEWORK
    + _ALERT_WORK
    + _POLICE_PREVENTION
    + _VICTIMS
    + _REUNION_POLICE
    + _SCREENING
    + (P_ALERT_PUBLISH, P_ALERT_PARTNERS, P_SITUATION_VIEW),
    Role.DNA_ANALYST: _COMMON + _PERSON_READ + _DNA,
    Role.CIVIL_AFFAIRS_CASEWORKER: _COMMON
    + (P_EXPORT,)
    + _PERSON_WRITE
    + _LEDGER
    + _FOUND
    + _VICTIMS
    + _REUNION_REGISTER
    + (P_REGCHECK_VIEW, P_REGCHECK_ADD),
    # 儿童主任, 儿童督导员, village women's directors: their township's ledger, visits,
    # dropouts they follow, children they find; they register the people they follow.
    Role.PREVENTION_WORKER: _COMMON
    + (P_EXPORT,)
    + (P_PERSON_VIEW, P_PERSON_ADD)
    + _LEDGER
    + _DROPOUT
    + _FOUND,
    Role.EDUCATION_OFFICER: _COMMON
    + (P_PERSON_VIEW, P_PERSON_ADD, P_TIP_MANDATORY)
    + _DROPOUT
    + _SERVICES,
    Role.HEALTH_OFFICER: _COMMON + _PERSON_READ + (P_TIP_MANDATORY,) + _SERVICES,
    # Human resources, the youth league, the disabled persons' federation: the services
    # referred to their unit.
    Role.SERVICE_OFFICER: _COMMON + _SERVICES,
    Role.LEGAL_AID_OFFICER: _COMMON + _PERSON_READ + _OFFENDER + _SERVICES + (P_LEGAL_AID,),
    Role.WOMENS_FEDERATION_OFFICER: _COMMON + (P_PERSON_VIEW, P_PERSON_ADD) + _LEDGER + _SERVICES,
    Role.JOINT_CONFERENCE_OFFICER: _COMMON
    + (
        P_CASE_SUPERVISE,
        P_TIP_REWARD_APPROVE,
        P_PREVENTION_OVERVIEW,
        P_PLAN_OVERSEE,
        P_SITUATION_VIEW,
    ),
    Role.DISTRICT_COORDINATOR: _COMMON + (P_PREVENTION_OVERVIEW, P_PLAN_OVERSEE, P_SITUATION_VIEW),
    Role.ANALYST: _COMMON + (P_PREVENTION_OVERVIEW, P_SITUATION_VIEW),
    # Files mandatory reports and sees their outcome; nothing else (no plan, no registry).
    Role.MANDATORY_REPORTER: (P_PORTAL, P_TIP_MANDATORY),
    Role.CYBERSPACE_OFFICER: _COMMON + _SCREENING,
    # The three administrators see their own domain and nothing of the casework.
    Role.AUDITOR: (P_PORTAL, P_AUDIT),
    Role.SECURITY_ADMIN: (P_PORTAL, P_SECURITY),
    Role.SYSTEM_ADMIN: (P_PORTAL, P_MANAGE_USERS, P_PLACES, P_REFERENCE),
}


def role_label(code: str) -> str:
    return str(Role(code).label)
