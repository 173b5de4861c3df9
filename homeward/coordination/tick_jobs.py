"""The plan's part of tick(): the annual reporting calendar."""

from __future__ import annotations

from homeward.core.tick import tick_job


@tick_job("coordination.report_calendar")
def report_calendar() -> int:
    from homeward.coordination.services import reports_calendar

    counts = reports_calendar()
    return sum(counts.values())
