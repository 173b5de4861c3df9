"""Normalisation: folding, coded spellings, and the map back to the original text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.screening_engine.normalise import (
    _CODE_PATTERN,
    _code_matches,
    normalise,
    normalise_with_map,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("送养宀宝", "送养男宝"),
        ("加v：abc_123", "加微信:abc_123"),
        ("加V abc_123", "加微信 abc_123"),
        ("VX: hk8888", "微信: hk8888"),
        ("威信同号", "微信同号"),
        ("薇信号", "微信号"),
        ("➕薇", "加微信"),
        ("扣扣：123456", "qq:123456"),
        ("企鹅号", "qq号"),
        ("Q Q群", "qq群"),
        ("代yun包成功", "代孕包成功"),
        ("女bao刚满月", "女宝刚满月"),
        ("yyf私聊", "营养费私聊"),
        ("月入5w", "月入5万"),
        ("ＡＢＣ１２３", "abc123"),
        ("①③⑧", "138"),
        ("送養嬰兒，營養費", "送养婴儿,营养费"),
        ("👶出生十天", "宝宝出生十天"),
        ("mb高薪", "缅北高薪"),
    ],
)
def test_coded_spellings_are_resolved(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "text",
    ["wxid_abc123", "V领毛衣", "张薇老师", "微信", "qq音乐", "代驾服务", "kwh"],
)
def test_ordinary_words_are_not_mistaken_for_codes(text: str) -> None:
    folded = normalise(text)
    # nothing that is not a code turns into 微信/qq/代孕 except what was already there
    for word in ("微信", "qq", "代孕"):
        assert folded.count(word) == text.lower().count(word)


def test_span_map_points_back_to_the_original_characters() -> None:
    text = "【送養】宀宝，加Ｖ：ab_1234 👶"
    norm = normalise_with_map(text)
    position = norm.text.index("男宝")
    assert norm.span(position, position + 2) == (text.index("宀宝"), text.index("宀宝") + 2)
    position = norm.text.index("微信")
    start, end = norm.span(position, position + 2)
    assert text[start:end] == "加Ｖ"  # a code's replacement maps to the whole code
    position = norm.text.index("宝宝")
    start, end = norm.span(position, position + 2)
    assert text[start:end] == "👶"


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("送养男宝宀加vVxXwW薇威信扣企鹅qQ 代yun孕5k，：①２一壹👶🐧mbjpz营f")
    )
    | st.characters(),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_every_output_character_maps_to_a_valid_original_span(text: str) -> None:
    norm = normalise_with_map(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for start, end in zip(norm.starts, norm.ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert list(norm.starts) == sorted(norm.starts)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_the_candidate_scan_finds_what_a_plain_finditer_finds(text: str) -> None:
    # the fast scan tries the code pattern only at candidate characters; it must find the
    # same matches as the slow reference, a plain finditer over the whole text
    stage = normalise_with_map(text)  # noqa: F841 - exercise the full path too
    folded = "".join(ch for ch in text.lower())
    reference = [
        (m.start(), m.end()) for m in _CODE_PATTERN.finditer(folded) if m.end() > m.start()
    ]
    fast = [(m.start(), m.end()) for m in _code_matches(folded)]
    assert fast == reference


def test_normalise_is_idempotent_on_examples() -> None:
    for text in ("送养宀宝 加v：abc_123", "代yun 5w", "扣扣 123456"):
        once = normalise(text)
        assert normalise(once) == once or re.search("微信|qq", once)
