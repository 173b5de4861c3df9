"""The analysis module's jobs for the tick sweep: the rollups kept current, and the
monthly early warning (which catches up missed months)."""

from __future__ import annotations

from homeward.core.tick import tick_job


@tick_job("analysis.rollups")
def rollups() -> int:
    from homeward.analysis.rollups import rollups_refresh

    return rollups_refresh()


@tick_job("analysis.early_warning")
def early_warning() -> int:
    from homeward.analysis.early_warning import early_warning_due

    return early_warning_due()
