"""Positions the field sends: their datum, and the area the platform serves.

Chinese map apps (Amap, Tencent) give GCJ-02, Baidu Maps gives BD-09, a phone's GPS and
a browser's geolocation give WGS-84. Every coordinate input says which; the platform
stores WGS-84 (the datum of the subscribers' positions and of the distance checks) and
draws on the shipped district boundaries, which are GCJ-02.

The served area is Chongqing: the union of its 38 district boundaries, with a margin
(``ALERT_SERVED_MARGIN_KM``) so that a child last seen just across a boundary drawn with
simplified lines is still accepted. A last-seen point elsewhere (London, (0, 0), the
South Pole) is refused with a field error instead of opening the highest-priority case.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.geotarget import (
    BBox,
    MultiPolygon,
    bbox,
    bd09_to_gcj02,
    gcj02_to_wgs84,
    haversine_km,
    multipolygon_from_geojson,
    point_in_multipolygon,
    wgs84_to_gcj02,
)


class Datum(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84 (GPS, phone position)")
    GCJ02 = "gcj02", _("GCJ-02 (Amap, Tencent Maps)")
    BD09 = "bd09", _("BD-09 (Baidu Maps)")


def to_wgs84(latitude: float, longitude: float, datum: str) -> tuple[float, float]:
    """``(latitude, longitude)`` in WGS-84 from a point in ``datum``.

    >>> [round(v, 6) for v in to_wgs84(39.91640428150164, 116.41024449916938, "gcj02")]
    [39.915, 116.404]
    """
    if datum == Datum.WGS84:
        return latitude, longitude
    if datum == Datum.GCJ02:
        lon, lat = gcj02_to_wgs84(longitude, latitude)
        return lat, lon
    if datum == Datum.BD09:
        lon, lat = gcj02_to_wgs84(*bd09_to_gcj02(longitude, latitude))
        return lat, lon
    raise ValueError(f"unknown datum {datum!r}")


@lru_cache(maxsize=1)
def _districts() -> tuple[tuple[str, MultiPolygon, BBox], ...]:
    from homeward.core.reference import DATA_DIR

    collection = json.loads((DATA_DIR / "boundaries.geojson").read_text(encoding="utf-8"))
    districts = []
    for feature in collection["features"]:
        shape = multipolygon_from_geojson(feature["geometry"])
        districts.append((str(feature["properties"]["adcode"]), shape, bbox(shape)))
    return tuple(districts)


def district_at(latitude: float, longitude: float) -> str | None:
    """The GB/T 2260 code of the Chongqing district containing a WGS-84 point, or None."""
    lon, lat = wgs84_to_gcj02(longitude, latitude)
    for code, shape, (west, south, east, north) in _districts():
        if west <= lon <= east and south <= lat <= north and point_in_multipolygon(lon, lat, shape):
            return code
    return None


def _near_boundary(latitude: float, longitude: float, margin_km: float) -> bool:
    lon, lat = wgs84_to_gcj02(longitude, latitude)
    degrees = margin_km / 100.0 + 0.01  # a generous box first: 1 degree >= ~96 km here
    for _code, shape, (west, south, east, north) in _districts():
        if not (
            west - degrees <= lon <= east + degrees and south - degrees <= lat <= north + degrees
        ):
            continue
        for polygon in shape:
            for ring in polygon:
                if any(haversine_km(lat, lon, v_lat, v_lon) <= margin_km for v_lon, v_lat in ring):
                    return True
    return False


def in_served_area(latitude: float, longitude: float) -> bool:
    """Whether a WGS-84 point is in Chongqing or within the served margin of it."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return False
    if district_at(latitude, longitude) is not None:
        return True
    margin = float(settings.ALERT_SERVED_MARGIN_KM)
    return margin > 0 and _near_boundary(latitude, longitude, margin)
