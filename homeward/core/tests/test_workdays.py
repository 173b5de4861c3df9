"""Legal-aid deadlines count China's working days (四、(四)5, issue 13): public holidays
are skipped and the weekends worked under 调休 count, around Spring Festival 2026."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from homeward.core.workdays import add_working_days, is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_spring_festival_is_skipped_and_its_swapped_saturday_counts() -> None:
    # Spring Festival 2026: 15-23 February off; Saturday 14 February is worked (调休).
    assert is_working_day(date(2026, 2, 14))
    assert not any(is_working_day(date(2026, 2, day)) for day in range(15, 24))
    friday = datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(friday, 1).date() == date(2026, 2, 14)
    assert add_working_days(friday, 2).date() == date(2026, 2, 24)


def test_national_day_is_skipped() -> None:
    assert not is_working_day(date(2026, 10, 1))
    assert not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 9))
