"""Reads of the case module, scoped to the user; reads of a case are audited.

Who sees what:

* holders of ``cases.view_case`` (police) see the cases of their district, or all
  districts when their agency is municipal, with everything in them, except that
  interview summaries are for the case team only (the task force and the opening unit);
* holders of ``cases.supervise_case`` (joint-conference offices) see, in their scope,
  the cases listed for supervision: the case header and the supervision items only;
* everyone else sees nothing. An id outside the user's view is a 404.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db.models import DateTimeField, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from homeward.cases.models import (
    UNSOLVED_STATUSES,
    Case,
    CaseEvent,
    CaseParty,
    CaseSource,
    Crime,
    Interview,
    ProgressEntry,
    SupervisionListing,
    SupervisionReport,
    TaskForce,
    TaskForceMember,
)
from homeward.cases.policy import LEADER_POSTS
from homeward.core.audit import audit_read, audit_record, read_audited_or_404
from homeward.core.audit_actions import AuditAction
from homeward.core.counts import Counts
from homeward.core.figures import FigureDefinition, figure_counts
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import Division, User
from homeward.core.models.agencies import PUBLIC_SECURITY_KIND
from homeward.core.roles import P_CASE_SUPERVISE, P_CASE_VIEW
from homeward.core.scoping import scope_filter


class CaseAccess(StrEnum):
    FULL = "full"
    SUPERVISION = "supervision"
    NONE = "none"


def case_access(user: User) -> CaseAccess:
    """How much of the cases in scope ``user`` may see."""
    if user.has_perm(P_CASE_VIEW):
        return CaseAccess.FULL
    if user.has_perm(P_CASE_SUPERVISE):
        return CaseAccess.SUPERVISION
    return CaseAccess.NONE


def _last_activity() -> Subquery:
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at").values("at")[:1],
        output_field=DateTimeField(),
    )


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case ``user`` may open (see the module docstring)."""
    access = case_access(user)
    if access is CaseAccess.NONE:
        return Case.objects.none()
    cases = scope_filter(Case.objects.all(), user)
    if access is CaseAccess.SUPERVISION:
        cases = cases.filter(Exists(SupervisionListing.objects.filter(case=OuterRef("pk"))))
    return cases.select_related("division", "owning_agency", "task_force__leader")


def cases_list(user: User, *, status: str = "", priority: str = "") -> QuerySet[Case]:
    """The case list page and export: filters, crimes and last activity in a fixed
    number of queries."""
    cases = cases_visible_to(user).annotate(last_activity=_last_activity())
    if status:
        cases = cases.filter(status=status)
    if priority:
        cases = cases.filter(priority=priority)
    return cases.prefetch_related("crimes")


def cold_cases(user: User, idle_days: int = 365) -> QuerySet[Case]:
    """Unsolved cases with no timeline activity for ``idle_days``, longest idle first;
    each carries ``last_activity``."""
    cutoff = timezone.now() - timedelta(days=idle_days)
    return (
        cases_visible_to(user)
        .annotate(last_activity=_last_activity())
        .filter(status__in=UNSOLVED_STATUSES, last_activity__lt=cutoff)
        .order_by("last_activity", "pk")
    )


def case_get_for_user(user: User, case_id: int, *, purpose: str = "") -> Case:
    """One case the user may open (404 otherwise); the read is audited."""
    return read_audited_or_404(user, cases_visible_to(user), case_id, purpose=purpose)


def case_find_for_supervision(user: User, number: str) -> Case | None:
    """A joint-conference officer looks up a case in scope by its exact number, to list
    it for supervision. The search is audited."""
    if not user.has_perm(P_CASE_SUPERVISE):
        return None
    number = number.strip()[:32]
    case = (
        scope_filter(Case.objects.filter(number=number), user)
        .select_related("division", "owning_agency")
        .first()
    )
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="cases.case",
        detail={"by": "number", "found": case is not None},
    )
    return case


def supervised_cases(user: User) -> QuerySet[Case]:
    """The supervision desk: listed cases in scope, with their listings."""
    if not user.has_perm(P_CASE_SUPERVISE):
        return Case.objects.none()
    return (
        scope_filter(Case.objects.all(), user)
        .filter(Exists(SupervisionListing.objects.filter(case=OuterRef("pk"))))
        .select_related("division", "owning_agency")
        .prefetch_related("supervision_listings")
        .order_by("-created_at", "-pk")
    )


# Membership and need-to-know inside a case


def is_task_force_member(user: User, case: Case) -> bool:
    """The leader or a member of the case's task force."""
    return (
        TaskForce.objects.filter(case=case, leader=user).exists()
        or TaskForceMember.objects.filter(task_force__case=case, user=user).exists()
    )


def is_case_team(user: User, case: Case) -> bool:
    """The task force and the opening unit: the only readers of interview summaries."""
    return user.agency_id == case.owning_agency_id or is_task_force_member(user, case)


def task_force_of(case: Case) -> TaskForce:
    """The task force with its members and progress log."""
    return (
        TaskForce.objects.select_related("leader__agency", "dissolved_by")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TaskForceMember.objects.select_related("user__agency"),
            ),
            Prefetch("progress", queryset=ProgressEntry.objects.select_related("author")),
        )
        .get(case=case)
    )


def case_parties(user: User, case: Case) -> QuerySet[CaseParty]:
    """People in the case: police only, never the supervision view."""
    if case_access(user) is not CaseAccess.FULL:
        return CaseParty.objects.none()
    return case.parties.select_related("person").order_by("role", "added_at", "pk")


def case_interviews(user: User, case: Case) -> QuerySet[Interview]:
    """Interview records without their encrypted fields (who, when, where, minor)."""
    if case_access(user) is not CaseAccess.FULL:
        return Interview.objects.none()
    return (
        case.interviews.select_related("party__person", "interviewer")
        .defer("summary", "adult_present_name")
        .order_by("-conducted_at", "-pk")
    )


def interview_get_for_user(user: User, case: Case, interview_id: int) -> Interview:
    """One interview with its summary, for the case team only; audited either way."""
    try:
        interview = case.interviews.select_related("party__person", "interviewer").get(
            pk=interview_id
        )
    except Interview.DoesNotExist:
        raise Http404 from None
    if case_access(user) is not CaseAccess.FULL or not is_case_team(user, case):
        audit_record(actor=user, action=AuditAction.READ, obj=interview, outcome="denied")
        raise Http404  # as for an interview that does not exist: no existence oracle
    audit_read(actor=user, obj=interview)
    return interview


def case_supervision(case: Case) -> QuerySet[SupervisionListing]:
    return case.supervision_listings.select_related(
        "listing_agency", "listed_by", "lifted_by"
    ).prefetch_related(
        Prefetch("reports", queryset=SupervisionReport.objects.select_related("author"))
    )


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("-at", "-pk")


def last_activity_of(case: Case) -> datetime | None:
    event = case.events.order_by("-at").only("at").first()
    return event.at if event else None


# Choices for the forms


def qualified_leaders(division: Division | None) -> QuerySet[User]:
    """Heads and deputy heads of public security who may lead a task force in
    ``division`` (any district when None: the service checks the final choice)."""
    users = User.objects.filter(
        is_active=True,
        agency__kind=PUBLIC_SECURITY_KIND,
        leader_post__in=sorted(LEADER_POSTS),
    )
    if division is not None:
        users = users.filter(agency__division__isnull=True) | users.filter(
            agency__division=division
        )
    return users.select_related("agency").order_by("agency__level", "agency__code", "full_name")


def qualified_members(case: Case) -> QuerySet[User]:
    """Officers who may join the task force and are not on it yet."""
    task_force = case.task_force
    users = User.objects.filter(is_active=True, agency__kind=PUBLIC_SECURITY_KIND)
    users = users.filter(agency__division__isnull=True) | users.filter(
        agency__division_id=case.division_id
    )
    return (
        users.exclude(pk=task_force.leader_id)
        .exclude(task_force_memberships__task_force=task_force)
        .select_related("agency")
        .order_by("agency__level", "agency__code", "full_name")
    )


def cases_from_source(user: User, *, source: str, reference: int) -> QuerySet[Case]:
    """Cases the user may see that were opened from a clue, alert or DNA match."""
    return cases_visible_to(user).filter(source=source, source_reference=reference)


# The module's figures (core.figures), read by the plan's indicators and the situation
# analysis. ``updated_at`` moves with every change of a case.
FIGURES: list[FigureDefinition] = [
    FigureDefinition(
        key="cases_opened",
        label=gettext_lazy("Cases opened"),
        model="cases.Case",
        date_field="created_at",
        category_field="source",
        category_labels=dict(CaseSource.choices),
        changed_field="updated_at",
        police_only=True,
    ),
    FigureDefinition(
        key="cases_solved",
        label=gettext_lazy("Cases solved"),
        model="cases.Case",
        date_field="solved_at",
        category_field="source",
        category_labels=dict(CaseSource.choices),
        changed_field="updated_at",
        police_only=True,
    ),
    FigureDefinition(
        key="cases_by_crime",
        label=gettext_lazy("Cases opened, by crime"),
        model="cases.Case",
        date_field="created_at",
        category_field="crimes__crime",
        category_labels=dict(Crime.choices),
        changed_field="updated_at",
        multi_category=True,
        police_only=True,
    ),
]


def plan_counts(start: datetime, end: datetime) -> Counts:
    """Cases opened and cases solved in [start, end), per district."""
    return figure_counts(FIGURES[:2], start, end)


def supervision_open_count(user: User) -> int:
    """Open supervision listings (挂牌督办) of key cases in the user's area (a number)."""
    from homeward.cases.models import SupervisionListing

    return scope_filter(
        SupervisionListing.objects.filter(lifted_at__isnull=True),
        user,
        division_field="case__division",
    ).count()


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's case figures: supervision deadlines passed or this week, the
    unsolved cases of the user's task forces, cases opened since the last visit."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    items: list[WorkItem] = []
    if user.has_perm(P_CASE_VIEW) or user.has_perm(P_CASE_SUPERVISE):
        listings = scope_filter(
            SupervisionListing.objects.filter(lifted_at__isnull=True),
            user,
            division_field="case__division",
        )
        if not user.has_perm(P_CASE_SUPERVISE):
            listings = listings.filter(case__in=cases_visible_to(user))
        url = reverse(
            "cases:supervision_list" if user.has_perm(P_CASE_SUPERVISE) else "cases:case_list"
        )
        due = listings.aggregate(
            overdue=Count("pk", filter=Q(deadline__lt=today)),
            week=Count(
                "pk", filter=Q(deadline__gte=today, deadline__lte=today + timedelta(days=7))
            ),
        )
        items += [
            WorkItem(
                WorkKind.OVERDUE, _("Supervised cases past their deadline"), due["overdue"], url
            ),
            WorkItem(WorkKind.WEEK, _("Supervised cases due this week"), due["week"], url),
        ]
    if user.has_perm(P_CASE_VIEW):
        figures = cases_visible_to(user).aggregate(
            mine=Count(
                "pk",
                filter=(Q(task_force__leader=user) | Q(task_force__members__user=user))
                & Q(status__in=UNSOLVED_STATUSES),
                distinct=True,
            ),
            new=Count(
                "pk", filter=Q(created_at__gte=since) if since else Q(pk__in=[]), distinct=True
            ),
        )
        items.append(
            WorkItem(
                WorkKind.WAITING,
                _("Unsolved cases of your task forces"),
                figures["mine"],
                reverse("cases:case_list"),
            )
        )
        if since is not None:
            items.append(
                WorkItem(
                    WorkKind.NEW,
                    _("Newly opened cases"),
                    figures["new"],
                    reverse("cases:case_list"),
                )
            )
    return items


def source_code(case: Case) -> str:
    """How people name the record a case came from: a clue's or mandatory report's
    tracking code, an alert's child name and date; "" for other sources (they show the
    record number)."""
    from homeward.cases.models import CaseSource

    reference = case.source_reference
    if reference is None:
        return ""
    if case.source == CaseSource.CLUE:
        from homeward.tips.selectors import tracking_code_of

        return tracking_code_of(tip_id=reference)
    if case.source == CaseSource.MANDATORY_REPORT:
        from homeward.tips.selectors import tracking_code_of

        return tracking_code_of(mandatory_id=reference) or tracking_code_of(tip_id=reference)
    return ""
