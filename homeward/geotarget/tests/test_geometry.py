"""Tests for homeward.geotarget.geometry."""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeward.geotarget import (
    EARTH_RADIUS_KM,
    MultiPolygon,
    Polygon,
    Ring,
    bbox,
    bbox_union,
    bd09_to_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_km,
    multipolygon_from_geojson,
    out_of_china,
    point_in_multipolygon,
    point_in_polygon,
    simplify_ring,
    wgs84_to_gcj02,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "core" / "data"

# Chongqing's bounding box (GCJ-02), rounded outwards.
CQ_MIN_LON, CQ_MIN_LAT, CQ_MAX_LON, CQ_MAX_LAT = 105.28, 28.16, 110.20, 32.21

cq_lons = st.floats(min_value=CQ_MIN_LON, max_value=CQ_MAX_LON)
cq_lats = st.floats(min_value=CQ_MIN_LAT, max_value=CQ_MAX_LAT)


@cache
def boundaries() -> dict[str, MultiPolygon]:
    """The 38 division boundaries, by 6-digit code."""
    with (DATA_DIR / "boundaries.geojson").open(encoding="utf-8") as fh:
        collection: dict[str, Any] = json.load(fh)
    return {
        str(feature["properties"]["adcode"]): multipolygon_from_geojson(feature["geometry"])
        for feature in collection["features"]
    }


@cache
def divisions() -> tuple[dict[str, str], ...]:
    """Rows of divisions.csv."""
    with (DATA_DIR / "divisions.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def square(x0: float, y0: float, x1: float, y1: float) -> Ring:
    """A closed counter-clockwise rectangle."""
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))


# --------------------------------------------------------------------------------------
# haversine_km
# --------------------------------------------------------------------------------------


def test_haversine_chongqing_to_chengdu() -> None:
    # Centre points from PROVENANCE.md; the nearby_cities table gives 266 km.
    assert haversine_km(29.533155, 106.504962, 30.659462, 104.065735) == pytest.approx(
        266.0, abs=1.0
    )


def test_haversine_reference_values() -> None:
    assert haversine_km(29.5, 106.5, 29.5, 106.5) == 0.0
    # A quarter meridian and half the equator.
    assert haversine_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    # One degree of latitude is about 111.2 km.
    assert haversine_km(29.0, 106.0, 30.0, 106.0) == pytest.approx(111.195, abs=0.01)


@given(cq_lats, cq_lons, cq_lats, cq_lons)
def test_haversine_is_symmetric_and_non_negative(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    d = haversine_km(lat1, lon1, lat2, lon2)
    assert d >= 0.0
    assert d == pytest.approx(haversine_km(lat2, lon2, lat1, lon1), abs=1e-9)


# --------------------------------------------------------------------------------------
# multipolygon_from_geojson
# --------------------------------------------------------------------------------------


def test_geojson_polygon_becomes_one_member_multipolygon() -> None:
    geometry = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1, 50], [0, 0]]]}
    mp = multipolygon_from_geojson(geometry)
    assert mp == ((((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)),),)
    assert all(isinstance(c, float) for c in mp[0][0][0])


def test_geojson_multipolygon_keeps_holes() -> None:
    outer = [list(p) for p in square(0, 0, 10, 10)]
    hole = [list(p) for p in square(4, 4, 6, 6)]
    far = [list(p) for p in square(20, 20, 21, 21)]
    mp = multipolygon_from_geojson({"type": "MultiPolygon", "coordinates": [[outer, hole], [far]]})
    assert len(mp) == 2
    assert len(mp[0]) == 2
    assert len(mp[1]) == 1


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [106.5, 29.5]}, "unsupported geometry type 'Point'"),
        ({"coordinates": []}, "unsupported geometry type None"),
        ({"type": "Polygon"}, "no 'coordinates'"),
        ({"type": "Polygon", "coordinates": []}, "non-empty array"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 4"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "closed"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1], [0, 0]]]}, "numbers"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, math.nan], [0, 0]]]}, "finite"),
        ({"type": "MultiPolygon", "coordinates": "oops"}, "array of polygons"),
    ],
)
def test_geojson_rejects_bad_input(geometry: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        multipolygon_from_geojson(geometry)


def test_boundaries_file_loads() -> None:
    mps = boundaries()
    assert len(mps) == 38
    assert {row["code"] for row in divisions()} == set(mps)


# --------------------------------------------------------------------------------------
# point_in_multipolygon
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [row["code"] for row in divisions()])
def test_division_centroid_inside_own_boundary_only(code: str) -> None:
    row = next(r for r in divisions() if r["code"] == code)
    lon, lat = float(row["lon"]), float(row["lat"])
    mps = boundaries()
    assert point_in_multipolygon(lon, lat, mps[code])

    # The division whose centroid is farthest away must not contain this centroid...
    farthest = max(
        (r for r in divisions() if r["code"] != code),
        key=lambda r: haversine_km(lat, lon, float(r["lat"]), float(r["lon"])),
    )
    assert not point_in_multipolygon(lon, lat, mps[farthest["code"]])
    # ...and in fact no other division does.
    assert [c for c, mp in mps.items() if point_in_multipolygon(lon, lat, mp)] == [code]


def test_points_outside_chongqing() -> None:
    mps = boundaries().values()
    for lon, lat in [(104.065735, 30.659462), (116.4, 39.9), (0.0, 0.0)]:  # Chengdu, Beijing
        assert not any(point_in_multipolygon(lon, lat, mp) for mp in mps)


def test_polygon_with_hole() -> None:
    donut: Polygon = (square(0, 0, 10, 10), square(4, 4, 6, 6))
    assert point_in_polygon(2, 2, donut)
    assert point_in_polygon(5, 8, donut)
    assert not point_in_polygon(5, 5, donut)  # in the hole
    assert not point_in_polygon(11, 5, donut)
    assert not point_in_polygon(-1, -1, donut)

    # An island inside the hole is a second polygon of the multipolygon.
    island: Polygon = (square(4.5, 4.5, 5.5, 5.5),)
    mp: MultiPolygon = (donut, island)
    assert point_in_multipolygon(5, 5, mp)
    assert not point_in_multipolygon(4.2, 4.2, mp)
    assert point_in_multipolygon(2, 2, mp)


def test_hole_orientation_does_not_matter() -> None:
    hole_cw = tuple(reversed(square(4, 4, 6, 6)))
    donut: Polygon = (square(0, 0, 10, 10), hole_cw)
    assert not point_in_polygon(5, 5, donut)
    assert point_in_polygon(1, 5, donut)


def test_concave_polygon() -> None:
    # A "U": the notch between the arms is outside.
    u_shape: Ring = ((0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3), (0, 0))
    assert point_in_multipolygon(0.5, 2.5, ((u_shape,),))
    assert point_in_multipolygon(2.5, 2.5, ((u_shape,),))
    assert not point_in_multipolygon(1.5, 2.0, ((u_shape,),))
    assert point_in_multipolygon(1.5, 0.5, ((u_shape,),))


def test_boundary_points_of_a_tiling_belong_to_exactly_one_tile() -> None:
    # Four unit squares around (1, 1); neighbours traverse shared edges in opposite
    # directions, and two squares run clockwise, as real neighbouring rings may.
    sw: MultiPolygon = ((square(0, 0, 1, 1),),)
    se: MultiPolygon = ((tuple(reversed(square(1, 0, 2, 1))),),)
    nw: MultiPolygon = ((tuple(reversed(square(0, 1, 1, 2))),),)
    ne: MultiPolygon = ((square(1, 1, 2, 2),),)
    tiles = {"sw": sw, "se": se, "nw": nw, "ne": ne}
    interior_boundary_points = [
        (1, 0.5), (1, 0.1), (1, 1 / 3), (1, 1.5), (0.5, 1), (1.7, 1), (1, 1)
    ]  # fmt: skip
    for lon, lat in interior_boundary_points:
        owners = [name for name, mp in tiles.items() if point_in_multipolygon(lon, lat, mp)]
        assert len(owners) == 1, (lon, lat, owners)
    # Documented rule: an edge point belongs to the area east (or north) of the edge.
    assert point_in_multipolygon(1, 0.5, se)
    assert point_in_multipolygon(0.5, 1, nw)
    assert point_in_multipolygon(1, 1, ne)
    # On the outer border that means: west and south edges in, east and north edges out.
    assert point_in_multipolygon(0, 0.5, sw)
    assert point_in_multipolygon(0.5, 0, sw)
    assert not point_in_multipolygon(2, 0.5, se)
    assert not point_in_multipolygon(0.5, 2, nw)


def test_shared_borders_of_real_divisions_are_never_claimed_twice() -> None:
    mps = boundaries()
    vertex_owners: dict[tuple[float, float], set[str]] = defaultdict(set)
    edge_owners: dict[frozenset[tuple[float, float]], set[str]] = defaultdict(set)
    for code, mp in mps.items():
        for polygon in mp:
            for ring in polygon:
                for a, b in zip(ring, ring[1:], strict=False):
                    vertex_owners[a].add(code)
                    edge_owners[frozenset((a, b))].add(code)
    shared_edges = [e for e, owners in edge_owners.items() if len(owners) == 2]
    assert len(shared_edges) > 1000
    for edge in shared_edges:
        (ax, ay), (bx, by) = tuple(edge)
        mid = ((ax + bx) / 2, (ay + by) / 2)
        assert sum(point_in_multipolygon(*mid, mp) for mp in mps.values()) == 1
    for vertex, owners in vertex_owners.items():
        if len(owners) >= 2:
            assert sum(point_in_multipolygon(*vertex, mps[c]) for c in owners) <= 1


# --------------------------------------------------------------------------------------
# bbox, bbox_union
# --------------------------------------------------------------------------------------


def test_bbox_and_union() -> None:
    a: MultiPolygon = ((square(0, 0, 2, 1),), (square(5, -3, 6, -2),))
    b: MultiPolygon = ((square(-1, 4, 0, 7),),)
    assert bbox(a) == (0, -3, 6, 1)
    assert bbox(b) == (-1, 4, 0, 7)
    assert bbox_union([bbox(a), bbox(b)]) == (-1, -3, 6, 7)
    assert bbox_union(iter([bbox(a)])) == bbox(a)


def test_bbox_of_chongqing() -> None:
    box = bbox_union(bbox(mp) for mp in boundaries().values())
    assert box == pytest.approx((105.289759, 28.161339, 110.198876, 32.201187))


def test_bbox_rejects_empty_input() -> None:
    with pytest.raises(ValueError, match="empty"):
        bbox(())
    with pytest.raises(ValueError, match="at least one"):
        bbox_union([])


# --------------------------------------------------------------------------------------
# simplify_ring
# --------------------------------------------------------------------------------------


def circle(n: int, radius: float = 1.0) -> Ring:
    points = tuple(
        (radius * math.cos(2 * math.pi * i / n), radius * math.sin(2 * math.pi * i / n))
        for i in range(n)
    )
    return (*points, points[0])


def assert_within_tolerance(original: Ring, simplified: Ring, tolerance: float) -> None:
    """Every dropped vertex lies within ``tolerance`` of the kept segment spanning it."""
    index = {p: i for i, p in reversed(list(enumerate(original[:-1])))}
    kept = [index[p] for p in simplified[:-1]] + [len(original) - 1]
    assert kept == sorted(kept), "vertices must stay in order"
    for lo, hi in zip(kept, kept[1:], strict=False):
        a, b = original[lo], original[hi]
        for p in original[lo + 1 : hi]:
            dx, dy = b[0] - a[0], b[1] - a[1]
            length2 = dx * dx + dy * dy
            t = 0.0 if length2 == 0 else ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2
            t = min(1.0, max(0.0, t))
            gap = math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
            assert gap <= tolerance + 1e-12


def test_simplify_keeps_ring_closed_and_reduces_points() -> None:
    ring = circle(200)
    simplified = simplify_ring(ring, 0.01)
    assert simplified[0] == simplified[-1] == ring[0]
    assert 4 <= len(simplified) < len(ring) // 2
    assert set(simplified) <= set(ring)
    assert_within_tolerance(ring, simplified, 0.01)


def test_simplify_huge_tolerance_still_gives_a_valid_ring() -> None:
    simplified = simplify_ring(circle(50), 100.0)
    assert len(simplified) == 4
    assert simplified[0] == simplified[-1]
    assert len(set(simplified)) == 3


def test_simplify_zero_tolerance_drops_only_collinear_points() -> None:
    ring: Ring = ((0, 0), (1, 0), (2, 0), (2, 2), (1, 2), (0, 2), (0, 1), (0, 0))
    assert simplify_ring(ring, 0.0) == ((0, 0), (2, 0), (2, 2), (0, 2), (0, 0))
    assert simplify_ring(circle(30), 0.0) == circle(30)


def test_simplify_small_rings_unchanged() -> None:
    triangle: Ring = ((0, 0), (1, 0), (0, 1), (0, 0))
    assert simplify_ring(triangle, 10.0) == triangle


def test_simplify_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        simplify_ring(circle(10), -1.0)
    with pytest.raises(ValueError, match="tolerance"):
        simplify_ring(circle(10), math.inf)
    with pytest.raises(ValueError, match="closed"):
        simplify_ring(circle(10)[:-1], 0.1)


def test_simplify_real_boundaries() -> None:
    before = after = 0
    for mp in boundaries().values():
        for polygon in mp:
            for ring in polygon:
                simplified = simplify_ring(ring, 0.005)
                assert simplified[0] == simplified[-1]
                assert len(simplified) >= 4
                assert_within_tolerance(ring, simplified, 0.005)
                before += len(ring)
                after += len(simplified)
    assert after < before * 0.7


@given(
    st.lists(
        st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=3, max_size=60, unique=True
    ),
    st.floats(0, 5),
)
def test_simplify_properties(points: list[tuple[float, float]], tolerance: float) -> None:
    ring: Ring = (*points, points[0])
    simplified = simplify_ring(ring, tolerance)
    assert simplified[0] == simplified[-1] == ring[0]
    assert len(simplified) >= 4
    assert len(simplified) <= len(ring)
    assert_within_tolerance(ring, simplified, tolerance)


# --------------------------------------------------------------------------------------
# GCJ-02
# --------------------------------------------------------------------------------------


def test_wgs84_to_gcj02_reference_value() -> None:
    # Expected values from the unit tests of hujiulong/gcoord (test/unit/crs/WGS84.spec.js).
    lon, lat = wgs84_to_gcj02(123.0, 45.0)
    assert lon == pytest.approx(123.00607541, abs=1e-8)
    assert lat == pytest.approx(45.00197815, abs=1e-8)
    # gcoord's own inverse (GCJ02.spec.js) is approximate: agree to 1e-6.
    lon, lat = gcj02_to_wgs84(123.0, 45.0)
    assert lon == pytest.approx(122.99395597, abs=1e-6)
    assert lat == pytest.approx(44.99804071, abs=1e-6)


@given(cq_lons, cq_lats)
def test_gcj02_round_trip_in_chongqing(lon: float, lat: float) -> None:
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(back_lon - lon) < 1e-6
    assert abs(back_lat - lat) < 1e-6
    back_lon, back_lat = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert abs(back_lon - lon) < 1e-6
    assert abs(back_lat - lat) < 1e-6


@given(cq_lons, cq_lats)
def test_gcj02_shift_in_chongqing_is_half_a_kilometre(lon: float, lat: float) -> None:
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert 0.3 <= haversine_km(lat, lon, g_lat, g_lon) <= 0.7
    # GCJ-02 sits east and south of WGS-84 here (PROVENANCE.md).
    assert g_lon > lon
    assert g_lat < lat


def test_gcj02_shift_at_division_centroids() -> None:
    for row in divisions():
        lon, lat = float(row["lon"]), float(row["lat"])
        w_lon, w_lat = gcj02_to_wgs84(lon, lat)
        assert 0.3 <= haversine_km(lat, lon, w_lat, w_lon) <= 0.7


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(-0.1276, 51.5072), (183.0, 45.0), (139.69, 35.69), (106.5, -6.2), (70.0, 30.0)],
)
def test_outside_china_coordinates_unchanged(lon: float, lat: float) -> None:
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_inside_china_box() -> None:
    assert not out_of_china(106.5, 29.5)
    assert not out_of_china(116.4, 39.9)
    assert wgs84_to_gcj02(106.5, 29.5) != (106.5, 29.5)


# --------------------------------------------------------------------------------------
# BD-09 (Baidu Maps)
# --------------------------------------------------------------------------------------


def test_bd09_conversions_match_published_values() -> None:
    # Published outputs of wandergis/coordtransform (test/app.js) for (116.404, 39.915).
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41036949371029, 39.92133699351021), abs=1e-9
    )
    assert bd09_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.39762729119315, 39.90865673957631), abs=1e-9
    )
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.41024449916938, 39.91640428150164), abs=1e-9
    )
    # Beijing railway station, GCJ-02 (39.90245, 116.42703) and BD-09 (39.90851, 116.43351),
    # as listed by the R package's documentation (5 decimals).
    assert bd09_to_gcj02(116.43351, 39.90851) == pytest.approx((116.42703, 39.90245), abs=2e-5)


@given(cq_lons, cq_lats)
def test_bd09_round_trip_in_chongqing_is_within_a_metre(lon: float, lat: float) -> None:
    back_lon, back_lat = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert haversine_km(lat, lon, back_lat, back_lon) < 0.001
    b_lon, b_lat = gcj02_to_bd09(lon, lat)
    # Baidu's shift from GCJ-02 is several hundred metres north-east.
    assert 0.4 <= haversine_km(lat, lon, b_lat, b_lon) <= 1.2
