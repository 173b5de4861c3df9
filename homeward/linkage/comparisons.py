"""Comparison levels of a (report, found) pair — the slow, obviously-correct reference.

Each comparison maps a pair to one level (0 is always "one side has nothing to
compare"). The Fellegi–Sunter model gives each level an m and a u probability; the
vectorised path in :mod:`homeward.linkage.index` computes the same levels over column
arrays and is cross-checked against :func:`compare_pair` by the tests.

The levels, best first within each comparison:

========== ==========================================================================
name       full name same; given name same (new surname); full name same by dialect
           readings; same 小名; given name same by readings; same 小名 core (强娃 ~
           小强, or the core is a given-name character); surname and one given
           character; one given character; surname only; different; different although
           the found person remembers a name or 小名; the 小名 core is a character of
           the found person's current name only (level 12: buyers often renamed)
parent     a parent's surname remembered matches the family's; different
sex        same; different (a near-hard constraint: records are sometimes wrong)
age        dates of birth (centre and σ) within 1 σ, combined σ ≤ 1.2 y; within 1 σ,
           σ ≤ 2.3 y; within 2 σ, σ ≤ 2.3 y; within 1 σ, wider; within 2 σ, wider;
           within 3 σ; further apart
time       found within a month of the loss; within a year; within 3 y; within 15 y;
           before the loss by less than a year (bad dates, beyond the stated tolerance);
           earlier still (never a candidate); more than 15 y later (level 7)
place      found in the same district; elsewhere in Chongqing; a neighbouring province;
           further away
accent     Chongqing; south-western Mandarin; another accent
marks      a mark of the same kind at the same place; same kind, compatible place;
           same kind, other place; marks on both sides, none of the same kind; marks
           in the report only; marks on the found person only; (7, 8) the last two
           but the found person's marks are all acquired ones (scars), which the family
           may never have seen
blood      same type; different
height     height at finding fits the band at loss (found within a year); does not
landmarks  two or more remembered landmarks shared; one shared; none shared; one shared
           but two or more others remembered that the family does not name; none
           shared and two or more remembered
========== ==========================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .features import ACQUIRED_KINDS
from .records import Found, NameForm, Report

TIME_MONTH_YEARS = 0.085
TIME_SOON_YEARS = 3.0
TIME_DECADES_YEARS = 15.0  # "decades": an adult's self-search, not a child's placement
TIME_HARD_LIMIT_YEARS = 1.0  # found more than this before the loss: never a candidate
HEIGHT_WINDOW_YEARS = 1.0
HEIGHT_SLACK_CM = 8.0


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[str, ...]  # level 0 is "null"
    tf_levels: frozenset[int] = frozenset()  # levels with a term-frequency adjustment

    @property
    def n_levels(self) -> int:
        return len(self.levels)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "name",
        (
            "null", "exact", "given_exact", "pinyin_full", "nickname_exact", "given_pinyin",
            "nickname_core", "surname_and_partial", "partial", "surname_only", "different",
            "remembered_different", "nickname_core_current",
        ),
        frozenset({1, 2, 4, 6, 9, 12}),
    ),
    Comparison("parent", ("null", "agree", "different"), frozenset({1})),
    Comparison("sex", ("null", "agree", "different")),
    Comparison(
        "age",
        ("null", "tight", "close_centred", "close", "wide_centred", "wide", "near", "far"),
    ),
    Comparison(
        "time",
        (
            "null", "within_month", "within_year", "soon", "later", "slightly_before", "before",
            "decades",
        ),
    ),
    Comparison("place", ("null", "same_district", "chongqing", "neighbour", "elsewhere")),
    Comparison("accent", ("null", "chongqing", "southwest", "other")),
    Comparison(
        "marks",
        (
            "null", "same_place", "compatible_place", "other_place", "none_shared",
            "found_unmarked", "report_unmarked", "none_shared_acquired",
            "report_unmarked_acquired",
        ),
        frozenset({1, 2}),
    ),
    Comparison("blood", ("null", "agree", "different"), frozenset({1})),
    Comparison("height", ("null", "consistent", "inconsistent")),
    Comparison(
        "landmarks", ("null", "several", "one", "none", "one_among_others", "none_of_several"),
        frozenset({2, 4}),
    ),
)  # fmt: skip

COMPARISON_INDEX: dict[str, int] = {c.name: i for i, c in enumerate(COMPARISONS)}
N_COMPARISONS = len(COMPARISONS)

# What kind of record a found person is, as far as it tells when and how the person
# was found: soon after the loss (a rescue, a street minor, an abandoned infant), placed
# with a family or a home years later (registration, adoption, welfare home), or an
# adult searching decades later (self-search).
SOURCE_CLASSES: tuple[str, ...] = ("", "found_soon", "placed", "self_search")
_SOURCE_CLASS_OF: dict[str, int] = {
    "rescued_victim": 1, "street_minor": 1, "abandoned_infant": 1, "rescue": 1, "解救": 1,
    "流浪": 1, "弃婴": 1, "registration": 2, "adoption": 2, "welfare_home": 2, "收养": 2,
    "落户": 2, "福利院": 2, "self_search": 3, "自主寻亲": 3,
}  # fmt: skip


def source_class(source: str) -> int:
    """Index in :data:`SOURCE_CLASSES` of a found person's record source (0 unknown)."""
    return _SOURCE_CLASS_OF.get((source or "").strip(), 0)


# Pairs of comparisons that are not independent given match status: the bits a model's
# interaction table adds to the first comparison's contribution, by the level of the
# second (or by the found person's source class). A child found soon after the loss
# is found near home (time and place); a self-searcher is found decades after the loss
# and a street minor within months (time and source).
#
# The report's age at the loss conditions what the found person can remember (a child
# lost before 2½ remembers no name, before 3 no landmark, before 4 no parent's surname)
# and how they speak: a name agreeing by chance with the family's says nothing for a
# child lost as a baby, and one who was lost at 9 and remembers no name at all is
# rarely the child (name, landmarks, parent, accent given "loss_age").
INTERACTIONS: tuple[tuple[str, str], ...] = (
    ("time", "place"), ("time", "source"), ("name", "loss_age"), ("landmarks", "loss_age"),
    ("parent", "loss_age"), ("accent", "loss_age"),
)  # fmt: skip

# Levels the age at the loss does not discount: an agreeing name, landmark or parent's
# surname is evidence however young the child was (a note left with an infant, a name
# told by the buyers). Learnt from the generator, the interaction made an exact full
# name weigh less than a pinyin spelling for a child lost at three; only the levels of
# absence and disagreement are conditioned on the age at loss.
LOSS_AGE_FREE_LEVELS: dict[str, tuple[str, ...]] = {
    "name": (
        "exact", "given_exact", "pinyin_full", "nickname_exact", "given_pinyin", "nickname_core",
    ),
    "landmarks": ("several", "one"),
    "parent": ("agree",),
}  # fmt: skip

# Age at the loss (years, from the report's dates) in classes; 0 unknown.
LOSS_AGE_CLASSES: tuple[str, ...] = ("", "under_2_5", "2_5_to_4", "4_to_6", "6_to_9", "9_plus")
LOSS_AGE_BOUNDS: tuple[float, ...] = (2.5, 4.0, 6.0, 9.0)

# A pair's context: the found person's source class and the report's age-at-loss class
# in one small integer (source + CONTEXT_STRIDE * loss age), what the interactions that
# are not conditioned on a comparison read.
CONTEXT_STRIDE = len(SOURCE_CLASSES)


def loss_age_class(birth_low: float, birth_high: float, missing_t: float) -> int:
    """Index in :data:`LOSS_AGE_CLASSES` of the age at the loss (0: unknown)."""
    if math.isnan(birth_low) or math.isnan(birth_high) or math.isnan(missing_t):
        return 0
    age = missing_t - (birth_low + birth_high) / 2
    return 1 + sum(age >= bound for bound in LOSS_AGE_BOUNDS)


def interaction_key_levels(key: str) -> int:
    """Number of conditioning levels of an interaction's second member."""
    if key == "source":
        return len(SOURCE_CLASSES)
    if key == "loss_age":
        return len(LOSS_AGE_CLASSES)
    return COMPARISONS[COMPARISON_INDEX[key]].n_levels


def interaction_condition(second: str, gamma: Any, context: Any) -> Any:
    """The conditioning level of every pair (arrays: levels (n, C), context (n,))."""
    if second == "source":
        return context % CONTEXT_STRIDE
    if second == "loss_age":
        return context // CONTEXT_STRIDE
    return gamma[:, COMPARISON_INDEX[second]]


def is_context(second: str) -> bool:
    """Whether an interaction's second member is the pair's context, not a comparison."""
    return second in {"source", "loss_age"}


# Levels whose m probability may not fall below a stated error rate: a record can be
# wrong (sex mistyped, blood type misremembered, a date off by a year).
NEAR_HARD_FLOORS: dict[tuple[str, str], float] = {
    ("sex", "different"): 0.01,
    ("blood", "different"): 0.03,
    ("time", "slightly_before"): 0.005,
    ("age", "far"): 0.01,
}


# --- names ---------------------------------------------------------------------------


def _combos_match(a: NameForm, b: NameForm) -> bool:
    return len(a.given_keys) == len(b.given_keys) and bool(a.given_combos & b.given_combos)


def _partial(a: NameForm, b: NameForm) -> bool:
    return any(x & y for x in a.given_keys for y in b.given_keys)


def name_level(report: Report, found: Found) -> int:
    """Names and 小名 in one comparison (they are not independent: a 小名 is often
    made from the given name). Agreement flags are taken over all the found person's
    name forms (current name, remembered name, pinyin spelling) at once."""
    q = report.name
    has_report = q is not None or bool(report.nickname)
    has_found = bool(found.names) or bool(found.remembered)
    if not (has_report and has_found):
        return 0
    forms = found.names
    if q is not None:
        if q.full and any(f.full == q.full for f in forms):
            return 1
        if q.given and any(f.given == q.given for f in forms):
            return 2
    surname_match = q is not None and any(q.surname_keys & f.surname_keys for f in forms)
    combos = q is not None and any(_combos_match(q, f) for f in forms)
    if combos and surname_match:
        return 3
    if report.nickname and found.remembered and report.nickname == found.remembered:
        return 4
    if combos:
        return 5
    core = report.nick_core_keys
    if core and (
        found.nick_core_keys & core
        or any(keys & core for form in found.own_names for keys in form.given_keys)
    ):
        return 6
    # The found person's 小名 core is a character of the family's given name (辉娃 or
    # 辉辉 remembered, 王海辉 reported without a 小名).
    if (
        found.nick_core_keys
        and q is not None
        and any(keys & found.nick_core_keys for keys in q.given_keys)
    ):
        return 6
    # The family's 小名 core is only a character of the current name, which buyers
    # often chose: weaker than the person's own memory of it.
    if core and any(keys & core for form in forms for keys in form.given_keys):
        return 12
    partial = q is not None and any(_partial(q, f) for f in forms)
    if partial:
        return 7 if surname_match else 8
    if surname_match:
        return 9
    # Nothing agrees although the found person remembers a name or 小名 of their own:
    # stronger evidence against than a new name given by the buyers.
    return 11 if found.remembered else 10


def parent_level(report: Report, found: Found) -> int:
    if not found.parent_keys:
        return 0
    if found.parent_relation == "father":
        family = report.father_keys or (report.name.surname_keys if report.name else frozenset())
    elif found.parent_relation == "mother":
        family = report.mother_keys
    else:
        family = report.father_keys | report.mother_keys
        if report.name is not None:
            family = family | report.name.surname_keys
    if not family:
        return 0
    return 1 if found.parent_keys & family else 2


def sex_level(report: Report, found: Found) -> int:
    if not report.sex or not found.sex:
        return 0
    return 1 if report.sex == found.sex else 2


def age_level(report: Report, found: Found) -> int:
    a, b = report.birth, found.birth
    if not (a.known and b.known):
        return 0
    return age_level_from(a.low, a.high, b.low, b.high, a.spread, b.spread)


def age_level_from(
    a_low: float,
    a_high: float,
    b_low: float,
    b_high: float,
    a_sd: float = math.nan,
    b_sd: float = math.nan,
) -> int:
    """Two dates of birth, each a centre and a spread (σ; NaN: uniform over the
    interval), by how many combined σ their centres are apart (z) and how precise
    they are together: within 1 σ and precise (combined σ ≤ 1.2 y: "tight"), within
    1 σ or 2 σ at a moderate precision (≤ 2.3 y: "close_centred", "close"), within 1 σ
    or 2 σ of a wide estimate, within 3 σ ("near"), further ("far").

    The likelihood of the found person's estimate given the report's date is a normal
    density in z divided by the combined σ, so both the distance and the precision
    carry evidence."""
    if math.isnan(a_sd):
        a_sd = (a_high - a_low) / math.sqrt(12.0)
    if math.isnan(b_sd):
        b_sd = (b_high - b_low) / math.sqrt(12.0)
    spread = max(math.sqrt(a_sd * a_sd + b_sd * b_sd), AGE_MIN_SD)
    z = abs((a_low + a_high) - (b_low + b_high)) / 2 / spread
    return age_level_z(z, spread)


AGE_MIN_SD = 0.25  # a birth date stated to the day is still sometimes a little off
AGE_TIGHT_SD = 1.2
AGE_CLOSE_SD = 2.3


def age_level_z(z: float, spread: float) -> int:
    if z <= 1.0:
        return 1 if spread <= AGE_TIGHT_SD else 2 if spread <= AGE_CLOSE_SD else 4
    if z <= 2.0:
        return 3 if spread <= AGE_CLOSE_SD else 5
    return 6 if z <= 3.0 else 7


def time_level(report: Report, found: Found) -> int:
    if math.isnan(report.missing_t) or math.isnan(found.found_t):
        return 0
    return time_level_from(found.found_t - report.missing_t, report.missing_tol)


def time_level_from(delta: float, tol: float) -> int:
    if delta >= -tol:
        if delta <= TIME_MONTH_YEARS + tol:
            return 1
        if delta <= 1.0:
            return 2
        if delta <= TIME_SOON_YEARS:
            return 3
        return 4 if delta <= TIME_DECADES_YEARS else 7
    return 5 if delta >= -TIME_HARD_LIMIT_YEARS else 6


def place_level(report: Report, found: Found) -> int:
    if not found.province:
        return 0
    if found.province == "50":
        same = (report.district and found.division == report.district) or (
            report.district_name and found.city == report.district_name
        )
        return 1 if same else 2
    if not (report.district or report.district_name):
        return 0
    return 3 if found.province in {"51", "52", "42", "43", "61"} else 4


def accent_level(report: Report, found: Found) -> int:
    if not found.accent:
        return 0
    return found.accent  # 1 Chongqing, 2 south-western, 3 other


def marks_level(report: Report, found: Found) -> int:
    if not report.marks or not found.marks:
        # One side describes marks, the other none: a mark may fade or go unrecorded,
        # so this is weak evidence, learnt like any level.
        if report.marks:
            return 5
        if not found.marks:
            return 0
        return 8 if _acquired_only(found) else 6
    best = 4
    for kind, place in report.marks:
        for f_kind, f_place in found.marks:
            if kind != f_kind:
                continue
            if place and f_place and place == f_place:
                level = 1
            elif not place or not f_place or _region(place) == _region(f_place):
                level = 2
            else:
                level = 3
            best = min(best, level)
    if best == 4 and _acquired_only(found):
        return 7
    return best


def _acquired_only(found: Found) -> bool:
    """The found person's marks are all acquired ones (a scar may be newer than the loss)."""
    return all(kind in ACQUIRED_KINDS for kind, _place in found.marks)


def _region(place: str) -> str:
    return place[1:] if place[:1] in {"左", "右"} else place


def blood_level(report: Report, found: Found) -> int:
    if not report.blood or not found.blood:
        return 0
    return 1 if report.blood == found.blood else 2


def height_level(report: Report, found: Found) -> int:
    if report.height_band is None or math.isnan(found.height_cm):
        return 0
    if math.isnan(report.missing_t) or math.isnan(found.found_t):
        return 0
    if abs(found.found_t - report.missing_t) > HEIGHT_WINDOW_YEARS:
        return 0
    low, high = report.height_band
    ok = low - HEIGHT_SLACK_CM <= found.height_cm <= high + HEIGHT_SLACK_CM
    return 1 if ok else 2


def landmarks_level(report: Report, found: Found) -> int:
    if not report.home_keys or not found.landmarks:
        return 0
    shared = len(report.home_keys & found.landmarks)
    others = len(found.landmarks - report.home_keys)
    if shared >= 2:
        return 1
    if shared == 1:
        return 4 if others >= LANDMARKS_MANY_OTHERS else 2
    return 5 if others >= LANDMARKS_MANY_OTHERS else 3


# Landmarks the found person remembers that the family does not name: one may be a
# memory of another place, several say it was another home.
LANDMARKS_MANY_OTHERS = 2


LEVEL_FUNCTIONS = (
    name_level,
    parent_level,
    sex_level,
    age_level,
    time_level,
    place_level,
    accent_level,
    marks_level,
    blood_level,
    height_level,
    landmarks_level,
)


def compare_pair(report: Report, found: Found) -> tuple[int, ...]:
    """The comparison vector γ of one pair (one level per comparison)."""
    return tuple(function(report, found) for function in LEVEL_FUNCTIONS)
