"""Duplicate suggestions: the same child reported twice, the same person found twice.

A mother and a father may each register the same lost child, in two districts, years
apart; a found child may be entered by the rescue station and again by the welfare home.
These are **suggestions** for a person to decide, never automatic merges.

Pairs are blocked by sex and overlapping birth intervals; each pair is scored with
fixed, documented weights (bits) on what both records of one side hold, and suggested
when the score reaches :data:`SUGGEST_AT`.

Examples
--------
>>> from homeward.linkage.records import report_from_fields
>>> a = report_from_fields({"report_id": "A", "name": "王小明", "sex": "男",
...     "birth_date": "1994-03-02", "missing_date": "1998-05", "district_code": "500101"})
>>> b = report_from_fields({"report_id": "B", "name": "王晓明", "sex": "男",
...     "birth_year": "1994", "missing_date": "1998-05-20", "district_name": "万州区",
...     "district_code": "500101"})
>>> [(s.first, s.second) for s in report_duplicates([a, b])]
[('A', 'B')]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .comparisons import age_level_from
from .records import Found, NameForm, Report
from .text import looks_like_nickname

SUGGEST_AT = 8.0


@dataclass(frozen=True)
class Suggestion:
    first: str
    second: str
    score: float
    reasons: tuple[str, ...]


def _name_bits(a: NameForm | None, b: NameForm | None) -> tuple[float, str]:
    if a is None or b is None:
        return 0.0, ""
    if a.full and a.full == b.full:
        return 8.0, "name_exact"
    same_surname = bool(a.surname_keys & b.surname_keys)
    combos = len(a.given_keys) == len(b.given_keys) and bool(a.given_combos & b.given_combos)
    if same_surname and combos:
        return 6.0, "name_reading"
    if combos:
        return 3.0, "given_reading"
    if same_surname:
        return 0.5, "surname"
    return -3.0, "name_different"


def _birth_ok(a_low: float, a_high: float, b_low: float, b_high: float) -> int:
    if math.isnan(a_low) or math.isnan(b_low):
        return 0
    return age_level_from(a_low, a_high, b_low, b_high)


def _pairs(keys: list[tuple[int, float, float, int]]) -> list[tuple[int, int]]:
    """Index pairs with the same sex (or unknown) and birth intervals within a year."""
    order = sorted(
        range(len(keys)), key=lambda i: (keys[i][1] if not math.isnan(keys[i][1]) else -1e9)
    )
    out: list[tuple[int, int]] = []
    for position, i in enumerate(order):
        sex_i, low_i, high_i, _ = keys[i]
        for j in order[position + 1 :]:
            sex_j, low_j, _high_j, _ = keys[j]
            if not math.isnan(low_i) and not math.isnan(low_j) and low_j > high_i + 1.0:
                break
            if sex_i and sex_j and sex_i != sex_j:
                continue
            out.append((i, j))
    return out


def report_duplicates(reports: Sequence[Report]) -> list[Suggestion]:
    """Pairs of reports that may be the same lost child, best first."""
    keys = [(r.sex, r.birth.low, r.birth.high, i) for i, r in enumerate(reports)]
    out: list[Suggestion] = []
    for i, j in _pairs(keys):
        a, b = reports[i], reports[j]
        score, reasons = 0.0, []
        bits, reason = _name_bits(a.name, b.name)
        score += bits
        if reason:
            reasons.append(reason)
        if a.nickname and a.nickname == b.nickname:
            score += 2.0
            reasons.append("nickname")
        level = _birth_ok(a.birth.low, a.birth.high, b.birth.low, b.birth.high)
        if level in {1, 2, 3}:
            score += 2.0
            reasons.append("age")
        elif level >= 6:
            score -= 6.0
        if not (math.isnan(a.missing_t) or math.isnan(b.missing_t)):
            gap = abs(a.missing_t - b.missing_t)
            if gap <= 0.1 + a.missing_tol + b.missing_tol:
                score += 3.0
                reasons.append("missing_date")
            elif gap > 1.0:
                score -= 4.0
        if a.district and a.district == b.district:
            score += 2.0
            reasons.append("district")
        if (a.father_keys & b.father_keys) or (a.mother_keys & b.mother_keys):
            score += 2.0
            reasons.append("parents")
        if a.marks & b.marks:
            score += 2.0
            reasons.append("marks")
        if score >= SUGGEST_AT:
            first, second = sorted((a.id, b.id))
            out.append(Suggestion(first, second, score, tuple(reasons)))
    return sorted(out, key=lambda s: (-s.score, s.first, s.second))


def _registered_names(person: Found) -> tuple[NameForm, ...]:
    """The names to compare as names: a 小名 remembered (幺娃, 幺妹, 小X …) is shared by
    many children and is scored once, as a nickname, not as the same full name too."""
    if person.remembered and looks_like_nickname(person.remembered):
        return tuple(n for n in person.names if n.full != person.remembered)
    return person.names


def found_duplicates(found: Sequence[Found]) -> list[Suggestion]:
    """Pairs of found persons that may be one person entered twice, best first."""
    keys = [(f.sex, f.birth.low, f.birth.high, i) for i, f in enumerate(found)]
    out: list[Suggestion] = []
    for i, j in _pairs(keys):
        a, b = found[i], found[j]
        score, reasons = 0.0, []
        best = max(
            (_name_bits(x, y) for x in _registered_names(a) for y in _registered_names(b)),
            default=(0.0, ""),
            key=lambda item: item[0],
        )
        score += best[0]
        if best[1]:
            reasons.append(best[1])
        if a.remembered and a.remembered == b.remembered:
            score += 3.0
            reasons.append("nickname")
        level = _birth_ok(a.birth.low, a.birth.high, b.birth.low, b.birth.high)
        if level in {1, 2, 3, 4}:
            score += 2.0
            reasons.append("age")
        if (
            not (math.isnan(a.found_t) or math.isnan(b.found_t))
            and abs(a.found_t - b.found_t) <= 0.5
        ):
            score += 1.0
            reasons.append("found_date")
        if a.province and a.province == b.province:
            score += 1.0
            reasons.append("place")
        if a.marks & b.marks:
            score += 3.0
            reasons.append("marks")
        if a.blood and a.blood == b.blood:
            score += 0.5
        if score >= SUGGEST_AT:
            first, second = sorted((a.id, b.id))
            out.append(Suggestion(first, second, score, tuple(reasons)))
    return sorted(out, key=lambda s: (-s.score, s.first, s.second))
