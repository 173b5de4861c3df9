"""Online screening's job for the tick sweep."""

from __future__ import annotations

from homeward.core.tick import tick_job
from homeward.screening.services import takedowns_remind_overdue


@tick_job("screening.takedown_reminders")
def takedown_reminders() -> int:
    return takedowns_remind_overdue()
