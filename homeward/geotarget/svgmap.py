"""Server-side SVG maps of the divisions, ready for choropleth styling.

The output is a single ``<svg>`` element with one ``<path>`` per region. It holds no
script, no ``style`` attribute and no ``<style>`` element, so it works under a strict
Content-Security-Policy; colour it from the site stylesheet through the ``region``,
``is-highlighted`` and per-region CSS classes, for example::

    .region { fill: #eee; stroke: #fff; stroke-width: 0.75; }
    .region.band-3 { fill: #c0392b; }
    .region.is-highlighted { stroke: #000; stroke-width: 2; }
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .geometry import BBox, MultiPolygon, Position, bbox, bbox_union, simplify_ring
from .targeting import circle_polygon

__all__ = ["MapCircle", "MapPoint", "MapRegion", "project_equirectangular", "render_svg_map"]

SVG_NS = "http://www.w3.org/2000/svg"

# Space left around the drawing so that strokes on the outermost border are not clipped.
_PADDING = 4.0

# Characters that XML 1.0 does not allow at all, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Characters browsers drop from URLs before reading the scheme.
_URL_IGNORED = re.compile("[\x00-\x20\x7f]")


def project_equirectangular(
    lon: float, lat: float, bbox: BBox, width: float, height: float
) -> tuple[float, float]:
    """Project a point into a ``width`` x ``height`` viewport showing ``bbox``.

    An equirectangular projection centred on the box: longitudes are scaled by the cosine
    of the box's middle latitude, so shapes keep their proportions near that latitude. The
    box is scaled uniformly to fit the viewport (aspect ratio preserved) and centred in
    it; the spare space goes to the left and right, or to the top and bottom.

    Parameters
    ----------
    lon, lat : float
        The point, in decimal degrees.
    bbox : BBox
        ``(min_lon, min_lat, max_lon, max_lat)`` of the area to show.
    width, height : float
        Viewport size in user units (pixels at scale 1). Both must be positive.

    Returns
    -------
    tuple[float, float]
        ``(x, y)`` with the origin at the top-left corner and ``y`` growing downwards
        (north is up). Points inside ``bbox`` land inside the viewport.

    Raises
    ------
    ValueError
        If ``width`` or ``height`` is not positive, or the box is inverted.
    """
    if not (width > 0 and height > 0):
        raise ValueError(f"width and height must be positive, got {width!r} x {height!r}")
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lon > max_lon or min_lat > max_lat:
        raise ValueError(f"bbox must be (min_lon, min_lat, max_lon, max_lat), got {bbox!r}")
    k = math.cos(math.radians((min_lat + max_lat) / 2.0))
    span_x = (max_lon - min_lon) * k
    span_y = max_lat - min_lat
    if span_x > 0 and span_y > 0:
        scale = min(width / span_x, height / span_y)
    elif span_x > 0:
        scale = width / span_x
    elif span_y > 0:
        scale = height / span_y
    else:
        scale = 1.0  # a single point: it lands in the centre
    offset_x = (width - span_x * scale) / 2.0
    offset_y = (height - span_y * scale) / 2.0
    x = offset_x + (lon - min_lon) * k * scale
    y = offset_y + (max_lat - lat) * scale
    return (x, y)


@dataclass(frozen=True)
class MapRegion:
    """One area to draw.

    Attributes
    ----------
    code : str
        Stable identifier, written to ``data-code`` (for example the 6-digit adcode).
        Codes must be unique within one map.
    label : str
        Human-readable name, for example ``"渝中区"``.
    geometry : MultiPolygon
        Outline in ``(lon, lat)`` order; all regions of one map must use the same datum.
    href : str | None
        If set, the region is wrapped in a link to this URL. ``javascript:`` URLs are
        refused.
    css_class : str
        Extra classes for the path, space separated (for example a choropleth band).
    title : str | None
        Tooltip text, written to the ``<title>`` child. Defaults to ``label``.
    """

    code: str
    label: str
    geometry: MultiPolygon
    href: str | None = None
    css_class: str = ""
    title: str | None = None


@dataclass(frozen=True)
class MapCircle:
    """A great-circle circle drawn over the regions (an alert ring)."""

    lat: float
    lon: float
    radius_km: float
    label: str
    css_class: str = "ring"


@dataclass(frozen=True)
class MapPoint:
    """A labelled point drawn over the regions (a city, a sighting)."""

    lat: float
    lon: float
    label: str
    css_class: str = "point"


def _text(value: str) -> str:
    """Escape text content, dropping characters that XML cannot carry."""
    return escape(_XML_INVALID.sub("", value))


def _attr(value: str) -> str:
    """Return a quoted, escaped attribute value, dropping characters XML cannot carry."""
    return quoteattr(_XML_INVALID.sub("", value))


def _fmt(value: float) -> str:
    """Format a coordinate with one decimal, without a trailing ``.0`` or a ``-0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _ring_path(ring: Sequence[Position], box: BBox, width: float, height: float) -> tuple[str, ...]:
    """Project a closed ring and return its rounded vertices, without the closing copy.

    Consecutive vertices that round to the same point are merged. Returns ``()`` when
    fewer than three distinct vertices are left (a ring smaller than the output grid).
    """
    inner_w = width - 2 * _PADDING
    inner_h = height - 2 * _PADDING
    out: list[str] = []
    for lon, lat in ring[:-1]:
        x, y = project_equirectangular(lon, lat, box, inner_w, inner_h)
        vertex = f"{_fmt(x + _PADDING)} {_fmt(y + _PADDING)}"
        if not out or out[-1] != vertex:
            out.append(vertex)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return tuple(out) if len(set(out)) >= 3 else ()


def _path_data(
    geometry: MultiPolygon, box: BBox, width: float, height: float, tolerance: float
) -> str:
    """Build the ``d`` attribute for one region (all rings, holes included)."""
    parts: list[str] = []
    for polygon in geometry:
        for ring in polygon:
            simplified = simplify_ring(ring, tolerance) if tolerance > 0 else ring
            vertices = _ring_path(simplified, box, width, height)
            if vertices:
                parts.append("M" + vertices[0] + "L" + " ".join(vertices[1:]) + "Z")
    return "".join(parts)


def _check_href(href: str) -> str:
    scheme_probe = _URL_IGNORED.sub("", href).lower()
    if scheme_probe.startswith(("javascript:", "vbscript:")):
        raise ValueError(f"refusing a script URL as a region link: {href!r}")
    return href


def render_svg_map(
    regions: Sequence[MapRegion],
    *,
    width: int = 640,
    height: int = 520,
    simplify_tolerance: float = 0.005,
    highlight: str | None = None,
    aria_label: str | None = None,
    circles: Sequence[MapCircle] = (),
    points: Sequence[MapPoint] = (),
    extent: BBox | None = None,
) -> str:
    """Render regions as one self-contained, script-free ``<svg>`` element.

    Parameters
    ----------
    regions : Sequence[MapRegion]
        The areas to draw, all in the same datum. The map is fitted to their joint
        bounding box.
    width, height : int
        Size of the ``viewBox`` in user units. The element has no ``width``/``height``
        attributes, so it scales to its container; size it from CSS.
    simplify_tolerance : float
        Douglas-Peucker tolerance in degrees (see :func:`~.geometry.simplify_ring`);
        ``0`` disables simplification. A ring that ends up smaller than the 0.1-unit
        output grid is dropped; if that would drop every ring of a region, the region is
        drawn unsimplified instead, so every region always gets a path.
    highlight : str | None
        Code of a region to mark with the ``is-highlighted`` class. It is drawn last, so
        its outline is on top of its neighbours'. An unknown code is ignored.
    aria_label : str | None
        Accessible name of the map. Defaults to ``"Map of N regions"``.
    circles, points : Sequence[MapCircle], Sequence[MapPoint]
        Overlays drawn above the regions, in order: ``<path class="ring ...">`` and
        ``<circle class="point ...">`` with a ``<title>`` and a ``<text>`` label.
    extent : BBox | None
        Area to show; defaults to the regions' joint bounding box.

    Returns
    -------
    str
        The SVG markup. Each region becomes a ``<path class="region ..."
        data-code="..." fill-rule="evenodd">`` with a ``<title>``, inside an ``<a href>``
        when the region has a link. Text is XML-escaped and coordinates have one decimal.

    Raises
    ------
    ValueError
        If ``regions`` is empty, two regions share a code, a region has no geometry, a
        link uses a ``javascript:`` URL, or the size or tolerance is invalid.

    Notes
    -----
    The root has ``role="img"``, which tells assistive technology to treat the drawing
    as one image and to ignore what is inside, links included. When the regions link
    somewhere, offer the same links as an ordinary list on the page as well.
    """
    if not regions:
        raise ValueError("render_svg_map needs at least one region")
    if width <= 2 * _PADDING or height <= 2 * _PADDING:
        raise ValueError(f"width and height must exceed {2 * _PADDING:g}, got {width} x {height}")
    if not math.isfinite(simplify_tolerance) or simplify_tolerance < 0:
        raise ValueError(f"simplify_tolerance must be >= 0, got {simplify_tolerance!r}")
    seen: set[str] = set()
    for region in regions:
        if region.code in seen:
            raise ValueError(f"duplicate region code {region.code!r}")
        seen.add(region.code)
        if not any(polygon and polygon[0] for polygon in region.geometry):
            raise ValueError(f"region {region.code!r} has an empty geometry")

    box = extent if extent is not None else bbox_union(bbox(region.geometry) for region in regions)
    ordered = [r for r in regions if r.code != highlight] + [
        r for r in regions if r.code == highlight
    ]
    label = aria_label if aria_label is not None else f"Map of {len(regions)} regions"

    lines = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label={_attr(label)} class="region-map">'
    ]
    for region in ordered:
        d = _path_data(region.geometry, box, width, height, simplify_tolerance)
        if not d and simplify_tolerance > 0:
            d = _path_data(region.geometry, box, width, height, 0.0)
        classes = ["region", *region.css_class.split()]
        if region.code == highlight:
            classes.append("is-highlighted")
        title = region.title if region.title is not None else region.label
        path = (
            f'<path d="{d}" class={_attr(" ".join(classes))} data-code={_attr(region.code)}'
            f' fill-rule="evenodd"><title>{_text(title)}</title></path>'
        )
        if region.href is not None:
            path = f"<a href={_attr(_check_href(region.href))}>{path}</a>"
        lines.append(path)
    for circle in circles:
        ring = circle_polygon(circle.lat, circle.lon, circle.radius_km)
        vertices = _ring_path(ring, box, width, height)
        if not vertices:
            continue
        d = "M" + vertices[0] + "L" + " ".join(vertices[1:]) + "Z"
        lines.append(
            f'<path d="{d}" class={_attr("ring " + circle.css_class)} fill-rule="evenodd">'
            f"<title>{_text(circle.label)}</title></path>"
        )
    for point in points:
        x, y = project_equirectangular(
            point.lon, point.lat, box, width - 2 * _PADDING, height - 2 * _PADDING
        )
        x, y = x + _PADDING, y + _PADDING
        lines.append(
            f'<g class={_attr("point " + point.css_class)}><circle cx="{_fmt(x)}" cy="{_fmt(y)}"'
            f' r="3"><title>{_text(point.label)}</title></circle>'
            f'<text x="{_fmt(x + 4)}" y="{_fmt(y - 4)}">{_text(point.label)}</text></g>'
        )
    lines.append("</svg>")
    return "\n".join(lines)
