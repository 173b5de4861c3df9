"""Reads of the plan: measures, the responsibility matrix and each unit's duties (public
policy, visible to every portal user with the plan permission), and the plan at work —
reports, progress, listings, funding, evaluations and the dashboard — each scoped to the
user through ``core.scoping``: a unit sees its own, a district office its district, the
municipal office every district."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from homeward.coordination.models import (
    AnnualReport,
    BudgetLine,
    Donation,
    Duty,
    Evaluation,
    Measure,
    Meeting,
    PlanTask,
    RegionListing,
    Scorecard,
    TaskProgress,
    UnitPlan,
)
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import Agency, User
from homeward.core.models.agencies import DISTRICT_GOVERNMENT_KIND, JOINT_CONFERENCE_OFFICE_KIND
from homeward.core.roles import P_PLAN_OVERSEE, P_PLAN_VIEW
from homeward.core.scoping import scope_filter, scope_of

CHAPTERS = ("二", "三", "四", "五", "六", "七")


@dataclass(frozen=True)
class MatrixRow:
    measure: Measure
    cells: list[str]  # "lead", "cooperate" or "" per column


def matrix_columns(*, division_code: str = "") -> list[Agency]:
    """The units as columns: municipal units, or one district's counterparts."""
    if division_code:
        return list(
            Agency.objects.filter(division__code=division_code, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__pk")
        )
    return list(Agency.objects.filter(division__isnull=True).order_by("pk"))


def measures_filtered(*, chapter: str = "", agency: Agency | None = None) -> QuerySet[Measure]:
    measures = Measure.objects.all()
    if chapter:
        measures = measures.filter(chapter=chapter)
    if agency is not None:
        municipal = agency.parent if agency.parent_id else agency
        measures = measures.filter(duties__agency=municipal)
    return measures.prefetch_related(
        Prefetch("duties", queryset=Duty.objects.select_related("agency"))
    ).distinct()


def responsibility_matrix(
    *, chapter: str = "", division_code: str = "", agency: Agency | None = None
) -> tuple[list[Agency], list[MatrixRow]]:
    """Rows are measures, columns units; a district's counterparts carry the duties of
    their municipal unit (the rules give districts their duties through them)."""
    columns = matrix_columns(division_code=division_code)
    rows = []
    for measure in measures_filtered(chapter=chapter, agency=agency):
        roles = {duty.agency_id: duty.role for duty in measure.duties.all()}
        # A unit's own duty (chapter 七 names district offices) or its municipal unit's.
        cells = [roles.get(c.pk) or roles.get(c.parent_id or 0, "") for c in columns]
        rows.append(MatrixRow(measure, cells))
    return columns, rows


def duties_of(agency: Agency) -> QuerySet[Duty]:
    """An agency's duties: a district counterpart has its municipal unit's duties, and a
    district joint-conference office its own."""
    targets = [agency.pk]
    if agency.parent_id:
        targets.append(agency.parent_id)
    return (
        Duty.objects.filter(agency_id__in=targets)
        .select_related("measure")
        .order_by("measure__sequence")
    )


# --- The plan at work: what each user may see (DESIGN.md rule 4) -------------------------


def oversees_all(user: User) -> bool:
    """The municipal joint-conference office (and municipal plan overseers) see every
    district's plan work; a district office sees its district."""
    return user.has_perm(P_PLAN_OVERSEE) and scope_of(user).all_divisions


def reports_visible_to(user: User) -> QuerySet[AnnualReport]:
    """A unit's own reports; an office's: the reports of its area; a district
    government: its district joint conference's report (addressed to it, 七、(四))."""
    base = AnnualReport.objects.select_related("agency", "agency__division")
    if not user.has_perm(P_PLAN_VIEW):
        return base.none()
    if oversees_all(user):
        return base
    visible = Q(agency_id=user.agency_id)
    if user.has_perm(P_PLAN_OVERSEE):
        visible |= Q(
            pk__in=scope_filter(AnnualReport.objects.all(), user, division_field="agency__division")
        )
    if user.agency.kind == DISTRICT_GOVERNMENT_KIND:
        visible |= Q(level=AnnualReport.Level.DISTRICT, agency__division_id=user.agency.division_id)
    return base.filter(visible)


def report_get(user: User, pk: int) -> AnnualReport:
    """One report, or 404 for a report out of the user's view (never 403: no oracle)."""
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def reports_addressed_to(user: User, year: int) -> QuerySet[AnnualReport]:
    """The filed reports a user's unit receives: an office its area's units' reports, a
    district government its district joint conference's."""
    filed = [AnnualReport.Status.SUBMITTED, AnnualReport.Status.ACCEPTED]
    reports = (
        reports_visible_to(user)
        .filter(year=year, status__in=filed)
        .exclude(agency_id=user.agency_id)
    )
    return reports.order_by("level", "agency__code")


def plan_of(user: User, year: int) -> UnitPlan | None:
    return UnitPlan.objects.filter(agency_id=user.agency_id, year=year).first()


def measures_for(user: User) -> QuerySet[Measure]:
    """The measures a unit's tasks may hang under: those its kind leads or cooperates on."""
    return Measure.objects.filter(
        Q(duties__agency__kind=user.agency.kind) | Q(all_member_units_cooperate=True)
    ).distinct()


def progress_visible_to(user: User) -> QuerySet[TaskProgress]:
    """Progress entries: the unit's own, and its area's for the offices."""
    base = TaskProgress.objects.select_related("task__plan__agency")
    if oversees_all(user):
        return base
    visible = Q(task__plan__agency_id=user.agency_id)
    if user.has_perm(P_PLAN_OVERSEE):
        visible |= Q(
            pk__in=scope_filter(
                TaskProgress.objects.all(), user, division_field="task__plan__agency__division"
            )
        )
    return base.filter(visible)


def region_listings_visible_to(user: User) -> QuerySet[RegionListing]:
    return scope_filter(
        RegionListing.objects.select_related("division").prefetch_related("progress"), user
    )


def budget_lines_visible_to(user: User, year: int) -> QuerySet[BudgetLine]:
    """Budget lines: the municipal level's line has no district and is the municipal
    office's; a district office sees its own district's."""
    return scope_filter(BudgetLine.objects.filter(year=year).select_related("division"), user)


def donations_visible_to(user: User, year: int) -> QuerySet[Donation]:
    return scope_filter(
        Donation.objects.filter(received_on__year=year).select_related("division"), user
    )


def meetings_of(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(agency_id=user.agency_id).order_by("-held_on")


def evaluations_visible_to(user: User) -> QuerySet[Evaluation]:
    """The municipal office sees every evaluation; the others the published ones."""
    if oversees_all(user):
        return Evaluation.objects.all()
    return Evaluation.objects.filter(published_at__isnull=False)


def scorecards_published_for(user: User) -> QuerySet[Scorecard]:
    return Scorecard.objects.filter(
        agency_id=user.agency_id, evaluation__published_at__isnull=False
    ).select_related("evaluation")


@dataclass(frozen=True)
class Dashboard:
    """The office's view of a year, for its area only."""

    by_status: list[tuple[str, int]]
    overdue: list[AnnualReport]
    no_meeting: list[Agency]
    completion: list[dict[str, Any]]
    by_measure: list[dict[str, Any]]
    supervision_open: int
    regions_open: int
    evaluations_due: list[Evaluation]


def dashboard(user: User, year: int) -> Dashboard:
    from homeward.cases.selectors import supervision_open_count

    reports = scope_filter(
        AnnualReport.objects.filter(year=year).select_related("agency", "agency__division"),
        user,
        division_field="agency__division",
    )
    by_status = [
        (str(AnnualReport.Status(row["status"]).label), row["n"])
        for row in reports.values("status").annotate(n=Count("pk")).order_by("status")
    ]
    overdue = list(
        reports.filter(overdue=True).exclude(
            status__in=[AnnualReport.Status.SUBMITTED, AnnualReport.Status.ACCEPTED]
        )
    )
    met = Meeting.objects.filter(held_on__year=year).values("agency_id")
    offices = Agency.objects.filter(
        kind=JOINT_CONFERENCE_OFFICE_KIND, division__isnull=False
    ).exclude(pk__in=met)
    no_meeting = list(
        scope_filter(offices.select_related("division"), user).order_by("division__code")
    )
    tasks = scope_filter(
        PlanTask.objects.filter(plan__year=year), user, division_field="plan__agency__division"
    )
    completion = list(
        tasks.values("plan__agency__name_zh")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
        .order_by("plan__agency__name_zh")
    )
    by_measure = list(
        tasks.values("measure__number")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
        .order_by("measure__sequence")
    )
    due = (
        list(
            Evaluation.objects.filter(
                published_at__isnull=True, prompted_at__isnull=False
            ).order_by("due_on", "kind")
        )
        if oversees_all(user)
        else []
    )
    return Dashboard(
        by_status=by_status,
        overdue=overdue,
        no_meeting=no_meeting,
        completion=completion,
        by_measure=by_measure,
        supervision_open=supervision_open_count(user),
        regions_open=region_listings_visible_to(user).filter(lifted_at__isnull=True).count(),
        evaluations_due=due,
    )


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The home page's plan figures: the unit's annual report when due, late or
    returned; for an office, the reports of its units waiting for review and those late."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from homeward.core.roles import P_PLAN_WRITE

    if not user.has_perm(P_PLAN_VIEW):
        return []
    items: list[WorkItem] = []
    if user.has_perm(P_PLAN_WRITE) and files_reports(user):
        own = AnnualReport.objects.filter(
            agency_id=user.agency_id,
            status__in=[AnnualReport.Status.DUE, AnnualReport.Status.RETURNED],
        ).aggregate(
            late=Count("pk", filter=Q(due_on__lt=today)),
            week=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=7))),
        )
        url = reverse("coordination:my_plan")
        items += [
            WorkItem(WorkKind.OVERDUE, _("Your unit's annual report is late"), own["late"], url),
            WorkItem(
                WorkKind.WEEK, _("Your unit's annual report is due this week"), own["week"], url
            ),
        ]
    if user.has_perm(P_PLAN_OVERSEE):
        theirs = reports_visible_to(user).exclude(agency_id=user.agency_id)
        url = reverse("coordination:report_status")
        items += [
            WorkItem(
                WorkKind.OVERDUE,
                _("Units' annual reports not filed by their due date"),
                theirs.filter(
                    status__in=[AnnualReport.Status.DUE, AnnualReport.Status.RETURNED],
                    due_on__lt=today,
                ).count(),
                url,
            ),
            WorkItem(
                WorkKind.WAITING,
                _("Annual reports waiting for your review"),
                theirs.filter(status=AnnualReport.Status.SUBMITTED).count(),
                url,
            ),
        ]
    return items


def files_reports(user: User) -> bool:
    """Whether ``user`` is one of the unit's plan owners, who write its plan and progress
    and file its annual report: unit staff holding the plan permission, not front-line
    staff bound to a township or a school (a village worker or a teacher works for
    the county bureau's plan but does not file it)."""
    from homeward.core.roles import P_PLAN_WRITE
    from homeward.prevention.selectors import requires_work_area, work_area

    if not user.has_perm(P_PLAN_WRITE):
        return False
    cached: bool | None = getattr(user, "_homeward_files_reports", None)
    if cached is None:  # asked by the menu and the page in one request: one query
        cached = work_area(user) is None and not requires_work_area(user)
        user._homeward_files_reports = cached  # type: ignore[attr-defined]
    return cached


REPORT_FILTERS = ("all", "filed", "late", "due")


def reports_of_units(user: User, year: int, show: str = "all") -> QuerySet[AnnualReport]:
    """The office's list of its units' annual reports of ``year`` (due 15 December for
    member units, 30 December for district joint conferences): ``filed`` (submitted or
    accepted), ``late`` (not filed by the due date, or filed after it), ``due`` (not
    filed yet)."""
    from django.db.models import F

    reports = (
        reports_visible_to(user)
        .filter(year=year)
        .exclude(agency_id=user.agency_id)
        .select_related("submitted_by")
    )
    filed = [AnnualReport.Status.SUBMITTED, AnnualReport.Status.ACCEPTED]
    if show == "filed":
        reports = reports.filter(status__in=filed)
    elif show == "late":
        reports = reports.filter(
            Q(overdue=True)
            | Q(
                status__in=[AnnualReport.Status.DUE, AnnualReport.Status.RETURNED],
                due_on__lt=_today(),
            )
            | Q(submitted_at__date__gt=F("due_on"))
        )
    elif show == "due":
        reports = reports.exclude(status__in=filed)
    return reports.order_by("level", "due_on", "agency__division__code", "agency__code")


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def files_reports_for_menu(user: User) -> bool:
    """:func:`files_reports` for the menu of every page, from the cache for five minutes
    (no query per page; the pages and services themselves always ask the database)."""
    from django.core.cache import cache

    key = f"homeward:files-reports:{user.pk}:{user.date_joined.timestamp()}"
    cached = cache.get(key)
    if cached is None:
        cached = files_reports(user)
        cache.set(key, cached, 300)
    return bool(cached)
