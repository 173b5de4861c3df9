"""The district map, rendered server-side as SVG by the pure geotarget engine.

Boundaries are static reference data, so the rendered map is cached per
(regions, highlighted division, language).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from homeward.core.models import Division
from homeward.geotarget import MapRegion, multipolygon_from_geojson, render_svg_map


def division_map_svg(
    divisions: Sequence[Division],
    *,
    href: Callable[[str], str],
    highlight: str | None = None,
) -> SafeString:
    language = get_language() or "zh-hans"
    regions = tuple((d.code, d.display_name, href(d.code)) for d in divisions)
    # The SVG is built by render_svg_map, which escapes every label and attribute.
    return mark_safe(_render(regions, highlight, language))  # noqa: S308


@lru_cache(maxsize=1)
def _geometries() -> dict[str, Any]:
    return {
        code: multipolygon_from_geojson(boundary)
        for code, boundary in Division.objects.values_list("code", "boundary")
    }


@lru_cache(maxsize=128)
def _render(regions: tuple[tuple[str, str, str], ...], highlight: str | None, language: str) -> str:
    geometries = _geometries()
    return render_svg_map(
        [
            MapRegion(code=code, label=label, geometry=geometries[code], href=url)
            for code, label, url in regions
        ],
        highlight=highlight,
    )


def division_geometries() -> dict[str, Any]:
    """Every division's boundary as a MultiPolygon, by code (cached)."""
    return _geometries()


def banded_division_map(
    bands: dict[str, int],
    *,
    href: str,
    label: str,
    titles: dict[str, str] | None = None,
    highlight: str | None = None,
) -> SafeString:
    """The 38 districts shaded by a band (CSS class ``band-0`` … ``band-4``), each
    linking to ``href``: the base of every status map of the modules."""
    geometries = _geometries()
    regions = [
        MapRegion(
            code=d.code,
            label=d.display_name,
            geometry=geometries[d.code],
            href=href,
            css_class=f"band-{bands.get(d.code, 0)}",
            title=(titles or {}).get(d.code),
        )
        for d in Division.objects.order_by("code")
    ]
    # render_svg_map escapes every label, title and attribute.
    return mark_safe(render_svg_map(regions, highlight=highlight, aria_label=label))  # noqa: S308


PICKER_WIDTH, PICKER_HEIGHT, PICKER_PADDING = 640, 520, 4.0


@lru_cache(maxsize=8)
def _picker(language: str) -> tuple[str, tuple[float, float, float, float]]:
    from homeward.geotarget import bbox, bbox_union, project_equirectangular

    geometries = _geometries()
    divisions = list(Division.objects.order_by("code"))
    svg = render_svg_map(
        [
            MapRegion(code=d.code, label=d.display_name, geometry=geometries[d.code])
            for d in divisions
        ],
        width=PICKER_WIDTH,
        height=PICKER_HEIGHT,
        aria_label=str(_("Map of Chongqing: click where the child was last seen")),
    )
    box = bbox_union(bbox(geometries[d.code]) for d in divisions)
    inner_w, inner_h = PICKER_WIDTH - 2 * PICKER_PADDING, PICKER_HEIGHT - 2 * PICKER_PADDING
    min_lon, min_lat, max_lon, max_lat = box
    x0, y0 = project_equirectangular(min_lon, max_lat, box, inner_w, inner_h)
    x1, y1 = project_equirectangular(max_lon, min_lat, box, inner_w, inner_h)
    # The projection is linear in each axis: lon = a * x + b, lat = c * y + d (user units).
    a = (max_lon - min_lon) / (x1 - x0)
    b = min_lon - a * (x0 + PICKER_PADDING)
    c = (min_lat - max_lat) / (y1 - y0)
    d = max_lat - c * (y0 + PICKER_PADDING)
    return svg, (a, b, c, d)


def place_picker() -> dict[str, Any]:
    """The district map for picking a point by touch or click: the SVG and the linear
    inverse of its projection (``lon = a·x + b``, ``lat = c·y + d`` in the SVG's user
    units), which the page's script applies to the tapped point."""
    import json

    svg, (a, b, c, d) = _picker(get_language() or "zh-hans")
    districts = json.dumps(dict(Division.objects.values_list("code", "pk")))
    return {
        # render_svg_map escapes every label and attribute.
        "svg": mark_safe(svg),  # noqa: S308
        "a": repr(a),
        "b": repr(b),
        "c": repr(c),
        "d": repr(d),
        "districts": districts,
    }
