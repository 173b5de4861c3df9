"""The operations map: Chongqing's districts, the neighbouring cities, and an alert's
rings, drawn server-side as SVG (no script, CSP-safe)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import lru_cache

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from homeward.alerts.models import Alert, Sighting
from homeward.core.maps import division_geometries
from homeward.core.models import Division
from homeward.core.reference import DATA_DIR
from homeward.geotarget import (
    MapCircle,
    MapPoint,
    MapRegion,
    bbox,
    bbox_union,
    circle_polygon,
    render_svg_map,
    wgs84_to_gcj02,
)

DATA = DATA_DIR / "nearby_cities.csv"


@lru_cache(maxsize=1)
def nearby_cities() -> tuple[tuple[str, float, float], ...]:
    """(name, lat, lon) of the neighbouring cities and provincial capitals (GCJ-02)."""
    with DATA.open(encoding="utf-8") as handle:
        return tuple(
            (row["name_zh"], float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)
        )


def alert_map_svg(
    alert: Alert, radii: list[float], label: str, sightings: Iterable[Sighting] = ()
) -> SafeString:
    geometries = division_geometries()
    regions = [
        MapRegion(code=d.code, label=d.display_name, geometry=geometries[d.code])
        for d in Division.objects.order_by("code")
    ]
    circles: list[MapCircle] = []
    points: list[MapPoint] = []
    # Chongqing itself is always in view; the rings widen the view as they grow.
    cq = bbox_union(bbox(geometry) for geometry in geometries.values())
    lons = [cq[0], cq[2]]
    lats = [cq[1], cq[3]]
    if alert.latitude is not None and alert.longitude is not None:
        lon, lat = wgs84_to_gcj02(alert.longitude, alert.latitude)
        for index, radius in enumerate(sorted(radii)):
            css = "ring--current" if index == len(radii) - 1 else "ring--earlier"
            circles.append(MapCircle(lat, lon, radius, f"{radius:g} km", css))
            ring = circle_polygon(lat, lon, radius, points=36)
            lons += [x for x, _ in ring]
            lats += [y for _, y in ring]
    box = (min(lons) - 0.3, min(lats) - 0.3, max(lons) + 0.3, max(lats) + 0.3)
    points = [
        MapPoint(lat, lon, name, "city")
        for name, lat, lon in nearby_cities()
        if box[0] <= lon <= box[2] and box[1] <= lat <= box[3]
    ]
    if alert.latitude is not None and alert.longitude is not None:
        lon, lat = wgs84_to_gcj02(alert.longitude, alert.latitude)
        points.append(MapPoint(lat, lon, alert.last_seen_place or alert.public_name, "last-seen"))
    for sighting in sightings:
        if sighting.latitude is None or sighting.longitude is None:
            continue
        lon, lat = wgs84_to_gcj02(sighting.longitude, sighting.latitude)
        if box[0] <= lon <= box[2] and box[1] <= lat <= box[3]:
            moment = timezone.localtime(sighting.seen_at or sighting.reported_at)
            points.append(MapPoint(lat, lon, moment.strftime("%H:%M"), "sighting"))
    svg = render_svg_map(
        regions, circles=circles, points=points, extent=box, aria_label=label, width=720, height=600
    )
    return mark_safe(svg)  # noqa: S308 - built by render_svg_map, which escapes everything
