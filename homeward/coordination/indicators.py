"""Indicators computed from the other modules, for a unit's area and a year.

A municipal unit's figures cover the whole municipality; a district unit's its
district. Each is a count the owning module already holds: nothing is typed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from homeward.coordination.models import Indicator
from homeward.core.models import Agency

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def _in_area(queryset: QuerySet, agency: Agency, field: str = "division") -> QuerySet:  # type: ignore[type-arg]
    if agency.division_id is None:
        return queryset
    return queryset.filter(**{f"{field}_id": agency.division_id})


def _count(
    queryset: QuerySet[Any], agency: Agency, year: int, time_field: str, area: str = "division"
) -> int:
    start, end = _year_bounds(year)
    in_year = queryset.filter(**{f"{time_field}__gte": start, f"{time_field}__lt": end})
    return int(_in_area(in_year, agency, area).count())


def _clues(agency: Agency, year: int, substantiated: bool = False) -> int:
    from homeward.tips.models import Tip

    tips = Tip.objects.all()
    if substantiated:
        tips = tips.filter(status=Tip.Status.SUBSTANTIATED)
    return _count(tips, agency, year, "received_hour")


def _alerts(agency: Agency, year: int, found: bool = False) -> int:
    from homeward.alerts.models import Alert

    alerts = Alert.objects.exclude(published_at__isnull=True)
    if found:
        alerts = alerts.filter(outcome=Alert.Outcome.FOUND_SAFE)
    return _count(alerts, agency, year, "published_at")


def _cases(agency: Agency, year: int, solved: bool = False) -> int:
    from homeward.cases.models import Case

    if solved:
        return _count(Case.objects.all(), agency, year, "solved_at")
    return _count(Case.objects.all(), agency, year, "created_at")


def _dna(agency: Agency, year: int) -> int:
    from homeward.dna.models import Specimen

    return _count(Specimen.objects.all(), agency, year, "created_at")


def _placed(agency: Agency, year: int) -> int:
    from homeward.victims.models import Placement

    start, end = _year_bounds(year)
    placements = Placement.objects.filter(started_on__gte=start.date(), started_on__lt=end.date())
    return int(_in_area(placements, agency, "victim__division").count())


def _services(agency: Agency, year: int) -> int:
    from homeward.victims.models import ServiceReferral

    done = ServiceReferral.objects.filter(status=ServiceReferral.Status.DONE)
    return _count(done, agency, year, "closed_at", "victim__division")


def _legal_aid(agency: Agency, year: int) -> int:
    from homeward.victims.models import LegalAidApplication

    return _count(LegalAidApplication.objects.all(), agency, year, "received_at")


def _visits(agency: Agency, year: int) -> int:
    from homeward.prevention.models import Visit
    from homeward.victims.models import FollowUp

    start, end = _year_bounds(year)
    visits = _in_area(
        Visit.objects.filter(visited_on__gte=start.date(), visited_on__lt=end.date()),
        agency,
        "entry__division",
    ).count()
    follow_ups = _in_area(
        FollowUp.objects.filter(done_on__gte=start.date(), done_on__lt=end.date()),
        agency,
        "victim__division",
    ).count()
    return int(visits + follow_ups)


def _activities(agency: Agency, year: int, kind: str, people: bool = False) -> int:
    from django.db.models import Sum

    from homeward.coordination.models import Activity

    rows = Activity.objects.filter(kind=kind, held_on__year=year)
    rows = (
        rows.filter(agency=agency)
        if agency.kind != "joint_conference_office"
        else _in_area(rows, agency, "agency__division")
    )
    if people:
        return int(rows.aggregate(total=Sum("people"))["total"] or 0)
    return int(rows.count())


COMPUTE: dict[str, Callable[[Agency, int], int]] = {
    Indicator.CLUES_RECEIVED: _clues,
    Indicator.CLUES_SUBSTANTIATED: lambda a, y: _clues(a, y, substantiated=True),
    Indicator.ALERTS_PUBLISHED: _alerts,
    Indicator.CHILDREN_FOUND: lambda a, y: _alerts(a, y, found=True),
    Indicator.CASES_OPENED: _cases,
    Indicator.CASES_SOLVED: lambda a, y: _cases(a, y, solved=True),
    Indicator.DNA_SAMPLES: _dna,
    Indicator.VICTIMS_PLACED: _placed,
    Indicator.SERVICES_DONE: _services,
    Indicator.LEGAL_AID: _legal_aid,
    Indicator.VISITS_DONE: _visits,
    Indicator.CAMPAIGNS: lambda a, y: _activities(a, y, "campaign"),
    Indicator.PEOPLE_TRAINED: lambda a, y: _activities(a, y, "training", people=True),
}


def compute(indicator: str, agency: Agency, year: int) -> int:
    return COMPUTE[indicator](agency, year)


def all_indicators(agency: Agency, year: int) -> dict[str, int]:
    return {indicator: compute(indicator, agency, year) for indicator in Indicator.values}
