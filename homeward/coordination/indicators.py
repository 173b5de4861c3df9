"""The plan's computed indicators, read from the modules that own the data.

Each module exposes ``plan_counts(start, end)`` in its selectors: numbers per district,
never records. A municipal unit's figure covers the whole municipality, a district
unit's its district; nothing is typed twice. Campaigns and trainings are the plan's own
records (chapter 五), counted per unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Sum

from homeward.coordination.models import Activity, Indicator
from homeward.core.counts import Counts, for_area, merge, year_bounds
from homeward.core.models import Agency
from homeward.core.models.agencies import JOINT_CONFERENCE_OFFICE_KIND


def _providers() -> list[Callable[[datetime, datetime], Counts]]:
    from homeward.alerts.selectors import plan_counts as alerts
    from homeward.cases.selectors import plan_counts as cases
    from homeward.dna.selectors import plan_counts as dna
    from homeward.prevention.selectors import plan_counts as prevention
    from homeward.screening.selectors import plan_counts as screening
    from homeward.tips.selectors import plan_counts as tips
    from homeward.victims.selectors import plan_counts as victims

    return [tips, alerts, cases, dna, victims, prevention, screening]


@dataclass(frozen=True)
class YearFigures:
    """Every module's counts of a year, read once (about ten grouped queries) for any
    number of units."""

    year: int
    areas: Counts
    activities: dict[int, tuple[int | None, int, int]]  # agency -> (district, campaigns, trained)

    @classmethod
    def of(cls, year: int) -> YearFigures:
        start, end = year_bounds(year)
        areas = merge(provider(start, end) for provider in _providers())
        activities: dict[int, tuple[int | None, int, int]] = {}
        rows = (
            Activity.objects.filter(held_on__year=year)
            .values("agency_id", "agency__division_id", "kind")
            .annotate(n=Count("pk"), people=Sum("people"))
            .order_by()
        )
        for row in rows:
            district, campaigns, trained = activities.get(
                row["agency_id"], (row["agency__division_id"], 0, 0)
            )
            if row["kind"] == Activity.Kind.CAMPAIGN:
                campaigns += row["n"]
            else:
                trained += int(row["people"] or 0)
            activities[row["agency_id"]] = (district, campaigns, trained)
        return cls(year=year, areas=areas, activities=activities)

    def for_agency(self, agency: Agency) -> dict[str, int]:
        area = for_area(self.areas, agency.division_id)
        if agency.kind == JOINT_CONFERENCE_OFFICE_KIND:
            # A joint-conference office answers for its whole area's publicity and training.
            mine = [
                (c, t)
                for district, c, t in self.activities.values()
                if agency.division_id is None or district == agency.division_id
            ]
        else:
            own = self.activities.get(agency.pk)
            mine = [(own[1], own[2])] if own else []
        figures = {
            Indicator.CLUES_RECEIVED: area.get("clues_received", 0),
            Indicator.CLUES_SUBSTANTIATED: area.get("clues_substantiated", 0),
            Indicator.ALERTS_PUBLISHED: area.get("alerts_published", 0),
            Indicator.CHILDREN_FOUND: area.get("children_found", 0),
            Indicator.CASES_OPENED: area.get("cases_opened", 0),
            Indicator.CASES_SOLVED: area.get("cases_solved", 0),
            Indicator.DNA_SAMPLES: area.get("dna_samples", 0),
            Indicator.VICTIMS_PLACED: area.get("victims_placed", 0),
            Indicator.SERVICES_DONE: area.get("services_done", 0),
            Indicator.LEGAL_AID: area.get("legal_aid", 0),
            Indicator.VISITS_DONE: area.get("visits_done", 0) + area.get("follow_ups_done", 0),
            Indicator.CAMPAIGNS: sum(c for c, _t in mine),
            Indicator.PEOPLE_TRAINED: sum(t for _c, t in mine),
            Indicator.ONLINE_POSTS_SCREENED: area.get("online_posts_screened", 0),
            Indicator.ONLINE_POSTS_FLAGGED: area.get("online_posts_flagged", 0),
            Indicator.ONLINE_POSTS_CONFIRMED: area.get("online_posts_confirmed", 0),
            Indicator.ONLINE_POSTS_TAKEN_DOWN: area.get("online_posts_taken_down", 0),
            Indicator.ONLINE_CLUES_OPENED: area.get("online_clues_opened", 0),
        }
        return {str(key): value for key, value in figures.items()}


def all_indicators(agency: Agency, year: int) -> dict[str, int]:
    return YearFigures.of(year).for_agency(agency)


def compute(indicator: str, agency: Agency, year: int) -> int:
    return all_indicators(agency, year)[indicator]
