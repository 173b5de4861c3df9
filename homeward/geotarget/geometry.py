"""Plane and sphere geometry for the county-level boundaries (standard library only).

Coordinates are ``(lon, lat)`` pairs in decimal degrees, in the GeoJSON axis order. The
Chongqing data in ``homeward/core/data`` uses the GCJ-02 datum; :func:`gcj02_to_wgs84`
converts a point to WGS-84 and :func:`wgs84_to_gcj02` does the reverse. Point-in-polygon
tests only make sense when the point and the polygons use the same datum.

All polygon operations treat longitude and latitude as plane coordinates. This is accurate
enough for containment tests and map drawing at the scale of a province.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "EARTH_RADIUS_KM",
    "BBox",
    "MultiPolygon",
    "Polygon",
    "Position",
    "Ring",
    "bbox",
    "bbox_union",
    "gcj02_to_wgs84",
    "haversine_km",
    "multipolygon_from_geojson",
    "out_of_china",
    "point_in_multipolygon",
    "point_in_polygon",
    "simplify_ring",
    "wgs84_to_gcj02",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG, R1) in kilometres."""

Position = tuple[float, float]
"""A ``(lon, lat)`` pair in decimal degrees."""

Ring = tuple[Position, ...]
"""A closed linear ring: at least 4 positions, the first equal to the last."""

Polygon = tuple[Ring, ...]
"""An exterior ring followed by zero or more holes (the GeoJSON layout)."""

MultiPolygon = tuple[Polygon, ...]
"""Zero or more polygons that do not overlap."""

BBox = tuple[float, float, float, float]
"""``(min_lon, min_lat, max_lon, max_lat)``."""


# --------------------------------------------------------------------------------------
# Great-circle distance
# --------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points, in kilometres.

    Parameters
    ----------
    lat1, lon1 : float
        Latitude and longitude of the first point, in decimal degrees.
    lat2, lon2 : float
        Latitude and longitude of the second point, in decimal degrees.

    Returns
    -------
    float
        Distance on a sphere of radius :data:`EARTH_RADIUS_KM`. The spherical model is
        within about 0.5 % of the ellipsoidal distance.

    Notes
    -----
    Note the argument order: latitude first, as in ``(lat, lon)`` tables, unlike the
    ``(lon, lat)`` order of the polygon functions.
    """
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2.0) ** 2
    # Rounding can push h a hair above 1 for antipodal points.
    h = min(1.0, max(0.0, h))
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# --------------------------------------------------------------------------------------
# GeoJSON input
# --------------------------------------------------------------------------------------


def _position(value: Any, where: str) -> Position:
    """Validate one GeoJSON position and return its ``(lon, lat)`` part."""
    if not isinstance(value, Sequence) or isinstance(value, str | bytes) or len(value) < 2:
        raise ValueError(f"{where}: a position must be an array of at least 2 numbers")
    lon, lat = value[0], value[1]
    for number in (lon, lat):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ValueError(f"{where}: coordinates must be numbers, got {number!r}")
        if not math.isfinite(number):
            raise ValueError(f"{where}: coordinates must be finite, got {number!r}")
    return (float(lon), float(lat))


def _ring(value: Any, where: str) -> Ring:
    """Validate one GeoJSON linear ring."""
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ValueError(f"{where}: a linear ring must be an array of positions")
    ring = tuple(_position(p, f"{where}[{i}]") for i, p in enumerate(value))
    if len(ring) < 4:
        raise ValueError(f"{where}: a linear ring needs at least 4 positions, got {len(ring)}")
    if ring[0] != ring[-1]:
        raise ValueError(f"{where}: a linear ring must be closed (first position == last)")
    return ring


def _polygon(value: Any, where: str) -> Polygon:
    """Validate the coordinates of one GeoJSON Polygon."""
    if not isinstance(value, Sequence) or isinstance(value, str | bytes) or not value:
        raise ValueError(f"{where}: a polygon must be a non-empty array of linear rings")
    return tuple(_ring(r, f"{where}[{i}]") for i, r in enumerate(value))


def multipolygon_from_geojson(geometry: Mapping[str, Any]) -> MultiPolygon:
    """Convert a GeoJSON geometry object to a :data:`MultiPolygon`.

    Parameters
    ----------
    geometry : Mapping[str, Any]
        A GeoJSON geometry (RFC 7946, section 3.1) whose ``type`` is ``"Polygon"`` or
        ``"MultiPolygon"``; a Polygon becomes a MultiPolygon with one member. A third
        (altitude) coordinate in a position is dropped.

    Returns
    -------
    MultiPolygon
        Tuples of floats in ``(lon, lat)`` order. An empty ``"MultiPolygon"`` gives ``()``.

    Raises
    ------
    ValueError
        If the type is missing or not one of the two accepted, or if the coordinates are
        malformed: a position that is not two finite numbers, or a ring with fewer than 4
        positions or whose first and last positions differ.
    """
    if not isinstance(geometry, Mapping):
        raise ValueError("geometry must be a GeoJSON geometry object (a mapping)")
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError(
            f"unsupported geometry type {kind!r}: expected 'Polygon' or 'MultiPolygon'"
        )
    if "coordinates" not in geometry:
        raise ValueError(f"{kind} geometry has no 'coordinates' member")
    coordinates = geometry["coordinates"]
    if kind == "Polygon":
        return (_polygon(coordinates, "Polygon.coordinates"),)
    if not isinstance(coordinates, Sequence) or isinstance(coordinates, str | bytes):
        raise ValueError("MultiPolygon.coordinates must be an array of polygons")
    return tuple(_polygon(p, f"MultiPolygon.coordinates[{i}]") for i, p in enumerate(coordinates))


# --------------------------------------------------------------------------------------
# Bounding boxes
# --------------------------------------------------------------------------------------


def bbox(mp: MultiPolygon) -> BBox:
    """Return the bounding box of a multipolygon.

    Parameters
    ----------
    mp : MultiPolygon
        The geometry. Holes lie inside their exterior ring, so only exterior rings are read.

    Returns
    -------
    BBox
        ``(min_lon, min_lat, max_lon, max_lat)``.

    Raises
    ------
    ValueError
        If ``mp`` has no positions.
    """
    lons = [p[0] for polygon in mp if polygon for p in polygon[0]]
    lats = [p[1] for polygon in mp if polygon for p in polygon[0]]
    if not lons:
        raise ValueError("cannot take the bounding box of an empty geometry")
    return (min(lons), min(lats), max(lons), max(lats))


def bbox_union(boxes: Iterable[BBox]) -> BBox:
    """Return the smallest bounding box that contains all of ``boxes``.

    Parameters
    ----------
    boxes : Iterable[BBox]
        Boxes as returned by :func:`bbox`.

    Returns
    -------
    BBox
        ``(min_lon, min_lat, max_lon, max_lat)``.

    Raises
    ------
    ValueError
        If ``boxes`` is empty.
    """
    result: BBox | None = None
    for b in boxes:
        if result is None:
            result = b
        else:
            result = (
                min(result[0], b[0]),
                min(result[1], b[1]),
                max(result[2], b[2]),
                max(result[3], b[3]),
            )
    if result is None:
        raise ValueError("bbox_union needs at least one box")
    return result


# --------------------------------------------------------------------------------------
# Point in polygon
# --------------------------------------------------------------------------------------


def _ring_crossings(lon: float, lat: float, ring: Ring) -> int:
    """Count the edges of ``ring`` crossed by the ray from the point towards +lon.

    An edge counts when one end is strictly above the point and the other is not (a
    half-open rule, so a vertex on the ray is counted once) and its intersection with the
    ray lies strictly east of the point. The intersection is computed from the edge's
    lower end to its upper end, so an edge shared by two rings gives exactly the same
    number whichever way each ring traverses it.
    """
    count = 0
    for i in range(len(ring) - 1):
        ax, ay = ring[i]
        bx, by = ring[i + 1]
        if (ay > lat) == (by > lat):
            continue
        if ay > by:
            ax, ay, bx, by = bx, by, ax, ay
        x_cross = ax + (lat - ay) * (bx - ax) / (by - ay)
        if lon < x_cross:
            count += 1
    return count


def point_in_polygon(lon: float, lat: float, polygon: Polygon) -> bool:
    """Return whether a point lies inside one polygon (even-odd rule, holes excluded).

    Parameters
    ----------
    lon, lat : float
        The point, in the same datum as the polygon.
    polygon : Polygon
        Exterior ring followed by holes. Rings must be closed.

    Returns
    -------
    bool
        See :func:`point_in_multipolygon` for points exactly on a boundary.
    """
    crossings = 0
    for ring in polygon:
        crossings += _ring_crossings(lon, lat, ring)
    return crossings % 2 == 1


def point_in_multipolygon(lon: float, lat: float, mp: MultiPolygon) -> bool:
    """Return whether a point lies inside a multipolygon.

    Uses even-odd ray casting over each polygon's rings, so a point inside a hole is
    outside the polygon (and inside an island in that hole, if there is one).

    Parameters
    ----------
    lon, lat : float
        The point, in the same datum as ``mp`` (the Chongqing boundaries are GCJ-02:
        convert a WGS-84 GPS fix with :func:`wgs84_to_gcj02` first).
    mp : MultiPolygon
        The area. Its polygons are assumed not to overlap.

    Returns
    -------
    bool
        ``True`` if the point is inside any member polygon.

    Notes
    -----
    Points exactly on a boundary are neither always inside nor always outside. The test
    is half-open, like the pixel rules of rasterisers: a point on an edge belongs to the
    area that lies east of that edge (for a horizontal edge, the area to the north), and
    a vertex follows the same rule. So on the outline of a lone polygon, west and south
    edges count as inside and east and north edges as outside. The useful consequence:
    when areas share their border vertices exactly, as the county boundaries do, a point
    on a border between them is inside exactly one, never both and never neither. (A
    point on the outer edge of the whole group may be inside none.)
    """
    for polygon in mp:
        if not polygon:
            continue
        if point_in_polygon(lon, lat, polygon):
            return True
    return False


# --------------------------------------------------------------------------------------
# Douglas-Peucker simplification
# --------------------------------------------------------------------------------------


def _segment_distance(p: Position, a: Position, b: Position) -> float:
    """Plane distance from ``p`` to the segment ``ab``."""
    dx = b[0] - a[0]
    dy = b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2
    t = min(1.0, max(0.0, t))
    return math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))


def _douglas_peucker(points: Sequence[Position], first: int, last: int, tol: float) -> set[int]:
    """Return the indices strictly between ``first`` and ``last`` to keep."""
    keep: set[int] = set()
    stack = [(first, last)]
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2:
            continue
        best_index = -1
        best_distance = -1.0
        for i in range(lo + 1, hi):
            d = _segment_distance(points[i], points[lo], points[hi])
            if d > best_distance:
                best_index, best_distance = i, d
        if best_distance > tol:
            keep.add(best_index)
            stack.append((lo, best_index))
            stack.append((best_index, hi))
    return keep


def _farthest(
    points: Sequence[Position], a: Position, b: Position, candidates: Iterable[int]
) -> int:
    """Index among ``candidates`` of the point farthest from segment ``ab``."""
    best_index = -1
    best_distance = -1.0
    for i in candidates:
        d = _segment_distance(points[i], a, b)
        if d > best_distance:
            best_index, best_distance = i, d
    return best_index


def simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """Simplify a closed ring with the Douglas-Peucker algorithm.

    The ring is split at its first vertex and at the vertex farthest from it; each half is
    simplified on its own, so the first vertex is always kept and the result stays closed.
    If that leaves only the two anchors, the vertex farthest from the chord between them
    becomes a third anchor and the halves are simplified again, so the result is always a
    valid ring of at least 4 positions.

    Parameters
    ----------
    ring : Ring
        A closed ring (first position equal to the last).
    tolerance : float
        Largest allowed distance between a removed vertex and the simplified outline, in
        coordinate units (degrees here; 0.005 degrees is about 0.55 km north-south and
        0.48 km east-west in Chongqing). ``0`` removes only exactly collinear vertices.

    Returns
    -------
    Ring
        A closed ring with a subset of the input vertices, in the input order. A ring of 4
        or fewer positions is returned unchanged. Each neighbour is simplified on its own,
        so two rings that share a border may drift apart by up to twice the tolerance.

    Raises
    ------
    ValueError
        If ``tolerance`` is negative or not finite, or the ring is not closed.
    """
    if not math.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    if not ring or ring[0] != ring[-1]:
        raise ValueError("simplify_ring needs a closed ring (first position == last)")
    if len(ring) <= 4:
        return ring
    points = ring[:-1]
    n = len(points)
    start = points[0]
    split = max(
        range(1, n), key=lambda i: math.hypot(points[i][0] - start[0], points[i][1] - start[1])
    )
    extended = (*points, start)  # index n is the closing copy of the start
    anchors = [0, split, n]
    keep = _keep_between(extended, anchors, tolerance)
    if len(keep) < 4:
        # Only the two anchors survived: add the vertex farthest from their chord as a
        # third anchor and simplify again between the anchors.
        others = (i for i in range(1, n) if i != split)
        anchors = sorted([*anchors, _farthest(extended, start, points[split], others)])
        keep = _keep_between(extended, anchors, tolerance)
    return tuple(extended[i] for i in sorted(keep))


def _keep_between(points: Sequence[Position], anchors: Sequence[int], tol: float) -> set[int]:
    """Anchors plus the Douglas-Peucker survivors between each pair of adjacent anchors."""
    keep = set(anchors)
    for lo, hi in zip(anchors, anchors[1:], strict=False):
        keep |= _douglas_peucker(points, lo, hi, tol)
    return keep


# --------------------------------------------------------------------------------------
# GCJ-02 <-> WGS-84
# --------------------------------------------------------------------------------------

# Parameters of the published GCJ-02 transform: the Krasovsky 1940 ellipsoid.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def out_of_china(lon: float, lat: float) -> bool:
    """Return whether a point is outside the rough box in which GCJ-02 applies.

    Parameters
    ----------
    lon, lat : float
        The point, in decimal degrees.

    Returns
    -------
    bool
        ``True`` outside longitudes 72.004-137.8347 E and latitudes 0.8293-55.8271 N,
        the bounding box that the common open implementations use. It is a box, not the
        border: parts of neighbouring countries fall inside it.
    """
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj02_delta(lon: float, lat: float) -> tuple[float, float]:
    """Return the GCJ-02 minus WGS-84 offset ``(dlon, dlat)`` at a WGS-84 point."""
    dlat = _offset_lat(lon - 105.0, lat - 35.0)
    dlon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - _GCJ_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert a WGS-84 point to GCJ-02 with the widely published formula.

    Parameters
    ----------
    lon, lat : float
        WGS-84 longitude and latitude, in decimal degrees.

    Returns
    -------
    tuple[float, float]
        GCJ-02 ``(lon, lat)``; the input unchanged if :func:`out_of_china` is true.
    """
    if out_of_china(lon, lat):
        return (lon, lat)
    dlon, dlat = _gcj02_delta(lon, lat)
    return (lon + dlon, lat + dlat)


_INVERSE_ITERATIONS = 10
_INVERSE_TOLERANCE_DEG = 1e-10


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Convert a GCJ-02 point to WGS-84 by inverting :func:`wgs84_to_gcj02`.

    The forward transform has no closed-form inverse. This solves
    ``wgs84_to_gcj02(w) == (lon, lat)`` by fixed-point iteration, starting from the
    GCJ-02 point itself. The offset varies slowly (in Chongqing each step cuts the error
    by a factor of about 300), so three steps reach about 1e-10 degrees (0.01 mm). The
    loop stops once a step moves less than 1e-10 degrees, after at most 10 steps.

    Parameters
    ----------
    lon, lat : float
        GCJ-02 longitude and latitude, in decimal degrees.

    Returns
    -------
    tuple[float, float]
        WGS-84 ``(lon, lat)``; the input unchanged if :func:`out_of_china` is true.
    """
    if out_of_china(lon, lat):
        return (lon, lat)
    w_lon, w_lat = lon, lat
    for _ in range(_INVERSE_ITERATIONS):
        dlon, dlat = _gcj02_delta(w_lon, w_lat)
        next_lon, next_lat = lon - dlon, lat - dlat
        step = max(abs(next_lon - w_lon), abs(next_lat - w_lat))
        w_lon, w_lat = next_lon, next_lat
        if step < _INVERSE_TOLERANCE_DEG:
            break
    return (w_lon, w_lat)


# --------------------------------------------------------------------------------------
# BD-09 <-> GCJ-02 (Baidu Maps)
# --------------------------------------------------------------------------------------

# Baidu's published transform works in a rotated frame: x_pi = pi * 3000 / 180.
_BD_X_PI = math.pi * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """Convert a GCJ-02 point to BD-09 (Baidu Maps) with the published formula.

    Parameters
    ----------
    lon, lat : float
        GCJ-02 longitude and latitude, in decimal degrees.

    Returns
    -------
    tuple[float, float]
        BD-09 ``(lon, lat)``.

    Examples
    --------
    >>> [round(v, 6) for v in gcj02_to_bd09(116.404, 39.915)]
    [116.410369, 39.921337]
    """
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_X_PI)
    return (z * math.cos(theta) + _BD_DLON, z * math.sin(theta) + _BD_DLAT)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert a BD-09 point to GCJ-02: the published approximate inverse of
    :func:`gcj02_to_bd09` (round trip within about 1e-5 degrees, a metre).

    Parameters
    ----------
    lon, lat : float
        BD-09 longitude and latitude, in decimal degrees.

    Returns
    -------
    tuple[float, float]
        GCJ-02 ``(lon, lat)``.
    """
    x, y = lon - _BD_DLON, lat - _BD_DLAT
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _BD_X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_X_PI)
    return (z * math.cos(theta), z * math.sin(theta))
