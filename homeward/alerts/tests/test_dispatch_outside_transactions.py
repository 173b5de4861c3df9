"""Dispatch never holds the database across the network (issue 19, item 3).

In embedded mode SQLite has one writer: a dispatch that sent HTTP inside its write
transaction locked every other writer out for as long as the gateway took (a public
sighting failed with "database is locked"). Claim, commit, send, record: while an SMS
gateway holds a request open, the public can still report a sighting.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from homeward.alerts.models import (
    Alert,
    Channel,
    Delivery,
    DeliveryStatus,
    Sighting,
    Subscriber,
)
from homeward.alerts.services import alert_publish
from homeward.core.models import User
from homeward.geotarget import cell_of
from homeward.testing.receiver import Receiver

from .conftest import JIEFANGBEI

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def phones(count: int) -> None:
    lat, lon = JIEFANGBEI
    Subscriber.objects.bulk_create(
        Subscriber(
            channel=Channel.SMS,
            external_ref=f"phone-{i}",
            endpoint=f"1380000{i:04d}",
            latitude=lat + i * 0.001,
            longitude=lon,
            h3_cell=cell_of(lat + i * 0.001, lon),
        )
        for i in range(count)
    )


@pytest.fixture
def gateway(settings: Any) -> Any:
    cache.clear()  # the public submission limit counts earlier tests' reports
    receiver = Receiver()
    settings.ALERT_SMS_GATEWAY_URL = f"{receiver.url}/sms"
    settings.ALERT_SMS_GATEWAY_SECRET = "gateway-secret"
    settings.ALERT_DISPATCH_BATCH = 5
    yield receiver
    receiver.close()


def test_a_public_sighting_is_accepted_while_the_sms_gateway_holds_a_send(
    make_draft: Callable[..., Alert], commander: User, gateway: Receiver
) -> None:
    # given subscribers and a gateway that holds every request until released
    phones(12)
    draft = make_draft()
    gateway.released.clear()
    failures: list[BaseException] = []

    def publish() -> None:
        try:
            # Eager tasks: the fan-out and the dispatch run in this thread after commit.
            alert_publish(actor=commander, alert=draft, version=draft.version, leader=commander)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)
        finally:
            connection.close()

    publisher = threading.Thread(target=publish)
    publisher.start()
    try:
        assert gateway.in_flight.wait(60), "the dispatch never reached the gateway"
        # when a member of the public reports a sighting while the send is in flight
        response = Client().post(
            f"/api/v1/alerts/public/{draft.public_id}/sightings",
            json.dumps({"description": "在解放碑看到一个穿红外套的男孩", "place": "解放碑"}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        held = not gateway.released.is_set() and not gateway.requests
    finally:
        gateway.released.set()
        publisher.join(120)
    # then it was stored while the gateway still held the first batch
    assert response.status_code == 201, response.content
    assert held
    assert Sighting.objects.filter(alert=draft).count() == 1
    # and the dispatch finished once the gateway answered: every message sent once
    assert not failures
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert (gateway.delivered, gateway.replays, gateway.duplicates) == (12, 0, 0)


def test_a_send_in_flight_is_marked_sending_and_committed_before_the_request(
    make_draft: Callable[..., Alert], commander: User, gateway: Receiver
) -> None:
    # given a gateway holding the first batch
    phones(1)
    draft = make_draft()
    gateway.released.clear()
    publisher = threading.Thread(
        target=lambda: (
            alert_publish(actor=commander, alert=draft, version=draft.version, leader=commander),
            connection.close(),
        )
    )
    publisher.start()
    try:
        assert gateway.in_flight.wait(60)
        # then another connection already sees the claim (state recorded before the send)
        claimed = list(Delivery.objects.values_list("status", "next_attempt_at"))
    finally:
        gateway.released.set()
        publisher.join(120)
    assert [status for status, _ in claimed] == [DeliveryStatus.SENDING]
    assert claimed[0][1] is not None
    # and after the send the outcome is recorded
    assert Delivery.objects.get().status == DeliveryStatus.SENT
