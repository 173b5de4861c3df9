"""Channel adapters: how a batch of deliveries leaves the platform.

Each adapter takes an alert and a batch of its deliveries and answers, per delivery,
whether it went out. The dispatcher calls it inside the transaction that claims the
batch and records the outcome, so the recording channel (development and tests) is
exactly-once by construction of that transaction, and the HTTP channels send an
``Idempotency-Key`` that lets the receiver drop a resend after a crash.

- partner: one signed webhook POST per partner per batch, listing its users to notify;
- SMS: one signed POST per batch to the SMS gateway;
- web push: one VAPID-signed push per subscriber (pywebpush);
- recording: writes ``RecordedMessage`` rows (used when a channel is not configured).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
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


class ChannelAdapter(Protocol):
    def send(self, alert: Alert, deliveries: list[Delivery]) -> dict[int, Outcome]: ...


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


def _batch_key(deliveries: list[Delivery]) -> str:
    ids = ",".join(str(d.pk) for d in sorted(deliveries, key=lambda d: d.pk))
    return hashlib.sha256(ids.encode()).hexdigest()[:32]


class RecordingChannel:
    """Records what would have been sent, in the dispatch transaction."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, alert: Alert, deliveries: list[Delivery]) -> dict[int, Outcome]:
        if settings.ALERT_RECORD_DELAY_MS:
            time.sleep(settings.ALERT_RECORD_DELAY_MS / 1000)
        payload = notification(alert)
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
        return {d.pk: OK for d in deliveries}


class PartnerUsersChannel:
    """Partner apps notify their own users: one signed POST per partner and batch."""

    def send(self, alert: Alert, deliveries: list[Delivery]) -> dict[int, Outcome]:
        by_partner: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            by_partner[delivery.subscriber.partner_id or 0].append(delivery)
        partners = Partner.objects.in_bulk(list(by_partner))
        outcomes: dict[int, Outcome] = {}
        for partner_id, group in by_partner.items():
            partner = partners.get(partner_id)
            if partner is None or not partner.active:
                outcomes.update(
                    {d.pk: Outcome(False, "partner inactive", permanent=True) for d in group}
                )
                continue
            if not partner.webhook_url:
                outcomes.update(RecordingChannel(Channel.PARTNER).send(alert, group))
                continue
            payload = {
                "type": "notify",
                "notification": notification(alert),
                "recipients": [d.subscriber.external_ref for d in group],
            }
            outcome = _post(partner.webhook_url, partner.signing_secret, payload, _batch_key(group))
            outcomes.update({d.pk: outcome for d in group})
        return outcomes


class SmsGatewayChannel:
    def send(self, alert: Alert, deliveries: list[Delivery]) -> dict[int, Outcome]:
        if not settings.ALERT_SMS_GATEWAY_URL:
            return RecordingChannel(Channel.SMS).send(alert, deliveries)
        note = notification(alert)
        text = f"{note['title']} {note['body']} {note['url']}"
        payload = {
            "messages": [
                {"id": f"delivery-{d.pk}", "to": d.subscriber.endpoint, "text": text}
                for d in deliveries
            ]
        }
        outcome = _post(
            settings.ALERT_SMS_GATEWAY_URL,
            settings.ALERT_SMS_GATEWAY_SECRET,
            payload,
            _batch_key(deliveries),
        )
        return {d.pk: outcome for d in deliveries}


class WebPushChannel:
    def send(self, alert: Alert, deliveries: list[Delivery]) -> dict[int, Outcome]:
        if not settings.ALERT_WEB_PUSH:
            return RecordingChannel(Channel.WEB_PUSH).send(alert, deliveries)
        from pywebpush import WebPushException, webpush

        from homeward.alerts.webpush import vapid_private_key_path

        data = json.dumps(notification(alert), ensure_ascii=False)
        outcomes: dict[int, Outcome] = {}
        for delivery in deliveries:
            try:
                webpush(
                    subscription_info=json.loads(delivery.subscriber.endpoint),
                    data=data,
                    vapid_private_key=str(vapid_private_key_path()),
                    vapid_claims={"sub": settings.ALERT_VAPID_CONTACT},
                    ttl=6 * 3600,
                    timeout=settings.ALERT_HTTP_TIMEOUT_SECONDS,
                )
                outcomes[delivery.pk] = OK
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", 0)
                outcomes[delivery.pk] = Outcome(
                    ok=False, error=f"push {status}", permanent=status in {404, 410}
                )
            except (ValueError, requests.RequestException) as exc:
                outcomes[delivery.pk] = Outcome(ok=False, error=type(exc).__name__)
        return outcomes


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
