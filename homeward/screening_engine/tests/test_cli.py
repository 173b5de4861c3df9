"""``python -m homeward.screening``: classify round trip, bad input, evaluate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from homeward.screening_engine import LABELS

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "homeward.screening", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_classify_round_trip(tmp_path: Path) -> None:
    posts = [
        {"id": "p1", "text": "送养宀宝，刚满月，营养费私聊，加v：bao_2024，电话一三八 1234 5678"},
        {"id": "p2", "text": "送养宀宝，刚满月，营养费私聊！加v：bao_2024，电话一三八 1234 5678🔥"},
        {"id": "p3", "text": "今天带宝宝去打疫苗，一点都没哭"},
        {"id": 4, "text": "招工，电话 138-1234-5678"},
    ]
    source = tmp_path / "posts.jsonl"
    source.write_text(
        "\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n", encoding="utf-8"
    )
    out = tmp_path / "labels.jsonl"
    completed = _run("classify", "--input", str(source), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p2", "p3", "4"]
    for line in lines:
        assert {"id", "label", "score", "scores", "cues", "identifiers"} <= set(line)
        assert set(line["scores"]) == set(LABELS)
        assert line["label"] in LABELS
    first = lines[0]
    assert first["label"] == "illegal_adoption" and first["flagged"]
    assert {"kind": "phone", "value": "13812345678"}.items() <= next(
        i for i in first["identifiers"] if i["kind"] == "phone"
    ).items()
    assert lines[1]["cluster"] == "p1"  # the repost joins the first post's cluster
    assert lines[3]["network"] == "p1"  # the same phone links the job ad to the seller
    assert lines[2]["label"] == "benign" and not lines[2]["flagged"]


def test_bad_lines_are_all_named_and_nothing_is_written(tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text(
        '{"id": "a", "text": "好"}\nnot json\n{"id": "b"}\n{"text": "x"}\n{"id": "a", "text": "again"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "labels.jsonl"
    completed = _run("classify", "--input", str(source), "--out", str(out))
    assert completed.returncode == 2
    for number in (2, 3, 4, 5):
        assert f"line {number}" in completed.stderr
    assert not out.exists()


def test_evaluate_prints_the_figures(tmp_path: Path) -> None:
    source = tmp_path / "labelled.jsonl"
    rows = [
        {"id": "1", "text": "越南新娘包领证，跑了包换，十五万全包", "label": "bride_trafficking"},
        {
            "id": "2",
            "text": "寻亲：1990年在重庆走失，请帮忙转发",
            "label": "benign",
            "hard_negative": True,
        },
    ]
    source.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    figures = tmp_path / "figures.json"
    completed = _run("evaluate", "--input", str(source), "--json", str(figures))
    assert completed.returncode == 0, completed.stderr
    assert "macro-F1" in completed.stdout
    data = json.loads(figures.read_text(encoding="utf-8"))
    assert data["n"] == 2 and data["hard_negatives"] == 1
