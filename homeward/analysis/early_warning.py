"""The monthly early warning (预警): every district's series of every figure assessed by
the improved Farrington algorithm (homeward.earlywarning) from the rollups' history.

A series is a figure's monthly total in one district, and for the figures in
``CATEGORY_SERIES`` also each category (forced-labour clues, say). The month assessed is
compared with the district's own earlier months only (seasonality and trend from at
least ``FarringtonParams.min_history`` months; a shorter history is not assessed). A
count above the threshold (with the engine's minimum of recent cases) becomes a
:class:`~homeward.analysis.models.Warning`, and a notice goes to the municipal
joint-conference office, the district's office and the district police — once a spike:
the figure's total above its threshold in the month one of its categories raised a
warning, and the months a spike continues (the next month above the threshold again,
while the warning is open or its listing in force), are attached to that warning, which
says so, and nobody is notified again.

The job is idempotent: an assessed month is recorded (``AssessmentRun``) and never
repeated; missed months are caught up, oldest first, at most
``settings.ANALYSIS_CATCH_UP_MONTHS`` of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from homeward.analysis.models import Assessment, AssessmentRun, MonthlyCount, Warning, WarningNotice
from homeward.analysis.rollups import add_months, current_month, rollups_refresh
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.figures import FigureDefinition, all_figures
from homeward.core.models import Agency, Division
from homeward.core.models.agencies import JOINT_CONFERENCE_OFFICE_KIND, PUBLIC_SECURITY_KIND
from homeward.earlywarning import ENGINE_VERSION, FarringtonParams, assess

# Figures whose categories are watched one by one, besides their totals.
CATEGORY_SERIES: frozenset[str] = frozenset({"clues_received"})
PARAMS = FarringtonParams()


@dataclass(frozen=True)
class Series:
    figure: str
    category: str  # "" = the figure's total


def watched_figures() -> list[FigureDefinition]:
    """Figures the early warning assesses: all but multi-category breakdowns (whose
    categories overlap, so their sum is not a count of anything), and each count once:
    a figure that counts the same rows as an earlier one, broken down otherwise (victims
    rescued by origin, by province, by age, by sex), has the same monthly totals, and
    assessing it again would raise the same warning several times."""
    watched: list[FigureDefinition] = []
    for definition in all_figures():
        if definition.multi_category:
            continue
        if definition.key not in CATEGORY_SERIES and any(
            definition.same_total_as(earlier) for earlier in watched
        ):
            continue
        watched.append(definition)
    return watched


def _histories(month: date) -> tuple[dict[tuple[Series, int], dict[date, int]], dict[str, date]]:
    """Every series' counts by month up to ``month`` (from the rollups: grouped, never
    the modules' rows), and each figure's first month with data."""
    figures = [definition.key for definition in watched_figures()]
    values: dict[tuple[Series, int], dict[date, int]] = defaultdict(dict)
    first: dict[str, date] = {}
    cells = MonthlyCount.objects.filter(
        figure__in=figures, month__lte=month, division__isnull=False
    )
    for row in cells.values("figure", "division_id", "month").annotate(n=Sum("count")).order_by():
        values[(Series(row["figure"], ""), row["division_id"])][row["month"]] = int(row["n"])
        if row["figure"] not in first or row["month"] < first[row["figure"]]:
            first[row["figure"]] = row["month"]
    by_category = cells.filter(figure__in=CATEGORY_SERIES).exclude(category="")
    for figure, category, division_id, month_of_row, count in by_category.values_list(
        "figure", "category", "division_id", "month", "count"
    ):
        values[(Series(figure, category), division_id)][month_of_row] = count
    return values, first


def month_assess(month: date) -> AssessmentRun:
    """Assess every series of every district in ``month`` (once; a second call returns
    the recorded run)."""
    existing = AssessmentRun.objects.filter(month=month, finished_at__isnull=False).first()
    if existing is not None:
        return existing
    values, first = _histories(month)
    divisions = list(Division.objects.values_list("pk", flat=True))
    series_keys = {series for series, _division in values}
    assessed: list[Assessment] = []
    for series in sorted(series_keys, key=lambda s: (s.figure, s.category)):
        start = first.get(series.figure)
        if start is None:
            continue
        months = _months_between(start, month)
        if len(months) - 1 < PARAMS.min_history:
            continue
        for division_id in divisions:
            by_month = values.get((series, division_id))
            if not by_month:
                continue
            counts = [by_month.get(m, 0) for m in months]
            result = assess(counts[:-1], counts[-1], PARAMS)
            assessed.append(
                Assessment(
                    figure=series.figure,
                    category=series.category,
                    division_id=division_id,
                    month=month,
                    observed=result.observed,
                    expected=result.expected,
                    threshold=result.threshold,
                    alarm=result.alarm,
                    score=result.score,
                    dispersion=result.dispersion,
                    trend_used=result.trend_used,
                    model=result.model,
                    engine_version=ENGINE_VERSION,
                )
            )
    with transaction.atomic():
        run, _created = AssessmentRun.objects.get_or_create(month=month)
        Assessment.objects.filter(month=month).delete()
        Assessment.objects.bulk_create(assessed, batch_size=1000)
        warnings = 0
        # Categories first, the largest excess first: a figure's total then joins the
        # warning of the category that drove it (one warning a spike).
        alarms = sorted(
            Assessment.objects.filter(month=month, alarm=True),
            key=lambda row: (row.category == "", -(row.observed - row.threshold), row.pk),
        )
        for row in alarms:
            if warning_raise(row).assessment_id == row.pk:
                warnings += 1
        run.series = len(assessed)
        run.warnings = warnings
        run.finished_at = timezone.now()
        run.save(update_fields=["series", "warnings", "finished_at"])
    return run


def _months_between(first: date, last: date) -> list[date]:
    months: list[date] = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def warning_recipients(division_id: int) -> list[Agency]:
    """The municipal joint-conference office, the district's office and its police."""
    return list(
        Agency.objects.filter(
            Q(kind=JOINT_CONFERENCE_OFFICE_KIND, division__isnull=True)
            | Q(kind__in=[JOINT_CONFERENCE_OFFICE_KIND, PUBLIC_SECURITY_KIND], division=division_id)
        )
    )


def _alarm_detail(assessment: Assessment) -> dict[str, object]:
    """What the audit trail keeps of an alarm, raised or joined to a warning."""
    return {
        "figure": assessment.figure,
        "category": assessment.category,
        "month": assessment.month.isoformat(),
        "observed": assessment.observed,
        "threshold": assessment.threshold,
    }


def _open_for(assessment: Assessment) -> Warning | None:
    """The warning an alarming assessment belongs to, if one is already raised for the
    same district and figure:

    - the spike continues: a warning of the same series whose last month is the month
      before (open or listed with its listing in force; a warning the office closed, or
      whose listing was lifted, does not continue: a new spike is news);
    - the figure's total is above its threshold in a month when one of its categories
      already raised (or continued) a warning: the total belongs to that spike.
    """
    same = Warning.objects.select_for_update().filter(
        division_id=assessment.division_id, figure=assessment.figure
    )
    before = add_months(assessment.month, -1)
    for warning in same.filter(last_month=before).exclude(status=Warning.Status.CLOSED):
        listing = warning.listing
        if listing is not None and listing.lifted_at is not None:
            continue
        series = {warning.category} | set(
            warning.attached.filter(month=before).values_list("category", flat=True)
        )
        if assessment.category in series:
            return warning
    if assessment.category == "":
        return (
            same.filter(last_month=assessment.month)
            .exclude(category="")
            .exclude(status=Warning.Status.CLOSED)
            .order_by("pk")
            .first()
        )
    return None


def warning_raise(assessment: Assessment) -> Warning:
    """The warning of an alarming assessment and its notices (idempotent). An alarm that
    belongs to a warning already raised (the spike continues, or it is the total of the
    category that raised it) is attached to that warning — which then says so — and
    nobody is notified again."""
    if assessment.attached_to_id is not None:
        return Warning.objects.get(pk=assessment.attached_to_id)
    existing = Warning.objects.filter(assessment=assessment).first()
    if existing is not None:
        return existing
    joined = _open_for(assessment)
    if joined is not None:
        assessment.attached_to = joined
        assessment.save(update_fields=["attached_to"])
        if assessment.month > joined.last_month:
            joined.last_month = assessment.month
            joined.save(update_fields=["last_month"])
        audit_record(
            actor=None,
            action=AuditAction.ANALYSIS_WARNING_CONTINUE,
            obj=joined,
            detail=_alarm_detail(assessment),
        )
        return joined
    warning, created = Warning.objects.get_or_create(
        assessment=assessment,
        defaults={
            "figure": assessment.figure,
            "category": assessment.category,
            "division_id": assessment.division_id,
            "month": assessment.month,
            "last_month": assessment.month,
        },
    )
    if created:
        for agency in warning_recipients(assessment.division_id):
            WarningNotice.objects.get_or_create(warning=warning, agency=agency)
        audit_record(
            actor=None,
            action=AuditAction.ANALYSIS_WARNING_RAISE,
            obj=warning,
            detail=_alarm_detail(assessment),
        )
    return warning


def months_due(today_month: date | None = None) -> list[date]:
    """Complete months not yet assessed, oldest first (at most the catch-up limit)."""
    latest = add_months(today_month or current_month(), -1)
    earliest = add_months(latest, -(settings.ANALYSIS_CATCH_UP_MONTHS - 1))
    last_run = (
        AssessmentRun.objects.filter(finished_at__isnull=False)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if last_run is not None:
        earliest = max(earliest, add_months(last_run, 1))
    done = set(
        AssessmentRun.objects.filter(month__gte=earliest, finished_at__isnull=False).values_list(
            "month", flat=True
        )
    )
    return (
        [m for m in _months_between(earliest, latest) if m not in done]
        if earliest <= latest
        else []
    )


def early_warning_due() -> int:
    """The tick job: assess each complete month not yet assessed; returns warnings raised."""
    due = months_due()
    if not due:
        return 0
    rollups_refresh()  # the month's last rows are in the cells before it is judged
    return sum(month_assess(month).warnings for month in due)
