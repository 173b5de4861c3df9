"""Spreadsheets of the plan: an evaluation's scorecards, and the figures the 平安重庆
assessment takes (七、(三): anti-trafficking work is part of the 平安重庆 target
management assessment; the municipal office hands each district's figures to it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from homeward.coordination.indicators import YearFigures
from homeward.coordination.models import (
    AnnualReport,
    Evaluation,
    Indicator,
    Meeting,
    RegionListing,
    Scorecard,
)
from homeward.coordination.services import criteria
from homeward.core.exports import xlsx_table
from homeward.core.models import Agency, Division, User
from homeward.core.models.agencies import JOINT_CONFERENCE_OFFICE_KIND

CRITERION_LABELS = {
    "report_on_time": gettext_lazy("Annual report filed on time"),
    "tasks_done": gettext_lazy("Plan tasks done"),
    "progress_recorded": gettext_lazy("Progress recorded"),
    "meeting_held": gettext_lazy("Joint conference met (districts)"),
}

# The figures of a district that the 平安重庆 assessment takes, in its order.
PING_AN_INDICATORS: Sequence[str] = (
    Indicator.CASES_OPENED,
    Indicator.CASES_SOLVED,
    Indicator.CLUES_RECEIVED,
    Indicator.CLUES_SUBSTANTIATED,
    Indicator.ALERTS_PUBLISHED,
    Indicator.CHILDREN_FOUND,
    Indicator.VICTIMS_PLACED,
    Indicator.SERVICES_DONE,
    Indicator.LEGAL_AID,
    Indicator.VISITS_DONE,
    Indicator.CAMPAIGNS,
    Indicator.PEOPLE_TRAINED,
)


def evaluation_xlsx(user: User, evaluation: Evaluation) -> bytes:
    keys = [c["key"] for c in criteria()]
    headers = [
        _("Unit"),
        *[str(CRITERION_LABELS.get(k, k)) for k in keys],
        _("Total"),
        pgettext("evaluation", "Grade"),
        _("Outcome"),
        pgettext("verdict", "Grounds"),
    ]
    cards = evaluation.scorecards.select_related("agency")
    rows = (
        [
            card.agency.display_name,
            *[card.scores.get(k, 0) for k in keys],
            float(card.total),
            str(card.get_grade_display()),
            str(card.get_verdict_display()) if card.verdict else "",
            card.grounds,
        ]
        for card in cards
    )
    return xlsx_table(user, _("Evaluation"), headers, rows)


def ping_an_rows(evaluation: Evaluation) -> Iterator[list[object]]:
    """One row per district: the computed figures of the year, the district joint
    conference's report (on time?), its meetings, its score and grade in this
    evaluation, and its open supervision listings."""
    from homeward.cases.models import SupervisionListing

    year = evaluation.year
    figures = YearFigures.of(year)
    offices = {
        agency.division_id: agency
        for agency in Agency.objects.filter(
            kind=JOINT_CONFERENCE_OFFICE_KIND, division__isnull=False
        )
    }
    reports = {
        report.agency_id: report
        for report in AnnualReport.objects.filter(year=year, level=AnnualReport.Level.DISTRICT)
    }
    meetings = dict(
        Meeting.objects.filter(held_on__year=year)
        .values_list("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cards = {
        card.agency_id: card
        for card in Scorecard.objects.filter(
            evaluation=evaluation, agency_id__in=[a.pk for a in offices.values()]
        )
    }
    regions = dict(
        RegionListing.objects.filter(lifted_at__isnull=True)
        .values_list("division_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cases = dict(
        SupervisionListing.objects.filter(lifted_at__isnull=True)
        .values_list("case__division_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for division in Division.objects.order_by("code"):
        office = offices.get(division.pk)
        report = reports.get(office.pk) if office else None
        card = cards.get(office.pk) if office else None
        area = figures.for_agency(office) if office else {}
        if report is None or report.submitted_at is None:
            filed = _("not filed")
        elif timezone.localtime(report.submitted_at).date() <= report.due_on:
            filed = _("on time")
        else:
            filed = _("late")
        yield [
            division.code,
            division.display_name,
            *[area.get(key, 0) for key in PING_AN_INDICATORS],
            filed,
            meetings.get(office.pk, 0) if office else 0,
            float(card.total) if card else "",
            str(card.get_grade_display()) if card else "",
            str(card.get_verdict_display()) if card and card.verdict else "",
            regions.get(division.pk, 0),
            cases.get(division.pk, 0),
        ]


def ping_an_xlsx(user: User, evaluation: Evaluation) -> bytes:
    headers = [
        _("Division code"),
        _("District"),
        *[str(Indicator(key).label) for key in PING_AN_INDICATORS],
        _("District report to the municipal joint conference"),
        _("Joint conference meetings"),
        _("Evaluation score"),
        pgettext("evaluation", "Grade"),
        _("Outcome"),
        _("Key region listings open"),
        _("Key case listings open"),
    ]
    title = _("Ping'an Chongqing %(year)s") % {"year": evaluation.year}
    return xlsx_table(user, title, headers, ping_an_rows(evaluation))
