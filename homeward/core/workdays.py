"""Working days in mainland China: weekends, public holidays and the State Council's
yearly 调休 (a Saturday or Sunday worked in exchange for a longer holiday).

The calendar comes from the pinned ``holidays`` package (monthly releases). For the
years whose arrangement the State Council has published and the package ships
(:func:`arrangement_known_through`), the result is exact. For a later year the package
still knows the statutory holidays (Spring Festival and the other lunar holidays are
computed), but not that year's swapped working weekends: a deadline can then be a day
or two early or late around a holiday, and ``manage.py check --deploy`` warns until the
package is upgraded (``homeward.W010``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone
from holidays.countries.china import ChinaStaticHolidays


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def arrangement_known_through() -> int:
    """The last year whose official holiday arrangement (with 调休) the package ships."""
    return max(ChinaStaticHolidays.special_public_holidays)


def is_working_day(day: date) -> bool:
    return bool(_calendar(day.year).is_working_day(day))


def add_working_days(start: datetime, days: int) -> datetime:
    """``days`` working days after ``start``, at the same time of day (Beijing time).
    A start on a holiday counts from the next working day."""
    moment = timezone.localtime(start)
    added = 0
    while added < days:
        moment += timedelta(days=1)
        if is_working_day(moment.date()):
            added += 1
    return moment
