"""The UI uses the rules' own words, one term per concept (issue 12; 渝府办发〔2021〕152号):
团圆 (the alert platform), 帮助查找亲属, 送返, 跟踪管控/帮教, 表彰和奖励, 警示,
流浪未成年人."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"

# A word the rules do not use for a concept, and the rules' word for it.
NOT_THE_RULES_WORD = {
    "遣返": "送返",  # victims are sent home safely (三、(二)), not deported
    "转送": "送返",
    "帮助寻亲": "帮助查找亲属",
    "正在寻亲": "正在查找亲属",
    "流浪儿童": "流浪未成年人",
    "通报表扬": "表彰和奖励",
    "预警提示": "警示",  # 预警 is the missing-child alert; a key region gets 警示
    "刑满释放人员回访": "跟踪管控/帮教",
}


@pytest.fixture(scope="module")
def translations() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


@pytest.mark.parametrize(("wrong", "right"), sorted(NOT_THE_RULES_WORD.items()))
def test_no_translation_uses_another_word_for_a_concept_the_rules_name(
    translations: list[polib.POEntry], wrong: str, right: str
) -> None:
    found = [entry.msgid for entry in translations if wrong in entry.msgstr]
    assert found == [], f"use {right} instead of {wrong} in: {found}"


def test_the_rules_words_are_the_ones_shown(translations: list[polib.POEntry]) -> None:
    by_msgid = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in translations}
    assert "团圆" in by_msgid[(None, "Missing-child alerts")]
    assert by_msgid[(None, "Help finding relatives")] == "帮助查找亲属"
    assert "送返" in by_msgid[(None, "Transfer or repatriate")]
    assert "跟踪管控/帮教" in by_msgid[(None, "Released offenders")]
    assert by_msgid[(None, "Commended")] == "表彰和奖励"
    assert by_msgid[(None, "Warning")] == "警示"
    assert by_msgid[(None, "Found children")] == "流浪未成年人和弃婴"
