"""Measures of the Chongqing implementation rules (渝府办发〔2021〕152号).

The rules are organised in chapters (``一、`` … ``七、``), sections (``（一）``, also written
``(一)``) and numbered items (``1.``). Within a section or item, a *measure* is the run of
text that ends with a bracketed responsibility list (see :mod:`homeward.rules.units`)::

    1. 深化部门协同联动……信息通报制度。（市委政法委、市公安局负责，……市妇联配合）

A measure may span several paragraphs: the rules give the units once for several
sentences, and page breaks cut paragraphs in two. Text without a list therefore belongs to
the next list in the same section or item. One item or section may hold several measures,
each ending with its own list (二、(二) 1 has two).

Numbering
---------
A measure's ``number`` is built from its chapter, section and item, in that order and
separated by one space: ``"二、(一) 1"`` (chapter 二, section 一, item 1) or ``"三、(一)"``
for a section without numbered items. Sections are always written with half-width
parentheses, whatever the source uses. The first measure under a number carries the bare
number; the second and later ones get `` (k)`` with k = 2, 3, …: ``"二、(二) 1"``,
``"二、(二) 1 (2)"``, ``"五、(一) (2)"``. The numbers depend only on the structure of the
text, so they are stable as long as the rules are, and they are unique.

Implicit units (chapter 七, 保障措施)
------------------------------------
The 保障措施 chapter (recognised by its title, :data:`IMPLICIT_UNITS_CHAPTER_TITLE`) has
no responsibility lists; its sections name the responsible bodies in the text
(市反拐联席会议, 各区县反拐联席会议, 各区县政府, …). In that chapter, text that no list
closes becomes, at the end of its section or item, one measure with
``implicit_units=True``. Its ``leads`` are the bodies of :data:`IMPLICIT_BODIES` that open
a sentence or clause of the measure, in order of first such appearance, as free strings
for a caller to resolve to the joint-conference offices and district governments. A body
named elsewhere in a clause is not a lead: in ``各区县反拐联席会议应向市反拐联席会议……报送``
市反拐联席会议 is the recipient. ``cooperates`` is empty. Section 七、(三) (督导考核) names
no body at all; a measure like it is led by :data:`IMPLICIT_DEFAULT_LEAD`, the municipal
joint conference, which 七、(一) charges with the organisation and overall coordination of
the work.

Errors
------
Outside the 保障措施 chapter, text in a section or item that is not followed by a
responsibility list in the same section or item is a :class:`RulesParseError`, as is a
skipped chapter, section or item number. Text directly under a chapter heading before its
first section is the chapter's introduction (一、指导思想 is nothing else) and yields no
measure. Every responsibility list must end exactly one measure; the parser checks this
and raises otherwise.

This module is part of the pure rules engine: it imports nothing from Django or from the
rest of homeward.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Final

from homeward.rules.units import (
    ResponsibilityList,
    RulesParseError,
    load_rules_text,
    normalize_text,
    parse_responsibility_lists,
)

__all__ = [
    "IMPLICIT_BODIES",
    "IMPLICIT_DEFAULT_LEAD",
    "IMPLICIT_UNITS_CHAPTER_TITLE",
    "Measure",
    "format_measure_number",
    "parse_measures",
]

IMPLICIT_UNITS_CHAPTER_TITLE: Final[str] = "保障措施"
"""Title of the chapter whose measures name their units in the text, not in a list."""

IMPLICIT_BODIES: Final[tuple[str, ...]] = (
    "市反拐联席会议",
    "市反拐联席会议成员单位",
    "各区县反拐联席会议",
    "各区县政府",
    "各级反拐联席会议成员单位",
)
"""Bodies that the 保障措施 chapter names as responsible in its text."""

IMPLICIT_DEFAULT_LEAD: Final[str] = "市反拐联席会议"
"""Lead of a 保障措施 measure that names no body of :data:`IMPLICIT_BODIES`."""

_CN_NUMERALS: Final[str] = "一二三四五六七八九十"
_CN_DIGIT_VALUES: Final[dict[str, int]] = {
    digit: value for value, digit in enumerate("一二三四五六七八九", start=1)
}
_LINE_RE: Final[re.Pattern[str]] = re.compile(r"[^\n]+")
_CHAPTER_RE: Final[re.Pattern[str]] = re.compile(rf"\s*([{_CN_NUMERALS}]{{1,3}})、\s*(\S.*)")
# normalize_text() has already turned half-width parentheses into full-width ones.
_SECTION_RE: Final[re.Pattern[str]] = re.compile(rf"\s*（([{_CN_NUMERALS}]{{1,3}})）\s*")
_ITEM_RE: Final[re.Pattern[str]] = re.compile(r"\s*(\d{1,3})\s*[.．]\s*")
_SENTENCE_END: Final[str] = "。"
_WHITESPACE_RE: Final[re.Pattern[str]] = re.compile(r"\s+")
# A space next to a non-ASCII character is a layout artefact (每年 12 月 15 日 -> 每年12月15日);
# only spaces between two ASCII characters are kept.
_CJK_SPACE_RE: Final[re.Pattern[str]] = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")
# Longest names first, so that 市反拐联席会议成员单位 is not read as 市反拐联席会议.
_IMPLICIT_BODY_RE: Final[re.Pattern[str]] = re.compile(
    "|".join(re.escape(body) for body in sorted(IMPLICIT_BODIES, key=len, reverse=True))
)
# A body leads when it is the subject: at the start of the text, a sentence or a clause.
_CLAUSE_OPENERS: Final[str] = "。；，：！？;,:"


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of the rules.

    Attributes
    ----------
    number : str
        Stable, unique reference such as ``"二、(二) 1 (2)"`` (see the module docstring).
    chapter : str
        Chinese numeral of the chapter, e.g. ``"二"``.
    section : str or None
        Chinese numeral of the section, e.g. ``"一"``; None for a measure directly under a
        chapter heading (the bundled rules have none).
    item : int or None
        Number of the numbered item, or None for a section without numbered items.
    sequence : int
        1-based position of the measure in the document.
    text : str
        The measure's text with whitespace normalised, paragraphs joined, without its
        number, without the section heading (which is ``title``) and without the trailing
        responsibility list. An item's own lead-in (``人力资源领域。``) is kept.
    leads : tuple of str
        Leading units in the order the list names them; for an implicit measure, the
        bodies named in the text (free strings, see ``implicit_units``).
    cooperates : tuple of str
        Cooperating units in the order the list names them; empty for implicit measures.
    all_member_units_cooperate : bool
        Whether every member unit of the municipal joint conference cooperates (五、(四)).
    implicit_units : bool
        True for a measure of the 保障措施 chapter, which has no responsibility list:
        ``leads`` then names bodies such as 市反拐联席会议 or 各区县政府 rather than
        municipal units, for the caller to resolve to joint-conference offices and district
        governments.
    title : str or None
        Heading of the section, e.g. ``"建立健全预防犯罪机制"``; None without a section.
    """

    number: str
    chapter: str
    section: str | None
    item: int | None
    sequence: int
    text: str
    leads: tuple[str, ...]
    cooperates: tuple[str, ...]
    all_member_units_cooperate: bool
    implicit_units: bool
    title: str | None

    @property
    def units(self) -> tuple[str, ...]:
        """Leading units, then cooperating units."""
        return self.leads + self.cooperates


def format_measure_number(
    chapter: str, section: str | None, item: int | None, occurrence: int = 1
) -> str:
    """Return the number of a measure.

    Parameters
    ----------
    chapter : str
        Chinese numeral of the chapter, e.g. ``"二"``.
    section : str or None
        Chinese numeral of the section, or None.
    item : int or None
        Number of the item, or None.
    occurrence : int, default 1
        1-based position of the measure among the measures with the same chapter, section
        and item.

    Returns
    -------
    str
        For example ``"二、(一) 1"``, ``"三、(一)"`` or, for ``occurrence=2``,
        ``"二、(二) 1 (2)"``.

    Raises
    ------
    ValueError
        If ``occurrence`` is less than 1.
    """
    if occurrence < 1:
        raise ValueError(f"occurrence must be at least 1, not {occurrence}")
    parts = [f"{chapter}、" + (f"({section})" if section is not None else "")]
    if item is not None:
        parts.append(str(item))
    if occurrence > 1:
        parts.append(f"({occurrence})")
    return " ".join(parts)


def parse_measures(text: str | None = None) -> list[Measure]:
    """Parse the rules into their measures, in document order.

    Parameters
    ----------
    text : str or None, default None
        Text of the rules; None reads the bundled text (:func:`load_rules_text`).

    Returns
    -------
    list of Measure
        Every measure, with ``sequence`` running from 1.

    Raises
    ------
    RulesParseError
        If a responsibility list cannot be read, if text in a section or item outside the
        保障措施 chapter is not followed by a responsibility list, if a list follows no
        text, if a chapter, section or item number is skipped or repeated, or if a
        responsibility list does not end exactly one measure.
    """
    source = load_rules_text() if text is None else text
    return _MeasureParser(source).parse()


@dataclass
class _Pending:
    """Text read in the current section or item that no list has closed yet."""

    pieces: list[str] = field(default_factory=list)
    offset: int | None = None

    def add(self, piece: str, offset: int) -> None:
        if not piece.strip():
            return
        if self.offset is None:
            self.offset = offset
        self.pieces.append(piece)

    def take(self) -> str:
        joined = _clean("".join(self.pieces))
        self.pieces.clear()
        self.offset = None
        return joined


class _MeasureParser:
    """Walks the normalised text line by line, keeping track of the current heading."""

    def __init__(self, text: str) -> None:
        self._text = normalize_text(text)
        self._lists = parse_responsibility_lists(text)
        self._list_offsets = [duty_list.offset for duty_list in self._lists]
        self._chapter: str | None = None
        self._chapter_value = 0
        self._implicit_chapter = False
        self._section: str | None = None
        self._section_value = 0
        self._title: str | None = None
        self._item: int | None = None
        self._pending = _Pending()
        self._measures: list[Measure] = []
        self._chapter_measures = 0
        self._occurrences: dict[str, int] = {}
        self._used_offsets: list[int] = []

    def parse(self) -> list[Measure]:
        for line in _LINE_RE.finditer(self._text):
            if line.group().strip():
                self._read_line(line.group(), line.start())
        self._close_unit()
        self._check_every_list_is_used()
        return self._measures

    # --- headings -------------------------------------------------------------------------

    def _read_line(self, line: str, start: int) -> None:
        if chapter := _CHAPTER_RE.fullmatch(line):
            self._open_chapter(chapter.group(1), _clean(chapter.group(2)), start)
        elif self._chapter is None:
            return  # the notice and preamble before the first chapter hold no measures
        elif section := _SECTION_RE.match(line):
            self._open_section(section.group(1), start)
            heading = line[section.end() :]
            title, stop, _ = heading.partition(_SENTENCE_END)
            self._title = _clean(title)
            if stop:
                self._read_body(start + section.end() + len(title) + len(stop), start + len(line))
        elif item := _ITEM_RE.match(line):
            self._open_item(int(item.group(1)), start)
            self._read_body(start + item.end(), start + len(line))
        else:
            self._read_body(start, start + len(line))

    def _open_chapter(self, numeral: str, title: str, offset: int) -> None:
        self._close_unit()
        value = _expect_next(numeral, self._chapter_value, "chapter", offset)
        self._chapter, self._chapter_value = numeral, value
        self._implicit_chapter = title == IMPLICIT_UNITS_CHAPTER_TITLE
        self._section, self._section_value, self._title = None, 0, None
        self._item = None
        self._chapter_measures = 0

    def _open_section(self, numeral: str, offset: int) -> None:
        self._close_unit()
        self._section_value = _expect_next(numeral, self._section_value, "section", offset)
        self._section, self._title, self._item = numeral, None, None

    def _open_item(self, number: int, offset: int) -> None:
        self._close_unit()
        previous = self._item or 0
        if number != previous + 1:
            raise RulesParseError(
                f"item {number} follows item {previous} in {self._base_number()} at offset {offset}"
            )
        self._item = number

    # --- body text and measures -----------------------------------------------------------

    def _read_body(self, start: int, end: int) -> None:
        cursor = start
        first = bisect.bisect_left(self._list_offsets, start)
        last = bisect.bisect_left(self._list_offsets, end)
        for duty_list in self._lists[first:last]:
            self._pending.add(self._text[cursor : duty_list.offset], cursor)
            self._close_with_list(duty_list)
            cursor = duty_list.offset + len(duty_list.source)
        self._pending.add(self._text[cursor:end], cursor)

    def _close_with_list(self, duty_list: ResponsibilityList) -> None:
        text = self._pending.take()
        if not text:
            raise RulesParseError(
                f"responsibility list at offset {duty_list.offset} in {self._base_number()} "
                f"follows no measure text: {duty_list.source}"
            )
        self._add_measure(
            text,
            leads=duty_list.leads,
            cooperates=duty_list.cooperates,
            all_member_units_cooperate=duty_list.all_member_units_cooperate,
            implicit_units=False,
        )
        self._used_offsets.append(duty_list.offset)

    def _close_unit(self) -> None:
        """End the current section or item: text still without a list is settled here."""
        offset = self._pending.offset
        text = self._pending.take()
        if not text:
            return
        if self._section is None and self._item is None and self._chapter_measures == 0:
            return  # a chapter's introduction, such as 一、指导思想
        if not self._implicit_chapter:
            raise RulesParseError(
                f"text at offset {offset} in {self._base_number()} is not followed by a "
                f"responsibility list: {text[:40]}"
            )
        self._add_measure(
            text,
            leads=_implicit_leads(text),
            cooperates=(),
            all_member_units_cooperate=False,
            implicit_units=True,
        )

    def _add_measure(
        self,
        text: str,
        *,
        leads: tuple[str, ...],
        cooperates: tuple[str, ...],
        all_member_units_cooperate: bool,
        implicit_units: bool,
    ) -> None:
        chapter = self._chapter
        if chapter is None:  # unreachable: body text is only read inside a chapter
            raise RulesParseError("measure text outside any chapter")
        base = self._base_number()
        occurrence = self._occurrences.get(base, 0) + 1
        self._occurrences[base] = occurrence
        self._chapter_measures += 1
        self._measures.append(
            Measure(
                number=format_measure_number(chapter, self._section, self._item, occurrence),
                chapter=chapter,
                section=self._section,
                item=self._item,
                sequence=len(self._measures) + 1,
                text=text,
                leads=leads,
                cooperates=cooperates,
                all_member_units_cooperate=all_member_units_cooperate,
                implicit_units=implicit_units,
                title=self._title,
            )
        )

    def _base_number(self) -> str:
        return format_measure_number(self._chapter or "?", self._section, self._item)

    def _check_every_list_is_used(self) -> None:
        used = sorted(self._used_offsets)
        if used != self._list_offsets:
            unused = sorted(set(self._list_offsets) - set(used))
            raise RulesParseError(
                f"{len(self._list_offsets)} responsibility lists but {len(used)} end a "
                f"measure; lists at offsets {unused} end none"
            )


def _implicit_leads(text: str) -> tuple[str, ...]:
    leads: dict[str, None] = {}
    for match in _IMPLICIT_BODY_RE.finditer(text):
        if match.start() == 0 or text[match.start() - 1] in _CLAUSE_OPENERS:
            leads.setdefault(match.group(), None)
    return tuple(leads) or (IMPLICIT_DEFAULT_LEAD,)


def _expect_next(numeral: str, previous: int, level: str, offset: int) -> int:
    value = _chinese_numeral_value(numeral)
    if value is None or value != previous + 1:
        raise RulesParseError(
            f"{level} {numeral} at offset {offset} does not follow {level} number {previous}"
        )
    return value


def _chinese_numeral_value(numeral: str) -> int | None:
    """Value of a Chinese numeral from 一 to 九十九, or None if it is not one."""
    tens, ten, units = numeral.partition("十")
    if not ten:
        return _CN_DIGIT_VALUES.get(numeral)
    tens_value = _CN_DIGIT_VALUES.get(tens, 0 if tens == "" else -1)
    units_value = _CN_DIGIT_VALUES.get(units, 0 if units == "" else -1)
    if tens_value < 0 or units_value < 0:
        return None
    return (tens_value or 1) * 10 + units_value


def _clean(text: str) -> str:
    """Collapse whitespace and drop the spaces that layout puts next to Chinese text."""
    return _CJK_SPACE_RE.sub("", _WHITESPACE_RE.sub(" ", text).strip())
