"""Celery tasks of the alert module. Each takes ids, is idempotent and may run twice."""

from __future__ import annotations

import logging
from datetime import datetime

import requests
from celery import shared_task
from django.conf import settings
from django.urls import reverse

from homeward.core.background import enqueue, run_kind

logger = logging.getLogger("homeward.alerts")


@shared_task(name="homeward.alerts.tasks.fanout_ring", acks_late=True, ignore_result=True)  # type: ignore[misc]
def fanout_ring(ring_id: int) -> int:
    """Queue the ring's recipients, then start one dispatch per channel."""
    from homeward.alerts.dispatch import ring_channels, ring_fanout

    total = ring_fanout(ring_id)
    for channel in ring_channels(ring_id):
        enqueue(dispatch_ring, ring_id, channel)
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


# --- Recovery: the stalled-work sweep of tick() restarts each kind of alert run. -----------


def _lease_seconds() -> float:
    return float(settings.ALERT_LEASE_SECONDS)


def _stalled_fanouts(now: datetime) -> list[tuple[int]]:
    from homeward.alerts.dispatch import stalled_fanouts

    return stalled_fanouts(now)


def _stalled_dispatches(now: datetime) -> list[tuple[int, str]]:
    from homeward.alerts.dispatch import stalled_dispatches

    return stalled_dispatches(now)


def _stalled_pushes(now: datetime) -> list[tuple[int]]:
    from homeward.alerts.dispatch import stalled_pushes

    return stalled_pushes(now)


run_kind("alerts.fanout", task=fanout_ring, stalled=_stalled_fanouts, grace=_lease_seconds)
run_kind("alerts.dispatch", task=dispatch_ring, stalled=_stalled_dispatches, grace=_lease_seconds)
run_kind(
    "alerts.partner_push",
    task=push_partner_message,
    stalled=_stalled_pushes,
    grace=_lease_seconds,
)
