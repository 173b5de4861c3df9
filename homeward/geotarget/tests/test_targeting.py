"""The radius schedule and the H3 cover of an alert's rings (homeward.geotarget.targeting)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import timedelta

import h3.api.basic_int as h3i
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.geotarget import (
    DEFAULT_SCHEDULE,
    H3_RESOLUTION,
    MapCircle,
    MapPoint,
    MapRegion,
    RadiusSchedule,
    cell_of,
    circle_polygon,
    cover_circle,
    haversine_km,
    render_svg_map,
)
from homeward.geotarget.geometry import EARTH_RADIUS_KM

CHONGQING = (29.5579, 106.5772)


def _destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    angular = km / EARTH_RADIUS_KM
    phi1, lam1, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(angular) + math.cos(phi1) * math.sin(angular) * math.cos(theta)
    )
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(angular) * math.cos(phi1),
        math.cos(angular) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lam2)


@pytest.mark.parametrize(
    ("minutes", "stage", "radius"),
    [
        (0, 0, 100),
        (50, 0, 100),
        (59, 0, 100),
        (60, 1, 200),
        (119, 1, 200),
        (150, 2, 300),
        (180, 3, 500),
        (60 * 24, 3, 500),
        (-5, 0, 100),
    ],
)
def test_the_default_schedule_follows_the_national_rule_of_thumb(
    minutes: int, stage: int, radius: float
) -> None:
    index = DEFAULT_SCHEDULE.stage_at(timedelta(minutes=minutes))
    assert index == stage
    assert DEFAULT_SCHEDULE.radius(index) == radius


def test_next_change_and_format_round_trip() -> None:
    assert DEFAULT_SCHEDULE.next_change(timedelta(minutes=50)) == timedelta(minutes=60)
    assert DEFAULT_SCHEDULE.next_change(timedelta(hours=5)) is None
    assert RadiusSchedule.parse(DEFAULT_SCHEDULE.format()) == DEFAULT_SCHEDULE
    custom = RadiusSchedule.parse("0:50, 30:150, 90:400")
    assert custom.stage_at(timedelta(minutes=45)) == 1
    assert custom.radius(2) == 400


@pytest.mark.parametrize(
    "text",
    ["", "10:100", "0:100,0:200", "0:100,60:50", "0:100,abc", "0-100", "0:0", "0:5000"],
)
def test_a_bad_schedule_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError):
        RadiusSchedule.parse(text)


def test_cover_of_a_100_km_circle_is_about_its_area_in_cells() -> None:
    cover = cover_circle(*CHONGQING, 100)
    cell_area = h3i.average_hexagon_area(H3_RESOLUTION, unit="km^2")
    circle_area = math.pi * 100**2
    assert 0.7 * circle_area / cell_area < len(cover.inside) + len(cover.edge)
    assert len(cover.inside) + len(cover.edge) < 1.6 * circle_area / cell_area
    assert set(cover.inside).isdisjoint(cover.edge)


@settings(max_examples=300, deadline=None)
@given(
    bearing=st.floats(0, 360),
    fraction=st.floats(0, 1),
    radius=st.sampled_from([50.0, 100.0, 200.0, 300.0, 500.0]),
)
def test_every_point_in_the_circle_lies_in_a_covered_cell(
    bearing: float, fraction: float, radius: float
) -> None:
    cover = _cover(radius, 0.0)
    lat, lon = _destination(*CHONGQING, bearing, radius * fraction)
    assert cell_of(lat, lon) in cover.inside or cell_of(lat, lon) in cover.edge


@settings(max_examples=300, deadline=None)
@given(bearing=st.floats(0, 360), fraction=st.floats(0, 1))
def test_an_expansion_covers_the_new_ring_and_only_cells_that_reach_it(
    bearing: float, fraction: float
) -> None:
    cover = _cover(200.0, 100.0)
    # Every point of the new ring (100 to 200 km) lies in a covered cell ...
    km = 100 + 100 * fraction
    lat, lon = _destination(*CHONGQING, bearing, km)
    cell = cell_of(lat, lon)
    assert cell in cover.inside or cell in cover.edge
    # ... and no covered cell lies wholly inside the first circle.
    near_lat, near_lon = _destination(*CHONGQING, bearing, 60 * fraction)
    assert cell_of(near_lat, near_lon) not in cover.inside


_COVERS: dict[tuple[float, float], object] = {}


def _cover(radius: float, already: float):  # type: ignore[no-untyped-def]
    key = (radius, already)
    if key not in _COVERS:
        _COVERS[key] = cover_circle(*CHONGQING, radius, already_km=already)
    return _COVERS[key]


def test_cells_called_inside_are_wholly_inside() -> None:
    cover = cover_circle(*CHONGQING, 100)
    for cell in cover.inside:
        for lat, lon in h3i.cell_to_boundary(cell):
            assert haversine_km(*CHONGQING, lat, lon) <= 100


def test_bad_radii_are_refused() -> None:
    with pytest.raises(ValueError):
        cover_circle(*CHONGQING, 0)
    with pytest.raises(ValueError):
        cover_circle(*CHONGQING, 100, already_km=100)


def test_circle_polygon_points_are_on_the_circle() -> None:
    ring = circle_polygon(*CHONGQING, 300, points=24)
    assert ring[0] == ring[-1] and len(ring) == 25
    for lon, lat in ring:
        assert haversine_km(*CHONGQING, lat, lon) == pytest.approx(300, abs=0.1)


def test_the_map_draws_rings_and_points_over_the_regions() -> None:
    square = (((106.0, 29.0), (107.0, 29.0), (107.0, 30.0), (106.0, 30.0), (106.0, 29.0)),)
    svg = render_svg_map(
        [MapRegion(code="x", label="X", geometry=(square,))],
        circles=[MapCircle(29.5, 106.5, 50, "50 km <b>", "ring--current")],
        points=[MapPoint(29.6, 106.6, "成都 & co", "city")],
        extent=(105.0, 28.0, 108.0, 31.0),
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    rings = [p for p in root.iter(f"{ns}path") if "ring" in p.get("class", "").split()]
    assert len(rings) == 1 and "ring--current" in rings[0].get("class", "")
    assert rings[0].find(f"{ns}title").text == "50 km <b>"  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert texts == ["成都 & co"]
    assert "<script" not in svg and "style=" not in svg
