"""The case module's job for the tick sweep."""

from __future__ import annotations

from homeward.cases.services import supervision_listings_flag_overdue
from homeward.core.tick import tick_job


@tick_job("cases.supervision_overdue")
def supervision_overdue() -> int:
    return supervision_listings_flag_overdue()
