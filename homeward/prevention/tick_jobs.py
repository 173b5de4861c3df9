"""Prevention's part of tick(): overdue visits and reviews, silent dropouts."""

from __future__ import annotations

from homeward.core.tick import tick_job


@tick_job("prevention.overdue_visits")
def overdue_visits() -> int:
    from homeward.prevention.services import ledger_flag_overdue

    return ledger_flag_overdue()


@tick_job("prevention.dropout_concerns")
def dropout_concerns() -> int:
    from homeward.prevention.services import dropouts_raise_concerns

    return dropouts_raise_concerns()


@tick_job("prevention.overdue_reviews")
def overdue_reviews() -> int:
    from homeward.prevention.services import offenders_flag_overdue

    return offenders_flag_overdue()
