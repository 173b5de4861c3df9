"""Celery tasks of the alert module. Each takes ids, is idempotent and may run twice."""

from __future__ import annotations

import logging

import requests
from celery import shared_task
from django.conf import settings
from django.urls import reverse

logger = logging.getLogger("homeward.alerts")


@shared_task(name="homeward.alerts.tasks.fanout_ring", acks_late=True, ignore_result=True)  # type: ignore[misc]
def fanout_ring(ring_id: int) -> int:
    """Queue the ring's recipients, then start one dispatch per channel."""
    from homeward.alerts.dispatch import ring_channels, ring_fanout

    total = ring_fanout(ring_id)
    for channel in ring_channels(ring_id):
        dispatch_ring.delay(ring_id, channel)
    return total


@shared_task(name="homeward.alerts.tasks.dispatch_ring", acks_late=True, ignore_result=True)  # type: ignore[misc]
def dispatch_ring(ring_id: int, channel: str) -> int:
    from homeward.alerts.dispatch import deliveries_dispatch

    return deliveries_dispatch(ring_id, channel)


@shared_task(name="homeward.alerts.tasks.push_partner_message", acks_late=True, ignore_result=True)  # type: ignore[misc]
def push_partner_message(push_id: int) -> str:
    from homeward.alerts.dispatch import push_send

    return push_send(push_id)


@shared_task(name="homeward.alerts.tasks.purge_public_cache", acks_late=True, ignore_result=True)  # type: ignore[misc]
def purge_public_cache(public_id: str) -> int:
    """Ask the reverse proxy or CDN in front of the public site, if any, to drop the ended
    alert's cached page and photo. The platform itself serves them no more at once."""
    if not settings.ALERT_CACHE_PURGE_URL:
        return 0
    paths = [
        reverse("public_alerts:detail", args=[public_id]),
        reverse("public_alerts:photo", args=[public_id]),
        reverse("public_alerts:index"),
    ]
    try:
        response = requests.post(
            settings.ALERT_CACHE_PURGE_URL,
            json={"paths": paths},
            timeout=settings.ALERT_HTTP_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except requests.RequestException:
        logger.warning("cache purge failed for an ended alert; the page is gone at the origin")
        return 0
    return len(paths)
