"""Tests for parsing the rules into measures."""

from __future__ import annotations

from collections import Counter

import pytest

from homeward.rules.measures import (
    IMPLICIT_BODIES,
    IMPLICIT_DEFAULT_LEAD,
    IMPLICIT_UNITS_CHAPTER_TITLE,
    Measure,
    format_measure_number,
    parse_measures,
)
from homeward.rules.units import (
    RulesParseError,
    load_rules_text,
    municipal_units,
    parse_responsibility_lists,
)

# Counted by hand from the rules. Each of the 53 responsibility lists ends one measure:
#   二 20: (一) 1, 2; (二) 1 ×2, 2 ×2, 3, 4; (三) 1, 2; (四) 1 ×2, 2 ×2; (五) 1, 2, 3, 4 ×2, 5
#   三  9: (一) … (五); (六) 1, 2, 3; (七)
#   四 12: (一); (二); (三) 1 … 5; (四) 1 … 5
#   五 10: (一) ×2 (two unnumbered paragraphs); (二) 1 … 4; (三) 1, 2; (四); (五)
#   六  2: (一); (二)
# Chapter 七 (保障措施) has no lists; its four sections (一) … (四) are one implicit measure
# each. 一、指导思想 has no measures. 53 + 4 = 57.
EXPECTED_MEASURES_PER_CHAPTER = {"二": 20, "三": 9, "四": 12, "五": 10, "六": 2, "七": 4}
EXPECTED_MEASURE_COUNT = 57

EXPECTED_NUMBERS = [
    "二、(一) 1",
    "二、(一) 2",
    "二、(二) 1",
    "二、(二) 1 (2)",
    "二、(二) 2",
    "二、(二) 2 (2)",
    "二、(二) 3",
    "二、(二) 4",
    "二、(三) 1",
    "二、(三) 2",
    "二、(四) 1",
    "二、(四) 1 (2)",
    "二、(四) 2",
    "二、(四) 2 (2)",
    "二、(五) 1",
    "二、(五) 2",
    "二、(五) 3",
    "二、(五) 4",
    "二、(五) 4 (2)",
    "二、(五) 5",
    "三、(一)",
    "三、(二)",
    "三、(三)",
    "三、(四)",
    "三、(五)",
    "三、(六) 1",
    "三、(六) 2",
    "三、(六) 3",
    "三、(七)",
    "四、(一)",
    "四、(二)",
    "四、(三) 1",
    "四、(三) 2",
    "四、(三) 3",
    "四、(三) 4",
    "四、(三) 5",
    "四、(四) 1",
    "四、(四) 2",
    "四、(四) 3",
    "四、(四) 4",
    "四、(四) 5",
    "五、(一)",
    "五、(一) (2)",
    "五、(二) 1",
    "五、(二) 2",
    "五、(二) 3",
    "五、(二) 4",
    "五、(三) 1",
    "五、(三) 2",
    "五、(四)",
    "五、(五)",
    "六、(一)",
    "六、(二)",
    "七、(一)",
    "七、(二)",
    "七、(三)",
    "七、(四)",
]

_LIST_CLOSERS = ("）", ")", "〕")

# A small text in the shape of the rules, used by the synthetic tests below.
_INTRO = "一、指导思想\n\n以人为本，综合治理。\n\n二、预防犯罪\n\n（一）建立机制。\n\n"


@pytest.fixture(scope="module")
def rules_text() -> str:
    return load_rules_text()


@pytest.fixture(scope="module")
def measures() -> list[Measure]:
    return parse_measures()


def _measure(measures: list[Measure], number: str) -> Measure:
    matching = [measure for measure in measures if measure.number == number]
    assert len(matching) == 1, f"{len(matching)} measures are numbered {number!r}"
    return matching[0]


# --- the count and the numbering ----------------------------------------------------------


def test_the_rules_have_exactly_57_measures(measures: list[Measure]) -> None:
    assert len(measures) == EXPECTED_MEASURE_COUNT


def test_each_chapter_has_its_hand_counted_number_of_measures(measures: list[Measure]) -> None:
    per_chapter = Counter(measure.chapter for measure in measures)

    assert dict(per_chapter) == EXPECTED_MEASURES_PER_CHAPTER


def test_the_guiding_ideology_chapter_has_no_measures(measures: list[Measure]) -> None:
    assert not any(measure.chapter == "一" for measure in measures)


def test_the_measures_are_numbered_in_document_order(measures: list[Measure]) -> None:
    assert [measure.number for measure in measures] == EXPECTED_NUMBERS


def test_measure_numbers_are_unique(measures: list[Measure]) -> None:
    numbers = [measure.number for measure in measures]

    assert len(set(numbers)) == len(numbers)


def test_sequence_numbers_run_from_one_to_n_in_order(measures: list[Measure]) -> None:
    assert [measure.sequence for measure in measures] == list(range(1, len(measures) + 1))


def test_parsing_the_default_text_equals_parsing_the_bundled_text(
    rules_text: str, measures: list[Measure]
) -> None:
    assert parse_measures(rules_text) == measures


def test_a_number_is_chapter_section_item_and_a_suffix_for_later_measures() -> None:
    assert format_measure_number("二", "一", 1) == "二、(一) 1"
    assert format_measure_number("二", "二", 1, occurrence=2) == "二、(二) 1 (2)"
    assert format_measure_number("三", "一", None) == "三、(一)"
    assert format_measure_number("五", "一", None, occurrence=2) == "五、(一) (2)"
    assert format_measure_number("二", None, None) == "二、"


def test_a_number_needs_a_positive_occurrence() -> None:
    with pytest.raises(ValueError, match="occurrence"):
        format_measure_number("二", "一", 1, occurrence=0)


def test_every_measure_number_matches_its_structural_fields(measures: list[Measure]) -> None:
    occurrences: Counter[tuple[str, str | None, int | None]] = Counter()
    for measure in measures:
        key = (measure.chapter, measure.section, measure.item)
        occurrences[key] += 1
        assert measure.number == format_measure_number(*key, occurrence=occurrences[key])


# --- particular measures ------------------------------------------------------------------


def test_the_first_measure_has_two_leads_and_eight_cooperating_units(
    measures: list[Measure],
) -> None:
    first = _measure(measures, "二、(一) 1")

    assert first.sequence == 1
    assert (first.chapter, first.section, first.item) == ("二", "一", 1)
    assert first.title == "建立健全预防犯罪机制"
    assert first.leads == ("市委政法委", "市公安局")
    assert first.cooperates == (
        "市委网信办",
        "市检察院",
        "市教委",
        "市民政局",
        "市司法局",
        "市卫生健康委",
        "市大数据发展局",
        "市妇联",
    )
    assert len(first.cooperates) == 8
    assert first.text.startswith("深化部门协同联动")
    assert first.text.endswith("信息通报制度。")


def test_item_2_2_1_holds_two_measures_each_with_its_own_units(measures: list[Measure]) -> None:
    in_item = [m for m in measures if (m.chapter, m.section, m.item) == ("二", "二", 1)]

    assert [m.number for m in in_item] == ["二、(二) 1", "二、(二) 1 (2)"]
    first, second = in_item
    assert first.leads == ("市公安局", "市人力社保局", "市残联")
    assert second.leads == ("市人力社保局", "市残联")
    assert second.cooperates == ("市教委", "市民族宗教委", "市农业农村委", "市妇联")
    assert second.text.startswith("完善重点群体就业支持体系")
    assert first.title == second.title == "做好重点领域预防犯罪工作"


def test_a_paragraph_cut_by_a_page_break_is_rejoined_into_one_measure(
    measures: list[Measure],
) -> None:
    # 二、(二) 1 is cut after 健全 by a page break; 二、(二) 4 after 涉外婚姻登记管.
    assert "风险防控机制。健全人力资源市场" not in _measure(measures, "二、(二) 1").text
    assert "健全人力资源市场发生拐卖人口犯罪的风险防控机制" in _measure(measures, "二、(二) 1").text
    assert "进一步加强涉外婚姻登记管理，提高" in _measure(measures, "二、(二) 4").text


def test_an_item_keeps_its_lead_in_but_not_its_number(measures: list[Measure]) -> None:
    measure = _measure(measures, "二、(二) 1")

    assert measure.text.startswith("人力资源领域。加强人力资源市场管理")


def test_a_section_without_items_is_one_measure_led_by_the_public_security_bureau(
    measures: list[Measure],
) -> None:
    measure = _measure(measures, "三、(一)")

    assert measure.item is None
    assert measure.title == "持续开展全市打击拐卖人口犯罪专项行动"
    assert measure.leads == ("市公安局",)
    assert "一长三包" in measure.text
    # The heading is the title, not part of the text.
    assert not measure.text.startswith(measure.title)
    assert measure.text.startswith("进一步完善公安机关牵头")


def test_section_3_2_is_a_measure_of_its_own(measures: list[Measure]) -> None:
    measure = _measure(measures, "三、(二)")

    assert measure.leads == ("市公安局",)
    assert measure.cooperates == ("市委宣传部", "重庆广电集团")


def test_section_5_1_has_two_unnumbered_measures(measures: list[Measure]) -> None:
    first = _measure(measures, "五、(一)")
    second = _measure(measures, "五、(一) (2)")

    assert first.item is None
    assert second.item is None
    assert first.title == second.title == "公益宣传"
    assert first.leads == ("市委宣传部", "市委网信办", "市公安局", "市文化旅游委")
    assert second.leads == ("市司法局",)
    assert second.cooperates == ("市公安局",)


def test_section_5_4_makes_every_joint_conference_member_cooperate(
    measures: list[Measure],
) -> None:
    measure = _measure(measures, "五、(四)")

    assert measure.all_member_units_cooperate
    assert measure.leads == ("市公安局",)
    assert measure.cooperates == ()
    assert measure.text.endswith("规范反拐志愿者队伍的管理评估制度。")
    assert [m.number for m in measures if m.all_member_units_cooperate] == ["五、(四)"]


def test_a_section_heading_in_half_width_parentheses_is_read(measures: list[Measure]) -> None:
    # 五、(三) is written "(三) 重点人群宣传。" in the source.
    measure = _measure(measures, "五、(三) 2")

    assert measure.title == "重点人群宣传"
    assert measure.leads == ("市委宣传部", "市委网信办", "市公安局", "市民政局", "市司法局")


# --- the implicit measures of chapter 七 ---------------------------------------------------


def test_the_safeguard_chapter_has_four_implicit_measures(measures: list[Measure]) -> None:
    implicit = [measure for measure in measures if measure.implicit_units]

    assert [measure.number for measure in implicit] == [
        "七、(一)",
        "七、(二)",
        "七、(三)",
        "七、(四)",
    ]
    for measure in implicit:
        assert measure.cooperates == ()
        assert not measure.all_member_units_cooperate
        assert measure.leads
        assert set(measure.leads) <= set(IMPLICIT_BODIES)


def test_section_7_4_is_implicit_and_sets_the_december_15_deadline(
    measures: list[Measure],
) -> None:
    measure = _measure(measures, "七、(四)")

    assert measure.implicit_units
    assert measure.title == "加强情况报送"
    assert "12月15日" in measure.text
    # 市反拐联席会议 receives the reports here; it does not lead.
    assert measure.leads == ("各级反拐联席会议成员单位", "各区县反拐联席会议")


def test_the_implicit_leads_of_the_other_safeguard_sections(measures: list[Measure]) -> None:
    assert _measure(measures, "七、(一)").leads == (
        "市反拐联席会议成员单位",
        "各区县反拐联席会议",
        "市反拐联席会议",
    )
    assert _measure(measures, "七、(二)").leads == ("各区县政府",)
    # 七、(三) names no body; the municipal joint conference leads by default.
    assert _measure(measures, "七、(三)").leads == (IMPLICIT_DEFAULT_LEAD,)
    assert IMPLICIT_DEFAULT_LEAD == "市反拐联席会议"


def test_measures_outside_the_safeguard_chapter_are_not_implicit(
    measures: list[Measure],
) -> None:
    assert all(not m.implicit_units for m in measures if m.chapter != "七")
    assert IMPLICIT_UNITS_CHAPTER_TITLE == "保障措施"


# --- properties of every measure ----------------------------------------------------------


def test_every_measure_has_non_empty_text_without_a_trailing_unit_list(
    measures: list[Measure],
) -> None:
    for measure in measures:
        assert measure.text, measure.number
        assert not measure.text.endswith(_LIST_CLOSERS), measure.number
        assert measure.text.endswith("。"), measure.number
        assert "负责，" not in measure.text[-30:], measure.number


def test_measure_text_has_normalised_whitespace(measures: list[Measure]) -> None:
    for measure in measures:
        assert "\n" not in measure.text
        assert "  " not in measure.text
        assert measure.text == measure.text.strip()


def test_every_measure_has_a_section_title_and_at_least_one_lead(
    measures: list[Measure],
) -> None:
    for measure in measures:
        assert measure.section is not None
        assert measure.title
        assert measure.leads


def test_every_responsibility_list_ends_exactly_one_measure(
    rules_text: str, measures: list[Measure]
) -> None:
    duty_lists = parse_responsibility_lists(rules_text)
    listed = [measure for measure in measures if not measure.implicit_units]

    assert len(duty_lists) == 53
    assert len(listed) == len(duty_lists)
    assert [(m.leads, m.cooperates) for m in listed] == [
        (duty_list.leads, duty_list.cooperates) for duty_list in duty_lists
    ]


def test_the_units_of_list_ending_measures_are_exactly_the_municipal_units(
    rules_text: str, measures: list[Measure]
) -> None:
    units = {unit for m in measures if not m.implicit_units for unit in m.units}

    assert units == set(municipal_units(rules_text))


# --- synthetic texts: what counts as one measure, and what is an error ---------------------


def test_a_paragraph_without_a_list_belongs_to_the_next_list_in_the_same_item() -> None:
    # given units named once for two paragraphs
    text = _INTRO + "1. 第一段。\n\n第二段。（市公安局负责，市妇联配合）\n"

    # when
    [measure] = parse_measures(text)

    # then
    assert measure.number == "二、(一) 1"
    assert measure.text == "第一段。第二段。"
    assert measure.leads == ("市公安局",)
    assert measure.cooperates == ("市妇联",)


def test_a_paragraph_without_a_list_at_the_end_of_an_item_is_an_error() -> None:
    # given a paragraph whose item ends before any list names its units
    text = _INTRO + "1. 没有责任单位的段落。\n\n2. 第二项。（市公安局负责）\n"

    # when / then
    with pytest.raises(RulesParseError, match=r"二、\(一\) 1.*没有责任单位的段落"):
        parse_measures(text)


def test_text_after_the_last_list_of_a_section_is_an_error() -> None:
    text = _INTRO + "第一段。（市公安局负责）\n\n遗留的段落。\n"

    with pytest.raises(RulesParseError, match="遗留的段落"):
        parse_measures(text)


def test_a_paragraph_without_a_list_in_the_safeguard_chapter_is_an_implicit_measure() -> None:
    # given a 保障措施 chapter; it is recognised by its title, not by its number
    text = (
        _INTRO
        + "第一段。（市公安局负责）\n\n三、保障措施\n\n（一）加强经费保障。各区县政府应当保障经费。\n"
    )

    # when
    measures = parse_measures(text)

    # then
    assert [m.number for m in measures] == ["二、(一)", "三、(一)"]
    implicit = measures[1]
    assert implicit.implicit_units
    assert implicit.leads == ("各区县政府",)
    assert implicit.text == "各区县政府应当保障经费。"
    assert implicit.title == "加强经费保障"


def test_a_chapter_introduction_is_not_a_measure() -> None:
    text = _INTRO + "第一段。（市公安局负责）\n"

    assert [m.number for m in parse_measures(text)] == ["二、(一)"]


def test_a_list_that_follows_no_text_is_an_error() -> None:
    text = _INTRO + "第一段。（市公安局负责）（市妇联负责）\n"

    with pytest.raises(RulesParseError, match="follows no measure text"):
        parse_measures(text)


def test_a_list_outside_every_chapter_is_an_error() -> None:
    text = "通知。（市公安局负责）\n\n" + _INTRO + "第一段。（市公安局负责）\n"

    with pytest.raises(RulesParseError, match="end none"):
        parse_measures(text)


def test_a_list_inside_a_section_heading_is_an_error() -> None:
    text = _INTRO.replace("（一）建立机制。", "（一）建立机制（市公安局负责）。")

    with pytest.raises(RulesParseError, match="end none"):
        parse_measures(text + "第一段。（市妇联负责）\n")


@pytest.mark.parametrize(
    ("heading", "level"),
    [("四、打击\n\n（一）打击。", "chapter"), ("（三）跳过。", "section")],
)
def test_a_skipped_chapter_or_section_number_is_an_error(heading: str, level: str) -> None:
    text = _INTRO + "第一段。（市公安局负责）\n\n" + heading + "第二段。（市妇联负责）\n"

    with pytest.raises(RulesParseError, match=level):
        parse_measures(text)


def test_a_skipped_item_number_is_an_error() -> None:
    text = _INTRO + "1. 第一项。（市公安局负责）\n\n3. 第三项。（市妇联负责）\n"

    with pytest.raises(RulesParseError, match="item 3 follows item 1"):
        parse_measures(text)


def test_an_unreadable_unit_list_is_an_error() -> None:
    text = _INTRO + "第一段。（某某公司负责）\n"

    with pytest.raises(RulesParseError, match="某某公司"):
        parse_measures(text)


def test_spaces_next_to_chinese_text_are_dropped_but_ascii_words_keep_theirs() -> None:
    text = _INTRO + "每年 12 月 15 日前报送 APP data 清单。（市公安局负责）\n"

    [measure] = parse_measures(text)

    assert measure.text == "每年12月15日前报送APP data清单。"
