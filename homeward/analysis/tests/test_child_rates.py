"""Rates per 100,000 children (issue 16): a figure that counts children is shown per
100,000 residents aged 0–14 (2020 census, core/data/divisions.csv) on the dashboard's map
and table and in the yearly report; a district without that population has no rate; a
figure that does not count children keeps the rate per 100,000 residents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client

from homeward.analysis.dashboard import dashboard_for
from homeward.analysis.models import MonthlyCount
from homeward.analysis.report_data import _district_table
from homeward.analysis.selectors import Area
from homeward.core.figures import all_figures, by_key
from homeward.core.models import Division, User

from .conftest import TODAY

pytestmark = pytest.mark.django_db

TONGLIANG = "500151"  # 0–14: 111,980 of 685,729 residents (its census bulletin)
WANZHOU = "500101"  # no child population in the reference data
MONTH = date(2026, 3, 1)


def _counts(figure: str, per_code: dict[str, int], category: str = "") -> None:
    for code, count in per_code.items():
        MonthlyCount.objects.create(
            figure=figure,
            division=Division.objects.get(code=code),
            month=MONTH,
            category=category,
            count=count,
        )


@pytest.fixture
def counted() -> None:
    _counts("alerts_published", {TONGLIANG: 7, WANZHOU: 6})
    _counts("clues_received", {TONGLIANG: 9, WANZHOU: 8})
    _counts("victims_by_age", {TONGLIANG: 5}, category="child")
    _counts("victims_by_age", {TONGLIANG: 11}, category="adult")


def _rates(
    user: User, figure: str, category: str = "", per: str = "children"
) -> dict[str, float | None]:
    with time_machine.travel(TODAY):
        board = dashboard_for(
            user, Area(None), by_key(all_figures())[figure], 2026, category, per=per
        )
    return {line.code: line.rate for line in board.districts}


def test_the_loaded_child_population_is_the_bulletins() -> None:
    tongliang = Division.objects.get(code=TONGLIANG)
    assert (tongliang.population_2020, tongliang.population_0_14_2020) == (685729, 111980)
    assert Division.objects.get(code=WANZHOU).population_0_14_2020 is None


def test_a_childrens_figure_is_per_100000_children_on_the_dashboard(
    office: User, counted: None
) -> None:
    rates = _rates(office, "alerts_published")
    assert rates[TONGLIANG] == pytest.approx(7 / 111980 * 100_000)
    # 万州区 has no child population: no rate, not one per 100,000 residents
    assert rates[WANZHOU] is None


def test_a_figure_not_about_children_keeps_the_rate_per_100000_residents(
    office: User, counted: None
) -> None:
    clues = by_key(all_figures())["clues_received"]
    assert not clues.counts_children()
    rates = _rates(office, "clues_received")
    # 铜梁区 has a child population, but clues are not about children
    assert rates[TONGLIANG] == pytest.approx(9 / 685729 * 100_000)
    assert rates[WANZHOU] == pytest.approx(8 / 1564449 * 100_000)


def test_the_child_category_of_a_mixed_figure_is_per_100000_children(
    office: User, counted: None
) -> None:
    assert _rates(office, "victims_by_age", "child")[TONGLIANG] == pytest.approx(
        5 / 111980 * 100_000
    )
    # all victims (adults too) stay per 100,000 residents
    assert _rates(office, "victims_by_age")[TONGLIANG] == pytest.approx(16 / 685729 * 100_000)


def test_the_page_labels_the_rate_per_100000_children(
    office: User, counted: None, client_for: Callable[[User], Client]
) -> None:
    with time_machine.travel(TODAY):
        response = client_for(office).get(
            "/analysis/?figure=alerts_published&year=2026&per=children"
        )
    assert response.status_code == 200
    board = response.context["d"]
    assert board.per_children and board.offers_children
    assert board.rate_label == "每10万名儿童"
    html = response.content.decode()
    assert "每10万名儿童" in html
    # the map's district titles: the rate per 100,000 children, or no rate at all
    assert "铜梁区: 7 (6.3 / 10万名儿童)" in html
    assert "万州区: 6 (无比率)" in html
    with time_machine.travel(TODAY):
        response = client_for(office).get("/analysis/?figure=clues_received&year=2026")
    assert not response.context["d"].per_children
    assert not response.context["d"].offers_children
    assert 'name="per"' not in response.content.decode()  # nothing to choose for clues
    assert response.context["d"].rate_label == "每10万常住人口"


def test_while_districts_lack_the_child_population_the_map_starts_per_resident(
    office: User, counted: None, client_for: Callable[[User], Client]
) -> None:
    """With the child population of only some districts, a children's figure opens per
    100,000 residents (a map with most districts blank helps nobody) and offers the rate
    per children, saying how many districts have it; once every district has it, per
    children is the default."""
    with time_machine.travel(TODAY):
        response = client_for(office).get("/analysis/?figure=alerts_published&year=2026")
    board = response.context["d"]
    covered = Division.objects.exclude(population_0_14_2020=None).count()
    assert 0 < covered < 38 and board.children_covered == (covered, 38)
    assert board.offers_children and not board.per_children
    assert board.rate_label == "每10万常住人口"
    html = response.content.decode()
    assert f"每10万名儿童（38个区县中{covered}个有普查数据）" in html
    assert "铜梁区: 7 (1.0 / 10万常住人口)" in html
    assert _rates(office, "alerts_published", per="")[WANZHOU] == pytest.approx(
        6 / 1564449 * 100_000
    )
    Division.objects.filter(population_0_14_2020=None).update(population_0_14_2020=100_000)
    with time_machine.travel(TODAY):
        response = client_for(office).get("/analysis/?figure=alerts_published&year=2026")
    assert response.context["d"].per_children
    assert _rates(office, "alerts_published", per="")[WANZHOU] == pytest.approx(6.0)
    # and the reader can still ask for residents
    assert _rates(office, "alerts_published", per="residents")[WANZHOU] == pytest.approx(
        6 / 1564449 * 100_000
    )


def test_the_report_gives_the_alerts_per_100000_children(office: User, counted: None) -> None:
    with time_machine.travel(TODAY):
        rows = _district_table(office, Area(None), 2026)
    assert rows is not None
    header = rows[0]
    by_name = {row[0]: row for row in rows[1:]}
    children = header.index("每10万名儿童")
    residents = header.index("每10万常住人口")
    assert by_name["铜梁区"][children] == f"{7 / 111980 * 100_000:.2f}"
    assert by_name["万州区"][children] == "—"
    assert by_name["铜梁区"][residents] == f"{9 / 685729 * 100_000:.2f}"
    assert by_name["万州区"][residents] == f"{8 / 1564449 * 100_000:.2f}"
