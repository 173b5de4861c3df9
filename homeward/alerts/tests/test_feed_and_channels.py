"""The partner feed (CAP 1.2, Atom) and the channels: signed partner webhooks with retry
and dead-letter, the SMS gateway, web push, and the outbox when the broker is down."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from lxml import etree

from homeward.alerts.channels import SIGNATURE_HEADER, delivery_key, verify_signature
from homeward.alerts.dispatch import deliveries_dispatch, push_send
from homeward.alerts.models import (
    Alert,
    AlertRing,
    CapMessage,
    Channel,
    Delivery,
    DeliveryStatus,
    Partner,
    PartnerPush,
    RecordedMessage,
    Subscriber,
)
from homeward.alerts.services import (
    alert_end,
    alert_publish,
    partner_register,
    subscriber_upsert,
)
from homeward.core.models import User
from homeward.core.tick import tick

from .conftest import Receiver, place_subscribers

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "CAP-v1.2.xsd")))
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


@pytest.fixture
def publish(committed: Callable[..., Any], commander: User) -> Callable[[Alert], Alert]:
    def run(alert: Alert) -> Alert:
        return committed(  # type: ignore[no-any-return]
            alert_publish, actor=commander, alert=alert, version=alert.version, leader=commander
        )

    return run


def _validate(xml: str) -> ET.Element:
    document = etree.fromstring(xml.encode())
    SCHEMA.assertValid(document)
    return ET.fromstring(xml)  # noqa: S314 - our own output


def test_every_message_of_the_thread_is_valid_cap_1_2(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    committed: Callable[..., Any],
    commander: User,
) -> None:
    alert = publish(make_draft(minutes_ago=50))
    with time_machine.travel(timezone.now() + timedelta(minutes=15)):
        committed(tick)
    alert.refresh_from_db()
    committed(alert_end, actor=commander, alert=alert, version=alert.version, outcome="found_safe")
    messages = list(CapMessage.objects.filter(alert=alert).order_by("sequence"))
    assert [m.msg_type for m in messages] == ["Alert", "Update", "Cancel"]
    circles = []
    for index, message in enumerate(messages):
        root = _validate(message.xml)
        assert root.findtext(f"{CAP}msgType") == message.msg_type
        assert root.findtext(f"{CAP}identifier") == message.identifier
        infos = root.findall(f"{CAP}info")
        assert [i.findtext(f"{CAP}language") for i in infos] == ["zh-CN", "en-US"]
        for info in infos:
            assert info.findtext(f"{CAP}category") == "Rescue"
            assert info.findtext(f"{CAP}urgency") == "Immediate"
            assert info.findtext(f"{CAP}severity") == "Severe"
        assert infos[1].findtext(f"{CAP}event") == "Child Abduction"
        circles.append(infos[0].findtext(f"{CAP}area/{CAP}circle"))
        references = root.findtext(f"{CAP}references") or ""
        assert references.count(",") == 2 * index  # every earlier message is referenced
        text = message.xml
        assert "左脸有痣" in text or message.msg_type == "Cancel"
        assert "与母亲在商场走散" not in text  # circumstances stay with the police
    assert circles[0].endswith(" 100") and circles[1].endswith(" 200")
    assert "resource" not in messages[2].xml  # the photo is not offered after the end


def test_partners_get_the_thread_by_signed_webhook_and_pull_the_feed(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    committed: Callable[..., Any],
    commander: User,
    receiver: Receiver,
) -> None:
    partner, token, secret = partner_register(
        actor=None, code="sichuan", name="四川省平台", webhook_url=f"{receiver.url}/cap"
    )
    alert = publish(make_draft())
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["headers"]["content-type"].startswith("application/cap+xml")
    assert verify_signature(secret, request["body"], request["headers"][SIGNATURE_HEADER.lower()])
    assert not verify_signature(
        "wrong", request["body"], request["headers"][SIGNATURE_HEADER.lower()]
    )
    _validate(request["body"].decode())

    client = Client()
    assert client.get("/api/v1/partner/alerts.atom").status_code == 401
    assert (
        client.get(
            "/api/v1/partner/alerts.atom", HTTP_AUTHORIZATION="Bearer not-a-token"
        ).status_code
        == 401
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    feed = client.get("/api/v1/partner/alerts.atom", **bearer)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")  # noqa: S314
    assert len(entries) == 1
    latest = client.get(f"/api/v1/partner/alerts/{alert.public_id}/cap", **bearer)
    assert latest.status_code == 200
    _validate(latest.content.decode())

    alert.refresh_from_db()
    committed(alert_end, actor=commander, alert=alert, version=alert.version, outcome="found_safe")
    assert len(receiver.requests) == 2
    cancel = _validate(receiver.requests[1]["body"].decode())
    assert cancel.findtext(f"{CAP}msgType") == "Cancel"
    feed = client.get("/api/v1/partner/alerts.atom", **bearer)
    assert ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry") == []  # noqa: S314
    latest = client.get(f"/api/v1/partner/alerts/{alert.public_id}/cap", **bearer)
    assert ET.fromstring(latest.content).findtext(f"{CAP}msgType") == "Cancel"  # noqa: S314
    partner.active = False
    partner.save()
    assert client.get("/api/v1/partner/alerts.atom", **bearer).status_code == 401


def test_a_failing_partner_is_retried_with_backoff_then_dead_lettered(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    receiver: Receiver,
    settings: Any,
) -> None:
    settings.ALERT_MAX_ATTEMPTS = 3
    receiver.statuses = [500, 503, 500, 500]
    partner_register(actor=None, code="maps", name="地图", webhook_url=f"{receiver.url}/cap")
    publish(make_draft())
    push = PartnerPush.objects.get()
    assert (push.status, push.attempts) == (DeliveryStatus.FAILED, 1)
    assert push_send(push.pk) == "not_due"  # backoff: not before 30 s
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert push_send(push.pk) == DeliveryStatus.FAILED
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert push_send(push.pk) == DeliveryStatus.DEAD
        assert push_send(push.pk) == "skipped"
    push.refresh_from_db()
    assert push.attempts == 3 and push.last_error == "HTTP 500"
    assert len(receiver.requests) == 3


def test_partner_users_are_notified_in_one_signed_batch_per_partner(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    receiver: Receiver,
) -> None:
    partner, token, secret = partner_register(
        actor=None, code="app", name="出行App", webhook_url=f"{receiver.url}/hook"
    )
    client = Client()
    body = {
        "subscribers": [
            {"ref": "u-1", "latitude": 29.56, "longitude": 106.57},
            {"ref": "u-2", "latitude": 29.60, "longitude": 106.50},
            {"ref": "u-far", "latitude": 39.9, "longitude": 116.4},
            {"ref": "u-sms", "latitude": 29.58, "longitude": 106.55, "phone": "13800000002"},
        ]
    }
    response = client.put(
        "/api/v1/partner/subscribers",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200 and response.json() == {"accepted": 4}
    bad = client.put(
        "/api/v1/partner/subscribers",
        json.dumps(
            {"subscribers": [{"ref": "", "latitude": 99, "longitude": 0, "phone": "12345"}]}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_rows"
    assert set(bad.json()["fields"]) == {
        "subscribers.0.ref",
        "subscribers.0.latitude",
        "subscribers.0.phone",
    }
    assert Subscriber.objects.filter(partner=partner).count() == 4
    assert Subscriber.objects.get(external_ref="u-sms").channel == Channel.SMS
    publish(make_draft())
    hooks = [r for r in receiver.requests if r["path"] == "/hook"]
    notify = [
        json.loads(r["body"])
        for r in hooks
        if r["headers"]["content-type"].startswith("application/json")
    ]
    assert len(notify) == 1
    assert sorted(notify[0]["recipients"]) == ["u-1", "u-2"]
    assert "circumstances" not in json.dumps(notify[0])
    assert Delivery.objects.filter(status=DeliveryStatus.SENT, channel=Channel.PARTNER).count() == 2
    # The phone user went through the SMS channel (recorded: no gateway configured here).
    assert Delivery.objects.get(channel=Channel.SMS).status == DeliveryStatus.SENT
    gone = client.delete("/api/v1/partner/subscribers/u-sms", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert gone.status_code == 204
    assert not Subscriber.objects.get(external_ref="u-sms").active


def test_the_sms_gateway_gets_a_signed_batch_and_a_down_gateway_is_retried(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    receiver: Receiver,
    settings: Any,
) -> None:
    settings.ALERT_SMS_GATEWAY_URL = f"{receiver.url}/sms"
    settings.ALERT_SMS_GATEWAY_SECRET = "gateway-secret"
    receiver.statuses = [502]
    subscriber_upsert(
        channel=Channel.SMS,
        external_ref="p1",
        endpoint="13800000001",
        latitude=29.56,
        longitude=106.57,
    )
    alert = publish(make_draft())
    delivery = Delivery.objects.get(alert=alert)
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_error == "HTTP 502"
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert deliveries_dispatch(delivery.ring_id, Channel.SMS) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    sms = json.loads(receiver.requests[-1]["body"])
    assert sms["messages"][0]["to"] == "13800000001"
    assert "小明" in sms["messages"][0]["text"]
    assert verify_signature(
        "gateway-secret",
        receiver.requests[-1]["body"],
        receiver.requests[-1]["headers"][SIGNATURE_HEADER.lower()],
    )
    assert (
        receiver.requests[0]["headers"]["idempotency-key"]
        == receiver.requests[1]["headers"]["idempotency-key"]
    )
    # The message carries its own key, the same on every attempt and in any batch.
    first = json.loads(receiver.requests[0]["body"])["messages"][0]["id"]
    assert sms["messages"][0]["id"] == first == delivery_key(alert, delivery.subscriber_id)


def test_web_push_is_encrypted_and_vapid_signed_and_a_gone_browser_is_dropped(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    receiver: Receiver,
    settings: Any,
    tmp_path: Path,
) -> None:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    settings.ALERT_WEB_PUSH = True
    settings.ALERT_VAPID_KEY_FILE = tmp_path / "vapid.pem"
    browser_key = ec.generate_private_key(ec.SECP256R1())
    public = browser_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    client = Client()
    for name in ("keep", "gone"):
        response = client.post(
            "/api/v1/alerts/public/subscriptions",
            json.dumps(
                {
                    "subscription": {
                        "endpoint": f"{receiver.url}/push/{name}".replace("http://", "https://"),
                        "keys": {"p256dh": b64(public), "auth": b64(b"0123456789abcdef")},
                    },
                    "latitude": 29.56,
                    "longitude": 106.57,
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201
    # The browsers' push services are plain HTTP on this machine.
    for subscriber in Subscriber.objects.filter(channel=Channel.WEB_PUSH):
        info = json.loads(subscriber.endpoint)
        info["endpoint"] = info["endpoint"].replace("https://", "http://")
        subscriber.endpoint = json.dumps(info)
        subscriber.save()
    receiver.statuses = [201, 410]
    publish(make_draft())
    pushes = [r for r in receiver.requests if r["path"].startswith("/push/")]
    assert len(pushes) == 2
    for push in pushes:
        assert push["headers"]["content-encoding"] == "aes128gcm"
        assert push["headers"]["authorization"].startswith("vapid t=")
        assert "小明".encode() not in push["body"]  # the payload is encrypted
    # Each push carries its delivery's own key as its Topic (RFC 8030): a resend replaces
    # the pending message at the push service instead of adding a second one.
    topics = {push["headers"]["topic"] for push in pushes}
    assert topics == {
        delivery_key(d.alert, d.subscriber_id) for d in Delivery.objects.select_related("alert")
    }
    statuses = sorted(Delivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.DEAD, DeliveryStatus.SENT]
    assert Subscriber.objects.filter(active=False).count() == 1
    assert client.get("/public/alerts/subscribe/").status_code == 200
    # The public turns alerts off again.
    keep = Subscriber.objects.get(active=True)
    endpoint = json.loads(keep.endpoint)["endpoint"].replace("http://", "https://")
    off = client.post(
        "/api/v1/alerts/public/subscriptions/remove",
        json.dumps({"endpoint": endpoint}),
        content_type="application/json",
    )
    assert off.status_code == 200
    assert not Subscriber.objects.filter(active=True).exists()


def test_with_the_broker_down_the_publication_is_kept_and_tick_sends_it_once(
    make_draft: Callable[..., Alert],
    commander: User,
    committed: Callable[..., Any],
    client_for: Callable[[User], Client],
) -> None:
    from homeward.testing.celery import celery_conf

    place_subscribers([(29.56, 106.57), (29.7, 106.6)])
    alert = make_draft()
    client = client_for(commander)
    # Nothing listens on port 1: every enqueue fails.
    with celery_conf(
        broker_url="redis://127.0.0.1:1/0", task_always_eager=False, task_publish_retry=False
    ):
        response = committed(
            client.post,
            f"/api/v1/alerts/{alert.pk}/publish",
            json.dumps({"version": alert.version, "leader_id": commander.pk}),
            content_type="application/json",
        )
    assert response.status_code == 202
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PUBLISHED
    ring = AlertRing.objects.get(alert=alert)
    assert ring.fanout_done_at is None and not Delivery.objects.exists()
    # The broker is back; the sweep starts the work after the lease, exactly once.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        committed(tick)
        committed(tick)
    assert RecordedMessage.objects.filter(alert=alert).count() == 2
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2


def test_a_partner_token_is_stored_only_as_a_digest(db: None) -> None:
    partner, token, secret = partner_register(actor=None, code="x", name="X")
    stored = Partner.objects.get(pk=partner.pk)
    assert token not in stored.token_digest
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT signing_secret FROM alerts_partner WHERE id = %s", [partner.pk])
        assert secret not in cursor.fetchone()[0]
