"""Names, ages and marks as evidence: the pieces the comparisons are built from."""

from __future__ import annotations

import doctest
import importlib
from datetime import date

import pytest

from homeward.linkage import ages, features, text


@pytest.mark.parametrize(
    "module",
    ["text", "ages", "features", "evaluate", "combine", "dedup"],
)
def test_doctests(module: str) -> None:
    failures, _tests = doctest.testmod(
        importlib.import_module(f"homeward.linkage.{module}"), optionflags=doctest.ELLIPSIS
    )
    assert failures == 0


# --- surnames and readings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("surname", "reading"),
    [("单", "shan"), ("解", "xie"), ("覃", "qin"), ("仇", "qiu"), ("区", "ou"), ("曾", "zeng"),
     ("查", "zha")],
)  # fmt: skip
def test_surname_readings_include_the_surname_reading(surname: str, reading: str) -> None:
    assert text.dialect_key(reading) in text.surname_keys(surname)


def test_pinyin_default_reading_of_a_surname_is_not_enough() -> None:
    from pypinyin import Style, lazy_pinyin

    # given: pypinyin's default reads 单 as dan
    assert lazy_pinyin("单", style=Style.NORMAL) == ["dan"]
    # then: an official's spelling "Shan" still meets the surname
    assert "san" in text.surname_keys("单")


@pytest.mark.parametrize(
    ("a", "b"),
    [("zhang", "zang"), ("chen", "cen"), ("shi", "si"), ("niu", "liu"), ("ning", "lin"),
     ("feng", "fen"), ("hu", "fu"), ("huang", "fuang")],
)  # fmt: skip
def test_chongqing_dialect_keys_merge_what_a_listener_cannot_tell_apart(a: str, b: str) -> None:
    assert text.dialect_key(a) == text.dialect_key(b)


def test_dialect_keys_keep_distinct_syllables_apart() -> None:
    assert text.dialect_key("wang") != text.dialect_key("huang")
    assert text.dialect_key("ma") != text.dialect_key("ba")


def test_traditional_characters_become_simplified() -> None:
    assert text.simplified("單曉明") == "单晓明"
    assert text.simplified("區國強") == "区国强"


@pytest.mark.parametrize(
    ("nickname", "core"),
    [("强娃", "强"), ("小明", "明"), ("丹丹", "丹"), ("阿美", "美"), ("芳妹", "芳"),
     ("幺妹", ""), ("幺娃", ""), ("毛毛", ""), ("毛儿", "毛")],
)  # fmt: skip
def test_nickname_core(nickname: str, core: str) -> None:
    assert text.nickname_core(nickname) == core


@pytest.mark.parametrize(
    ("typed", "syllables"),
    [("Zhang Xiaoming", ["zhang", "xiao", "ming"]), ("zhangxiaoming", ["zhang", "xiao", "ming"]),
     ("Zhāng Xiǎo-míng", ["zhang", "xiao", "ming"]), ("XIAN", ["xian"])],
)  # fmt: skip
def test_typed_pinyin_is_split_into_syllables(typed: str, syllables: list[str]) -> None:
    assert text.split_pinyin(typed) == syllables


def test_compound_surname_is_kept_whole() -> None:
    assert text.split_name("欧阳娜娜") == ("欧阳", "娜娜")
    assert text.split_name("王强") == ("王", "强")


# --- ages ----------------------------------------------------------------------------


def test_lunar_birth_date_is_converted_to_solar() -> None:
    # 农历 1994-03-05 is 1994-04-15 in the solar calendar.
    solar = ages.birth_from_date(ages.PartialDate(1994, 3, 5), lunar=True)
    expected = ages.year_fraction(date(1994, 4, 15))
    assert solar.low < expected < solar.high
    assert solar.width < 0.3


def test_lunar_day_30_is_accepted() -> None:
    assert ages.parse_date("1990-02-30", lunar=True) == ages.PartialDate(1990, 2, 30)
    with pytest.raises(ValueError, match="out of range"):
        ages.parse_date("1990-02-30")


def test_xusui_is_one_or_two_years_above_zhousui() -> None:
    at = ages.PartialDate(1998, 7, 1)
    xusui = ages.birth_from_stated_age(5, xusui=True, at=at)
    zhousui = ages.birth_from_stated_age(4, xusui=False, at=at)
    # 虚岁5 in mid-1998 (lunar year 1998): born in lunar year 1994, i.e. between
    # 1994-02-10 and 1995-01-30 — 周岁 4 (birthday passed) or 3 (not yet)
    assert xusui.low == pytest.approx(ages.year_fraction(date(1994, 2, 10)), abs=0.04)
    assert xusui.high == pytest.approx(ages.year_fraction(date(1995, 1, 31)), abs=0.04)
    assert zhousui.low < xusui.high and xusui.low < zhousui.high


@pytest.mark.parametrize(
    ("birth", "day"),
    [
        # birthday passed, lunar new year not yet: 虚岁 = 周岁 + 1
        (date(2006, 11, 18), date(2009, 1, 14)),
        # lunar new year passed, birthday not yet: 虚岁 = 周岁 + 2
        (date(2006, 11, 18), date(2009, 6, 1)),
        (date(1983, 5, 26), date(1993, 1, 10)),
        (date(2004, 6, 20), date(2007, 2, 8)),
        (date(2000, 1, 20), date(2005, 3, 1)),  # born before the lunar new year
    ],
)
def test_xusui_interval_holds_the_birth_date(birth: date, day: date) -> None:
    # Regression: 虚岁 N was read as born in (day − N, day − N + 1.1], which misses
    # every child whose 虚岁 is 周岁 + 2, and the generator counted +2 before 10 Feb
    # whatever the birthday.
    from homeward.linkage.generate import xusui_at

    n = xusui_at(birth, day)
    years = (day - birth).days // 365
    assert n - years in (1, 2)
    exact = ages.birth_from_stated_age(n, xusui=True, at=ages.PartialDate(*day.timetuple()[:3]))
    assert exact.low <= ages.year_fraction(birth) <= exact.high
    assert exact.width < 1.15  # one lunar year (384 days with a leap month)
    # known to the month only: the month may straddle the lunar new year
    month = ages.birth_from_stated_age(n, xusui=True, at=ages.PartialDate(day.year, day.month))
    assert month.low <= ages.year_fraction(birth) <= month.high
    assert month.width < 2.2


def test_month_only_dates_widen_the_interval() -> None:
    month = ages.parse_date("1998-07")
    assert month is not None and month.day is None
    assert month.half_width_years > 0


def test_estimated_age_is_widened_by_the_method_error() -> None:
    at = ages.PartialDate(2026, 3, 1)
    bone = ages.birth_from_estimate(30, 34, method="骨龄", at=at)
    visual = ages.birth_from_estimate(30, 34, method="目测", at=at)
    assert visual.width > bone.width
    assert bone.low < 2026.2 - 35 and bone.high > 2026.2 - 30


@pytest.mark.parametrize("value", ["1998-13", "19980", "1998/02/30", "abc"])
def test_bad_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the value
        ages.parse_date(value)


def test_stated_age_forms() -> None:
    assert ages.parse_age_stated("虚岁5") == (5, True)
    assert ages.parse_age_stated("4岁") == (4, False)
    assert ages.parse_age_stated("") is None
    assert ages.parse_age_stated("不记得") is None


# --- marks and landmarks -------------------------------------------------------------


def test_the_same_mark_in_different_words_gives_the_same_pair() -> None:
    family = features.parse_marks("左肩膀上有块青色胎记")
    official = features.parse_marks("胎记（左肩头）")
    english = features.parse_marks("birthmark on left shoulder")
    assert family == official == english == frozenset({("胎记", "左肩")})


def test_a_hole_before_the_ear_reads_the_same_however_it_is_written() -> None:
    for written in ("右耳前小孔", "右耳前有小孔", "右耳朵前有小孔", "拴马桩"):
        assert features.parse_marks(written) == frozenset({("耳前小孔", "")}), written


def test_a_shared_nickname_alone_is_not_the_same_name_for_duplicates() -> None:
    from homeward.linkage.dedup import found_duplicates
    from homeward.linkage.records import found_from_fields

    def person(found_id: str, **fields: str) -> object:
        return found_from_fields(
            {
                "found_id": found_id,
                "sex": "男",
                "est_age_low": "30",
                "est_age_high": "34",
                "age_method": "bone",
                "found_date": "2026-03-02",
                **fields,
            }
        )

    # two men who both remember only "幺娃" (a 小名 thousands of boys had) are not
    # suggested as one person entered twice: the nickname counts once, not as a name
    a = person("A", name_remembered="幺娃", found_province="福建")
    b = person("B", name_remembered="幺娃", found_province="广东")
    assert found_duplicates([a, b]) == []  # type: ignore[list-item]
    # the same registered name still is
    c = person("C", name="陈志远", name_remembered="幺娃", found_province="福建")
    d = person("D", name="陈志远", name_remembered="幺娃", found_province="福建")
    [suggestion] = found_duplicates([c, d])  # type: ignore[list-item]
    assert "name_exact" in suggestion.reasons and "nickname" in suggestion.reasons


def test_marks_are_split_on_semicolons() -> None:
    marks = features.parse_marks("右手背有疤；耳前小孔;双旋")
    assert marks == frozenset({("疤痕", "右手"), ("耳前小孔", ""), ("双旋", "")})


def test_landmarks_become_keywords() -> None:
    assert features.parse_landmarks("家门口有条小河，河上有座石桥") >= {"河", "桥", "石桥"}
    assert features.parse_landmarks("") == frozenset()


def test_blood_types_and_accents() -> None:
    assert features.blood_code("AB型") == 4
    assert features.blood_code("O型RH+") == 3
    assert features.accent_class("重庆口音") == 1
    assert features.accent_class("四川话") == 2
    assert features.accent_class("闽南口音") == 3
    assert features.accent_class("") == 0


def test_province_from_code_or_name() -> None:
    assert features.province_code("350500", "") == "35"
    assert features.province_code("", "福建省") == "35"
    assert features.province_code("", "") == ""


def test_an_adults_bone_age_is_wider_than_a_childs() -> None:
    # Regression: an adult's bone age used a child's σ (1.3 y) and missed a quarter
    # of the true births of adult self-searchers.
    at = ages.PartialDate(2026, 3, 1)
    adult = ages.birth_from_estimate(30, 32, method="骨龄", at=at)
    child = ages.birth_from_estimate(8, 10, method="骨龄", at=at)
    assert adult.width > child.width + 3
    assert adult.low < ages.year_fraction(date(2026, 3, 1)) - 35.5


def test_a_self_stated_birth_date_is_widened_by_two_years() -> None:
    from homeward.linkage.records import found_from_fields

    stated = found_from_fields(
        {"found_id": "F", "stated_birth_date": "1990-05-01", "record_source": "self_search"}
    )
    assert stated.birth.low < 1988.4 and stated.birth.high > 1992.3


@pytest.mark.parametrize(
    ("words", "keys"),
    [("记得堰塘", {"水库"}), ("记得山洞", {"溶洞"}), ("记得茶山", {"茶山"}),
     ("记得石拱桥", {"石桥", "桥"}), ("后山有个鱼塘", {"山", "池塘"})],
)  # fmt: skip
def test_a_landmark_word_counts_once(words: str, keys: set[str]) -> None:
    # Regression: 堰塘 was also a pond, 山洞 and 茶山 also a hill (spurious shared keys).
    assert features.parse_landmarks(words) == keys


def test_an_extra_finger_in_words() -> None:
    assert features.parse_marks("多一个手指（左手）") == {("六指", "左手")}


def test_an_estimates_spread_is_the_method_error_or_the_stated_range_not_both() -> None:
    # "骨龄 4–6" states the bone-age error the method already carries; a range wider
    # than the method's error ("自述 2–8") widens it.
    at = ages.PartialDate(2026, 3, 1)
    bone_range = ages.birth_from_estimate(4, 6, method="骨龄", at=at)
    bone_point = ages.birth_from_estimate(5, 5, method="骨龄", at=at)
    assert bone_range.spread == pytest.approx(bone_point.spread)
    assert bone_range.spread == pytest.approx((1.3**2 + 0.25 / 3) ** 0.5)
    wide = ages.birth_from_estimate(2, 8, method="自述", at=at)
    point = ages.birth_from_estimate(5, 5, method="自述", at=at)
    assert wide.spread > point.spread + 0.2
