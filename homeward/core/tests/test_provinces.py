"""Province flows: free text of where a person comes from or was found, normalised to a
provincial-level division, a country abroad or "not known"."""

from __future__ import annotations

import pytest
from django.utils import translation

from homeward.core.provinces import (
    PROVINCES,
    category_label,
    category_labels,
    origin_category,
    place_category,
    province_code,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("贵州省", "52"),
        ("贵州", "52"),
        ("贵州遵义", "52"),
        (" 贵州省遵义市 ", "52"),
        ("遵义市", "52"),
        ("黔", "52"),
        ("黔籍", "52"),
        ("貴州省", "52"),  # traditional characters
        ("广西壮族自治区", "45"),
        ("内蒙古自治区呼和浩特市", "15"),
        ("新疆维吾尔自治区", "65"),
        ("中国香港", "81"),
        ("香港特别行政区", "81"),
        ("台湾省", "71"),
        ("四川成都", "51"),
        ("成都", "51"),
        ("川", "51"),
        ("湖南怀化", "43"),
        ("家住云南昭通", "53"),
        ("重庆市", "50"),
        ("ＧＵＩＺＨＯＵ", ""),  # pinyin is not read
        ("宁波", ""),  # 宁 is 宁夏's abbreviation, 宁波 is not in 宁夏
        ("台州", ""),
        ("", ""),
        ("不详", ""),
    ],
)
def test_province_code_reads_messy_names(text: str, code: str) -> None:
    assert province_code(text) == code


@pytest.mark.parametrize(
    ("origin", "detail", "category"),
    [
        ("chongqing", "", "50"),
        ("chongqing", "贵州", "50"),  # the origin field decides Chongqing
        ("other_province", "贵州省", "52"),
        ("other_province", "贵州遵义", "52"),
        ("other_province", "  ", "unknown"),
        ("other_province", "外省", "unknown"),
        ("other_province", "不详", "unknown"),
        ("other_province", "重庆", "unknown"),  # contradicts the origin
        ("other_province", "越南", "abroad-VN"),  # a nationality under the wrong origin
        ("foreign", "越南", "abroad-VN"),
        ("foreign", "越南籍", "abroad-VN"),
        ("foreign", "Vietnam", "abroad-VN"),
        ("foreign", "缅甸人", "abroad-MM"),
        ("foreign", "老挝", "abroad-LA"),
        ("foreign", "印尼", "abroad-ID"),
        ("foreign", "", "abroad"),
        ("foreign", "某国", "abroad"),
        ("", "湖北宜昌", "42"),
    ],
)
def test_origin_category(origin: str, detail: str, category: str) -> None:
    assert origin_category(origin, detail) == category


def test_place_category_of_a_found_person() -> None:
    assert place_category("福建") == "35"
    assert place_category("福建省莆田市") == "35"
    assert place_category("境外") == "abroad"
    assert place_category("泰国") == "abroad-TH"
    assert place_category("") == "unknown"
    assert place_category("？") == "unknown"


def test_every_category_has_a_chinese_label() -> None:
    labels = category_labels()
    assert len(PROVINCES) == 34
    assert set(PROVINCES) <= set(labels)
    with translation.override("zh-hans"):
        assert str(labels["52"]) == "贵州"
        assert str(labels["abroad-VN"]) == "境外·越南"
        assert str(labels["abroad"]) == "境外"
        assert str(labels["unknown"]) == "不详"
        assert str(category_label("abroad-XX")) == "abroad-XX"
