"""Geographic targeting engine (Django-free, standard library and h3).

Geometry on the county-level boundaries (:mod:`.geometry`) and server-side SVG maps of
them (:mod:`.svgmap`). Nothing here imports Django or the rest of ``homeward``; the
import-linter contract in ``pyproject.toml`` keeps it that way.
"""

from .geometry import (
    EARTH_RADIUS_KM,
    BBox,
    MultiPolygon,
    Polygon,
    Position,
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
from .svgmap import MapCircle, MapPoint, MapRegion, project_equirectangular, render_svg_map
from .targeting import (
    DEFAULT_SCHEDULE,
    H3_RESOLUTION,
    CircleCover,
    RadiusSchedule,
    Stage,
    cell_of,
    cells_of,
    circle_polygon,
    cover_circle,
    within_km,
)

__all__ = [
    "DEFAULT_SCHEDULE",
    "H3_RESOLUTION",
    "CircleCover",
    "RadiusSchedule",
    "Stage",
    "cell_of",
    "cells_of",
    "circle_polygon",
    "cover_circle",
    "within_km",
    "EARTH_RADIUS_KM",
    "BBox",
    "MapCircle",
    "MapPoint",
    "MapRegion",
    "MultiPolygon",
    "Polygon",
    "Position",
    "Ring",
    "bbox",
    "bbox_union",
    "bd09_to_gcj02",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "haversine_km",
    "multipolygon_from_geojson",
    "out_of_china",
    "point_in_multipolygon",
    "point_in_polygon",
    "project_equirectangular",
    "render_svg_map",
    "simplify_ring",
    "wgs84_to_gcj02",
]
