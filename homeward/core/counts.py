"""Counting per district, for the figures the plan's indicators need. Each module owns
its counts (``<app>.selectors.plan_counts``) and builds them with these helpers: one
grouped query per kind of record, whatever the number of districts or units."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, F, QuerySet

# {division id: {figure name: count}}; records without a district are under None.
Counts = dict[int | None, dict[str, int]]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The calendar year in Beijing time, [start, end)."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def per_division(
    queryset: QuerySet[Any], *, division_field: str = "division", **aggregates: Aggregate
) -> Counts:
    """``aggregates`` (e.g. ``received=Count("pk")``) grouped by the district."""
    table: Counts = {}
    rows = (
        queryset.annotate(_district=F(division_field))
        .values("_district")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        district = row.pop("_district")
        table.setdefault(district, {}).update(
            {name: int(value or 0) for name, value in row.items()}
        )
    return table


def merge(tables: Iterable[Counts]) -> Counts:
    merged: Counts = {}
    for table in tables:
        for district, figures in table.items():
            into = merged.setdefault(district, {})
            for name, value in figures.items():
                into[name] = into.get(name, 0) + value
    return merged


def for_area(
    table: Mapping[int | None, Mapping[str, int]], division_id: int | None
) -> dict[str, int]:
    """The figures of one district, or of the whole municipality (``division_id`` None)."""
    if division_id is not None:
        return dict(table.get(division_id, {}))
    total: dict[str, int] = {}
    for figures in table.values():
        for name, value in figures.items():
            total[name] = total.get(name, 0) + value
    return total
