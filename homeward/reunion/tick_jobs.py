"""The reunion module's jobs for the tick sweep: the daily full re-ranking, spread out;
unresolved alerts becoming family searches."""

from __future__ import annotations

from homeward.core.tick import tick_job
from homeward.reunion.services.matching import searches_rematch_due


@tick_job("reunion.rematch_due")
def rematch_due() -> int:
    return searches_rematch_due()


@tick_job("reunion.searches_from_alerts")
def searches_from_alerts() -> int:
    from homeward.reunion.services.from_alerts import searches_from_unresolved_alerts

    return searches_from_unresolved_alerts()
