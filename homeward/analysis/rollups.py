"""Monthly rollups of every module's figures (core.figures), maintained incrementally.

A cell is (figure, district, month, category) -> count. The tick job recomputes only the
(figure, month) cells whose source rows changed since the figure's watermark:

- a figure with a ``changed_field`` (a timestamp that moves when a row is added or
  changes): the months of the rows changed since the watermark (less a margin for
  transactions that committed late);
- a figure without one (clues keep their receipt only to the hour, placements and
  follow-ups are days): the current and previous month on every tick, and every month
  once a day (the nightly full re-check, which also catches deletions everywhere).

A recompute reads one month of one figure (one grouped query) and writes only the cells
that differ, so a tick that runs twice, or late, leaves the same table. Dashboards read
these cells, never the modules' rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from homeward.analysis.models import CellCount, MonthlyCount, RollupState
from homeward.core.counts import SHANGHAI
from homeward.core.figures import FigureDefinition, all_figures

logger = logging.getLogger("homeward.analysis")

# Rows changed up to this long before the watermark are read again (a transaction that
# started before the last tick and committed after it).
WATERMARK_MARGIN = timedelta(minutes=10)

Cell = tuple[int | None, str]  # (division id, category)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in Beijing time, [start, end)."""
    start = datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    nxt = add_months(month, 1)
    return start, datetime(nxt.year, nxt.month, 1, tzinfo=SHANGHAI)


def current_month() -> date:
    return month_start(timezone.localdate())


def _month_of(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = (
            timezone.localtime(value, SHANGHAI).date() if timezone.is_aware(value) else value.date()
        )
    return month_start(value)


def _truncated_month(definition: FigureDefinition) -> TruncMonth:
    if definition.date_is_day():
        return TruncMonth(definition.date_field)
    return TruncMonth(definition.date_field, tzinfo=SHANGHAI)


def _grouped(definition: FigureDefinition, queryset: Any, *, by_month: bool) -> Any:
    fields: dict[str, Any] = {"_division": F(definition.division_field)}
    for index, name in enumerate(definition.grouped_category_fields()):
        fields[f"_category{index}"] = F(name)
    if by_month:
        fields["_month"] = _truncated_month(definition)
    return queryset.annotate(**fields).values(*fields).annotate(n=Count("pk")).order_by()


def _category(definition: FigureDefinition, row: dict[str, Any]) -> str:
    count = len(definition.grouped_category_fields())
    return definition.category_of([row[f"_category{index}"] for index in range(count)])


def _cells_of(definition: FigureDefinition, rows: Iterable[dict[str, Any]]) -> dict[Cell, int]:
    cells: dict[Cell, int] = {}
    for row in rows:
        key = (row["_division"], _category(definition, row))
        cells[key] = cells.get(key, 0) + int(row["n"])
    return cells


def _write_month(definition: FigureDefinition, month: date, cells: dict[Cell, int]) -> int:
    """Make the stored cells of (figure, month) equal ``cells``; returns how many rows
    changed (0 when the table already held them)."""
    existing = {
        (row.division_id, row.category): row
        for row in MonthlyCount.objects.filter(figure=definition.key, month=month)
    }
    changed = 0
    stale = [row.pk for key, row in existing.items() if key not in cells or cells[key] == 0]
    if stale:
        MonthlyCount.objects.filter(pk__in=stale).delete()
        changed += len(stale)
    to_create: list[MonthlyCount] = []
    to_update: list[MonthlyCount] = []
    for (division_id, category), count in cells.items():
        if count == 0:
            continue
        row = existing.get((division_id, category))
        if row is None:
            to_create.append(
                MonthlyCount(
                    figure=definition.key,
                    division_id=division_id,
                    month=month,
                    category=category,
                    count=count,
                )
            )
        elif row.count != count:
            row.count = count
            to_update.append(row)
    if to_create:
        MonthlyCount.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        MonthlyCount.objects.bulk_update(to_update, ["count"], batch_size=1000)
    return changed + len(to_create) + len(to_update)


def _write_cells(definition: FigureDefinition, month: date) -> int:
    """Hot spots: the month's located rows by H3 cell (figures with ``point_fields``)."""
    if not definition.point_fields:
        return 0
    import h3

    resolution = settings.ANALYSIS_H3_RESOLUTION
    lat_field, lon_field = definition.point_fields
    start, end = month_bounds(month)
    rows = (
        definition.base_queryset()
        .filter(definition.between(start, end))
        .filter(**{f"{lat_field}__isnull": False, f"{lon_field}__isnull": False})
        .values_list(definition.division_field, lat_field, lon_field)
    )
    counts: dict[str, tuple[int | None, int]] = {}
    for division_id, lat, lon in rows.iterator(chunk_size=5000):
        cell = h3.latlng_to_cell(lat, lon, resolution)
        division, n = counts.get(cell, (division_id, 0))
        counts[cell] = (division, n + 1)
    with transaction.atomic():
        CellCount.objects.filter(figure=definition.key, month=month).delete()
        CellCount.objects.bulk_create(
            [
                CellCount(
                    figure=definition.key, division_id=division, month=month, cell=cell, count=n
                )
                for cell, (division, n) in counts.items()
            ],
            batch_size=1000,
        )
    return len(counts)


def rollup_month(definition: FigureDefinition, month: date) -> int:
    """Recompute the cells of one figure in one month (one grouped query)."""
    start, end = month_bounds(month)
    queryset = definition.base_queryset().filter(definition.between(start, end))
    cells = _cells_of(definition, _grouped(definition, queryset, by_month=False))
    with transaction.atomic():
        changed = _write_month(definition, month, cells)
    _write_cells(definition, month)
    return changed


def rollup_figure_full(definition: FigureDefinition) -> int:
    """Recompute every month of one figure: one grouped query over its rows, then only
    the differing cells are written (the nightly re-check and the rebuild command)."""
    by_month: dict[date, dict[Cell, int]] = {}
    queryset = definition.base_queryset().exclude(**{f"{definition.date_field}__isnull": True})
    for row in _grouped(definition, queryset, by_month=True).iterator(chunk_size=5000):
        month = _month_of(row["_month"])
        cell = (row["_division"], _category(definition, row))
        cells = by_month.setdefault(month, {})
        cells[cell] = cells.get(cell, 0) + int(row["n"])
    stored_months = set(
        MonthlyCount.objects.filter(figure=definition.key)
        .values_list("month", flat=True)
        .distinct()
    )
    changed = 0
    for month in sorted(stored_months | set(by_month)):
        with transaction.atomic():
            changed += _write_month(definition, month, by_month.get(month, {}))
        if definition.point_fields:
            _write_cells(definition, month)
    return changed


def _changed_months(definition: FigureDefinition, since: datetime) -> set[date]:
    assert definition.changed_field  # noqa: S101 (callers check)
    months = (
        definition.base_queryset()
        .filter(**{f"{definition.changed_field}__gte": since - WATERMARK_MARGIN})
        .exclude(**{f"{definition.date_field}__isnull": True})
        .annotate(_month=_truncated_month(definition))
        .values_list("_month", flat=True)
        .distinct()
        .order_by()
    )
    return {_month_of(value) for value in months}


def rollups_refresh(*, now: datetime | None = None, full: bool = False) -> int:
    """The tick job: bring every figure's cells up to date; returns the cells changed."""
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    this_month = month_start(today)
    changed = 0
    for definition in all_figures():
        state, _created = RollupState.objects.get_or_create(figure=definition.key)
        if full or state.watermark is None or state.checked_on != today:
            # First run, the rebuild command, or the day's first tick: every month.
            changed += rollup_figure_full(definition)
            state.checked_on = today
        elif definition.changed_field:
            for month in sorted(_changed_months(definition, state.watermark)):
                changed += rollup_month(definition, month)
        else:
            for month in (add_months(this_month, -1), this_month):
                changed += rollup_month(definition, month)
        state.watermark = now
        state.save(update_fields=["watermark", "checked_on"])
    return changed


def figure_months_filter(figure: str, first: date, last: date) -> Q:
    return Q(figure=figure, month__gte=first, month__lte=last)
