"""The clue module's job for the tick sweep."""

from __future__ import annotations

from homeward.core.tick import tick_job
from homeward.tips.services import tips_flag_overdue


@tick_job("tips.sla_overdue")
def sla_overdue() -> int:
    return tips_flag_overdue()
