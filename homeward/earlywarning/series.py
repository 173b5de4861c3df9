"""CSV input and output of the command line: ``unit, period, count`` in, alarms out.

Input (UTF-8, with or without a byte-order mark): a header with the columns ``unit``,
``period`` (``YYYY-MM``) and ``count`` (a non-negative integer), in any order, other columns
ignored; one row per unit and month. Every bad row is reported with its line number and
nothing is computed (:class:`SeriesError`); a duplicate ``(unit, period)`` is an error listing
the lines. A month missing between a unit's first row and the last month of the file counts
0 cases (a rollup has no row for an empty month) and is listed in the notes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .farrington import Assessment

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
REQUIRED_COLUMNS = ("unit", "period", "count")
ALARM_COLUMNS = ("unit", "period", "expected", "threshold", "alarm")
# Notes list at most this many months per unit.
_NOTE_MONTHS = 12


class SeriesError(ValueError):
    """The input has errors; ``errors`` lists every one (with line numbers)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class UnitSeries:
    """One unit's consecutive monthly counts from ``first_period`` on."""

    unit: str
    first_period: int  # months since year 0: year * 12 + (month - 1)
    counts: list[int]

    def period_label(self, offset: int) -> str:
        return format_period(self.first_period + offset)


def parse_period(text: str) -> int | None:
    """``"2024-03"`` -> ``2024 * 12 + 2``; None if not a valid ``YYYY-MM``."""
    match = PERIOD_RE.match(text.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return year * 12 + month - 1


def format_period(index: int) -> str:
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def read_series(text: str) -> tuple[list[UnitSeries], list[str]]:
    """Parse the CSV text: ``(series by unit in order of first appearance, notes)``.

    Raises
    ------
    SeriesError
        Listing every bad line: missing columns, bad period, bad count, duplicates.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise SeriesError(["the file is empty: expected a header unit,period,count"])
    names = [name.strip().lower() for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise SeriesError(
            [f"line 1: missing column(s) {', '.join(missing)} (header: {', '.join(header)})"]
        )
    position = {column: names.index(column) for column in REQUIRED_COLUMNS}
    errors: list[str] = []
    seen: dict[tuple[str, int], int] = {}
    duplicates: dict[tuple[str, int], list[int]] = {}
    values: dict[str, dict[int, int]] = {}
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            errors.append(f"line {line_number}: {len(row)} fields, expected {len(names)}")
            continue
        unit = row[position["unit"]].strip()
        period_text = row[position["period"]].strip()
        count_text = row[position["count"]].strip()
        problems = []
        if not unit:
            problems.append("empty unit")
        period = parse_period(period_text)
        if period is None:
            problems.append(f"bad period {period_text!r} (expected YYYY-MM)")
        count = _parse_count(count_text)
        if count is None:
            problems.append(f"bad count {count_text!r} (expected a non-negative integer)")
        if problems or period is None or count is None:
            errors.append(f"line {line_number}: " + "; ".join(problems))
            continue
        key = (unit, period)
        if key in seen:
            duplicates.setdefault(key, [seen[key]]).append(line_number)
            continue
        seen[key] = line_number
        values.setdefault(unit, {})[period] = count
    for (unit, period), lines in duplicates.items():
        errors.append(
            f"duplicate rows for unit {unit!r} period {format_period(period)}: "
            f"lines {', '.join(str(line) for line in lines)}"
        )
    if errors:
        raise SeriesError(errors)
    if not values:
        raise SeriesError(["no data rows"])
    last = max(max(months) for months in values.values())
    series: list[UnitSeries] = []
    notes: list[str] = []
    for unit, months in values.items():
        first = min(months)
        counts = [months.get(period, 0) for period in range(first, last + 1)]
        absent = [period for period in range(first, last + 1) if period not in months]
        if absent:
            shown = ", ".join(format_period(period) for period in absent[:_NOTE_MONTHS])
            more = f" and {len(absent) - _NOTE_MONTHS} more" if len(absent) > _NOTE_MONTHS else ""
            notes.append(
                f"unit {unit!r}: {len(absent)} missing month(s) counted as 0: {shown}{more}"
            )
        series.append(UnitSeries(unit=unit, first_period=first, counts=counts))
    return series, notes


def read_series_file(path: Path) -> tuple[list[UnitSeries], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SeriesError([f"{path}: not UTF-8 ({error.reason} at byte {error.start})"]) from None
    return read_series(text)


def _parse_count(text: str) -> int | None:
    if not text.isdigit() or not text.isascii():
        return None
    return int(text)


def alarm_rows(
    unit: UnitSeries, assessments: Iterable[Assessment | None]
) -> Iterator[tuple[str, str, str, str, str]]:
    """The ALARMS.csv rows of one unit (months with an assessment only)."""
    for offset, assessment in enumerate(assessments):
        if assessment is None:
            continue
        yield (
            unit.unit,
            unit.period_label(offset),
            f"{assessment.expected:.4f}",
            f"{assessment.threshold:.0f}",
            "1" if assessment.alarm else "0",
        )


def write_alarms(path: Path, rows: Iterable[tuple[str, str, str, str, str]]) -> int:
    """Write ALARMS.csv (UTF-8, no BOM); returns the number of rows."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ALARM_COLUMNS)
        for row in rows:
            writer.writerow(row)
            written += 1
    return written
