"""Reads of the situation analysis, scoped like everything else: a district's users see
their district, municipal units the city. Every read is of the rollups (a few grouped
queries per page), never of the modules' rows.

Small counts: in anything exported (the yearly report) a count between 1 and 4
(``SMALL_COUNT``) prints as "<5" for anyone outside public security, so that no victim
can be recognised from a figure that leaves the platform; the police's exports keep the
exact number. The pages show exact counts to the users entitled to them (scoped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.analysis.models import CellCount, MonthlyCount, Warning, WarningNotice
from homeward.analysis.rollups import add_months
from homeward.core.figures import FigureDefinition, all_figures
from homeward.core.home import WorkItem, WorkKind
from homeward.core.models import Division, User
from homeward.core.roles import P_CASE_VIEW, P_SITUATION_VIEW
from homeward.core.scoping import scope_filter, scope_of

SMALL_COUNT = 5


def can_view_situation(user: User) -> bool:
    """The analyst, the joint-conference offices, the district coordinators, the alert
    command centres, and the heads of public-security units (their own work's figures)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(P_SITUATION_VIEW):
        return True
    return bool(user.agency.is_public_security and user.leader_post and user.has_perm(P_CASE_VIEW))


def sees_exact_counts(user: User) -> bool:
    """Whether ``user``'s exports keep small counts (the police's do)."""
    return bool(user.agency.is_public_security)


def shown(count: int | None, exact: bool) -> int | None:
    """``None`` for a suppressed small count."""
    if count is None:
        return None
    if not exact and 0 < count < SMALL_COUNT:
        return None
    return count


def figures_for(user: User) -> list[FigureDefinition]:
    police = sees_exact_counts(user)
    return [f for f in all_figures() if police or not f.police_only]


def figure_for(user: User, key: str) -> FigureDefinition:
    for definition in figures_for(user):
        if definition.key == key:
            return definition
    raise Http404


@dataclass(frozen=True)
class Area:
    """The city (``division`` None) or one district."""

    division: Division | None

    @property
    def code(self) -> str:
        return self.division.code if self.division else "city"

    @property
    def name(self) -> str:
        return self.division.display_name if self.division else _("Chongqing (whole city)")

    def cells(self) -> Q:
        return Q(division=self.division) if self.division else Q()


def areas_for(user: User) -> list[Area]:
    scope = scope_of(user)
    divisions = list(scope_filter(Division.objects.order_by("code"), user, division_field=""))
    return ([Area(None)] if scope.all_divisions else []) + [Area(d) for d in divisions]


def area_for(user: User, code: str | None) -> Area:
    """The area asked for if the user may see it (404 otherwise); by default the city
    for municipal users and their district for district users."""
    scope = scope_of(user)
    if not code:
        code = "city" if scope.all_divisions else ""
        if not code and scope.division_id is not None:
            return Area(Division.objects.get(pk=scope.division_id))
    if code == "city":
        if not scope.all_divisions:
            raise Http404
        return Area(None)
    division = Division.objects.filter(code=code).first()
    if division is None or not scope.allows_division(division.pk):
        raise Http404
    return Area(division)


def _months(first: date, last: date) -> list[date]:
    months: list[date] = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def monthly_series(
    figure: str, area: Area, first: date, last: date, category: str = ""
) -> list[int]:
    """The figure's count per month from ``first`` to ``last`` (one grouped query)."""
    cells = MonthlyCount.objects.filter(area.cells(), figure=figure, month__range=(first, last))
    if category:
        cells = cells.filter(category=category)
    by_month = {
        row["month"]: int(row["n"])
        for row in cells.values("month").annotate(n=Sum("count")).order_by()
    }
    return [by_month.get(month, 0) for month in _months(first, last)]


def totals_by_figure(figures: list[str], area: Area, first: date, last: date) -> dict[str, int]:
    """Each figure's total over [first, last] months (one grouped query)."""
    rows = (
        MonthlyCount.objects.filter(area.cells(), figure__in=figures, month__range=(first, last))
        .values("figure")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {row["figure"]: int(row["n"]) for row in rows}


def totals_by_district(figure: str, first: date, last: date, category: str = "") -> dict[int, int]:
    cells = MonthlyCount.objects.filter(
        figure=figure, month__range=(first, last), division__isnull=False
    )
    if category:
        cells = cells.filter(category=category)
    rows = cells.values("division_id").annotate(n=Sum("count")).order_by()
    return {row["division_id"]: int(row["n"]) for row in rows}


def totals_by_category(figure: str, area: Area, first: date, last: date) -> dict[str, int]:
    rows = (
        MonthlyCount.objects.filter(area.cells(), figure=figure, month__range=(first, last))
        .values("category")
        .annotate(n=Sum("count"))
        .order_by("-n")
    )
    return {row["category"]: int(row["n"]) for row in rows}


def hot_spots(area: Area, first: date, last: date, limit: int = 15) -> list[tuple[str, int]]:
    """The H3 cells with most located clues in the area and months."""
    rows = (
        CellCount.objects.filter(area.cells(), figure="clues_received", month__range=(first, last))
        .values("cell")
        .annotate(n=Sum("count"))
        .order_by("-n", "cell")[:limit]
    )
    return [(row["cell"], int(row["n"])) for row in rows]


def warnings_visible_to(user: User) -> QuerySet[Warning]:
    if not can_view_situation(user):
        return Warning.objects.none()
    return scope_filter(Warning.objects.all(), user).select_related(
        "division", "assessment", "listing"
    )


def warning_get_for_user(user: User, pk: int) -> Warning:
    warning = warnings_visible_to(user).filter(pk=pk).first()
    if warning is None:
        raise Http404
    return warning


def open_warnings_by_district(user: User, since: date) -> dict[int, int]:
    rows = (
        warnings_visible_to(user)
        .filter(last_month__gte=since)
        .exclude(status=Warning.Status.CLOSED)
        .values("division_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["division_id"]: int(row["n"]) for row in rows}


def unread_notices(user: User) -> int:
    return WarningNotice.objects.filter(agency=user.agency, read_at__isnull=True).count()


def home_work(user: User, *, since: datetime | None, today: date) -> list[WorkItem]:
    """The unit's unread early warnings (its inbox) on the home page."""
    if not can_view_situation(user):
        return []
    return [
        WorkItem(
            kind=WorkKind.WAITING,
            label=_("Early warnings for your unit to read"),
            count=unread_notices(user),
            url=reverse("analysis:warning_list") + "?unread=1",
        )
    ]


@dataclass(frozen=True)
class HomeFigure:
    """One figure of the user's own work on the home page."""

    label: str
    value: str
    note: str
    url: str


def home_figures(user: User, *, today: date) -> list[HomeFigure]:
    """One or two figures of the user's own work this year, for their area (from the
    rollups; supervised cases from the case module): the police see supervised cases past
    their deadline and the alerts' outcomes, the offices and the analyst the open early
    warnings and clues against last year. Nothing for roles without the situation
    analysis."""
    if not can_view_situation(user):
        return []
    scope = scope_of(user)
    area = Area(None) if scope.all_divisions else Area(user.agency.division)
    first, last = date(today.year, 1, 1), today.replace(day=1)
    then_first, then_last = date(today.year - 1, 1, 1), date(today.year - 1, today.month, 1)
    dashboard = reverse("analysis:dashboard")
    figures: list[HomeFigure] = []
    if user.agency.is_public_security:
        from homeward.cases.models import SupervisionListing

        late = SupervisionListing.objects.filter(
            status=SupervisionListing.Status.ACTIVE, deadline__lt=today
        )
        if area.division is not None:
            late = late.filter(case__division=area.division)
        figures.append(
            HomeFigure(
                label=_("Supervised cases past their deadline"),
                value=str(late.count()),
                note="",
                url=reverse("cases:case_list"),
            )
        )
        totals = totals_by_figure(["alerts_published", "children_found"], area, first, last)
        published, found = totals.get("alerts_published", 0), totals.get("children_found", 0)
        figures.append(
            HomeFigure(
                label=_("Alerts this year: children found safe / alerts published"),
                value=f"{found} / {published}",
                note="",
                url=f"{dashboard}?figure=alerts_published&area={area.code}",
            )
        )
        return figures
    open_warnings = warnings_visible_to(user).filter(status=Warning.Status.OPEN).count()
    figures.append(
        HomeFigure(
            label=_("Open early warnings"),
            value=str(open_warnings),
            note="",
            url=reverse("analysis:warning_list") + "?status=open",
        )
    )
    now = totals_by_figure(["clues_received"], area, first, last).get("clues_received", 0)
    then = totals_by_figure(["clues_received"], area, then_first, then_last).get(
        "clues_received", 0
    )
    change = f"{(now - then) / then * 100:+.0f}%" if then else ""
    figures.append(
        HomeFigure(
            label=_("Clues received this year"),
            value=str(now),
            note=_("%(change)s on the same months of last year") % {"change": change}
            if change
            else "",
            url=f"{dashboard}?figure=clues_received&area={area.code}",
        )
    )
    return figures
