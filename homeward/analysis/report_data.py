"""The yearly situation analysis (形势分析报告) of a district or the city, built from the
rollups (never the modules' rows) and handed to ``report_render`` for PDF or Word.

Counts from 1 to 4 are suppressed for anyone outside public security (the report leaves
the police): figures print as "<5", chart months as 0 with a note in the chart's title.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.analysis import selectors
from homeward.analysis.dashboard import change_text
from homeward.analysis.models import Warning
from homeward.analysis.report_render import (
    FigureRow,
    ReportData,
    SeriesChart,
    WarningRow,
    draft_summary,
    render_docx,
    render_pdf,
)
from homeward.analysis.selectors import Area, shown
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.context import current_request_context
from homeward.core.figures import all_figures, by_key, rate_label, rate_per_100k
from homeward.core.models import Agency, Division, User

# The figures drawn month by month in the report.
CHART_FIGURES = ("clues_received", "alerts_published", "cases_opened", "victims_rescued")
# The district table: clues (per 100,000 residents) and missing-child alerts (a children's
# figure: per 100,000 children aged 0–14), each rate as core.figures defines it.
DISTRICT_FIGURE = "clues_received"
DISTRICT_CHILD_FIGURE = "alerts_published"


def _figure_rows(user: User, area: Area, year: int) -> list[FigureRow]:
    exact = selectors.sees_exact_counts(user)
    figures = selectors.figures_for(user)
    keys = [f.key for f in figures]
    now = selectors.totals_by_figure(keys, area, date(year, 1, 1), date(year, 12, 1))
    then = selectors.totals_by_figure(keys, area, date(year - 1, 1, 1), date(year - 1, 12, 1))
    rows = []
    for definition in figures:
        this_year = shown(now.get(definition.key, 0), exact)
        last_year = shown(then.get(definition.key, 0), exact)
        rows.append(
            FigureRow(
                key=definition.key,
                label=str(definition.label),
                this_year=this_year,
                last_year=last_year,
                note=change_text(this_year, last_year),
            )
        )
    return rows


def _charts(user: User, area: Area, year: int) -> list[SeriesChart]:
    exact = selectors.sees_exact_counts(user)
    visible = {f.key: f for f in selectors.figures_for(user)}
    charts = []
    for key in CHART_FIGURES:
        if key not in visible:
            continue
        now = selectors.monthly_series(key, area, date(year, 1, 1), date(year, 12, 1))
        then = selectors.monthly_series(key, area, date(year - 1, 1, 1), date(year - 1, 12, 1))
        title = str(visible[key].label)
        if not exact and any(0 < v < selectors.SMALL_COUNT for v in now + then):
            title += _(" (months with fewer than 5 shown as 0)")
        charts.append(
            SeriesChart(
                title=title,
                months=[f"{m:02d}" for m in range(1, 13)],
                values=[shown(v, exact) or 0 for v in now],
                last_year=[shown(v, exact) or 0 for v in then],
            )
        )
    return charts


def _district_table(user: User, area: Area, year: int) -> list[tuple[str, ...]] | None:
    if area.division is not None:
        return None
    exact = selectors.sees_exact_counts(user)
    figures = by_key(all_figures())
    clues = figures[DISTRICT_FIGURE]
    # the alerts' columns only for a reader whose figures include them
    visible = {f.key for f in selectors.figures_for(user)}
    child_figure = figures[DISTRICT_CHILD_FIGURE] if DISTRICT_CHILD_FIGURE in visible else None
    now = selectors.totals_by_district(DISTRICT_FIGURE, date(year, 1, 1), date(year, 12, 1))
    then = selectors.totals_by_district(
        DISTRICT_FIGURE, date(year - 1, 1, 1), date(year - 1, 12, 1)
    )
    children_now = (
        selectors.totals_by_district(DISTRICT_CHILD_FIGURE, date(year, 1, 1), date(year, 12, 1))
        if child_figure is not None
        else {}
    )
    warned = dict(
        Warning.objects.filter(month__year=year)
        .values_list("division_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    header = [
        _("District"),
        _("Clues %(year)s") % {"year": year},
        _("Clues %(year)s") % {"year": year - 1},
        _("Year on year"),
        rate_label(clues),
    ]
    if child_figure is not None:
        header += [
            _("Alerts %(year)s") % {"year": year},
            rate_label(child_figure),
        ]
    rows: list[tuple[str, ...]] = [(*header, _("Early warnings"))]
    for division in Division.objects.order_by("code"):
        a = shown(now.get(division.pk, 0), exact)
        b = shown(then.get(division.pk, 0), exact)
        cells = [
            division.display_name,
            "<5" if a is None else str(a),
            "<5" if b is None else str(b),
            change_text(a, b) or "—",
            _rate_text(rate_per_100k(clues, "", a, division)),
        ]
        if child_figure is not None:
            c = shown(children_now.get(division.pk, 0), exact)
            cells += [
                "<5" if c is None else str(c),
                _rate_text(rate_per_100k(child_figure, "", c, division)),
            ]
        rows.append((*cells, str(warned.get(division.pk, 0))))
    return rows


def _rate_text(rate: float | None) -> str:
    """A rate as printed: two decimals, "—" when there is none (a suppressed count or a
    district without the population)."""
    return "—" if rate is None else f"{rate:.2f}"


def _flow_table(user: User, area: Area, year: int) -> list[tuple[str, ...]]:
    """Province flows of the year: victims rescued in the area by province of origin, and
    children lost from the area found elsewhere, by province where found."""
    from homeward.analysis.dashboard import flows

    exact = selectors.sees_exact_counts(user)
    found = flows(user, area, date(year, 1, 1), date(year, 12, 1), exact=exact)
    rows: list[tuple[str, ...]] = [
        (
            _("Province or country"),
            _("Victims rescued here who came from it"),
            _("Children lost from here found in it"),
        )
    ]
    if found is None:
        return rows
    came, went = (dict(side) for side in found)
    order = list(
        dict.fromkeys([label for label, _n in found[0]] + [label for label, _n in found[1]])
    )

    def cell(values: dict[str, int | None], label: str) -> str:
        if label not in values:
            return "0"
        value = values[label]
        return "<5" if value is None else str(value)

    for label in order:
        rows.append((label, cell(came, label), cell(went, label)))
    return rows


def _action_of(warning: Warning) -> str:
    if warning.listing is not None:
        listing = warning.listing
        text = _("Key region listed until %(deadline)s: %(reason)s") % {
            "deadline": listing.deadline.isoformat(),
            "reason": listing.reason,
        }
        reports = listing.progress.count()
        if reports:
            text += "; " + _("%(n)s progress reports") % {"n": reports}
        if listing.lifted_at:
            text += "; " + _("lifted on %(day)s") % {
                "day": timezone.localtime(listing.lifted_at).date().isoformat()
            }
        return text
    if warning.status == Warning.Status.CLOSED:
        return _("Closed without listing: %(note)s") % {"note": warning.decision_note}
    return _("Awaiting the office's decision")


def _warning_rows(user: User, area: Area, year: int) -> list[WarningRow]:
    exact = selectors.sees_exact_counts(user)
    labels = {f.key: f for f in selectors.figures_for(user)}
    warnings = (
        selectors.warnings_visible_to(user)
        .filter(month__year=year)
        .filter(**({"division": area.division} if area.division else {}))
        .order_by("month", "division__code", "figure", "category")
    )
    rows = []
    for warning in warnings:
        definition = labels.get(warning.figure)
        if definition is None:
            continue
        label = str(definition.label)
        if warning.category:
            label += " · " + definition.category_label(warning.category)
        if area.division is None:
            label = f"{warning.division.display_name} · {label}"
        observed = shown(warning.assessment.observed, exact)
        period = warning.month.strftime("%Y-%m")
        if warning.continues:
            period += "–" + warning.last_month.strftime("%Y-%m")
        rows.append(
            WarningRow(
                figure_label=label,
                period=period,
                observed=observed if observed is not None else 0,
                expected=round(warning.assessment.expected, 1),
                threshold=warning.assessment.threshold,
                status=str(warning.get_status_display()),
                action=_action_of(warning),
            )
        )
    return rows


def _plan_rows(area: Area, year: int) -> list[tuple[str, int, int]]:
    """The plan's tasks with a computed indicator and a target, for the area's units,
    with what the platform counted (coordination.indicators)."""
    from homeward.coordination.indicators import YearFigures
    from homeward.coordination.models import PlanTask

    tasks = (
        PlanTask.objects.filter(plan__year=year, target__isnull=False)
        .exclude(indicator="")
        .filter(plan__agency__division=area.division)
        .select_related("plan__agency")
        .order_by("plan__agency__code", "pk")
    )
    if not tasks:
        return []
    figures = YearFigures.of(year)
    cache: dict[int, dict[str, int]] = {}
    rows = []
    for task in tasks:
        agency: Agency = task.plan.agency
        if agency.pk not in cache:
            cache[agency.pk] = figures.for_agency(agency)
        rows.append(
            (
                f"{agency.display_name}: {task.title}",
                int(task.target or 0),
                int(cache[agency.pk].get(task.indicator, 0)),
            )
        )
    return rows


def report_data(user: User, area: Area, year: int) -> ReportData:
    figures = _figure_rows(user, area, year)
    warnings = _warning_rows(user, area, year)
    plan_rows = _plan_rows(area, year)
    exact = selectors.sees_exact_counts(user)
    return ReportData(
        area_name=area.name,
        year=year,
        generated_at=timezone.now(),
        generated_by=f"{user.full_name} · {user.agency.display_name}",
        request_id=current_request_context().request_id,
        summary_paragraphs=draft_summary(
            area_name=area.name, year=year, figures=figures, warnings=warnings, plan_rows=plan_rows
        ),
        figures=figures,
        charts=_charts(user, area, year),
        district_table=_district_table(user, area, year),
        warnings=warnings,
        plan_rows=plan_rows,
        audience="" if exact else _("beyond the police: counts under 5 suppressed"),
        flows=_flow_table(user, area, year),
    )


def report_download(*, user: User, area: Area, year: int, fmt: str) -> HttpResponse:
    data = report_data(user, area, year)
    if fmt == "docx":
        body = render_docx(data)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        fmt = "pdf"
        body = render_pdf(data)
        content_type = "application/pdf"
    audit_record(
        actor=user,
        action=AuditAction.ANALYSIS_REPORT,
        object_type="analysis.report",
        object_id=f"{area.code}-{year}",
        detail={"area": area.code, "year": year, "format": fmt},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="situation-{area.code}-{year}.{fmt}"'
    return response
