"""Tests for homeward.geotarget.svgmap."""

from __future__ import annotations

import csv
import json
import math
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from homeward.geotarget import (
    MapRegion,
    MultiPolygon,
    Polygon,
    Ring,
    bbox,
    bbox_union,
    multipolygon_from_geojson,
    point_in_polygon,
    project_equirectangular,
    render_svg_map,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "core" / "data"
SVG = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 150_000


@cache
def features() -> tuple[tuple[str, str, MultiPolygon], ...]:
    """``(code, name, geometry)`` for the 38 divisions."""
    with (DATA_DIR / "boundaries.geojson").open(encoding="utf-8") as fh:
        collection: dict[str, Any] = json.load(fh)
    return tuple(
        (
            str(f["properties"]["adcode"]),
            str(f["properties"]["name"]),
            multipolygon_from_geojson(f["geometry"]),
        )
        for f in collection["features"]
    )


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """``code -> (lon, lat)`` from divisions.csv."""
    with (DATA_DIR / "divisions.csv").open(encoding="utf-8", newline="") as fh:
        return {row["code"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(fh)}


def all_regions() -> list[MapRegion]:
    return [
        MapRegion(code=code, label=name, geometry=geometry, href=f"/divisions/{code}/")
        for code, name, geometry in features()
    ]


def parse(svg: str) -> ET.Element:
    # Parsing markup this module just produced, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def square(x0: float, y0: float, x1: float, y1: float) -> Ring:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))


def rings_from_path(d: str) -> list[Ring]:
    """Read back the closed rings of an ``M x y L x y ... Z`` path."""
    rings: list[Ring] = []
    for body in re.findall(r"M([^Z]*)Z", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", body)]
        points = list(zip(numbers[::2], numbers[1::2], strict=True))
        rings.append((*points, points[0]))
    return rings


# --------------------------------------------------------------------------------------
# project_equirectangular
# --------------------------------------------------------------------------------------


def test_projection_corners_and_orientation() -> None:
    box = (0.0, -5.0, 10.0, 5.0)  # mid-latitude 0: no horizontal squeeze
    x0, y0 = project_equirectangular(0.0, -5.0, box, 100, 100)
    x1, y1 = project_equirectangular(10.0, 5.0, box, 100, 100)
    assert (x0, y0) == pytest.approx((0.0, 100.0))  # south-west: bottom left
    assert (x1, y1) == pytest.approx((100.0, 0.0))  # north-east: top right
    assert project_equirectangular(5.0, 0.0, box, 100, 100) == pytest.approx((50.0, 50.0))


def test_projection_preserves_aspect_ratio_and_centres() -> None:
    # At 60 degrees north, a 2 x 1 degree box is square on the ground.
    box = (0.0, 59.5, 2.0, 60.5)
    width, height = 300, 100
    west = project_equirectangular(0.0, 60.0, box, width, height)
    east = project_equirectangular(2.0, 60.0, box, width, height)
    north = project_equirectangular(1.0, 60.5, box, width, height)
    south = project_equirectangular(1.0, 59.5, box, width, height)
    k = math.cos(math.radians(60.0))
    assert east[0] - west[0] == pytest.approx(2.0 * k * 100.0)
    assert south[1] - north[1] == pytest.approx(100.0)
    # Centred horizontally: equal margins left and right.
    assert west[0] == pytest.approx(width - east[0])
    assert north[1] == pytest.approx(0.0)


def test_projection_of_chongqing_fits_the_viewport() -> None:
    box = bbox_union(bbox(g) for _, _, g in features())
    for _, _, geometry in features():
        for polygon in geometry:
            for lon, lat in polygon[0]:
                x, y = project_equirectangular(lon, lat, box, 640, 520)
                assert -1e-9 <= x <= 640 + 1e-9
                assert -1e-9 <= y <= 520 + 1e-9


def test_projection_degenerate_and_invalid() -> None:
    assert project_equirectangular(5.0, 5.0, (5.0, 5.0, 5.0, 5.0), 100, 80) == (50.0, 40.0)
    with pytest.raises(ValueError, match="positive"):
        project_equirectangular(0.0, 0.0, (0.0, 0.0, 1.0, 1.0), 0, 100)
    with pytest.raises(ValueError, match="bbox"):
        project_equirectangular(0.0, 0.0, (1.0, 0.0, 0.0, 1.0), 100, 100)


# --------------------------------------------------------------------------------------
# render_svg_map on the 38 divisions
# --------------------------------------------------------------------------------------


def test_render_all_divisions() -> None:
    regions = all_regions()
    svg = render_svg_map(regions, highlight="500103")
    root = parse(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 640 520"
    assert root.get("role") == "img"
    assert root.get("aria-label")

    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 38
    assert {p.get("data-code") for p in paths} == {code for code, _, _ in features()}
    for path in paths:
        assert path.get("d", "").startswith("M")
        assert (path.get("class") or "").split()[0] == "region"
        title = path.find(f"{SVG}title")
        assert title is not None
        assert title.text

    links = list(root.iter(f"{SVG}a"))
    assert len(links) == 38
    for link in links:
        linked = link.find(f"{SVG}path")
        assert linked is not None
        assert link.get("href") == f"/divisions/{linked.get('data-code')}/"

    size = len(svg.encode("utf-8"))
    assert size < MAX_BYTES, size


def test_render_has_no_script_or_inline_style() -> None:
    svg = render_svg_map(all_regions(), highlight="500103")
    lowered = svg.lower()
    assert "script" not in lowered
    assert "style=" not in lowered
    assert "<style" not in lowered
    assert not re.search(r"\son[a-z]+\s*=", lowered)  # no event-handler attributes


def test_highlight_class_applied_once_and_drawn_last() -> None:
    root = parse(render_svg_map(all_regions(), highlight="500103"))
    paths = list(root.iter(f"{SVG}path"))
    highlighted = [p for p in paths if "is-highlighted" in (p.get("class") or "").split()]
    assert [p.get("data-code") for p in highlighted] == ["500103"]
    assert paths[-1].get("data-code") == "500103"


def test_unknown_or_missing_highlight_is_ignored() -> None:
    for highlight in (None, "999999"):
        svg = render_svg_map(all_regions(), highlight=highlight)
        assert "is-highlighted" not in svg
        assert len(list(parse(svg).iter(f"{SVG}path"))) == 38


def test_every_centroid_falls_inside_its_rendered_path() -> None:
    """Projection and simplification keep each division's centroid inside its outline."""
    box = bbox_union(bbox(g) for _, _, g in features())
    root = parse(render_svg_map(all_regions()))
    pad = 4.0
    for path in root.iter(f"{SVG}path"):
        code = path.get("data-code")
        assert code is not None
        lon, lat = centroids()[code]
        x, y = project_equirectangular(lon, lat, box, 640 - 2 * pad, 520 - 2 * pad)
        polygon: Polygon = tuple(rings_from_path(path.get("d", "")))
        assert point_in_polygon(x + pad, y + pad, polygon), code


def test_simplification_shrinks_output() -> None:
    regions = all_regions()
    full = render_svg_map(regions, simplify_tolerance=0.0)
    default = render_svg_map(regions)
    coarse = render_svg_map(regions, simplify_tolerance=0.02)
    assert len(coarse) < len(default) < len(full)
    assert len(list(parse(coarse).iter(f"{SVG}path"))) == 38


def test_custom_size_and_label() -> None:
    svg = render_svg_map(all_regions(), width=320, height=260, aria_label="重庆市 38 区县")
    root = parse(svg)
    assert root.get("viewBox") == "0 0 320 260"
    assert root.get("aria-label") == "重庆市 38 区县"


# --------------------------------------------------------------------------------------
# render_svg_map details
# --------------------------------------------------------------------------------------

UNIT: MultiPolygon = ((square(106.0, 29.0, 106.5, 29.5),),)
OTHER: MultiPolygon = ((square(107.0, 30.0, 107.5, 30.5),),)


def test_text_and_attributes_are_escaped() -> None:
    regions = [
        MapRegion(
            code='a"b',
            label="<&> 区",
            geometry=UNIT,
            href="/x?a=1&b=<2>",
            css_class='band-1 "evil"',
        ),
        MapRegion(code="c", label="plain", geometry=OTHER, title="Cases: 3 < 5 & 'more'"),
    ]
    svg = render_svg_map(regions)
    assert "&lt;&amp;&gt; 区" in svg
    assert "<&>" not in svg
    assert "Cases: 3 &lt; 5 &amp; 'more'" in svg
    root = parse(svg)
    paths = list(root.iter(f"{SVG}path"))
    first = paths[0]
    assert first.get("data-code") == 'a"b'
    assert first.get("class") == 'region band-1 "evil"'
    title = first.find(f"{SVG}title")
    assert title is not None
    assert title.text == "<&> 区"
    link = root.find(f"{SVG}a")
    assert link is not None
    assert link.get("href") == "/x?a=1&b=<2>"
    # The title overrides the label in the tooltip; no link without href.
    second_title = paths[1].find(f"{SVG}title")
    assert second_title is not None
    assert second_title.text == "Cases: 3 < 5 & 'more'"
    assert len(list(root.iter(f"{SVG}a"))) == 1


def test_characters_invalid_in_xml_are_dropped() -> None:
    svg = render_svg_map([MapRegion(code="x\x00", label="bad\x07name\x1f", geometry=UNIT)])
    root = parse(svg)
    path = root.find(f"{SVG}path")
    assert path is not None
    assert path.get("data-code") == "x"
    title = path.find(f"{SVG}title")
    assert title is not None
    assert title.text == "badname"


def test_css_class_and_hole_rendering() -> None:
    donut: MultiPolygon = ((square(0, 0, 10, 10), square(4, 4, 6, 6)),)
    svg = render_svg_map([MapRegion(code="d", label="donut", geometry=donut, css_class="band-2")])
    path = parse(svg).find(f"{SVG}path")
    assert path is not None
    assert path.get("class") == "region band-2"
    assert path.get("fill-rule") == "evenodd"
    assert path.get("d", "").count("M") == 2  # the hole is drawn as a second subpath


def test_tiny_region_still_gets_a_path() -> None:
    big: MultiPolygon = ((square(0, 0, 10, 10),),)
    speck: MultiPolygon = ((square(5, 5, 5.0001, 5.0001),),)
    svg = render_svg_map([MapRegion("big", "big", big), MapRegion("speck", "speck", speck)])
    paths = list(parse(svg).iter(f"{SVG}path"))
    assert [p.get("data-code") for p in paths] == ["big", "speck"]


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "  JavaScript:alert(1)", "java\tscript:alert(1)"]
)
def test_script_links_are_refused(href: str) -> None:
    with pytest.raises(ValueError, match="script URL"):
        render_svg_map([MapRegion(code="x", label="x", geometry=UNIT, href=href)])


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="at least one region"):
        render_svg_map([])
    with pytest.raises(ValueError, match="duplicate"):
        render_svg_map([MapRegion("a", "a", UNIT), MapRegion("a", "b", OTHER)])
    with pytest.raises(ValueError, match="empty geometry"):
        render_svg_map([MapRegion("a", "a", ())])
    with pytest.raises(ValueError, match="width and height"):
        render_svg_map([MapRegion("a", "a", UNIT)], width=0)
    with pytest.raises(ValueError, match="simplify_tolerance"):
        render_svg_map([MapRegion("a", "a", UNIT)], simplify_tolerance=-1)


def test_map_region_is_frozen() -> None:
    region = MapRegion(code="a", label="a", geometry=UNIT)
    assert region.href is None
    assert region.css_class == ""
    assert region.title is None
    with pytest.raises(AttributeError):
        region.label = "b"  # type: ignore[misc]
