"""Kill the worker in the middle of an alert's dispatch, restart it: every recipient is
notified exactly once (issue 4: duplicates = 0, missing = 0), on Redis and a real
Celery worker."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from homeward.alerts.models import Alert, Delivery, DeliveryStatus, RecordedMessage, Subscriber
from homeward.alerts.services import alert_create, alert_publish
from homeward.core.models import Division
from homeward.core.roles import Role
from homeward.core.tick import tick
from homeward.geotarget import cell_of
from homeward.testing.celery import celery_conf
from homeward.testing.factories import UserFactory, agency

from .worker import new_queue, redis_url_or_skip, start_worker, stop_worker, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECIPIENTS = 2000
BATCH = 50


def _subscribers() -> None:
    # A spiral of people within 60 km of 解放碑.
    rows = []
    for i in range(RECIPIENTS):
        angle = i * 2.399963
        km = 60 * math.sqrt((i + 0.5) / RECIPIENTS)
        lat = 29.5579 + km / 111.2 * math.cos(angle)
        lon = 106.5772 + km / (111.2 * math.cos(math.radians(29.56))) * math.sin(angle)
        rows.append(
            Subscriber(
                channel="web_push",
                external_ref=f"crash-{i}",
                endpoint="{}",
                latitude=lat,
                longitude=lon,
                h3_cell=cell_of(lat, lon),
            )
        )
    Subscriber.objects.bulk_create(rows)


def test_a_worker_killed_mid_dispatch_loses_nobody_and_repeats_nobody(settings: Any) -> None:
    broker = redis_url_or_skip()
    queue = new_queue()
    settings.ALERT_LEASE_SECONDS = 2
    commander = UserFactory(
        roles=[Role.ALERT_COMMANDER],
        agency=agency("500103-public_security"),
        leader_post="head",
    )
    _subscribers()
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
    slow = {"HOMEWARD_ALERT_RECORD_DELAY_MS": "150", "HOMEWARD_ALERT_DISPATCH_BATCH": str(BATCH)}
    worker = start_worker(queue, broker, **slow)
    try:
        with celery_conf(broker_url=broker, task_always_eager=False, task_default_queue=queue):
            alert = alert_publish(
                actor=commander, alert=alert, version=alert.version, leader=commander
            )
            # Let part of the dispatch happen, then kill the worker without warning.
            assert wait_for(
                lambda: RecordedMessage.objects.filter(alert=alert).count() >= 4 * BATCH
            )
            stop_worker(worker, kill=True)
            sent_before_crash = RecordedMessage.objects.filter(alert=alert).count()
            assert sent_before_crash < RECIPIENTS, "the dispatch finished before the kill"
            assert Delivery.objects.filter(alert=alert).count() == RECIPIENTS

            # A new worker; tick() notices the stalled dispatch once its lease is over.
            worker = start_worker(queue, broker, HOMEWARD_ALERT_DISPATCH_BATCH="500")

            def finished() -> bool:
                tick()
                return (
                    Delivery.objects.filter(alert=alert, status=DeliveryStatus.SENT).count()
                    == RECIPIENTS
                )

            assert wait_for(finished, timeout=120)
    finally:
        stop_worker(worker)
    per_subscriber = (
        RecordedMessage.objects.filter(alert=alert).values("subscriber_id").annotate(n=Count("pk"))
    )
    duplicates = [row for row in per_subscriber if row["n"] > 1]
    missing = RECIPIENTS - len(per_subscriber)
    assert (len(duplicates), missing) == (0, 0)
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.PUBLISHED
