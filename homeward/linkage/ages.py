"""Ages and dates as intervals of the year of birth.

Every age a record states becomes an interval of the **date of birth** in fractional
years, widened by its method's error, so that a family's "虚岁5 when lost in 1998" and a
doctor's "bone age 30–34 in 2026" compare directly:

============================ ================================================
source                       interval of the birth date
============================ ================================================
date of birth (公历)          the day (± 0.02 y)
date of birth (农历)          converted with ``lunardate``; ± 0.1 y when the
                             month may be a leap month or the day is unsure
birth year only              the year (± 0.5 y)
周岁 N at a date              date − N − 1 … date − N
虚岁 N at a date              the lunar year lunar_year(date) − N + 1 (虚岁
                             is 1–2 above 周岁)
estimated age lo–hi           date − hi − kσ … date − lo + kσ, σ by method:
                             bone age 1.3 y, dental 1.0 y, visual 3.0 y,
                             household register 0.5 y, self-report 1.5 y;
                             bone and dental σ doubled for an adult (≥ 22)
============================ ================================================

Examples
--------
>>> parse_age_stated("虚岁5"), parse_age_stated("4岁"), parse_age_stated("约6岁")
((5, True), (4, False), (6, False))
>>> round(year_fraction(parse_date("1998-07")), 3)
1998.534
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

# σ (years) of an estimated age by method, and the multiple of σ kept on each side.
METHOD_SIGMA: dict[str, float] = {
    "bone": 1.3,
    "dental": 1.0,
    "visual": 3.0,
    "register": 0.5,
    "self": 1.5,
    "unknown": 2.0,
}
SIGMA_MULTIPLE = 1.5
# Bone and dental ages of an adult (growth finished) are at least twice as uncertain.
ADULT_SKELETAL_AGE = 22.0
ADULT_SIGMA_FACTOR = 2.0

# Spellings of the method in the columns of a CSV and in forms.
METHOD_ALIASES: dict[str, str] = {
    "bone": "bone", "骨龄": "bone", "骨龄鉴定": "bone", "x光": "bone", "骨龄检测": "bone",
    "dental": "dental", "牙齿": "dental", "牙龄": "dental", "齿龄": "dental",
    "visual": "visual", "目测": "visual", "外观": "visual", "估计": "visual", "外貌": "visual",
    "register": "register", "户籍": "register", "户口": "register", "登记": "register",
    "household": "register",
    "self": "self", "自述": "self", "本人": "self", "自报": "self", "self_report": "self",
    "医生": "bone", "医生估计": "bone", "doctor": "bone",
}  # fmt: skip

_DATE = re.compile(r"^\s*(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?\s*$")
_AGE = re.compile(r"(虚岁|周岁|实岁|足岁)?\s*约?\s*(\d{1,3})\s*(岁|周岁|虚岁)?")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def midpoint(self) -> date:
        if self.month is None:
            return date(self.year, 7, 2)
        if self.day is None:
            return date(self.year, self.month, 15)
        return date(self.year, self.month, self.day)

    @property
    def half_width_years(self) -> float:
        if self.month is None:
            return 0.5
        if self.day is None:
            return 0.045
        return 0.0


def parse_date(text: str, *, lunar: bool = False) -> PartialDate | None:
    """``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (also with / . 年月日); None if empty.
    A lunar date's day may be 30 in any month.

    Raises
    ------
    ValueError
        For a non-empty value that is not a date.
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"bad month in {text!r}")
    if day is not None:
        if lunar:
            if not 1 <= day <= 30:
                raise ValueError(f"bad lunar day in {text!r}")
        else:
            date(year, month or 1, day)  # raises ValueError for 2月30日
    return PartialDate(year, month, day)


def year_fraction(value: PartialDate | date) -> float:
    """A date as a fractional year (1998-07-02 → 1998.5)."""
    day = value.midpoint() if isinstance(value, PartialDate) else value
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def lunar_to_solar(value: PartialDate) -> tuple[PartialDate, float]:
    """A lunar (农历) date as a solar one, with the extra uncertainty in years.

    A lunar month is not known to be a leap month from a family's words; the
    conversion takes the ordinary month and widens by 0.1 y.
    """
    from lunardate import LunarDate

    if value.month is None:
        # Lunar year N starts between 21 Jan and 20 Feb of solar year N.
        return PartialDate(value.year, None, None), 0.12
    day = value.day or 15
    try:
        solar = LunarDate(value.year, value.month, day, False).to_solar_date()
    except ValueError:
        try:  # day 30 of a short month
            solar = LunarDate(value.year, value.month, 29, False).to_solar_date()
        except ValueError:  # outside the package's years (1900-2099)
            return PartialDate(value.year, value.month, value.day), 0.15
    extra = 0.1 if value.day is not None else 0.12
    return PartialDate(solar.year, solar.month, solar.day), extra


def parse_age_stated(text: str) -> tuple[int, bool] | None:
    """(years, is_xusui) from 虚岁5, 5岁, 周岁4, 约6岁; None if empty or unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    match = _AGE.search(text)
    if match is None:
        return None
    years = int(match.group(2))
    xusui = "虚岁" in text
    return years, xusui


@dataclass(frozen=True)
class BirthInterval:
    """Interval of the date of birth, fractional years. ``NaN`` bounds mean unknown."""

    low: float
    high: float
    # Standard deviation (years) of the date of birth around the interval's centre; NaN:
    # uniform over the interval (width / √12). An estimate's interval is its centre ±
    # a multiple of the method's error, so its spread is narrower than the interval.
    sd: float = math.nan

    @property
    def known(self) -> bool:
        return not (math.isnan(self.low) or math.isnan(self.high))

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def centre(self) -> float:
        return (self.low + self.high) / 2

    @property
    def spread(self) -> float:
        """Standard deviation of the date of birth (years)."""
        return self.sd if not math.isnan(self.sd) else self.width / math.sqrt(12.0)


UNKNOWN = BirthInterval(math.nan, math.nan)


def birth_from_date(value: PartialDate, *, lunar: bool = False) -> BirthInterval:
    extra = 0.02
    if lunar:
        value, extra = lunar_to_solar(value)
    mid = year_fraction(value)
    half = value.half_width_years + extra
    return BirthInterval(mid - half, mid + half)


def birth_from_stated_age(years: int, *, xusui: bool, at: PartialDate) -> BirthInterval:
    """周岁 N at ``at``: born in (at − N − 1, at − N].

    虚岁 N at ``at``: a child is 1 at birth and a year older at every lunar new year, so
    it was born in the lunar year ``lunar_year(at) − N + 1`` — one lunar year, which
    is 周岁 N−1 (birthday passed) or N−2 (lunar new year passed, birthday not yet).
    A reference known to the month or the year may fall in two lunar years: the
    interval covers both.
    """
    ref = year_fraction(at)
    slack = at.half_width_years
    if xusui:
        spans = _xusui_birth_spans(years, at)
        if spans is not None:
            return BirthInterval(spans[0] - XUSUI_SLACK, spans[1] + XUSUI_SLACK)
        return BirthInterval(ref - years - slack, ref - years + 2 + slack)
    return BirthInterval(ref - years - 1 - slack, ref - years + slack)


XUSUI_SLACK = 0.03  # years: a family may count the new year a few days off


def _xusui_birth_spans(years: int, at: PartialDate) -> tuple[float, float] | None:
    """Solar start and end (fractional years) of the lunar years of birth of a child of
    虚岁 ``years`` at ``at``; None outside the lunar package's years."""
    from lunardate import LunarDate

    if at.month is None:
        first, last = date(at.year, 1, 1), date(at.year, 12, 31)
    elif at.day is None:
        first = date(at.year, at.month, 1)
        last = date(at.year + (at.month == 12), at.month % 12 + 1, 1) - timedelta(days=1)
    else:
        first = last = date(at.year, at.month, at.day)
    try:
        low_year = LunarDate.from_solar_date(first.year, first.month, first.day).year
        high_year = LunarDate.from_solar_date(last.year, last.month, last.day).year
        start = LunarDate(low_year - years + 1, 1, 1).to_solar_date()
        end = LunarDate(high_year - years + 2, 1, 1).to_solar_date()
    except ValueError:
        return None
    return year_fraction(start), year_fraction(end)


def birth_from_estimate(
    low: float | None, high: float | None, *, method: str, at: PartialDate
) -> BirthInterval:
    """An estimated age range at ``at`` by ``method`` (bone, dental, visual …)."""
    if low is None and high is None:
        return UNKNOWN
    values = [v for v in (low, high) if v is not None]
    lo, hi = min(values), max(values)
    kind = normalise_method(method)
    sigma = METHOD_SIGMA.get(kind, METHOD_SIGMA["unknown"])
    if kind in {"bone", "dental"} and (lo + hi) / 2 >= ADULT_SKELETAL_AGE:
        # Growth plates and teeth are mature: the method only says "an adult".
        sigma *= ADULT_SIGMA_FACTOR
    ref = year_fraction(at)
    slack = at.half_width_years + SIGMA_MULTIPLE * sigma
    # An estimated range's bounds are approximate ages (a bone age of "about 4"), not
    # completed years: the range is centred on (lo + hi) / 2, ± half a year of rounding.
    # Its spread: the method's error or the stated range (uniform), whichever is wider
    # (the range is the examiner's own statement of that error, not a second error on
    # top of it), and the rounding.
    half_range = (hi - lo) / 2
    sd = math.sqrt(max(sigma**2, half_range**2 / 3.0) + (0.25 + at.half_width_years**2) / 3.0)
    return BirthInterval(ref - hi - 0.5 - slack, ref - lo + 0.5 + slack, sd)


def normalise_method(method: str) -> str:
    key = (method or "").strip().lower()
    if not key:
        return "unknown"
    if key in METHOD_SIGMA:
        return key
    for alias, value in METHOD_ALIASES.items():
        if alias in key:
            return value
    return "unknown"
