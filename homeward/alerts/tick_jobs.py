"""The alert module's part of tick(): widen rings on schedule, renew the CAP message
before it expires.

Stalled fan-outs, dispatches and partner pushes are restarted by the core sweep of
background runs (``core.restart_stalled_runs``); their kinds are in ``alerts.tasks``.
"""

from __future__ import annotations

from homeward.core.tick import tick_job


@tick_job("alerts.expand_rings")
def expand_rings() -> int:
    from homeward.alerts.services import alerts_expand_due

    return alerts_expand_due()


@tick_job("alerts.renew_cap")
def renew_cap() -> int:
    from homeward.alerts.services import alerts_renew_cap_due

    return alerts_renew_cap_due()
