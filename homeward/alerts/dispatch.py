"""Fan-out and dispatch: from a ring to a ``Delivery`` row per recipient, and from the
rows to the channels.

Fan-out. The ring's H3 cover (:func:`homeward.geotarget.cover_circle`) lists the cells
wholly inside the circle and those on its edge. Subscribers in inside cells are queued
with one ``INSERT … SELECT`` per chunk of cells, in the database; subscribers in edge
cells are streamed in batches and checked with the exact great-circle distance. The
unique constraint on (alert, subscriber) and ``ON CONFLICT DO NOTHING`` make every step
repeatable: a fan-out that dies half-way is simply run again.

Dispatch: claim, commit, send, record. A worker claims a batch of due rows in a short
transaction (``SKIP LOCKED`` on PostgreSQL; on SQLite the one writer) that marks them
``sending`` with a claim that expires after the lease, and commits. It then sends them
with no transaction open — never holding SQLite's single writer or a PostgreSQL row lock
across the network — and records each send's outcome in its own short transaction as
soon as it is known. Every delivery carries an idempotency key of its own
(:func:`homeward.alerts.channels.delivery_key`), the same on every attempt. A worker
killed between the claim and the record leaves rows ``sending``; once their claim has
expired they are due again and ``tick()`` restarts the dispatch, which resends them under
the same keys, so a receiver that honours the key delivers each message once.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Q
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
    """Queued rows, failed rows whose backoff is over, and rows claimed by a worker whose
    claim expired (it died between its claim and its record)."""
    return Q(status=DeliveryStatus.QUEUED) | Q(
        status__in=(DeliveryStatus.FAILED, DeliveryStatus.SENDING), next_attempt_at__lte=now
    )


def _claim_seconds() -> int:
    return int(settings.ALERT_LEASE_SECONDS)


def _claim(ring_id: int, channel: str, size: int) -> tuple[Alert, list[Delivery]]:
    """Claim up to ``size`` due deliveries in one short committed transaction: they are
    ``sending`` until the claim expires, so no other worker takes them meanwhile."""
    with transaction.atomic():
        now = timezone.now()
        alert = Alert.objects.get(rings__pk=ring_id)
        query = Delivery.objects.filter(_due(now), ring_id=ring_id, channel=channel).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True, of=("self",))
        batch = list(query.select_related("subscriber")[:size])
        if batch:
            Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(
                status=DeliveryStatus.SENDING,
                next_attempt_at=now + timedelta(seconds=_claim_seconds()),
            )
            AlertRing.objects.filter(pk=ring_id).update(heartbeat_at=now)
    return alert, batch


class _Recorder:
    """Records the outcome of each send as soon as the adapter reports it, in its own
    short transaction; renews the claim of the batch's remaining rows when a slow
    channel (one web push at a time) has used half of it."""

    def __init__(self, ring_id: int, batch: list[Delivery]) -> None:
        self.ring_id = ring_id
        self.pending = {d.pk: d for d in batch}
        self.renew_at = timezone.now() + timedelta(seconds=_claim_seconds() / 2)

    def __call__(self, deliveries: Sequence[Delivery], outcome: Outcome) -> None:
        now = timezone.now()
        with transaction.atomic():
            _record([d for d in deliveries if d.pk in self.pending], outcome, now)
            for delivery in deliveries:
                self.pending.pop(delivery.pk, None)
            if self.pending and now >= self.renew_at:
                Delivery.objects.filter(
                    pk__in=list(self.pending), status=DeliveryStatus.SENDING
                ).update(next_attempt_at=now + timedelta(seconds=_claim_seconds()))
                AlertRing.objects.filter(pk=self.ring_id).update(heartbeat_at=now)
                self.renew_at = now + timedelta(seconds=_claim_seconds() / 2)


def deliveries_dispatch(ring_id: int, channel: str, *, max_batches: int | None = None) -> int:
    """Send the ring's due deliveries of one channel, batch by batch: claim (committed),
    send with no transaction open, record each outcome. Returns how many deliveries were
    handled (sent, failed, dead-lettered or cancelled)."""
    if not AlertRing.objects.filter(pk=ring_id).exists():
        return 0
    adapter = adapter_for(channel)
    handled = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        alert, batch = _claim(ring_id, channel, settings.ALERT_DISPATCH_BATCH)
        if not batch:
            break
        handled += len(batch)
        if alert.status != AlertStatus.PUBLISHED:
            Delivery.objects.filter(
                pk__in=[d.pk for d in batch], status=DeliveryStatus.SENDING
            ).update(
                status=DeliveryStatus.CANCELLED, next_attempt_at=None, last_error="alert ended"
            )
            continue
        recorder = _Recorder(ring_id, batch)
        adapter.send(alert, batch, recorder)
        # A row the adapter did not report stays 'sending' and is retried when its claim
        # expires, under the same idempotency key.
        AlertRing.objects.filter(pk=ring_id).update(heartbeat_at=timezone.now())
        batches += 1
    return handled


def _record(deliveries: Sequence[Delivery], outcome: Outcome, now: datetime) -> None:
    """Write one send's outcome. Conditional on the row still being ``sending``: a record
    arriving after the claim expired and another worker took over changes nothing twice."""
    if not deliveries:
        return
    if outcome.ok:
        Delivery.objects.filter(
            pk__in=[d.pk for d in deliveries], status=DeliveryStatus.SENDING
        ).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            next_attempt_at=None,
            last_error="",
        )
        return
    gone: list[int] = []
    for delivery in deliveries:
        attempts = delivery.attempts + 1
        dead = outcome.permanent or attempts >= settings.ALERT_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.DEAD if dead else DeliveryStatus.FAILED,
            attempts=attempts,
            next_attempt_at=None if dead else now + backoff(attempts),
            last_error=outcome.error[:200],
        )
        if outcome.permanent and delivery.channel == Channel.WEB_PUSH:
            gone.append(delivery.subscriber_id)
    if gone:
        Subscriber.objects.filter(pk__in=gone).update(active=False)


def push_send(push_id: int) -> str:
    """Send one CAP message to one partner's webhook; back off and dead-letter on failure.

    Claim, commit, send, record: the push is marked ``sending`` (claim expiring after the
    lease) in a short transaction, posted with no transaction open, and its outcome
    written in another. A worker that dies in between leaves it ``sending``; it is due
    again when the claim expires and is resent under the same key (the CAP identifier).
    """
    with transaction.atomic():
        query = PartnerPush.objects.select_related("message", "partner").filter(pk=push_id)
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True, of=("self",))
        push = query.first()
        now = timezone.now()
        if push is None or push.status not in {
            DeliveryStatus.QUEUED,
            DeliveryStatus.FAILED,
            DeliveryStatus.SENDING,
        }:
            return "skipped"
        if push.status != DeliveryStatus.QUEUED and push.next_attempt_at > now:
            return "not_due"
        PartnerPush.objects.filter(pk=push.pk).update(
            status=DeliveryStatus.SENDING,
            next_attempt_at=now + timedelta(seconds=_claim_seconds()),
        )
    outcome = partner_push(push.partner, push.message.xml, push.message.identifier)
    now = timezone.now()
    attempts = push.attempts + 1
    update: dict[str, Any] = {"attempts": attempts}
    if outcome.ok:
        update.update(status=DeliveryStatus.SENT, sent_at=now, last_error="")
    elif attempts >= settings.ALERT_MAX_ATTEMPTS:
        update.update(status=DeliveryStatus.DEAD, last_error=outcome.error[:200])
    else:
        update.update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=now + backoff(attempts),
            last_error=outcome.error[:200],
        )
    with transaction.atomic():
        PartnerPush.objects.filter(pk=push.pk, status=DeliveryStatus.SENDING).update(**update)
    return str(update["status"])


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
        | Q(status__in=(DeliveryStatus.FAILED, DeliveryStatus.SENDING), next_attempt_at__lte=now)
    )
    return [(pk,) for pk in pushes.values_list("pk", flat=True)]
