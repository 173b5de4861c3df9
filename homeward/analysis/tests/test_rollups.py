"""The monthly rollups: cells equal the modules' rows, kept current incrementally, and a
refresh that runs twice or late gives the same table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command

from homeward.analysis.models import CellCount, MonthlyCount
from homeward.analysis.rollups import rollups_refresh
from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.tips.models import Tip

from .helpers import at, clues

pytestmark = pytest.mark.django_db


def _cells(figure: str) -> dict[tuple[str, date, str], int]:
    return {
        (row.division.code, row.month, row.category): row.count
        for row in MonthlyCount.objects.filter(figure=figure).select_related("division")
    }


def test_the_rollup_counts_each_district_month_and_category() -> None:
    # given clues in two districts and two months
    wanzhou = Division.objects.get(code="500101")
    yuzhong = Division.objects.get(code="500103")
    clues(wanzhou, date(2025, 3, 1), 4, category=Tip.Category.FORCED_LABOUR)
    clues(wanzhou, date(2025, 3, 1), 2, category=Tip.Category.ONLINE)
    clues(yuzhong, date(2025, 4, 1), 3, category=Tip.Category.FORCED_LABOUR, status="substantiated")
    # when
    with time_machine.travel(at(date(2025, 5, 2))):
        rollups_refresh()
    # then
    assert _cells("clues_received") == {
        ("500101", date(2025, 3, 1), "forced_labour"): 4,
        ("500101", date(2025, 3, 1), "online"): 2,
        ("500103", date(2025, 4, 1), "forced_labour"): 3,
    }
    assert _cells("clues_substantiated") == {("500103", date(2025, 4, 1), "forced_labour"): 3}


def test_a_clue_on_the_last_evening_of_a_month_counts_in_that_month_in_beijing_time() -> None:
    wanzhou = Division.objects.get(code="500101")
    # 23:00 on 31 March in Beijing is 15:00 UTC: March, not April.
    tip = clues(wanzhou, date(2025, 3, 1), 1, day=31)[0]
    Tip.objects.filter(pk=tip.pk).update(received_hour=at(date(2025, 3, 31), 23))
    with time_machine.travel(at(date(2025, 5, 2))):
        rollups_refresh()
    assert _cells("clues_received") == {("500101", date(2025, 3, 1), "other"): 1}


def test_a_second_refresh_changes_nothing_and_a_late_one_gives_the_same_table() -> None:
    wanzhou = Division.objects.get(code="500101")
    clues(wanzhou, date(2025, 3, 1), 5)
    with time_machine.travel(at(date(2025, 3, 20))):
        first = rollups_refresh()
        second = rollups_refresh()
    table = _cells("clues_received")
    with time_machine.travel(at(date(2025, 9, 1))):
        rollups_refresh()  # a day later, months later: the full re-check
    assert first > 0 and second == 0
    assert _cells("clues_received") == table == {("500101", date(2025, 3, 1), "other"): 5}


def test_new_clues_of_this_month_are_counted_on_the_next_tick() -> None:
    wanzhou = Division.objects.get(code="500101")
    with time_machine.travel(at(date(2025, 3, 20))):
        rollups_refresh()
        clues(wanzhou, date(2025, 3, 1), 2, day=20)
    with time_machine.travel(at(date(2025, 3, 20)) + timedelta(minutes=1)):
        changed = rollups_refresh()
    assert changed == 1
    assert _cells("clues_received") == {("500101", date(2025, 3, 1), "other"): 2}


def test_a_change_in_an_old_month_without_a_timestamp_waits_for_the_nightly_recheck() -> None:
    # given a rollup made today, then an old clue substantiated (clues have no change
    # timestamp: only this and last month are re-read on every tick)
    wanzhou = Division.objects.get(code="500101")
    tip = clues(wanzhou, date(2024, 6, 1), 1)[0]
    with time_machine.travel(at(date(2025, 3, 20))):
        rollups_refresh()
        Tip.objects.filter(pk=tip.pk).update(status=Tip.Status.SUBSTANTIATED)
        rollups_refresh()
        assert _cells("clues_substantiated") == {}
    # when the next day's first tick runs
    with time_machine.travel(at(date(2025, 3, 21), 1)):
        rollups_refresh()
    # then
    assert _cells("clues_substantiated") == {("500101", date(2024, 6, 1), "other"): 1}


def test_a_changed_row_of_a_figure_with_a_timestamp_is_recounted_in_its_month(
    make_user: Callable[..., User],
) -> None:
    # given today's rollup, then a found child recorded today for a month long past
    from homeward.prevention.models import FoundChild
    from homeward.testing.factories import PersonFactory

    worker = make_user(roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500101-civil_affairs")
    wanzhou = Division.objects.get(code="500101")
    with time_machine.travel(at(date(2025, 3, 20))):
        rollups_refresh()
    with time_machine.travel(at(date(2025, 3, 20), 11)):
        FoundChild.objects.create(
            person=PersonFactory(division=wanzhou),
            kind=FoundChild.Kind.STREET_MINOR,
            found_at=at(date(2024, 11, 5)),
            found_place="车站",
            found_by="民警",
            placement=FoundChild.Placement.PROTECTION,
            division=wanzhou,
            owning_agency=worker.agency,
            recorded_by=worker,
        )
        # when the next tick runs (same day: no full re-check)
        changed = rollups_refresh()
    # then the old month's cell is recounted
    assert changed == 1
    assert _cells("children_found_alone") == {("500101", date(2024, 11, 1), "street_minor"): 1}


def test_located_clues_are_counted_on_h3_cells() -> None:
    wanzhou = Division.objects.get(code="500101")
    clues(wanzhou, date(2025, 3, 1), 3, point=(30.80, 108.40))
    clues(wanzhou, date(2025, 3, 1), 1, point=(30.60, 108.10))
    with time_machine.travel(at(date(2025, 5, 2))):
        rollups_refresh()
    counts = sorted(
        CellCount.objects.filter(figure="clues_received").values_list("count", flat=True)
    )
    assert counts == [1, 3]


def test_the_rebuild_command_recomputes_everything() -> None:
    wanzhou = Division.objects.get(code="500101")
    clues(wanzhou, date(2025, 3, 1), 2)
    MonthlyCount.objects.create(
        figure="clues_received", division=wanzhou, month=date(2020, 1, 1), category="x", count=9
    )
    call_command("analysis_rebuild")
    assert _cells("clues_received") == {("500101", date(2025, 3, 1), "other"): 2}
