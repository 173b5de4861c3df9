"""The reunion module's job for the tick sweep: the daily full re-ranking, spread out."""

from __future__ import annotations

from homeward.core.tick import tick_job
from homeward.reunion.services.matching import searches_rematch_due


@tick_job("reunion.rematch_due")
def rematch_due() -> int:
    return searches_rematch_due()
