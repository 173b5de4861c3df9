"""The situation dashboard's content for one user, area, figure and year: a handful of
grouped queries over the rollups, whatever the number of years or rows behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from homeward.analysis import selectors
from homeward.analysis.rollups import add_months
from homeward.analysis.selectors import Area, shown
from homeward.core.figures import FigureDefinition, rate_label, rate_per_100k
from homeward.core.maps import division_geometries
from homeward.core.models import Division, User
from homeward.geotarget import MapPoint, MapRegion, render_svg_map

BANDS = 5
# Province flows (issue 16): victims rescued here by province of origin, and children lost
# from here whose family was found, by the province where they were found.
FLOW_IN = "victims_by_province"
FLOW_OUT = "found_by_province"
FLOW_CHART_BARS = 10  # the chart shows the largest; the table lists every province


@dataclass
class FigureLine:
    key: str
    label: str
    this_year: int | None
    last_year: int | None
    change: str  # "+12%", "−5%", "" when not comparable


@dataclass
class DistrictLine:
    code: str
    name: str
    count: int | None
    # Per 100,000 residents, or per 100,000 children aged 0–14 for a children's figure
    # (core.figures.rate_per_100k); None when the count is suppressed or the district has
    # no population for it.
    rate: float | None
    warnings: int
    url: str


@dataclass
class Dashboard:
    area: Area
    figure: FigureDefinition
    category: str
    year: int
    months: list[str]
    this_year: list[int | None]
    last_year: list[int | None]
    figures: list[FigureLine]
    districts: list[DistrictLine]
    categories: list[tuple[str, int | None]]
    found_24h: str
    found_7d: str
    alerts_published: int | None
    hot_spots: list[tuple[str, float, float, int | None]]
    map_svg: SafeString
    exact: bool
    flows_in: list[tuple[str, int | None]] = field(default_factory=list)
    flows_out: list[tuple[str, int | None]] = field(default_factory=list)
    flows_shown: bool = False
    charts: dict[str, Any] = field(default_factory=dict)
    per_children: bool = False  # the districts' rate is per 100,000 children aged 0–14
    offers_children: bool = False  # the figure counts children: its reader may choose
    children_covered: tuple[int, int] = (0, 0)  # districts with a child population, of all
    rate_label: str = ""

    def trend_rows(self) -> list[tuple[str, int | None, int | None]]:
        last = self.last_year + [None] * (len(self.this_year) - len(self.last_year))
        return list(zip(self.months, self.this_year, last, strict=False))

    def category_label(self) -> str:
        return self.figure.category_label(self.category) if self.category else ""


def change_text(this_year: int | None, last_year: int | None) -> str:
    if this_year is None or last_year is None or last_year == 0:
        return ""
    change = (this_year - last_year) / last_year * 100
    return f"{change:+.0f}%"


def _share(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "—"


def months_of(year: int, today: date) -> tuple[date, date]:
    """January to December; for the current year, to the last complete month (January
    itself in January)."""
    first = date(year, 1, 1)
    last = date(year, 12, 1)
    if year == today.year:
        last = max(first, add_months(today.replace(day=1), -1))
    return first, last


def flows(
    user: User, area: Area, first: date, last: date, *, exact: bool
) -> tuple[list[tuple[str, int | None]], list[tuple[str, int | None]]] | None:
    """(victims rescued in the area by province of origin, children lost from the area
    found elsewhere by province where found), each as (label, count) largest first, from
    the rollups (two grouped queries); None when the user sees neither figure."""
    visible = {f.key: f for f in selectors.figures_for(user)}
    if FLOW_IN not in visible and FLOW_OUT not in visible:
        return None
    result: list[list[tuple[str, int | None]]] = []
    for key in (FLOW_IN, FLOW_OUT):
        definition = visible.get(key)
        if definition is None:
            result.append([])
            continue
        totals = selectors.totals_by_category(key, area, first, last)
        result.append(
            [
                (definition.category_label(code) if code else _("Not given"), shown(n, exact))
                for code, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
            ]
        )
    return result[0], result[1]


def _bars(rows: list[tuple[str, int | None]]) -> dict[str, list[Any]]:
    top = rows[:FLOW_CHART_BARS]
    return {"labels": [label for label, _n in top], "values": [n for _label, n in top]}


def dashboard_for(
    user: User,
    area: Area,
    figure: FigureDefinition,
    year: int,
    category: str,
    *,
    exact: bool = True,
    per: str = "",
) -> Dashboard:
    """The page's content; ``exact`` False suppresses small counts (an export beyond
    the police). A children's figure's district rate is per 100,000 children aged 0–14
    when ``per`` is "children", per 100,000 residents when it is "residents"; by default
    per children only where every district has its child population (else the map would
    leave the districts without one blank)."""
    today = timezone.localdate()
    first, last = months_of(year, today)
    last_first, last_last = date(year - 1, 1, 1), date(year - 1, last.month, 1)
    # Trends: this year and the same months of last year.
    this_series = selectors.monthly_series(figure.key, area, first, last, category)
    last_series = selectors.monthly_series(figure.key, area, last_first, last_last, category)
    # Every figure this year against last year (two grouped queries).
    keys = [f.key for f in selectors.figures_for(user)]
    now_totals = selectors.totals_by_figure(keys, area, first, last)
    then_totals = selectors.totals_by_figure(keys, area, last_first, last_last)
    lines = []
    for definition in selectors.figures_for(user):
        this_total = shown(now_totals.get(definition.key, 0), exact)
        last_total = shown(then_totals.get(definition.key, 0), exact)
        lines.append(
            FigureLine(
                key=definition.key,
                label=str(definition.label),
                this_year=this_total,
                last_year=last_total,
                change=change_text(this_total, last_total),
            )
        )
    # The 38 districts (the city view) or the district highlighted.
    by_district = selectors.totals_by_district(figure.key, first, last, category)
    warned = selectors.open_warnings_by_district(user, add_months(last, -2))
    districts: list[DistrictLine] = []
    visible = {a.division.pk for a in selectors.areas_for(user) if a.division}
    divisions = list(Division.objects.order_by("code"))
    covered = sum(1 for division in divisions if division.population_0_14_2020)
    offers_children = figure.counts_children(category)
    children = offers_children and (
        per == "children" or (per != "residents" and covered == len(divisions))
    )
    for division in divisions:
        count = shown(by_district.get(division.pk, 0), exact)
        districts.append(
            DistrictLine(
                code=division.code,
                name=division.display_name,
                count=count,
                rate=rate_per_100k(figure, category, count, division, children=children),
                warnings=warned.get(division.pk, 0),
                url=_url(division.code, figure.key, year, category)
                if division.pk in visible
                else "",
            )
        )
    if area.division is not None:
        shown_districts = [d for d in districts if d.code == area.division.code]
    else:
        shown_districts = districts
    categories = [
        (figure.category_label(code) if code else _("Not given"), shown(count, exact))
        for code, count in selectors.totals_by_category(figure.key, area, first, last).items()
    ]
    published = now_totals.get("alerts_published", 0)
    hot = []
    import h3

    for cell, count in selectors.hot_spots(area, first, last):
        lat, lon = h3.cell_to_latlng(cell)
        hot.append((cell, lat, lon, shown(count, exact)))
    dashboard = Dashboard(
        area=area,
        figure=figure,
        category=category,
        year=year,
        months=[f"{m.year}-{m.month:02d}" for m in _months(first, last)],
        this_year=[shown(v, exact) for v in this_series],
        last_year=[shown(v, exact) for v in last_series],
        figures=lines,
        districts=shown_districts,
        categories=categories,
        found_24h=_share(now_totals.get("children_found_24h", 0), published),
        found_7d=_share(now_totals.get("children_found_7d", 0), published),
        alerts_published=shown(published, exact),
        hot_spots=hot,
        map_svg=choropleth(districts, area, hot, per_children=children),
        exact=exact,
        per_children=children,
        offers_children=offers_children,
        children_covered=(covered, len(divisions)),
        rate_label=rate_label(figure, category, children=children),
    )
    flow = flows(user, area, first, last, exact=exact)
    if flow is not None:
        dashboard.flows_in, dashboard.flows_out = flow
        dashboard.flows_shown = True
    dashboard.charts = {
        "flows_in": _bars(dashboard.flows_in),
        "flows_out": _bars(dashboard.flows_out),
        "trend": {
            "months": [f"{m:02d}" for m in range(1, len(this_series) + 1)],
            "series": [
                {"name": str(year), "values": dashboard.this_year},
                {"name": str(year - 1), "values": dashboard.last_year},
            ],
        },
        "categories": {
            "labels": [label for label, _count in categories],
            "values": [count for _label, count in categories],
        },
    }
    return dashboard


def _months(first: date, last: date) -> list[date]:
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _url(code: str, figure: str, year: int, category: str) -> str:
    query = f"?area={code}&figure={figure}&year={year}"
    if category:
        query += f"&category={category}"
    return reverse("analysis:dashboard") + query


def choropleth(
    districts: list[DistrictLine],
    area: Area,
    hot: list[tuple[str, float, float, int | None]],
    *,
    per_children: bool = False,
) -> SafeString:
    """The 38 districts shaded by the figure's rate per 100,000 residents, or per 100,000
    children aged 0–14 for a children's figure (five bands of the highest rate; a district
    without a rate stays unshaded), districts with a recent warning marked, hot spots as
    points."""
    geometries = division_geometries()
    per = _("100,000 children") if per_children else _("100,000 residents")
    top = max((d.rate for d in districts if d.rate), default=0.0)
    regions = []
    for line in districts:
        band = 0
        if line.rate and top:
            band = min(BANDS - 1, 1 + int(line.rate / top * (BANDS - 1) - 1e-9))
        css = f"band-{band}" + (" has-warning" if line.warnings else "")
        if line.count is None:
            title = f"{line.name}: <5"
        elif line.rate is None:
            title = f"{line.name}: {line.count} (" + _("no rate") + ")"
        else:
            title = f"{line.name}: {line.count} ({line.rate:.1f} / " + per + ")"
        if line.warnings:
            title += " · " + _("early warning")
        regions.append(
            MapRegion(
                code=line.code,
                label=line.name,
                geometry=geometries[line.code],
                href=line.url or None,
                css_class=css,
                title=title,
            )
        )
    points = [
        MapPoint(lat=lat, lon=lon, label=str(n) if n is not None else "<5", css_class="hotspot")
        for _c, lat, lon, n in hot
    ]
    svg = render_svg_map(
        regions,
        highlight=area.division.code if area.division else None,
        aria_label=_("Map of the districts shaded by the figure per 100,000 children")
        if per_children
        else _("Map of the districts shaded by the figure per 100,000 residents"),
        points=points,
    )
    # render_svg_map escapes every label, title and attribute.
    return mark_safe(svg)  # noqa: S308
