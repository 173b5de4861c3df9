"""Exactly-once on a real channel (issue 19, item 4): SMS through a real HTTP gateway,
sent by a real Celery worker on Redis that is killed three times during the sends and
restarted each time with another batch size. The gateway (a threaded HTTP server)
counts what it receives: no phone is reached under two keys (0 duplicates) and every
phone is reached (0 missing). A batch in flight at a kill may be received again under
the same per-message keys: a *replay*, which a gateway honouring the keys drops; the
test reports it.

Scaled down to run in seconds; ``bench/alerts_exactly_once.py`` runs it at 20,000 sends
(HOMEWARD_EXACTLY_ONCE_SENDS, HOMEWARD_EXACTLY_ONCE_BATCH) and prints the figures that
the test writes to HOMEWARD_EXACTLY_ONCE_REPORT.
"""

from __future__ import annotations

import json
import math
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from homeward.alerts.models import Alert, Channel, Delivery, DeliveryStatus, Subscriber
from homeward.alerts.services import alert_create, alert_publish
from homeward.core.models import Division
from homeward.core.roles import Role
from homeward.core.tick import tick
from homeward.geotarget import cell_of
from homeward.testing.celery import celery_conf
from homeward.testing.factories import UserFactory, agency
from homeward.testing.receiver import Receiver

from .worker import new_queue, redis_url_or_skip, start_worker, stop_worker, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SENDS = int(os.environ.get("HOMEWARD_EXACTLY_ONCE_SENDS", "600"))
BATCH = int(os.environ.get("HOMEWARD_EXACTLY_ONCE_BATCH", "10"))
KILLS = 3
# Each restarted worker batches differently, so a batch key could not deduplicate.
RESTART_BATCHES = (BATCH * 3 + 1, max(BATCH // 2, 1) + 6, BATCH * 7 + 3)


def _phones() -> None:
    rows = []
    for i in range(SENDS):
        angle = i * 2.399963
        km = 60 * math.sqrt((i + 0.5) / SENDS)
        lat = 29.5579 + km / 111.2 * math.cos(angle)
        lon = 106.5772 + km / (111.2 * math.cos(math.radians(29.56))) * math.sin(angle)
        rows.append(
            Subscriber(
                channel=Channel.SMS,
                external_ref=f"phone-{i}",
                endpoint=f"139{i:08d}",
                latitude=lat,
                longitude=lon,
                h3_cell=cell_of(lat, lon),
            )
        )
    Subscriber.objects.bulk_create(rows, batch_size=2000)


def test_a_worker_killed_three_times_during_sms_sends_reaches_every_phone_once(
    settings: Any,
) -> None:
    broker = redis_url_or_skip()
    queue = new_queue()
    settings.ALERT_LEASE_SECONDS = 2
    gateway = Receiver(delay_seconds=0.03)
    worker_env = {
        "HOMEWARD_SMS_GATEWAY_URL": f"{gateway.url}/sms",
        "HOMEWARD_SMS_GATEWAY_SECRET": "gateway-secret",
        "HOMEWARD_ALERT_LEASE_SECONDS": "5",
    }
    commander = UserFactory(
        roles=[Role.ALERT_COMMANDER],
        agency=agency("500103-public_security"),
        leader_post="head",
    )
    _phones()
    alert = alert_create(
        actor=commander,
        division=Division.objects.get(code="500103"),
        public_name="小红",
        age_years=5,
        clothing="粉色裙子",
        last_seen_at=timezone.now() - timedelta(minutes=20),
        last_seen_place="解放碑",
        latitude=29.5579,
        longitude=106.5772,
        no_photo_reason="无近照",
    )
    started = time.monotonic()
    worker = start_worker(queue, broker, HOMEWARD_ALERT_DISPATCH_BATCH=str(BATCH), **worker_env)
    at_kill: list[int] = []
    try:
        with celery_conf(broker_url=broker, task_always_eager=False, task_default_queue=queue):
            alert = alert_publish(
                actor=commander, alert=alert, version=alert.version, leader=commander
            )
            for kill, batch in enumerate(RESTART_BATCHES[:KILLS], start=1):
                # Kill the worker without warning while it is sending.
                threshold = SENDS * kill // (KILLS + 1)

                seen = [-1]

                def reached(threshold: int = threshold, seen: list[int] = seen) -> bool:
                    delivered = gateway.delivered
                    if delivered >= threshold:
                        return True
                    # Tick only while nothing is being sent: it restarts the killed
                    # worker's dispatch once its lease is over. Ticking while the worker
                    # sends could take longer than the sends left, and the dispatch would
                    # finish before the kill.
                    if delivered == seen[0]:
                        tick()
                    seen[0] = delivered
                    return gateway.delivered >= threshold

                assert wait_for(reached, timeout=180)
                stop_worker(worker, kill=True)
                at_kill.append(gateway.delivered)
                assert at_kill[-1] < SENDS, "the dispatch finished before the kill"
                worker = start_worker(
                    queue, broker, HOMEWARD_ALERT_DISPATCH_BATCH=str(batch), **worker_env
                )

            def finished() -> bool:
                tick()  # restarts the stalled dispatch once its lease is over
                sent = Delivery.objects.filter(alert=alert, status=DeliveryStatus.SENT)
                return sent.count() == SENDS

            assert wait_for(finished, timeout=600)
    finally:
        stop_worker(worker)
        gateway.close()
    elapsed = time.monotonic() - started
    phones = {f"139{i:08d}" for i in range(SENDS)}
    missing = len(phones - gateway.recipients())
    figures = {
        "sends": SENDS,
        "kills": len(at_kill),
        "delivered_at_each_kill": at_kill,
        "batches": [BATCH, *RESTART_BATCHES[:KILLS]],
        "requests": len(gateway.requests),
        "delivered": gateway.delivered,
        "duplicates": gateway.duplicates,
        "missing": missing,
        "replays_dropped_by_key": gateway.replays,
        "wall_seconds": round(elapsed, 2),
    }
    if report := os.environ.get("HOMEWARD_EXACTLY_ONCE_REPORT"):
        Path(report).write_text(json.dumps(figures))
    assert (figures["duplicates"], figures["missing"], figures["delivered"]) == (0, 0, SENDS)
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.PUBLISHED
