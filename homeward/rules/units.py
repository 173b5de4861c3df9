"""Responsible units in the Chongqing implementation rules (渝府办发〔2021〕152号).

Most measures in the rules end with a bracketed list of the municipal units that carry
them out, for example::

    （市委政法委、市公安局负责，市委网信办、市检察院、市教委配合）

Units named before 负责 lead the measure; units named before 配合 cooperate. One measure
(五、(四)) uses square brackets and hands the cooperating role to every member unit of the
municipal joint conference::

    〔市公安局负责，重庆市反对拐卖人口行动工作联席会议（以下简称市反拐联席会议）各成员单位配合〕

This module reads those lists, names the distinct municipal units, and names each unit's
district or county (区县) counterpart in Chinese and English. It is a pure engine: it
imports nothing from Django or from the rest of homeward.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

RULES_TEXT_PATH: Final[Path] = Path(__file__).parent / "data" / "rules_2021_152.txt"

LEAD_MARKER: Final[str] = "负责"
COOPERATE_MARKER: Final[str] = "配合"

JOINT_CONFERENCE_OFFICE_MUNICIPAL: Final[str] = "市反拐联席会议办公室"
JOINT_CONFERENCE_OFFICE_MUNICIPAL_EN: Final[str] = (
    "Office of the Municipal Anti-Trafficking Joint Conference"
)

# Municipal units with no district or county counterpart: the railway and civil aviation
# authorities are organised by region, not by county, and the broadcasting group is a
# single municipal enterprise. Their duties stay at municipal level.
UNITS_WITHOUT_COUNTY_COUNTERPART: Final[frozenset[str]] = frozenset(
    {"重庆铁路办事处", "民航重庆监管局", "重庆广电集团"}
)

_HALF_TO_FULL_WIDTH_PARENS: Final[dict[int, str]] = str.maketrans({"(": "（", ")": "）"})

# A bracketed segment: either 〔…〕, which may contain one level of （…）, or a flat （…）.
# The 〔〕 alternative comes first so that a 〔…〕 list is consumed whole, nested
# parenthesis included. Document numbers such as 国办发〔2021〕13号 also match; they are
# discarded because they mention neither 负责 nor 配合.
_BRACKETED_RE: Final[re.Pattern[str]] = re.compile(
    r"〔(?:[^〔〕（）]|（[^（）]*）)*〕|（[^（）]*）"
)
_NESTED_PAREN_RE: Final[re.Pattern[str]] = re.compile(r"（[^（）]*）")
_WHITESPACE_RE: Final[re.Pattern[str]] = re.compile(r"\s+")
_CLAUSE_SEPARATOR_RE: Final[re.Pattern[str]] = re.compile(r"[，,；;]")
_UNIT_SEPARATOR: Final[str] = "、"

# Every unit named in the rules is a municipal body (市…, or 团市委) or a Chongqing-level
# body of a national system (重庆…, 民航重庆…), and its name ends with an organisational
# suffix. A token cut short by a page break (市人力社保, 市高) therefore fails.
_UNIT_NAME_RE: Final[re.Pattern[str]] = re.compile(
    r"(?:团市委|(?:市|重庆|民航重庆)[\u4e00-\u9fff]*?(?:委|局|院|办|联|会|部|集团|办事处))"
)
# The joint-conference marker: "<…联席会议>各成员单位" (nested 以下简称 note removed).
_ALL_MEMBER_UNITS_RE: Final[re.Pattern[str]] = re.compile(r"[\u4e00-\u9fff]*联席会议各成员单位")


class RulesParseError(ValueError):
    """A bracketed responsibility list could not be read."""


@dataclass(frozen=True, slots=True)
class ResponsibilityList:
    """One bracketed list of responsible units.

    ``offset`` is the index of the opening bracket in ``normalize_text(text)``, and
    ``source`` is the bracketed list as it appears there.
    """

    offset: int
    source: str
    leads: tuple[str, ...]
    cooperates: tuple[str, ...]
    all_member_units_cooperate: bool

    @property
    def units(self) -> tuple[str, ...]:
        """Leading units, then cooperating units, in the order the list names them."""
        return self.leads + self.cooperates


@dataclass(frozen=True, slots=True)
class _UnitEntry:
    english: str
    kind: str


# Every unit named in the rules, in order of first appearance. The English names follow
# the units' own usage where one is settled and otherwise a plain descriptive form. Each
# name of a unit with a county counterpart contains "Municipal" exactly once, except where
# _DISTRICT_ENGLISH_TEMPLATES gives the counterpart's name explicitly.
_UNIT_CATALOGUE: Final[Mapping[str, _UnitEntry]] = MappingProxyType(
    {
        "市委政法委": _UnitEntry(
            "Municipal Party Committee Political and Legal Affairs Commission", "political_legal"
        ),
        "市公安局": _UnitEntry("Municipal Public Security Bureau", "public_security"),
        "市委网信办": _UnitEntry(
            "Municipal Party Committee Cyberspace Affairs Office", "cyberspace"
        ),
        "市检察院": _UnitEntry("Municipal People's Procuratorate", "procuratorate"),
        "市教委": _UnitEntry("Municipal Education Commission", "education"),
        "市民政局": _UnitEntry("Municipal Civil Affairs Bureau", "civil_affairs"),
        "市司法局": _UnitEntry("Municipal Justice Bureau", "justice"),
        "市卫生健康委": _UnitEntry("Municipal Health Commission", "health"),
        "市大数据发展局": _UnitEntry("Municipal Big Data Development Bureau", "big_data"),
        "市妇联": _UnitEntry("Municipal Women's Federation", "womens_federation"),
        "市妇儿工委办": _UnitEntry(
            "Office of the Municipal Working Committee on Children and Women",
            "women_children_committee",
        ),
        "市人力社保局": _UnitEntry(
            "Municipal Human Resources and Social Security Bureau", "human_resources"
        ),
        "市残联": _UnitEntry(
            "Municipal Disabled Persons' Federation", "disabled_persons_federation"
        ),
        "市市场监管局": _UnitEntry(
            "Municipal Administration for Market Regulation", "market_regulation"
        ),
        "市文化旅游委": _UnitEntry(
            "Municipal Culture and Tourism Development Commission", "culture_tourism"
        ),
        "市总工会": _UnitEntry("Municipal Federation of Trade Unions", "trade_unions"),
        "市民族宗教委": _UnitEntry(
            "Municipal Ethnic and Religious Affairs Commission", "ethnic_religious_affairs"
        ),
        "市农业农村委": _UnitEntry(
            "Municipal Agriculture and Rural Affairs Commission", "agriculture_rural"
        ),
        "市关工委": _UnitEntry(
            "Municipal Committee for the Care of the Next Generation", "next_generation_care"
        ),
        "团市委": _UnitEntry("Chongqing Committee of the Communist Youth League", "youth_league"),
        "市发展改革委": _UnitEntry(
            "Municipal Development and Reform Commission", "development_reform"
        ),
        "市乡村振兴局": _UnitEntry("Municipal Rural Revitalization Bureau", "rural_revitalization"),
        "市城市管理局": _UnitEntry("Municipal Urban Management Bureau", "urban_management"),
        "市财政局": _UnitEntry("Municipal Finance Bureau", "finance"),
        "市住房城乡建设委": _UnitEntry(
            "Municipal Housing and Urban-Rural Development Commission", "housing_construction"
        ),
        "市国资委": _UnitEntry(
            "Municipal State-owned Assets Supervision and Administration Commission",
            "state_assets",
        ),
        "市商务委": _UnitEntry("Municipal Commerce Commission", "commerce"),
        "市政府外办": _UnitEntry("Municipal Government Foreign Affairs Office", "foreign_affairs"),
        "市高法院": _UnitEntry("Municipal Higher People's Court", "court"),
        "市委宣传部": _UnitEntry("Municipal Party Committee Publicity Department", "publicity"),
        "重庆广电集团": _UnitEntry("Chongqing Broadcasting and Television Group", "broadcasting"),
        "市交通局": _UnitEntry("Municipal Transport Bureau", "transport"),
        "重庆铁路办事处": _UnitEntry("Chongqing Railway Office", "railway"),
        "民航重庆监管局": _UnitEntry("CAAC Chongqing Regulatory Bureau", "civil_aviation"),
    }
)

# District counterparts whose names do not follow "replace the leading 市".
_DISTRICT_NAME_TEMPLATES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "团市委": "共青团{division}委",
        "市高法院": "{division}人民法院",
        "市检察院": "{division}人民检察院",
    }
)
_DISTRICT_ENGLISH_TEMPLATES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "团市委": "{division} Committee of the Communist Youth League",
        "市高法院": "{division} People's Court",
    }
)

UNIT_ENGLISH_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {unit: entry.english for unit, entry in _UNIT_CATALOGUE.items()}
)
UNIT_KINDS: Final[Mapping[str, str]] = MappingProxyType(
    {unit: entry.kind for unit, entry in _UNIT_CATALOGUE.items()}
)


def load_rules_text() -> str:
    """Return the text of the rules as bundled with the package."""
    return RULES_TEXT_PATH.read_text(encoding="utf-8")


def normalize_text(text: str) -> str:
    """Return ``text`` with the artefacts that would break unit lists removed.

    Half-width parentheses become full-width throughout. Inside every bracketed segment
    that mentions 负责 or 配合 all whitespace is deleted, which rejoins unit names and lists
    split by page breaks (``市人力社保\\n\\n\\n\\n局`` -> ``市人力社保局``). Text outside
    such segments, including paragraph breaks, is left as it is. The function is
    idempotent.
    """
    full_width = text.translate(_HALF_TO_FULL_WIDTH_PARENS)
    return _BRACKETED_RE.sub(_compact_if_duty_list, full_width)


def parse_responsibility_lists(text: str) -> list[ResponsibilityList]:
    """Return every responsibility list in ``text``, in document order.

    A bracketed segment is a responsibility list when it mentions 负责 or 配合; other
    bracketed text (years, document numbers, notes such as 以下简称…) is ignored. Offsets
    refer to ``normalize_text(text)``.

    Raises RulesParseError when a responsibility list has a clause that does not end in
    负责 or 配合, or names a token that is not a recognisable unit.
    """
    normalized = normalize_text(text)
    lists: list[ResponsibilityList] = []
    for match in _BRACKETED_RE.finditer(normalized):
        source = match.group()
        if _mentions_duty(source):
            lists.append(_parse_list(source, match.start()))
    return lists


def municipal_units(text: str) -> list[str]:
    """Return the distinct units named in ``text``'s lists, in order of first appearance.

    The joint-conference marker (…联席会议各成员单位) is a role, not a unit, and is not
    included.
    """
    seen: dict[str, None] = {}
    for duty_list in parse_responsibility_lists(text):
        for unit in duty_list.units:
            seen.setdefault(unit, None)
    return list(seen)


def is_unit_name(token: str) -> bool:
    """Whether ``token`` looks like the name of a unit as the rules write them."""
    return _UNIT_NAME_RE.fullmatch(token) is not None


def district_counterpart_name(unit: str, division_name: str) -> str | None:
    """Name the counterpart of municipal ``unit`` in district or county ``division_name``.

    ``("市公安局", "万州区")`` gives ``"万州区公安局"``: as a rule the leading 市 is
    replaced by the division's name. The Youth League, the court and the procuratorate
    are named differently (共青团万州区委, 万州区人民法院, 万州区人民检察院). Returns None for
    the units in UNITS_WITHOUT_COUNTY_COUNTERPART.

    Raises ValueError for an empty division name or a unit that is neither a 市… unit nor
    one of the named special cases.
    """
    division = _require_division(division_name)
    if unit in UNITS_WITHOUT_COUNTY_COUNTERPART:
        return None
    template = _DISTRICT_NAME_TEMPLATES.get(unit)
    if template is not None:
        return template.format(division=division)
    if unit.startswith("市") and len(unit) > 1:
        return division + unit.removeprefix("市")
    raise ValueError(f"no rule names the district counterpart of unit {unit!r}")


def district_counterpart_english_name(unit: str, division_name_en: str) -> str | None:
    """English name of the counterpart of ``unit`` in the division named ``division_name_en``.

    ``("市公安局", "Wanzhou District")`` gives ``"Wanzhou District Public Security
    Bureau"``. Returns None for the units in UNITS_WITHOUT_COUNTY_COUNTERPART.

    Raises KeyError for a unit without an English name and ValueError for an empty
    division name.
    """
    division = _require_division(division_name_en)
    english = unit_english_name(unit)
    if unit in UNITS_WITHOUT_COUNTY_COUNTERPART:
        return None
    template = _DISTRICT_ENGLISH_TEMPLATES.get(unit)
    if template is not None:
        return template.format(division=division)
    if "Municipal" not in english:
        raise ValueError(f"cannot derive a district English name from {english!r}")
    return english.replace("Municipal", division, 1)


def joint_conference_office_name(division_name: str) -> str:
    """Name the anti-trafficking joint conference office of a district or county."""
    return f"{_require_division(division_name)}反拐联席会议办公室"


def joint_conference_office_english_name(division_name_en: str) -> str:
    """English name of the anti-trafficking joint conference office of a district or county."""
    return f"Office of the {_require_division(division_name_en)} Anti-Trafficking Joint Conference"


def unit_english_name(unit: str) -> str:
    """English name of a unit named in the rules. Raises KeyError for any other unit."""
    return _lookup(unit).english


def unit_kind(unit: str) -> str:
    """Short stable machine code of a unit named in the rules. Raises KeyError otherwise."""
    return _lookup(unit).kind


def _lookup(unit: str) -> _UnitEntry:
    try:
        return _UNIT_CATALOGUE[unit]
    except KeyError:
        raise KeyError(f"unit {unit!r} is not in the unit catalogue") from None


def _require_division(division_name: str) -> str:
    division = division_name.strip()
    if not division:
        raise ValueError("division name must not be empty")
    return division


def _mentions_duty(segment: str) -> bool:
    return LEAD_MARKER in segment or COOPERATE_MARKER in segment


def _compact_if_duty_list(match: re.Match[str]) -> str:
    segment = match.group()
    compact = _WHITESPACE_RE.sub("", segment)
    return compact if _mentions_duty(compact) else segment


def _parse_list(source: str, offset: int) -> ResponsibilityList:
    # Drop the brackets, then any nested note such as （以下简称市反拐联席会议）.
    body = _NESTED_PAREN_RE.sub("", source[1:-1])
    leads: list[str] = []
    cooperates: list[str] = []
    all_member_units_cooperate = False

    def fail(problem: str) -> RulesParseError:
        return RulesParseError(f"{problem} in responsibility list at offset {offset}: {source}")

    for clause in _CLAUSE_SEPARATOR_RE.split(body):
        if clause.endswith(LEAD_MARKER):
            target, names = leads, clause.removesuffix(LEAD_MARKER)
        elif clause.endswith(COOPERATE_MARKER):
            target, names = cooperates, clause.removesuffix(COOPERATE_MARKER)
        else:
            raise fail(f"clause {clause!r} ends in neither {LEAD_MARKER} nor {COOPERATE_MARKER}")
        if target is cooperates and _ALL_MEMBER_UNITS_RE.fullmatch(names):
            all_member_units_cooperate = True
            continue
        for token in names.split(_UNIT_SEPARATOR):
            if not is_unit_name(token):
                raise fail(f"unrecognised unit name {token!r}")
            if token in leads or token in cooperates:
                raise fail(f"unit {token!r} named twice")
            target.append(token)

    if not leads:
        raise fail("no leading unit")
    return ResponsibilityList(
        offset=offset,
        source=source,
        leads=tuple(leads),
        cooperates=tuple(cooperates),
        all_member_units_cooperate=all_member_units_cooperate,
    )
