"""Tests for reading the responsible units out of the rules text."""

from __future__ import annotations

import pytest

from homeward.rules.units import (
    JOINT_CONFERENCE_OFFICE_MUNICIPAL,
    RULES_TEXT_PATH,
    UNIT_ENGLISH_NAMES,
    UNIT_KINDS,
    UNITS_WITHOUT_COUNTY_COUNTERPART,
    ResponsibilityList,
    RulesParseError,
    district_counterpart_english_name,
    district_counterpart_name,
    is_unit_name,
    joint_conference_office_english_name,
    joint_conference_office_name,
    load_rules_text,
    municipal_units,
    normalize_text,
    parse_responsibility_lists,
    unit_english_name,
    unit_kind,
)

EXPECTED_UNITS = [
    "市委政法委",
    "市公安局",
    "市委网信办",
    "市检察院",
    "市教委",
    "市民政局",
    "市司法局",
    "市卫生健康委",
    "市大数据发展局",
    "市妇联",
    "市妇儿工委办",
    "市人力社保局",
    "市残联",
    "市市场监管局",
    "市文化旅游委",
    "市总工会",
    "市民族宗教委",
    "市农业农村委",
    "市关工委",
    "团市委",
    "市发展改革委",
    "市乡村振兴局",
    "市城市管理局",
    "市财政局",
    "市住房城乡建设委",
    "市国资委",
    "市商务委",
    "市政府外办",
    "市高法院",
    "市委宣传部",
    "重庆广电集团",
    "市交通局",
    "重庆铁路办事处",
    "民航重庆监管局",
]

# Counted by hand from the rules: 二 has 20 lists, 三 9, 四 12, 五 10, 六 2, 七 none.
EXPECTED_LIST_COUNT = 53


@pytest.fixture(scope="module")
def rules_text() -> str:
    return load_rules_text()


@pytest.fixture(scope="module")
def duty_lists(rules_text: str) -> list[ResponsibilityList]:
    return parse_responsibility_lists(rules_text)


def _list_starting_with(lists: list[ResponsibilityList], prefix: str) -> ResponsibilityList:
    matching = [duty_list for duty_list in lists if duty_list.source.startswith(prefix)]
    assert len(matching) == 1, f"{len(matching)} lists start with {prefix!r}"
    return matching[0]


# --- the text and its normalisation -------------------------------------------------------


def test_the_rules_text_is_bundled_next_to_the_module() -> None:
    assert RULES_TEXT_PATH.name == "rules_2021_152.txt"
    assert RULES_TEXT_PATH.parent.name == "data"
    assert RULES_TEXT_PATH.is_file()


def test_the_loaded_text_is_the_chongqing_implementation_rules(rules_text: str) -> None:
    assert "渝府办发〔2021〕152号" in rules_text
    assert "重庆市贯彻中国反对拐卖人口行动计划" in rules_text


def test_normalisation_turns_half_width_parentheses_into_full_width() -> None:
    # given
    text = "行动计划 (2021—2030年)实施细则。(市公安局负责，团市委配合)"

    # when
    normalized = normalize_text(text)

    # then
    assert "(" not in normalized
    assert ")" not in normalized
    assert normalized == "行动计划 （2021—2030年）实施细则。（市公安局负责，团市委配合）"


def test_normalisation_rejoins_a_unit_name_split_by_a_page_break() -> None:
    # given
    text = "安置。（市公安局负责，市财政局、市人力社保\n\n\n\n局、市妇联配合)"

    # when
    normalized = normalize_text(text)

    # then
    assert normalized == "安置。（市公安局负责，市财政局、市人力社保局、市妇联配合）"


def test_normalisation_leaves_paragraph_breaks_outside_unit_lists_alone() -> None:
    # given
    text = "一、指导思想\n\n以人为本（2021—2030年）。\n\n二、预防犯罪\n\n健全\n\n人力资源市场"

    # when
    normalized = normalize_text(text)

    # then
    assert normalized == text


def test_normalisation_of_the_rules_is_idempotent(rules_text: str) -> None:
    once = normalize_text(rules_text)

    assert normalize_text(once) == once


def test_no_unit_name_is_split_after_normalisation(rules_text: str) -> None:
    normalized = normalize_text(rules_text)

    assert "市人力社保局、市住房城乡建设委" in normalized
    assert "（市高法院、市检察院、市公安局、市人力社保局" in normalized
    assert "重庆铁路办事处、民航重庆监管局负责" in normalized


# --- responsibility lists in the rules ----------------------------------------------------


def test_the_rules_contain_exactly_53_responsibility_lists(
    duty_lists: list[ResponsibilityList],
) -> None:
    assert len(duty_lists) == EXPECTED_LIST_COUNT


def test_lists_come_back_in_document_order_with_offsets_into_the_normalised_text(
    rules_text: str, duty_lists: list[ResponsibilityList]
) -> None:
    normalized = normalize_text(rules_text)
    offsets = [duty_list.offset for duty_list in duty_lists]

    assert offsets == sorted(offsets)
    assert len(set(offsets)) == len(offsets)
    for duty_list in duty_lists:
        assert normalized[duty_list.offset :].startswith(duty_list.source)


def test_every_list_has_at_least_one_leading_unit(duty_lists: list[ResponsibilityList]) -> None:
    assert all(duty_list.leads for duty_list in duty_lists)


def test_the_first_list_has_two_leads_and_eight_cooperating_units(
    duty_lists: list[ResponsibilityList],
) -> None:
    # given the first measure of 二、（一）
    first = duty_lists[0]

    # then
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
    assert not first.all_member_units_cooperate


def test_the_human_resources_bureau_split_by_a_page_break_in_section_2_5_1_is_whole(
    duty_lists: list[ResponsibilityList],
) -> None:
    # given the list ending 二、（五）1, which the page break cuts into 市人力社保 / 局
    duty_list = _list_starting_with(
        duty_lists, "（市公安局、市城市管理局、市民政局、市妇儿工委办负责"
    )

    # then
    assert duty_list.leads == ("市公安局", "市城市管理局", "市民政局", "市妇儿工委办")
    assert duty_list.cooperates == (
        "市教委",
        "市财政局",
        "市人力社保局",
        "市住房城乡建设委",
        "市卫生健康委",
        "市国资委",
        "团市委",
        "市妇联",
        "市关工委",
    )


def test_the_high_court_split_by_a_page_break_in_section_3_6_3_is_whole(
    duty_lists: list[ResponsibilityList],
) -> None:
    # given the list ending 三、（六）3, which the page break cuts into 市高 / 法院
    duty_list = _list_starting_with(duty_lists, "（市高法院、市检察院、市公安局、市人力社保局")

    # then
    assert duty_list.leads == ("市高法院", "市检察院", "市公安局", "市人力社保局", "市卫生健康委")
    assert duty_list.cooperates == (
        "市委政法委",
        "市民政局",
        "市市场监管局",
        "市总工会",
        "市妇联",
        "市残联",
    )


def test_a_list_broken_after_the_railway_office_continues_on_the_next_paragraph(
    duty_lists: list[ResponsibilityList],
) -> None:
    # given the list ending 五、（二）3, broken after 重庆铁路办事处、
    duty_list = _list_starting_with(duty_lists, "（市公安局、市交通局")

    # then
    assert duty_list.leads == (
        "市公安局",
        "市交通局",
        "市文化旅游委",
        "重庆铁路办事处",
        "民航重庆监管局",
    )
    assert duty_list.cooperates == ("市司法局", "市财政局", "市商务委", "团市委", "市妇联")


def test_the_square_bracket_list_makes_every_joint_conference_member_cooperate(
    duty_lists: list[ResponsibilityList],
) -> None:
    # when
    flagged = [duty_list for duty_list in duty_lists if duty_list.all_member_units_cooperate]

    # then only 五、（四）
    assert len(flagged) == 1
    joint = flagged[0]
    assert joint.source.startswith("〔市公安局负责")
    assert joint.leads == ("市公安局",)
    assert joint.cooperates == ()


def test_a_list_with_only_leads_has_no_cooperating_units(
    duty_lists: list[ResponsibilityList],
) -> None:
    # when
    lead_only = [
        duty_list for duty_list in duty_lists if duty_list.source == "（市公安局、市民政局负责）"
    ]

    # then 三、（七）, 四、（三）3 and 四、（三）4
    assert len(lead_only) == 3
    for duty_list in lead_only:
        assert duty_list.leads == ("市公安局", "市民政局")
        assert duty_list.cooperates == ()
        assert not duty_list.all_member_units_cooperate


def test_a_list_written_with_half_width_parentheses_is_read(
    duty_lists: list[ResponsibilityList],
) -> None:
    # given 二、（五）2, written (…) in the source
    duty_list = _list_starting_with(duty_lists, "（市公安局、市民政局负责，市委网信办")

    # then
    assert duty_list.cooperates == ("市委网信办", "市卫生健康委", "市市场监管局", "市大数据发展局")


def test_parentheses_that_are_not_unit_lists_produce_nothing() -> None:
    # given
    text = (
        "行动计划（2021—2030年）的通知》（国办发〔2021〕13号）要求。"
        "乡镇政府（街道办事处）、村（居）委会。各区县（自治县，以下简称区县）要组织。"
        "打拐DNA（脱氧核糖核酸）信息库。渝府办发〔2021〕152号。(此件公开发布)"
    )

    # when
    lists = parse_responsibility_lists(text)

    # then
    assert lists == []


def test_an_unknown_token_in_a_unit_list_raises_a_parse_error() -> None:
    # given
    text = "开展宣传。（市公安局、某某公司负责，市妇联配合）"

    # when / then
    with pytest.raises(RulesParseError, match="某某公司"):
        parse_responsibility_lists(text)


def test_a_clause_without_a_role_marker_raises_a_parse_error() -> None:
    # given
    text = "开展宣传。（市公安局负责，市妇联参与）"

    # when / then
    with pytest.raises(RulesParseError, match="市妇联参与"):
        parse_responsibility_lists(text)


def test_a_unit_named_twice_in_one_list_raises_a_parse_error() -> None:
    with pytest.raises(RulesParseError, match="named twice"):
        parse_responsibility_lists("（市公安局负责，市公安局配合）")


def test_the_parse_error_is_a_value_error() -> None:
    assert issubclass(RulesParseError, ValueError)


@pytest.mark.parametrize("token", ["市人力社保", "市高", "法院", "市反拐联席会议", "某某公司", ""])
def test_fragments_and_non_units_are_not_unit_names(token: str) -> None:
    assert not is_unit_name(token)


# --- the distinct units -------------------------------------------------------------------


def test_the_rules_name_exactly_34_units_in_this_order(rules_text: str) -> None:
    units = municipal_units(rules_text)

    assert len(units) == 34
    assert units == EXPECTED_UNITS


def test_the_joint_conference_marker_is_not_a_unit(rules_text: str) -> None:
    units = municipal_units(rules_text)

    assert not any("联席会议" in unit or "成员单位" in unit for unit in units)


def test_every_unit_in_the_rules_passes_the_unit_name_check(rules_text: str) -> None:
    assert all(is_unit_name(unit) for unit in municipal_units(rules_text))


# --- district counterparts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "division", "expected"),
    [
        ("市公安局", "万州区", "万州区公安局"),
        ("市委政法委", "万州区", "万州区委政法委"),
        ("团市委", "万州区", "共青团万州区委"),
        ("市高法院", "万州区", "万州区人民法院"),
        ("市检察院", "万州区", "万州区人民检察院"),
        ("市民政局", "石柱土家族自治县", "石柱土家族自治县民政局"),
        ("市市场监管局", "渝中区", "渝中区市场监管局"),
        ("市妇儿工委办", "城口县", "城口县妇儿工委办"),
    ],
)
def test_a_district_counterpart_is_named_after_its_division(
    unit: str, division: str, expected: str
) -> None:
    assert district_counterpart_name(unit, division) == expected


@pytest.mark.parametrize("unit", ["重庆铁路办事处", "民航重庆监管局", "重庆广电集团"])
def test_units_without_a_county_counterpart_have_no_district_name(unit: str) -> None:
    assert district_counterpart_name(unit, "万州区") is None
    assert district_counterpart_english_name(unit, "Wanzhou District") is None


def test_the_exclusion_set_is_exactly_the_three_regional_bodies() -> None:
    assert frozenset({"重庆铁路办事处", "民航重庆监管局", "重庆广电集团"}) == (
        UNITS_WITHOUT_COUNTY_COUNTERPART
    )


def test_every_other_unit_in_the_rules_has_a_district_counterpart(rules_text: str) -> None:
    for unit in municipal_units(rules_text):
        if unit in UNITS_WITHOUT_COUNTY_COUNTERPART:
            continue
        name = district_counterpart_name(unit, "万州区")
        english = district_counterpart_english_name(unit, "Wanzhou District")
        assert name is not None
        assert name.startswith(("万州区", "共青团万州区"))
        assert not name.startswith("市")
        assert english is not None
        assert "Wanzhou District" in english
        assert "Municipal" not in english
        assert "Chongqing" not in english


def test_a_unit_with_no_naming_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="重庆某某中心"):
        district_counterpart_name("重庆某某中心", "万州区")


def test_an_empty_division_name_is_refused() -> None:
    with pytest.raises(ValueError, match="division"):
        district_counterpart_name("市公安局", "  ")


def test_the_joint_conference_office_is_named_per_division() -> None:
    assert JOINT_CONFERENCE_OFFICE_MUNICIPAL == "市反拐联席会议办公室"
    assert joint_conference_office_name("万州区") == "万州区反拐联席会议办公室"
    assert joint_conference_office_english_name("Wanzhou District") == (
        "Office of the Wanzhou District Anti-Trafficking Joint Conference"
    )


@pytest.mark.parametrize(
    ("unit", "division_en", "expected"),
    [
        ("市公安局", "Wanzhou District", "Wanzhou District Public Security Bureau"),
        (
            "市民政局",
            "Shizhu Tujia Autonomous County",
            "Shizhu Tujia Autonomous County Civil Affairs Bureau",
        ),
        (
            "市委政法委",
            "Wanzhou District",
            "Wanzhou District Party Committee Political and Legal Affairs Commission",
        ),
        ("团市委", "Wanzhou District", "Wanzhou District Committee of the Communist Youth League"),
        ("市高法院", "Wanzhou District", "Wanzhou District People's Court"),
        ("市检察院", "Wanzhou District", "Wanzhou District People's Procuratorate"),
        (
            "市妇儿工委办",
            "Wanzhou District",
            "Office of the Wanzhou District Working Committee on Children and Women",
        ),
    ],
)
def test_a_district_counterpart_has_an_english_name(
    unit: str, division_en: str, expected: str
) -> None:
    assert district_counterpart_english_name(unit, division_en) == expected


# --- English names and kinds --------------------------------------------------------------


def test_every_unit_in_the_rules_has_an_english_name(rules_text: str) -> None:
    missing = [unit for unit in municipal_units(rules_text) if unit not in UNIT_ENGLISH_NAMES]

    assert missing == []


def test_every_unit_in_the_rules_has_a_kind(rules_text: str) -> None:
    missing = [unit for unit in municipal_units(rules_text) if unit not in UNIT_KINDS]

    assert missing == []


def test_the_catalogue_names_no_unit_the_rules_do_not(rules_text: str) -> None:
    assert set(UNIT_ENGLISH_NAMES) == set(municipal_units(rules_text))
    assert set(UNIT_KINDS) == set(UNIT_ENGLISH_NAMES)


def test_kinds_are_distinct_snake_case_codes() -> None:
    kinds = list(UNIT_KINDS.values())

    assert len(set(kinds)) == len(kinds)
    assert all(kind.isascii() and kind.replace("_", "").isalpha() for kind in kinds)
    assert all(kind == kind.lower() for kind in kinds)


def test_english_names_are_distinct() -> None:
    names = list(UNIT_ENGLISH_NAMES.values())

    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("unit", "english", "kind"),
    [
        ("市公安局", "Municipal Public Security Bureau", "public_security"),
        ("市民政局", "Municipal Civil Affairs Bureau", "civil_affairs"),
        ("团市委", "Chongqing Committee of the Communist Youth League", "youth_league"),
        (
            "市委政法委",
            "Municipal Party Committee Political and Legal Affairs Commission",
            "political_legal",
        ),
        ("市教委", "Municipal Education Commission", "education"),
        ("市卫生健康委", "Municipal Health Commission", "health"),
        ("市司法局", "Municipal Justice Bureau", "justice"),
        ("市人力社保局", "Municipal Human Resources and Social Security Bureau", "human_resources"),
        ("市妇联", "Municipal Women's Federation", "womens_federation"),
        ("市残联", "Municipal Disabled Persons' Federation", "disabled_persons_federation"),
        ("市检察院", "Municipal People's Procuratorate", "procuratorate"),
        ("市高法院", "Municipal Higher People's Court", "court"),
        ("市委网信办", "Municipal Party Committee Cyberspace Affairs Office", "cyberspace"),
    ],
)
def test_a_unit_has_its_english_name_and_kind(unit: str, english: str, kind: str) -> None:
    assert unit_english_name(unit) == english
    assert unit_kind(unit) == kind


def test_an_unknown_unit_has_no_english_name_or_kind() -> None:
    with pytest.raises(KeyError, match="市某某局"):
        unit_english_name("市某某局")
    with pytest.raises(KeyError, match="市某某局"):
        unit_kind("市某某局")
