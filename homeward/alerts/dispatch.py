"""Fan-out and dispatch: from a ring to a ``Delivery`` row per recipient, and from the
rows to the channels.

Fan-out. The ring's H3 cover (:func:`homeward.geotarget.cover_circle`) lists the cells
wholly inside the circle and those on its edge. Subscribers in inside cells are queued
with one ``INSERT … SELECT`` per chunk of cells, in the database; subscribers in edge
cells are streamed in batches and checked with the exact great-circle distance. The
unique constraint on (alert, subscriber) and ``ON CONFLICT DO NOTHING`` make every step
repeatable: a fan-out that dies half-way is simply run again.

Dispatch. A worker claims a batch of queued rows (``SKIP LOCKED`` on PostgreSQL), sends
it through the channel adapter and records the outcome in the same transaction. A
worker killed mid-batch rolls its transaction back; the rows are queued again and
``tick()`` restarts the dispatch after the lease runs out.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from homeward.alerts.channels import Outcome, adapter_for, partner_push
from homeward.alerts.models import (
    Alert,
    AlertRing,
    AlertStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    PartnerPush,
    Subscriber,
)
from homeward.geotarget import EARTH_RADIUS_KM, cover_circle

logger = logging.getLogger("homeward.alerts")

CELL_CHUNK = 400
EDGE_BATCH = 5000
# Backoff after the n-th failure: 30 s, 2 min, 8 min, 32 min, then 2 h.
_BACKOFF = (30, 120, 480, 1920, 7200)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=_BACKOFF[min(attempts, len(_BACKOFF)) - 1])


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_rows(ring: AlertRing, cells: Sequence[int], now: datetime, edge: bool) -> int:
    """Queue the subscribers of ``cells`` in one ``INSERT … SELECT``. For cells on the
    edge of the circle the statement keeps only those within the radius: the haversine
    test ``a <= sin²(d / 2R)``, computed in the database."""
    delivery = connection.ops.quote_name(Delivery._meta.db_table)
    subscriber = connection.ops.quote_name(Subscriber._meta.db_table)
    marks = ", ".join(["%s"] * len(cells))
    params: list[Any] = [ring.alert_id, ring.pk, DeliveryStatus.QUEUED, now, True, *cells]
    within = ""
    if edge:
        alert = ring.alert
        assert alert.latitude is not None and alert.longitude is not None  # noqa: S101
        phi = math.radians(alert.latitude)
        lam = math.radians(alert.longitude)
        half = "sin((radians(s.{0}) - %s) / 2)"
        within = (
            f"AND {half.format('latitude')} * {half.format('latitude')}"
            f" + %s * cos(radians(s.latitude))"
            f" * {half.format('longitude')} * {half.format('longitude')} <= %s "
        )
        limit = math.sin(ring.radius_km / (2 * EARTH_RADIUS_KM)) ** 2
        params += [phi, phi, math.cos(phi), lam, lam, limit]
    params.append(ring.alert_id)
    # Only quoted table names and placeholders are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {delivery} "  # noqa: S608
        "(alert_id, ring_id, subscriber_id, channel, status, attempts, queued_at, last_error) "
        f"SELECT %s, %s, s.id, s.channel, %s, 0, %s, '' FROM {subscriber} s "
        f"WHERE s.active = %s AND s.h3_cell IN ({marks}) {within}"
        f"AND NOT EXISTS (SELECT 1 FROM {delivery} d "
        "WHERE d.alert_id = %s AND d.subscriber_id = s.id) "
        "ON CONFLICT (alert_id, subscriber_id) DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(int(cursor.rowcount), 0)


@lru_cache(maxsize=4)
def _sql_has_math(vendor: str) -> bool:
    """PostgreSQL always has sin/cos/radians; SQLite only when built with its math
    functions (the default since 3.35, but not everywhere)."""
    if vendor != "sqlite":
        return True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sin(radians(1.0)) * cos(0.5)")
    except Exception:  # noqa: BLE001 - "no such function" is the answer we look for
        return False
    return True


def _distance_km(lat: np.ndarray, lon: np.ndarray, c_lat: float, c_lon: float) -> np.ndarray:
    phi1, phi2 = np.radians(c_lat), np.radians(lat)
    d_phi = phi2 - phi1
    d_lam = np.radians(lon - c_lon)
    a = np.sin(d_phi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(d_lam / 2) ** 2
    distance: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return distance


def _insert_edge(ring: AlertRing, alert: Alert, cells: Sequence[int], now: datetime) -> int:
    """Queue the subscribers of edge cells who are within the radius, checked here with
    numpy (for SQLite builds without math functions)."""
    assert alert.latitude is not None and alert.longitude is not None  # noqa: S101
    inserted = 0
    rows = (
        Subscriber.objects.filter(active=True, h3_cell__in=list(cells))
        .exclude(pk__in=Delivery.objects.filter(alert=alert).values("subscriber_id"))
        .values_list("pk", "channel", "latitude", "longitude")
        .order_by()
    )
    batch: list[tuple[int, str, float, float]] = []

    def flush() -> int:
        if not batch:
            return 0
        lat = np.fromiter((r[2] for r in batch), dtype=np.float64, count=len(batch))
        lon = np.fromiter((r[3] for r in batch), dtype=np.float64, count=len(batch))
        near = _distance_km(lat, lon, alert.latitude, alert.longitude) <= ring.radius_km  # type: ignore[arg-type]
        chosen = [
            Delivery(
                alert_id=alert.pk,
                ring_id=ring.pk,
                subscriber_id=row[0],
                channel=row[1],
                status=DeliveryStatus.QUEUED,
                queued_at=now,
            )
            for row, keep in zip(batch, near, strict=True)
            if keep
        ]
        with transaction.atomic():
            created = Delivery.objects.bulk_create(chosen, ignore_conflicts=True)
        batch.clear()
        return len(created)

    for row in rows.iterator(chunk_size=EDGE_BATCH):
        batch.append(row)
        if len(batch) >= EDGE_BATCH:
            inserted += flush()
    inserted += flush()
    return inserted


def ring_fanout(ring_id: int) -> int:
    """Queue a ``Delivery`` for every subscriber of the ring not yet notified of the alert.

    Returns the number of rows the ring has (repeat calls return the same number).
    """
    ring = AlertRing.objects.select_related("alert").filter(pk=ring_id).first()
    if ring is None:
        return 0
    alert = ring.alert
    now = timezone.now()
    if alert.status != AlertStatus.PUBLISHED or alert.latitude is None or alert.longitude is None:
        AlertRing.objects.filter(pk=ring.pk, fanout_done_at__isnull=True).update(fanout_done_at=now)
        return 0
    AlertRing.objects.filter(pk=ring.pk).update(heartbeat_at=now)
    cover = cover_circle(
        alert.latitude, alert.longitude, ring.radius_km, already_km=ring.previous_radius_km
    )
    in_sql = _sql_has_math(connection.vendor)
    for cells in _chunks(cover.inside, CELL_CHUNK):
        _insert_rows(ring, cells, now, edge=False)
        AlertRing.objects.filter(pk=ring.pk).update(heartbeat_at=timezone.now())
    for cells in _chunks(cover.edge, CELL_CHUNK):
        if in_sql:
            _insert_rows(ring, cells, now, edge=True)
        else:
            _insert_edge(ring, alert, cells, now)
        AlertRing.objects.filter(pk=ring.pk).update(heartbeat_at=timezone.now())
    total = Delivery.objects.filter(ring=ring).count()
    AlertRing.objects.filter(pk=ring.pk).update(
        recipients=total, fanout_done_at=timezone.now(), heartbeat_at=timezone.now()
    )
    return total


def ring_channels(ring_id: int) -> list[str]:
    return sorted(
        set(
            Delivery.objects.filter(ring_id=ring_id, status=DeliveryStatus.QUEUED)
            .values_list("channel", flat=True)
            .distinct()
        )
    )


def _due(now: datetime) -> Q:
    return Q(status=DeliveryStatus.QUEUED) | Q(
        status=DeliveryStatus.FAILED, next_attempt_at__lte=now
    )


def _claim(ring_id: int, channel: str, now: datetime, size: int) -> list[Delivery]:
    query = Delivery.objects.filter(_due(now), ring_id=ring_id, channel=channel).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True, of=("self",))
    return list(query.select_related("subscriber")[:size])


def deliveries_dispatch(ring_id: int, channel: str, *, max_batches: int | None = None) -> int:
    """Send the ring's due deliveries of one channel, batch by batch. Returns how many
    deliveries were handled (sent, failed or dead-lettered)."""
    ring = AlertRing.objects.select_related("alert").filter(pk=ring_id).first()
    if ring is None:
        return 0
    adapter = adapter_for(channel)
    handled = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            now = timezone.now()
            alert = Alert.objects.get(pk=ring.alert_id)
            batch = _claim(ring_id, channel, now, settings.ALERT_DISPATCH_BATCH)
            if not batch:
                break
            if alert.status != AlertStatus.PUBLISHED:
                Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(
                    status=DeliveryStatus.CANCELLED, last_error="alert ended"
                )
                handled += len(batch)
                continue
            outcomes = adapter.send(alert, batch)
            _record(batch, outcomes, now)
            AlertRing.objects.filter(pk=ring_id).update(heartbeat_at=timezone.now())
        handled += len(batch)
        batches += 1
    return handled


def _record(batch: list[Delivery], outcomes: Mapping[int, Outcome], now: datetime) -> None:
    sent = [d.pk for d in batch if (o := outcomes.get(d.pk)) is not None and o.ok]
    if sent:
        Delivery.objects.filter(pk__in=sent).update(
            status=DeliveryStatus.SENT, sent_at=now, attempts=1, last_error=""
        )
    gone: list[int] = []
    for delivery in batch:
        outcome = outcomes.get(delivery.pk)
        if outcome is None or outcome.ok:
            continue
        attempts = delivery.attempts + 1
        permanent = outcome.permanent
        dead = permanent or attempts >= settings.ALERT_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DEAD if dead else DeliveryStatus.FAILED,
            attempts=attempts,
            next_attempt_at=None if dead else now + backoff(attempts),
            last_error=outcome.error[:200],
        )
        if permanent and delivery.channel == Channel.WEB_PUSH:
            gone.append(delivery.subscriber_id)
    if gone:
        Subscriber.objects.filter(pk__in=gone).update(active=False)


def push_send(push_id: int) -> str:
    """Send one CAP message to one partner's webhook; back off and dead-letter on failure."""
    with transaction.atomic():
        query = PartnerPush.objects.select_related("message", "partner").filter(pk=push_id)
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True, of=("self",))
        push = query.first()
        now = timezone.now()
        if push is None or push.status not in {DeliveryStatus.QUEUED, DeliveryStatus.FAILED}:
            return "skipped"
        if push.status == DeliveryStatus.FAILED and push.next_attempt_at > now:
            return "not_due"
        outcome = partner_push(push.partner, push.message.xml, push.message.identifier)
        push.attempts += 1
        if outcome.ok:
            push.status = DeliveryStatus.SENT
            push.sent_at = now
            push.last_error = ""
        elif push.attempts >= settings.ALERT_MAX_ATTEMPTS:
            push.status = DeliveryStatus.DEAD
            push.last_error = outcome.error[:200]
        else:
            push.status = DeliveryStatus.FAILED
            push.next_attempt_at = now + backoff(push.attempts)
            push.last_error = outcome.error[:200]
        push.save(update_fields=["status", "attempts", "sent_at", "last_error", "next_attempt_at"])
        return str(push.status)


def _quiet(now: datetime) -> Q:
    lease = now - timedelta(seconds=settings.ALERT_LEASE_SECONDS)
    return Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=lease)


def stalled_fanouts(now: datetime) -> list[tuple[int]]:
    """Rings whose fan-out never finished and whose worker has shown no sign of life
    within the lease (it died, or the broker was down when the ring was opened)."""
    lease = now - timedelta(seconds=settings.ALERT_LEASE_SECONDS)
    rings = AlertRing.objects.filter(_quiet(now), fanout_done_at__isnull=True, opened_at__lt=lease)
    return [(pk,) for pk in rings.values_list("pk", flat=True)]


def stalled_dispatches(now: datetime) -> list[tuple[int, str]]:
    """(ring, channel) pairs with due deliveries on rings no worker is dispatching."""
    quiet_rings = AlertRing.objects.filter(_quiet(now), fanout_done_at__isnull=False)
    due = (
        Delivery.objects.filter(_due(now), ring__in=quiet_rings)
        .values("ring_id", "channel")
        .annotate(last=Max("queued_at"))
    )
    return sorted({(row["ring_id"], row["channel"]) for row in due})


def stalled_pushes(now: datetime) -> list[tuple[int]]:
    """Partner pushes never started within the lease, or failed and due again."""
    lease = now - timedelta(seconds=settings.ALERT_LEASE_SECONDS)
    pushes = PartnerPush.objects.filter(
        Q(status=DeliveryStatus.QUEUED, next_attempt_at__lt=lease)
        | Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
    )
    return [(pk,) for pk in pushes.values_list("pk", flat=True)]
