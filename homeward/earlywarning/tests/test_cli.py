"""``python -m homeward.analysis detect`` run as a subprocess, as an evaluator runs it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from homeward.earlywarning import FarringtonParams, detect
from homeward.earlywarning.series import SeriesError, read_series
from homeward.earlywarning.simulate import Scenario, simulate

ROOT = Path(__file__).resolve().parents[3]


def run_detect(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "homeward.analysis", "detect", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def period(index: int) -> str:
    return f"{2015 + index // 12}-{index % 12 + 1:02d}"


def write_series(path: Path, rows: list[tuple[str, str, int]], *, bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "period", "count"])
        writer.writerows(rows)


def read_alarms(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_detect_writes_every_unit_month_after_three_years(tmp_path: Path) -> None:
    # given two districts with five years of monthly counts (BOM, rows out of order), one
    # with a spike of 60 in month 50
    rng = np.random.default_rng(20)
    scenario = Scenario(level=10.0, trend=0.0, seasonality="annual", dispersion=1.5)
    series = {
        "渝中区": simulate(scenario, 60, rng).counts.tolist(),
        "万州区": simulate(scenario, 60, rng).counts.tolist(),
    }
    series["万州区"][50] += 60
    rows = [
        (unit, period(month), count)
        for unit, counts in series.items()
        for month, count in enumerate(counts)
    ]
    rows.reverse()
    write_series(tmp_path / "series.csv", rows, bom=True)
    # when the command runs
    result = run_detect("--series", tmp_path / "series.csv", "--out", tmp_path / "alarms.csv")
    # then it succeeds and writes 24 months per unit after the first 36, in order
    assert result.returncode == 0, result.stderr
    alarms = read_alarms(tmp_path / "alarms.csv")
    assert list(alarms[0]) == ["unit", "period", "expected", "threshold", "alarm"]
    assert len(alarms) == 2 * 24
    wanzhou = [row for row in alarms if row["unit"] == "万州区"]
    assert [row["period"] for row in wanzhou] == [period(month) for month in range(36, 60)]
    # each row is the engine's assessment from the unit's earlier months only
    expected = detect(series["万州区"], FarringtonParams())
    for row, assessment in zip(wanzhou, expected[36:], strict=True):
        assert assessment is not None
        assert float(row["expected"]) == pytest.approx(assessment.expected, abs=1e-4)
        assert float(row["threshold"]) == assessment.threshold
        assert row["alarm"] == ("1" if assessment.alarm else "0")
    # and the spike is an alarm in its month
    spike = next(row for row in wanzhou if row["period"] == period(50))
    assert spike["alarm"] == "1"
    assert "2 unit(s), 48 unit-month(s) assessed" in result.stdout


def test_missing_months_count_zero_with_a_note(tmp_path: Path) -> None:
    rows = [("江北区", period(month), 3) for month in range(40) if month not in (5, 6)]
    write_series(tmp_path / "series.csv", rows)
    result = run_detect("--series", tmp_path / "series.csv", "--out", tmp_path / "alarms.csv")
    assert result.returncode == 0, result.stderr
    assert "note: unit '江北区': 2 missing month(s) counted as 0: 2015-06, 2015-07" in result.stderr
    assert [row["period"] for row in read_alarms(tmp_path / "alarms.csv")] == [
        period(month) for month in range(36, 40)
    ]


def test_bad_rows_are_all_listed_with_line_numbers(tmp_path: Path) -> None:
    # given bad periods, a bad count and a duplicate
    (tmp_path / "series.csv").write_text(
        "unit,period,count\n"
        "渝中区,2020-01,4\n"
        "渝中区,2020-13,4\n"
        "渝中区,2020/03,4\n"
        "渝中区,2020-04,-1\n"
        "渝中区,2020-01,5\n",
        encoding="utf-8",
    )
    # when the command runs / then it fails with every problem listed and writes nothing
    result = run_detect("--series", tmp_path / "series.csv", "--out", tmp_path / "alarms.csv")
    assert result.returncode == 2
    assert "line 3: bad period '2020-13'" in result.stderr
    assert "line 4: bad period '2020/03'" in result.stderr
    assert "line 5: bad count '-1'" in result.stderr
    assert "duplicate rows for unit '渝中区' period 2020-01: lines 2, 6" in result.stderr
    assert not (tmp_path / "alarms.csv").exists()


def test_missing_column_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "series.csv").write_text("unit,month,count\na,2020-01,1\n", encoding="utf-8")
    result = run_detect("--series", tmp_path / "series.csv", "--out", tmp_path / "alarms.csv")
    assert result.returncode == 2
    assert "missing column(s) period" in result.stderr
    result = run_detect("--series", tmp_path / "nothing.csv", "--out", tmp_path / "alarms.csv")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_read_series_accepts_a_bom_and_column_order() -> None:
    series, notes = read_series("\ufeffcount,unit,period\n3,a,2020-02\n1,a,2020-01\n2,b,2020-02\n")
    assert notes == []
    assert [(unit.unit, unit.counts, unit.period_label(0)) for unit in series] == [
        ("a", [1, 3], "2020-01"),
        ("b", [2], "2020-02"),
    ]
    with pytest.raises(SeriesError) as error:
        read_series("unit,period,count\n")
    assert error.value.errors == ["no data rows"]
