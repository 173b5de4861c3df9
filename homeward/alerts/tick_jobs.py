"""The alert module's part of tick(): widen rings on schedule and restart stalled work."""

from __future__ import annotations

import logging

from homeward.core.tick import tick_job

logger = logging.getLogger("homeward.alerts")


@tick_job("alerts.expand_rings")
def expand_rings() -> int:
    from homeward.alerts.services import alerts_expand_due

    return alerts_expand_due()


@tick_job("alerts.restart_stalled")
def restart_stalled() -> int:
    """Fan-outs and dispatches whose worker died (or whose enqueue failed while the broker
    was down), failed sends whose backoff is over, partner pushes that are due."""
    from homeward.alerts.dispatch import stale_work
    from homeward.alerts.tasks import dispatch_ring, fanout_ring, push_partner_message

    fanouts, dispatches, pushes = stale_work()
    started = 0
    try:
        for ring_id in fanouts:
            fanout_ring.delay(ring_id)
            started += 1
        for ring_id, channel in dispatches:
            dispatch_ring.delay(ring_id, channel)
            started += 1
        for push_id in pushes:
            push_partner_message.delay(push_id)
            started += 1
    except Exception:
        logger.exception("could not enqueue alert work; the next tick retries")
    return started
