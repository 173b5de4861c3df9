"""Alert endpoints.

- ``/api/v1/alerts/public/…`` (anonymous, throttled): active alerts (whitelisted fields),
  sightings, web-push subscriptions.
- ``/api/v1/partner/…`` (a partner's bearer token, or a signed-in officer): the Atom index
  of active alerts, each alert's CAP 1.2 thread, and the partner's own subscribers.
- ``/api/v1/alerts/…`` (signed-in police): list and publish (202: the dispatch runs
  after commit; with the broker down the outbox keeps it for ``tick()``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import AuthorizationError
from ninja.params import functions as params
from ninja.security import HttpBearer, SessionAuth

from homeward.alerts.cap import public_url
from homeward.alerts.geo import to_wgs84
from homeward.alerts.models import Alert, AlertStatus, CapMessage, Channel, Partner
from homeward.alerts.public import public_notice
from homeward.alerts.selectors import active_alerts, alert_get_for_user, alerts_visible_to
from homeward.alerts.services import (
    alert_publish,
    partner_for_token,
    public_push_ref,
    sighting_report,
    subscriber_remove,
    subscriber_upsert,
    web_push_subscribe,
)
from homeward.core.api_errors import ApiError, ErrorOut
from homeward.core.models import User
from homeward.core.permissions import current_user
from homeward.core.roles import P_ALERT_PUBLISH, P_ALERT_VIEW
from homeward.tips.throttle import submission_allowed

PHONE = re.compile(r"1[3-9]\d{9}")

public_router = Router(tags=["alerts (public)"])
partner_router = Router(tags=["alerts (partners)"])
router = Router(tags=["alerts"])


IDEMPOTENCY_KEY = params.Header(
    ...,
    alias="Idempotency-Key",
    min_length=8,
    max_length=64,
    description="A key the client makes for this report (8 to 64 characters): a retry "
    "with the same key is answered from the first submission.",
)


# --- Public ----------------------------------------------------------------------------


class PublicAlert(Schema):
    id: str
    status: str
    name: str | None = None
    sex: str | None = None
    age: int | None = None
    height_cm: int | None = None
    build: str | None = None
    clothing: str | None = None
    features: str | None = None
    photo_url: str | None = None
    last_seen_at: str | None = None
    last_seen_place: str | None = None
    hotline: str | None = None
    published_at: str | None = None
    page_url: str | None = None


@public_router.get("/", auth=None, response=list[PublicAlert], summary="Active alerts")
def public_alerts(request: HttpRequest) -> list[dict[str, Any]]:
    return [public_notice(alert) for alert in active_alerts()[:100]]


def _public_alert(public_id: UUID) -> Alert:
    alert = Alert.objects.filter(public_id=public_id).exclude(status=AlertStatus.DRAFT).first()
    if alert is None:
        raise ApiError(404)
    return alert


@public_router.get(
    "/{uuid:public_id}",
    auth=None,
    response={200: PublicAlert, 410: PublicAlert},
    exclude_none=True,
    summary="One alert (410 once it has ended)",
)
def public_alert(request: HttpRequest, public_id: UUID) -> Status[PublicAlert]:
    alert = _public_alert(public_id)
    return Status(200 if alert.is_active else 410, PublicAlert(**public_notice(alert)))


# The datum of a position: WGS-84 (GPS, a browser's geolocation), GCJ-02 (Amap, Tencent
# Maps) or BD-09 (Baidu Maps). Positions are stored in WGS-84.
DatumIn = Literal["wgs84", "gcj02", "bd09"]


def _wgs84(latitude: float, longitude: float, datum: str) -> tuple[float, float]:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return latitude, longitude  # refused by the service with its field error
    return to_wgs84(latitude, longitude, datum)


class SightingIn(Schema):
    description: str
    place: str = ""
    seen_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    datum: DatumIn = "wgs84"
    contact: str = ""


class SightingReceipt(Schema):
    received: bool
    duplicate: bool


@public_router.post(
    "/{uuid:public_id}/sightings",
    auth=None,
    response={
        201: SightingReceipt,
        200: SightingReceipt,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        410: ErrorOut,
        429: ErrorOut,
    },
    summary="Report a sighting (anonymous allowed)",
)
def public_sighting(
    request: HttpRequest,
    public_id: UUID,
    payload: SightingIn,
    idempotency_key: str = IDEMPOTENCY_KEY,
) -> Status[SightingReceipt]:
    if not submission_allowed(request):
        raise ApiError(429, "too_many_reports")
    alert = _public_alert(public_id)
    fields = payload.dict()
    datum = fields.pop("datum")
    if fields["latitude"] is not None and fields["longitude"] is not None:
        fields["latitude"], fields["longitude"] = _wgs84(
            fields["latitude"], fields["longitude"], datum
        )
    # A ValidationError or DomainError (410 once the alert has ended) becomes ErrorOut.
    _sighting, created = sighting_report(
        alert=alert, idempotency_key=f"api:{idempotency_key.strip()}", **fields
    )
    return Status(201 if created else 200, SightingReceipt(received=True, duplicate=not created))


class PushSubscriptionIn(Schema):
    subscription: dict[str, Any]
    latitude: float
    longitude: float
    datum: DatumIn = "wgs84"


class SubscribedOut(Schema):
    subscribed: bool


@public_router.post(
    "/subscriptions",
    auth=None,
    response={201: SubscribedOut, 400: ErrorOut, 429: ErrorOut},
    summary="Subscribe this browser to alerts near a position (web push)",
)
def public_subscribe(request: HttpRequest, payload: PushSubscriptionIn) -> Status[SubscribedOut]:
    if not submission_allowed(request):
        raise ApiError(429)
    latitude, longitude = _wgs84(payload.latitude, payload.longitude, payload.datum)
    web_push_subscribe(subscription=payload.subscription, latitude=latitude, longitude=longitude)
    return Status(201, SubscribedOut(subscribed=True))


class PushUnsubscribeIn(Schema):
    endpoint: str


@public_router.post(
    "/subscriptions/remove",
    auth=None,
    response={200: SubscribedOut, 429: ErrorOut},
    summary="Stop alerts to this browser (web push)",
)
def public_unsubscribe(request: HttpRequest, payload: PushUnsubscribeIn) -> Status[SubscribedOut]:
    if not submission_allowed(request):
        raise ApiError(429)
    subscriber_remove(
        channel=Channel.WEB_PUSH, external_ref=public_push_ref({"endpoint": payload.endpoint})
    )
    return Status(200, SubscribedOut(subscribed=False))


# --- Partners ----------------------------------------------------------------------------


class PartnerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Partner | None:
        partner = partner_for_token(token)
        if partner is not None:
            request.partner = partner  # type: ignore[attr-defined]
        return partner


class OfficerSession(SessionAuth):
    """A signed-in session holding every permission in ``perms`` (403 before the body
    is even read when it does not; none listed: no session is accepted)."""

    def __init__(self, *perms: str) -> None:
        super().__init__()
        self.perms = perms

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not self.perms or not user.has_perms(self.perms):
            raise AuthorizationError
        return user


PARTNER_AUTH = [PartnerToken(), OfficerSession(P_ALERT_VIEW)]
PARTNER_ONLY = [PartnerToken(), OfficerSession()]


def _partner_or_officer(request: HttpRequest) -> Partner | None:
    """The calling partner, or None for a signed-in officer allowed to see alerts."""
    partner = getattr(request, "partner", None)
    if partner is not None:
        return partner  # type: ignore[no-any-return]
    user = request.user
    if isinstance(user, User) and user.has_perm(P_ALERT_VIEW):
        return None
    raise PermissionDenied


def _calling_partner(request: HttpRequest) -> Partner:
    """Only a partner manages its own users; a signed-in officer cannot."""
    partner = getattr(request, "partner", None)
    if partner is None:
        raise PermissionDenied
    return partner  # type: ignore[no-any-return]


def _feed_alerts() -> list[Alert]:
    return list(active_alerts()[:200])


@partner_router.get("/alerts.atom", auth=PARTNER_AUTH, summary="Atom index of active alerts")
def partner_feed(request: HttpRequest) -> HttpResponse:
    _partner_or_officer(request)
    feed = feedgenerator.Atom1Feed(
        title="Homeward 回家 — missing-child alerts",
        link=public_url(reverse("public_alerts:index")),
        description="Active missing-child alerts (CAP 1.2)",
        language="zh-cn",
        feed_url=public_url(reverse("api:partner_feed")),
        feed_guid=f"urn:homeward:alerts:{public_url('')}",
        # RFC 4287 4.1.1: a feed without entry authors must name its own author.
        author_name="重庆市公安局 Chongqing Public Security Bureau",
        author_email=settings.ALERT_CAP_SENDER,
    )
    for alert in _feed_alerts():
        latest = CapMessage.objects.filter(alert=alert).order_by("-sequence").first()
        if latest is None:
            continue
        feed.add_item(
            title=f"{alert.public_name} ({alert.age_years})",
            link=public_url(reverse("api:partner_cap_thread", args=[alert.public_id])),
            description=alert.last_seen_place,
            unique_id=latest.identifier,
            updateddate=latest.sent,
            pubdate=alert.published_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@partner_router.get(
    "/alerts/{uuid:public_id}/cap",
    auth=PARTNER_AUTH,
    summary="The latest CAP 1.2 message of an alert (Alert, Update or Cancel)",
)
def partner_cap_thread(request: HttpRequest, public_id: UUID) -> HttpResponse:
    _partner_or_officer(request)
    message = CapMessage.objects.filter(alert__public_id=public_id).order_by("-sequence").first()
    if message is None:
        raise ApiError(404)
    return HttpResponse(message.xml, content_type="application/cap+xml; charset=utf-8")


@partner_router.get(
    "/alerts/{uuid:public_id}/cap/{int:sequence}",
    auth=PARTNER_AUTH,
    summary="One CAP 1.2 message of an alert's thread",
)
def partner_cap_message(request: HttpRequest, public_id: UUID, sequence: int) -> HttpResponse:
    _partner_or_officer(request)
    message = CapMessage.objects.filter(alert__public_id=public_id, sequence=sequence).first()
    if message is None:
        raise ApiError(404)
    return HttpResponse(message.xml, content_type="application/cap+xml; charset=utf-8")


class PartnerSubscriberIn(Schema):
    ref: str
    latitude: float
    longitude: float
    datum: DatumIn = "wgs84"
    # With a phone number the user is reached by the platform's SMS gateway (people
    # enrolled by a telecom operator or a community grid system); otherwise the partner
    # notifies its own user.
    phone: str = ""


class PartnerSubscribersIn(Schema):
    subscribers: list[PartnerSubscriberIn]


class UpsertOut(Schema):
    accepted: int


@partner_router.put(
    "/subscribers",
    auth=PARTNER_ONLY,
    response={200: UpsertOut, 400: ErrorOut},
    summary="Register or move the partner's users (all or nothing, at most 5,000 a call)",
)
def partner_subscribers(request: HttpRequest, payload: PartnerSubscribersIn) -> Status[UpsertOut]:
    """A bad row refuses the whole call: ``fields`` names each problem as
    ``subscribers.<row>.<field>``."""
    from django.db import transaction

    partner = _calling_partner(request)
    if len(payload.subscribers) > 5000:
        raise ApiError(400, "too_many", fields={"subscribers": [_("At most 5,000 users a call.")]})
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(payload.subscribers):
        prefix = f"subscribers.{index}"
        if not 1 <= len(row.ref) <= 128:
            errors[f"{prefix}.ref"] = [_("1 to 128 characters.")]
        if not (-90 <= row.latitude <= 90 and -180 <= row.longitude <= 180):
            errors[f"{prefix}.latitude"] = [_("Not a position.")]
        if row.phone and not PHONE.fullmatch(row.phone):
            errors[f"{prefix}.phone"] = [_("A mainland mobile number of 11 digits.")]
    if errors:
        raise ApiError(400, "invalid_rows", fields=errors)
    with transaction.atomic():
        for row in payload.subscribers:
            latitude, longitude = _wgs84(row.latitude, row.longitude, row.datum)
            subscriber_upsert(
                channel=Channel.SMS if row.phone else Channel.PARTNER,
                external_ref=row.ref,
                endpoint=row.phone,
                latitude=latitude,
                longitude=longitude,
                partner=partner,
            )
    return Status(200, UpsertOut(accepted=len(payload.subscribers)))


@partner_router.delete(
    "/subscribers/{ref}", auth=PARTNER_ONLY, response={204: None}, summary="Remove a user"
)
def partner_subscriber_delete(request: HttpRequest, ref: str) -> Status[None]:
    partner = _calling_partner(request)
    for channel in (Channel.PARTNER, Channel.SMS):
        subscriber_remove(channel=channel, external_ref=ref, partner=partner)
    return Status(204, None)


# --- Staff --------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    public_id: str
    status: str
    name: str
    age: int
    division: str
    stage: int
    published_at: datetime | None
    case_number: str | None


def _alert_out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.pk,
        public_id=str(alert.public_id),
        status=alert.status,
        name=alert.public_name,
        age=alert.age_years,
        division=alert.division.code,
        stage=alert.stage,
        published_at=alert.published_at,
        case_number=alert.case.number if alert.case else None,
    )


@router.get(
    "/", auth=OfficerSession(P_ALERT_VIEW), response=list[AlertOut], summary="Alerts in your area"
)
def alert_list(request: HttpRequest) -> list[AlertOut]:
    user = current_user(request)
    if not user.has_perm(P_ALERT_VIEW):
        raise PermissionDenied
    return [_alert_out(a) for a in alerts_visible_to(user)[:200]]


class PublishIn(Schema):
    version: int
    leader_id: int


@router.post(
    "/{int:alert_id}/publish",
    auth=OfficerSession(P_ALERT_PUBLISH),
    response={202: AlertOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Publish an alert (dispatch continues in the background)",
)
def alert_publish_api(request: HttpRequest, alert_id: int, payload: PublishIn) -> Status[AlertOut]:
    user = current_user(request)
    if not user.has_perm(P_ALERT_PUBLISH):
        raise PermissionDenied
    alert = alert_get_for_user(user, alert_id, purpose="publish alert")
    leader = User.objects.filter(pk=payload.leader_id).first()
    if leader is None:
        raise ApiError(400, fields={"leader_id": [_("Unknown user.")]})
    # A ValidationError or DomainError (409 for a stale version) becomes ErrorOut.
    alert = alert_publish(actor=user, alert=alert, version=payload.version, leader=leader)
    return Status(202, _alert_out(alert))
