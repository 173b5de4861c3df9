"""``python -m homeward.analysis detect --series SERIES.csv --out ALARMS.csv``.

Django-free: the early warning of every unit's monthly series, each month assessed only from
the unit's earlier months (:func:`homeward.earlywarning.detect`), for every month after the
first ``--min-history`` (36: three years). Exit status 0 on success, 2 on bad input (every bad
line listed on standard error).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from homeward.earlywarning import ENGINE_VERSION, FarringtonParams, detect
from homeward.earlywarning.farrington import THRESHOLD_METHODS
from homeward.earlywarning.series import (
    SeriesError,
    alarm_rows,
    read_series_file,
    write_alarms,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m homeward.analysis",
        description="Situation analysis (issue 16) from the command line.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    detect_parser = commands.add_parser(
        "detect",
        help="early warning (improved Farrington) on monthly series",
        description=(
            "Read SERIES.csv (unit, period YYYY-MM, count), assess every unit-month after the "
            "first three years from the unit's earlier months only, write ALARMS.csv "
            "(unit, period, expected, threshold, alarm 0/1)."
        ),
    )
    defaults = FarringtonParams()
    detect_parser.add_argument("--series", type=Path, required=True, help="input CSV")
    detect_parser.add_argument("--out", type=Path, required=True, help="output CSV")
    detect_parser.add_argument("--alpha", type=float, default=defaults.alpha)
    detect_parser.add_argument("--years-back", type=int, default=defaults.years_back)
    detect_parser.add_argument("--window", type=int, default=defaults.window)
    detect_parser.add_argument("--levels", type=int, default=defaults.n_levels)
    detect_parser.add_argument("--past-excluded", type=int, default=defaults.past_periods_excluded)
    detect_parser.add_argument("--min-history", type=int, default=defaults.min_history)
    detect_parser.add_argument(
        "--threshold-method", choices=THRESHOLD_METHODS, default=defaults.threshold_method
    )
    detect_parser.add_argument(
        "--trend-no-extrapolation",
        action="store_true",
        help="drop the trend when it predicts above the largest reference count (v1)",
    )
    detect_parser.add_argument("--no-reweight", action="store_true")
    detect_parser.add_argument("--no-trend", action="store_true")
    detect_parser.add_argument(
        "--fitter", choices=("numpy", "statsmodels"), default=defaults.fitter
    )
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr)  # noqa: T201 - errors and notes of the command line


def _detect(args: argparse.Namespace) -> int:
    try:
        params = FarringtonParams(
            years_back=args.years_back,
            window=args.window,
            n_levels=args.levels,
            alpha=args.alpha,
            reweight=not args.no_reweight,
            trend=not args.no_trend,
            past_periods_excluded=args.past_excluded,
            min_history=args.min_history,
            fitter=args.fitter,
            threshold_method=args.threshold_method,
            trend_no_extrapolation=args.trend_no_extrapolation,
        )
    except ValueError as error:
        _say(f"error: {error}")
        return 2
    try:
        series, notes = read_series_file(args.series)
    except FileNotFoundError:
        _say(f"error: {args.series}: no such file")
        return 2
    except SeriesError as error:
        _say(f"error: {args.series} has {len(error.errors)} problem(s):")
        for message in error.errors:
            _say(f"  {message}")
        return 2
    for note in notes:
        _say(f"note: {note}")
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    rows: list[tuple[str, str, str, str, str]] = []
    for unit in series:
        rows.extend(alarm_rows(unit, detect(unit.counts, params)))
    written = write_alarms(args.out, rows)
    alarms = sum(1 for row in rows if row[4] == "1")
    print(  # noqa: T201 - the command's summary
        f"{ENGINE_VERSION}: {len(series)} unit(s), {written} unit-month(s) assessed, "
        f"{alarms} alarm(s) -> {args.out} "
        f"({time.perf_counter() - started_wall:.1f} s wall, "
        f"{time.process_time() - started_cpu:.1f} s CPU)"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "detect":
        return _detect(args)
    return 2  # pragma: no cover - argparse requires a command


if __name__ == "__main__":
    sys.exit(main())
