"""Who an alert reaches: the radius schedule and the H3 cover of a circle.

The national 团圆 platform widens an alert's push radius with the time since the child
disappeared: 100 km in the first hour, 200 km within two, 300 km within three, 500 km
after that. :class:`RadiusSchedule` holds such a schedule and answers which stage applies
after a given time.

Recipients are found in two steps. Subscribers are stored with the H3 cell (at
:data:`H3_RESOLUTION`) that holds their position; :func:`cover_circle` lists the cells
that matter for a ring, split into cells wholly inside the circle (everyone in them is a
recipient, no further check) and cells that cross its edge (each subscriber there gets an
exact great-circle check). Cells wholly inside an earlier, smaller circle are left out,
so an expansion touches only the new ring.

Pure: no Django, no I/O. ``h3`` works on 64-bit integer cell ids here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import h3
import h3.api.basic_int as h3i

from .geometry import EARTH_RADIUS_KM, haversine_km

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
]

H3_RESOLUTION = 5
"""Resolution of the stored subscriber cells: hexagons of about 250 km² (edge ~9.9 km)."""

# Slack for the difference between straight hexagon edges and great circles, in km.
_EDGE_SLACK_KM = 0.5


@dataclass(frozen=True)
class Stage:
    """From ``after`` since the disappearance on, the alert covers ``radius_km``."""

    after: timedelta
    radius_km: float


class RadiusSchedule:
    """Stages in increasing time and radius; the first starts at zero."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        if not stages:
            raise ValueError("a radius schedule needs at least one stage")
        if stages[0].after != timedelta(0):
            raise ValueError("the first stage must start at 0 minutes")
        for earlier, later in zip(stages, stages[1:], strict=False):
            if later.after <= earlier.after:
                raise ValueError("stage times must increase")
            if later.radius_km <= earlier.radius_km:
                raise ValueError("stage radii must increase")
        for stage in stages:
            if not 0 < stage.radius_km <= 3000:
                raise ValueError("a radius must be between 0 and 3000 km")
        self.stages: tuple[Stage, ...] = tuple(stages)

    @classmethod
    def parse(cls, text: str) -> RadiusSchedule:
        """Read ``"0:100,60:200,120:300,180:500"`` (minutes:kilometres, comma separated)."""
        stages = []
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            minutes, sep, km = part.partition(":")
            if not sep:
                raise ValueError(f"stage {part!r} is not minutes:kilometres")
            try:
                stages.append(Stage(timedelta(minutes=int(minutes)), float(km)))
            except ValueError as exc:
                raise ValueError(f"stage {part!r} is not minutes:kilometres") from exc
        return cls(stages)

    def format(self) -> str:
        return ",".join(
            f"{int(s.after.total_seconds() // 60)}:{s.radius_km:g}" for s in self.stages
        )

    def stage_at(self, elapsed: timedelta) -> int:
        """Index of the stage in force ``elapsed`` after the disappearance (0 if negative)."""
        index = 0
        for i, stage in enumerate(self.stages):
            if elapsed >= stage.after:
                index = i
        return index

    def radius(self, index: int) -> float:
        return self.stages[index].radius_km

    def next_change(self, elapsed: timedelta) -> timedelta | None:
        """Time since the disappearance at which the next stage starts, if any."""
        for stage in self.stages:
            if stage.after > elapsed:
                return stage.after
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RadiusSchedule) and other.stages == self.stages

    def __hash__(self) -> int:
        return hash(self.stages)

    def __repr__(self) -> str:
        return f"RadiusSchedule.parse({self.format()!r})"


DEFAULT_SCHEDULE = RadiusSchedule.parse("0:100,60:200,120:300,180:500")


def cell_of(lat: float, lon: float, resolution: int = H3_RESOLUTION) -> int:
    """The H3 cell (64-bit integer) holding a point."""
    return int(h3i.latlng_to_cell(lat, lon, resolution))


def within_km(lat: float, lon: float, centre_lat: float, centre_lon: float, km: float) -> bool:
    return haversine_km(lat, lon, centre_lat, centre_lon) <= km


@dataclass(frozen=True)
class CircleCover:
    """Cells to search for a ring: ``inside`` need no check, ``edge`` need the exact one."""

    inside: tuple[int, ...]
    edge: tuple[int, ...]


def _cell_extent(cell: int, lat: float, lon: float) -> tuple[float, float, float]:
    """(distance to the cell centre, nearest and farthest distance of the cell) in km."""
    c_lat, c_lon = h3i.cell_to_latlng(cell)
    centre = haversine_km(lat, lon, c_lat, c_lon)
    boundary = h3i.cell_to_boundary(cell)
    farthest = max(haversine_km(lat, lon, v_lat, v_lon) for v_lat, v_lon in boundary)
    circumradius = max(haversine_km(c_lat, c_lon, v_lat, v_lon) for v_lat, v_lon in boundary)
    return centre, max(0.0, centre - circumradius), farthest


def cover_circle(
    lat: float,
    lon: float,
    radius_km: float,
    *,
    already_km: float = 0.0,
    resolution: int = H3_RESOLUTION,
) -> CircleCover:
    """The H3 cells that can hold a point within ``radius_km`` of (lat, lon).

    Cells wholly within ``already_km`` (an earlier ring's radius) are left out: everyone
    in them was reached before. Every point within the circle and outside the earlier
    circle lies in a returned cell (property-tested).
    """
    if radius_km <= 0:
        raise ValueError("radius must be positive")
    if not 0 <= already_km < radius_km:
        raise ValueError("the earlier radius must be between 0 and the new radius")
    spacing = h3.average_hexagon_edge_length(resolution, unit="km") * math.sqrt(3)
    # Hexagons near pentagons and far from the face centre are smaller than average;
    # 0.6 of the mean spacing leaves a wide margin.
    k = math.ceil((radius_km + _EDGE_SLACK_KM) / (spacing * 0.6)) + 1
    origin = h3i.latlng_to_cell(lat, lon, resolution)
    inside: list[int] = []
    edge: list[int] = []
    for cell in h3i.grid_disk(origin, k):
        _, nearest, farthest = _cell_extent(cell, lat, lon)
        if nearest > radius_km + _EDGE_SLACK_KM:
            continue  # wholly outside
        if already_km and farthest + _EDGE_SLACK_KM <= already_km:
            continue  # wholly inside the earlier ring
        if farthest + _EDGE_SLACK_KM <= radius_km:
            inside.append(int(cell))
        else:
            edge.append(int(cell))
    return CircleCover(inside=tuple(sorted(inside)), edge=tuple(sorted(edge)))


def circle_polygon(
    lat: float, lon: float, radius_km: float, *, points: int = 72
) -> list[tuple[float, float]]:
    """A closed ring of (lon, lat) points approximating the great-circle circle."""
    angular = radius_km / EARTH_RADIUS_KM
    phi1, lam1 = math.radians(lat), math.radians(lon)
    ring: list[tuple[float, float]] = []
    for i in range(points):
        bearing = 2 * math.pi * i / points
        phi2 = math.asin(
            math.sin(phi1) * math.cos(angular)
            + math.cos(phi1) * math.sin(angular) * math.cos(bearing)
        )
        lam2 = lam1 + math.atan2(
            math.sin(bearing) * math.sin(angular) * math.cos(phi1),
            math.cos(angular) - math.sin(phi1) * math.sin(phi2),
        )
        ring.append((round(math.degrees(lam2), 6), round(math.degrees(phi2), 6)))
    ring.append(ring[0])
    return ring


def cells_of(points: Iterable[tuple[float, float]], resolution: int = H3_RESOLUTION) -> list[int]:
    """Cells of many (lat, lon) points, in order."""
    return [cell_of(lat, lon, resolution) for lat, lon in points]
