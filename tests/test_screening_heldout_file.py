"""The independent held-out set for online screening (issue 15) is a well-formed file.

``homeward/screening_engine/heldout/heldout.jsonl`` is what the classifier's targets
(macro-F1, hard-negative false-positive rate) are measured on, so its shape is checked here:
valid JSONL, unique ids, the six labels, enough rows and hard negatives, and only invented
phone numbers (the ``1xx 0000 xxxx`` pattern) however they are written.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

HELDOUT = (
    Path(__file__).resolve().parents[1]
    / "homeward"
    / "screening_engine"
    / "heldout"
    / "heldout.jsonl"
)
LABELS = {
    "illegal_adoption",
    "surrogacy",
    "bride_trafficking",
    "forced_labour_recruitment",
    "sexual_exploitation",
    "benign",
}
STYLES = {
    "wechat_moments",
    "douyin_comment",
    "tieba",
    "classified_58",
    "qq_group",
    "weibo",
    "news",
    "police_notice",
    "other",
}
KEYS = {"id", "text", "label", "hard_negative", "style", "note"}

# Digits as posts write them: full-width, circled, Chinese numerals and "幺" for one.
_DIGIT_FORMS = {
    **{chr(ord("０") + value): str(value) for value in range(10)},
    **{chr(ord("①") + value - 1): str(value) for value in range(1, 10)},
    "⓪": "0",
    **dict(zip("零〇一二三四五六七八九", "00123456789", strict=True)),
    "幺": "1",
}
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _rows() -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(HELDOUT.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"line {number} is blank"
        rows.append(json.loads(line))
    return rows


def _mobile_numbers(text: str) -> list[str]:
    digits = "".join(_DIGIT_FORMS.get(char, char) for char in text.replace("+86", " "))
    return _MOBILE.findall(re.sub(r"(?<=\d)[\s\-]+(?=\d)", "", digits))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return _rows()


def test_every_line_is_an_object_with_exactly_the_documented_fields(
    rows: list[dict[str, Any]],
) -> None:
    for row in rows:
        assert set(row) == KEYS, row.get("id")
        assert isinstance(row["text"], str) and row["text"].strip(), row["id"]
        assert isinstance(row["note"], str) and row["note"].strip(), row["id"]
        assert isinstance(row["hard_negative"], bool), row["id"]
        assert row["style"] in STYLES, row["id"]


def test_ids_are_unique_and_numbered(rows: list[dict[str, Any]]) -> None:
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"H\d{4}", post_id) for post_id in ids)


def test_no_post_text_appears_twice(rows: list[dict[str, Any]]) -> None:
    texts = Counter(row["text"] for row in rows)
    assert [text for text, count in texts.items() if count > 1] == []


def test_labels_are_the_six_of_the_issue(rows: list[dict[str, Any]]) -> None:
    assert {row["label"] for row in rows} == LABELS


def test_there_are_at_least_250_posts_and_every_label_has_20(
    rows: list[dict[str, Any]],
) -> None:
    assert len(rows) >= 250
    per_label = Counter(row["label"] for row in rows)
    assert min(per_label[label] for label in LABELS) >= 20, per_label


def test_more_than_40_percent_are_hard_negatives(rows: list[dict[str, Any]]) -> None:
    hard_negatives = sum(row["hard_negative"] for row in rows)
    assert hard_negatives / len(rows) > 0.40


def test_only_benign_posts_are_hard_negatives(rows: list[dict[str, Any]]) -> None:
    wrong = [row["id"] for row in rows if row["hard_negative"] and row["label"] != "benign"]
    assert wrong == []


def test_every_mobile_number_however_written_is_an_invented_one(
    rows: list[dict[str, Any]],
) -> None:
    numbers = [(row["id"], number) for row in rows for number in _mobile_numbers(row["text"])]
    assert len(numbers) >= 20  # the set does exercise the spellings of phone numbers
    real_looking = [(post_id, number) for post_id, number in numbers if number[3:7] != "0000"]
    assert real_looking == []


def test_the_phone_spellings_are_read_as_numbers() -> None:
    assert _mobile_numbers("电话 幺三八零零零零二六四一") == ["13800002641"]
    assert _mobile_numbers("扣扣 ①⑨⑨ ⓪⓪⓪⓪ ③⑤①②") == ["19900003512"]
    assert _mobile_numbers("１３８-００００-３３１５") == ["13800003315"]
    assert _mobile_numbers("微信 +86 138 0000 1288") == ["13800001288"]
    assert _mobile_numbers("租金 2200 元") == []
