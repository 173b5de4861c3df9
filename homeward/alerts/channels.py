"""Channel adapters: how a batch of deliveries leaves the platform.

Each adapter takes an alert and a batch of its claimed deliveries, sends them, and
reports each send's outcome to ``report`` as soon as it is known (the dispatcher writes
it in a short transaction). No transaction is open while an adapter talks to the
network (see :mod:`homeward.alerts.dispatch`).

Every delivery has its own idempotency key (:func:`delivery_key`): a digest of the alert
and the subscriber, the same on every attempt whatever the batch it travels in, so a
receiver drops a resend after a crash even when the restarted worker batches differently.

- partner: one signed webhook POST per partner per batch, each recipient with its key;
- SMS: one signed POST per batch to the SMS gateway, each message with its key as ``id``;
- web push: one VAPID-signed push per subscriber (pywebpush), the key as the push
  ``Topic`` (RFC 8030: the push service replaces a pending message of the same topic);
- recording: writes ``RecordedMessage`` rows and the outcome in one transaction (used when
  a channel is not configured), so it is exactly-once by construction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from homeward.alerts.cap import public_url
from homeward.alerts.models import Alert, Channel, Delivery, Partner, RecordedMessage

logger = logging.getLogger("homeward.alerts")

SIGNATURE_HEADER = "X-Homeward-Signature"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    permanent: bool = False  # retrying cannot help (a gone push subscription, a 4xx)


OK = Outcome(ok=True)


# The dispatcher's callback: these deliveries were sent (or failed) with this outcome.
Report = Callable[[Sequence[Delivery], Outcome], None]


class ChannelAdapter(Protocol):
    def send(self, alert: Alert, deliveries: list[Delivery], report: Report) -> None: ...


def delivery_key(alert: Alert, subscriber_id: int) -> str:
    """The idempotency key of one notification: this alert, this subscriber. 32 characters
    of base64url (a valid web push ``Topic``), stable across attempts, batches and
    workers, and revealing nothing of the subscriber."""
    digest = hashlib.blake2b(
        f"{alert.public_id}:{subscriber_id}".encode(), digest_size=24, person=b"hw-delivery"
    ).digest()
    return base64.urlsafe_b64encode(digest).decode()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """``t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">``: the receiver recomputes it and
    refuses a stale timestamp, so a captured request cannot be replayed later."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def verify_signature(secret: str, body: bytes, header: str, *, tolerance: int = 300) -> bool:
    """What a partner does with :data:`SIGNATURE_HEADER` (also used by the tests)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        stamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - stamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, stamp), header)


def notification(alert: Alert) -> dict[str, Any]:
    """The text of a notification: public fields only, in Chinese (the public's language)."""
    with translation.override("zh-hans"):
        return {
            "alert": str(alert.public_id),
            "title": _("Missing child: %(name)s, %(age)s years old")
            % {"name": alert.public_name, "age": alert.age_years},
            "body": _("Last seen at %(place)s. If you see this child, call %(hotline)s.")
            % {"place": alert.last_seen_place, "hotline": alert.hotline},
            "url": public_url(reverse("public_alerts:detail", args=[alert.public_id])),
        }


def _post(url: str, secret: str, payload: dict[str, Any], key: str) -> Outcome:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": key,
        SIGNATURE_HEADER: sign(secret, body),
    }
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=settings.ALERT_HTTP_TIMEOUT_SECONDS
        )
    except requests.RequestException as exc:
        return Outcome(ok=False, error=type(exc).__name__)
    if 200 <= response.status_code < 300:
        return OK
    permanent = 400 <= response.status_code < 500 and response.status_code not in {408, 429}
    return Outcome(ok=False, error=f"HTTP {response.status_code}", permanent=permanent)


def _batch_key(keys: Sequence[str]) -> str:
    """The request's own ``Idempotency-Key``: a digest of its deliveries' keys. The
    per-delivery keys in the body are what a receiver must deduplicate on (a restarted
    worker may batch the same deliveries differently)."""
    return hashlib.sha256(",".join(sorted(keys)).encode()).hexdigest()[:32]


class RecordingChannel:
    """Records what would have been sent, and the outcome, in one transaction."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, alert: Alert, deliveries: list[Delivery], report: Report) -> None:
        if settings.ALERT_RECORD_DELAY_MS:
            time.sleep(settings.ALERT_RECORD_DELAY_MS / 1000)
        payload = notification(alert)
        with transaction.atomic():
            RecordedMessage.objects.bulk_create(
                [
                    RecordedMessage(
                        channel=self.channel,
                        alert=alert,
                        subscriber_id=d.subscriber_id,
                        delivery_id=d.pk,
                        payload=payload,
                    )
                    for d in deliveries
                ]
            )
            report(deliveries, OK)


class PartnerUsersChannel:
    """Partner apps notify their own users: one signed POST per partner and batch."""

    def send(self, alert: Alert, deliveries: list[Delivery], report: Report) -> None:
        by_partner: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            by_partner[delivery.subscriber.partner_id or 0].append(delivery)
        partners = Partner.objects.in_bulk(list(by_partner))
        for partner_id, group in by_partner.items():
            partner = partners.get(partner_id)
            if partner is None or not partner.active:
                report(group, Outcome(False, "partner inactive", permanent=True))
                continue
            if not partner.webhook_url:
                RecordingChannel(Channel.PARTNER).send(alert, group, report)
                continue
            keys = [delivery_key(alert, d.subscriber_id) for d in group]
            payload = {
                "type": "notify",
                "notification": notification(alert),
                "recipients": [d.subscriber.external_ref for d in group],
                "deliveries": [
                    {"id": key, "recipient": d.subscriber.external_ref}
                    for key, d in zip(keys, group, strict=True)
                ],
            }
            report(
                group, _post(partner.webhook_url, partner.signing_secret, payload, _batch_key(keys))
            )


class SmsGatewayChannel:
    def send(self, alert: Alert, deliveries: list[Delivery], report: Report) -> None:
        if not settings.ALERT_SMS_GATEWAY_URL:
            RecordingChannel(Channel.SMS).send(alert, deliveries, report)
            return
        note = notification(alert)
        text = f"{note['title']} {note['body']} {note['url']}"
        keys = [delivery_key(alert, d.subscriber_id) for d in deliveries]
        payload = {
            "messages": [
                {"id": key, "to": d.subscriber.endpoint, "text": text}
                for key, d in zip(keys, deliveries, strict=True)
            ]
        }
        outcome = _post(
            settings.ALERT_SMS_GATEWAY_URL,
            settings.ALERT_SMS_GATEWAY_SECRET,
            payload,
            _batch_key(keys),
        )
        report(deliveries, outcome)


class WebPushChannel:
    def send(self, alert: Alert, deliveries: list[Delivery], report: Report) -> None:
        if not settings.ALERT_WEB_PUSH:
            RecordingChannel(Channel.WEB_PUSH).send(alert, deliveries, report)
            return
        from pywebpush import WebPushException, webpush

        from homeward.alerts.webpush import vapid_private_key_path

        data = json.dumps(notification(alert), ensure_ascii=False)
        for delivery in deliveries:
            try:
                webpush(
                    subscription_info=json.loads(delivery.subscriber.endpoint),
                    data=data,
                    vapid_private_key=str(vapid_private_key_path()),
                    vapid_claims={"sub": settings.ALERT_VAPID_CONTACT},
                    ttl=6 * 3600,
                    timeout=settings.ALERT_HTTP_TIMEOUT_SECONDS,
                    headers={"Topic": delivery_key(alert, delivery.subscriber_id)},
                )
                outcome = OK
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", 0)
                outcome = Outcome(ok=False, error=f"push {status}", permanent=status in {404, 410})
            except (ValueError, requests.RequestException) as exc:
                outcome = Outcome(ok=False, error=type(exc).__name__)
            report([delivery], outcome)


def adapter_for(channel: str) -> ChannelAdapter:
    if channel == Channel.PARTNER:
        return PartnerUsersChannel()
    if channel == Channel.SMS:
        return SmsGatewayChannel()
    if channel == Channel.WEB_PUSH:
        return WebPushChannel()
    raise ValueError(f"unknown channel {channel!r}")


def partner_push(partner: Partner, message_xml: str, identifier: str) -> Outcome:
    """POST one CAP message to a partner's webhook (signed, idempotent by identifier)."""
    body = message_xml.encode()
    headers = {
        "Content-Type": "application/cap+xml; charset=utf-8",
        "Idempotency-Key": identifier,
        SIGNATURE_HEADER: sign(partner.signing_secret, body),
    }
    try:
        response = requests.post(
            partner.webhook_url,
            data=body,
            headers=headers,
            timeout=settings.ALERT_HTTP_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        return Outcome(ok=False, error=type(exc).__name__)
    if 200 <= response.status_code < 300:
        return OK
    return Outcome(ok=False, error=f"HTTP {response.status_code}")
