"""`python -m homeward.linkage rank …`: the issue's command line, end to end on files."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from homeward.linkage import io
from homeward.linkage.cli import main


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_rank_writes_the_issues_columns_and_finds_true_pairs(tmp_path: Path) -> None:
    assert main(["generate", "--seed", "31", "--reports", "60", "--found", "900",
                 "--out", str(tmp_path)]) == 0  # fmt: skip
    pred = tmp_path / "pred.csv"
    assert main(["rank", "--reports", str(tmp_path / "reports.csv"), "--found",
                 str(tmp_path / "found.csv"), "--top", "10", "--out", str(pred)]) == 0  # fmt: skip
    rows = _rows(pred)
    assert list(rows[0])[:4] == ["report_id", "found_id", "score", "rank"]
    by_report: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_report.setdefault(row["report_id"], []).append(row)
    for ranked in by_report.values():
        assert [int(r["rank"]) for r in ranked] == list(range(1, len(ranked) + 1))
        assert len(ranked) <= 10
        scores = [float(r["score"]) for r in ranked]
        assert scores == sorted(scores, reverse=True)
    truth = {r["report_id"]: r["found_id"] for r in _rows(tmp_path / "truth.csv")}
    hits = sum(
        any(r["found_id"] == found for r in by_report.get(report, ()))
        for report, found in truth.items()
    )
    assert hits / len(truth) > 0.5  # a small table: most true pairs in the top 10
    # --band likely keeps a subset of the same candidates
    likely = tmp_path / "likely.csv"
    assert main(["rank", "--reports", str(tmp_path / "reports.csv"), "--found",
                 str(tmp_path / "found.csv"), "--top", "10", "--band", "likely",
                 "--out", str(likely)]) == 0  # fmt: skip
    pairs = {(r["report_id"], r["found_id"]) for r in rows}
    assert {(r["report_id"], r["found_id"]) for r in _rows(likely)} <= pairs
    # the model trained without labels ranks through the same command
    with_em = tmp_path / "em.csv"
    assert main(["rank", "--reports", str(tmp_path / "reports.csv"), "--found",
                 str(tmp_path / "found.csv"), "--model", str(io.EM_MODEL),
                 "--out", str(with_em)]) == 0  # fmt: skip
    assert _rows(with_em)


def test_rank_as_a_module_refuses_a_bad_cell_by_its_column(tmp_path: Path) -> None:
    reports = tmp_path / "reports.csv"
    reports.write_text("report_id,sex,missing_date\nR1,男,1998-13\n", encoding="utf-8")
    found = tmp_path / "found.csv"
    found.write_text("found_id,sex\nF1,男\n", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "homeward.linkage", "rank", "--reports", str(reports),
         "--found", str(found), "--out", str(tmp_path / "p.csv")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "missing_date" in done.stderr
