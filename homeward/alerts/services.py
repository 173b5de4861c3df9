"""Every write of the alert module: the lifecycle (draft → published → resolved or
withdrawn), ring expansion, partners, subscribers and sightings.

Publication and expansion write their outbox in the same transaction (the ring, the CAP
message and a push row per partner); the fan-out and sends are tasks started after
commit and restarted by ``tick()`` if they die, so a broker outage delays an alert but
never loses it.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.alerts.cap import build_cap
from homeward.alerts.geo import Datum, in_served_area, to_wgs84
from homeward.alerts.models import (
    Alert,
    AlertRing,
    AlertStatus,
    CapMessage,
    Channel,
    CommandNotice,
    Delivery,
    DeliveryStatus,
    Partner,
    PartnerPush,
    Sighting,
    Subscriber,
)
from homeward.core.actors import (
    require_division,
    require_permission,
    require_public_security,
    require_unit,
)
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.background import enqueue_after_commit
from homeward.core.errors import ActorError, DomainError
from homeward.core.idempotency import app_hmac, idempotency_digest, legacy_secret_key_hmac
from homeward.core.models import Agency, Division, User
from homeward.core.roles import P_ALERT_DRAFT, P_ALERT_PARTNERS, P_ALERT_PUBLISH
from homeward.geotarget import RadiusSchedule, cell_of, haversine_km
from homeward.people.models import Person

logger = logging.getLogger("homeward.alerts")

TRANSITIONS: dict[str, frozenset[str]] = {
    AlertStatus.DRAFT: frozenset({AlertStatus.PUBLISHED, AlertStatus.WITHDRAWN}),
    AlertStatus.PUBLISHED: frozenset({AlertStatus.RESOLVED, AlertStatus.WITHDRAWN}),
    AlertStatus.RESOLVED: frozenset(),
    AlertStatus.WITHDRAWN: frozenset(),
}

# Public notice fields a draft may set (everything else is derived or internal).
DRAFT_FIELDS = (
    "public_name",
    "sex",
    "age_years",
    "height_cm",
    "build",
    "clothing",
    "features",
    "no_photo_reason",
    "last_seen_at",
    "last_seen_place",
    "latitude",
    "longitude",
    "hotline",
    "circumstances",
)


class AlertError:
    BAD_TRANSITION = "alert_bad_transition"
    VERSION_CONFLICT = "version_conflict"
    INCOMPLETE = "alert_incomplete"
    NOT_A_MINOR = "alert_not_a_minor"
    BAD_PHOTO = "bad_attachment"
    ENDED = "alert_ended"


def radius_schedule() -> RadiusSchedule:
    """The schedule in force (a policy setting; HOMEWARD_ALERT_RADIUS_SCHEDULE by default)."""
    from homeward.core.policy import policy_value

    schedule: RadiusSchedule = policy_value("alert_radius_schedule")
    return schedule


def _enqueue_fanout(ring_id: int) -> None:
    from homeward.alerts.tasks import fanout_ring

    enqueue_after_commit(fanout_ring, ring_id)


def _enqueue_pushes(push_ids: list[int]) -> None:
    from homeward.alerts.tasks import push_partner_message

    for push_id in push_ids:
        enqueue_after_commit(push_partner_message, push_id)


def _police_unit(division: Division) -> Agency:
    return Agency.objects.get(code=f"{division.code}-public_security")


def _require_police(actor: User, perm: str) -> None:
    require_public_security(actor, _("Only public security publishes alerts."))
    require_permission(actor, perm, message=_("Only an alert commander may do this."))


def _claim_version(alert: Alert, version: int) -> None:
    updated = Alert.objects.filter(pk=alert.pk, version=version).update(
        version=version + 1, updated_at=timezone.now()
    )
    if not updated:
        raise DomainError(
            AlertError.VERSION_CONFLICT,
            _("Someone else changed this alert. Reload it and try again."),
            status=409,
        )
    alert.version = version + 1


def _check_transition(alert: Alert, target: str) -> None:
    if target not in TRANSITIONS[alert.status]:
        raise DomainError(
            AlertError.BAD_TRANSITION,
            _("An alert cannot move from “%(current)s” to “%(target)s”.")
            % {
                "current": AlertStatus(alert.status).label,
                "target": AlertStatus(target).label,
            },
        )


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Check a draft's fields; coordinates come in ``datum`` (default WGS-84, the stored
    datum) and are stored in WGS-84, and must lie in the area the platform serves."""
    errors: dict[str, list[str]] = {}
    datum = fields.get("datum") or Datum.WGS84
    cleaned = {k: v for k, v in fields.items() if k in DRAFT_FIELDS}
    for key in ("public_name", "build", "clothing", "features", "last_seen_place", "hotline"):
        if key in cleaned and isinstance(cleaned[key], str):
            cleaned[key] = cleaned[key].strip()
    if "public_name" in cleaned and not cleaned["public_name"]:
        errors["public_name"] = [_("Give a name or an alias.")]
    age = cleaned.get("age_years")
    if age is not None and not 0 <= int(age) <= 17:
        errors["age_years"] = [_("An alert is for a minor: the age is 0 to 17.")]
    lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
    if lat is not None and not -90 <= lat <= 90:
        errors["latitude"] = [_("A latitude is between -90 and 90.")]
    if lon is not None and not -180 <= lon <= 180:
        errors["longitude"] = [_("A longitude is between -180 and 180.")]
    if (lat is None) != (lon is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    elif lat is not None and lon is not None and not {"latitude", "longitude"} & set(errors):
        if datum not in Datum.values:
            errors["datum"] = [_("Say which map the coordinates come from.")]
        else:
            lat, lon = to_wgs84(lat, lon, datum)
            if in_served_area(lat, lon):
                cleaned["latitude"], cleaned["longitude"] = lat, lon
            else:
                errors["latitude"] = [
                    _(
                        "This position is outside Chongqing, the area the platform serves."
                        " Check the coordinates and the map they come from."
                    )
                ]
    seen = cleaned.get("last_seen_at")
    if seen is not None and seen > timezone.now() + timedelta(minutes=5):
        errors["last_seen_at"] = [_("The last-seen time cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_photo(alert: Alert, upload: UploadedFile) -> None:
    from homeward.core.uploads import reencode_photo

    try:
        content = reencode_photo(upload)
    except DomainError as error:
        raise DomainError(AlertError.BAD_PHOTO, error.message) from error
    alert.photo.save(f"{alert.public_id.hex}.jpg", content, save=False)


@transaction.atomic
def alert_create(
    *,
    actor: User,
    division: Division,
    child: Person | None = None,
    photo: UploadedFile | None = None,
    **fields: Any,
) -> Alert:
    """Draft an alert (any police officer with the draft permission)."""
    _require_police(actor, P_ALERT_DRAFT)
    if actor.agency.division_id is not None and actor.agency.division_id != division.pk:
        raise DomainError(
            ActorError.OUT_OF_AREA, _("Draft alerts for your own district."), status=403
        )
    cleaned = _clean(fields)
    missing: dict[str, list[str]] = {}
    if not cleaned.get("public_name"):
        missing["public_name"] = [_("Give a name or an alias.")]
    if "age_years" not in cleaned:
        missing["age_years"] = [_("Give the child's age.")]
    if missing:
        raise ValidationError(missing)
    alert = Alert(
        division=division,
        owning_agency=_police_unit(division),
        created_by=actor,
        child=child,
        schedule=radius_schedule().format(),
        **cleaned,
    )
    if photo is not None:
        _store_photo(alert, photo)
    alert.save()
    audit_record(
        actor=actor, action=AuditAction.ALERT_DRAFT, obj=alert, detail={"division": division.code}
    )
    return alert


@transaction.atomic
def alert_update(
    *, actor: User, alert: Alert, version: int, photo: UploadedFile | None = None, **fields: Any
) -> Alert:
    """Edit a draft (published alerts change only by expanding or ending)."""
    _require_police(actor, P_ALERT_DRAFT)
    if alert.status != AlertStatus.DRAFT:
        raise DomainError(AlertError.BAD_TRANSITION, _("Only a draft can be edited."))
    _claim_version(alert, version)
    cleaned = _clean(fields)
    for key, value in cleaned.items():
        setattr(alert, key, value)
    if photo is not None:
        _store_photo(alert, photo)
    alert.updated_at = timezone.now()
    alert.save()
    audit_record(
        actor=actor, action=AuditAction.ALERT_UPDATE, obj=alert, detail={"fields": sorted(cleaned)}
    )
    return alert


def _check_publishable(alert: Alert) -> None:
    errors: dict[str, list[str]] = {}
    if alert.last_seen_at is None:
        errors["last_seen_at"] = [_("Give the time the child was last seen.")]
    if not alert.last_seen_place:
        errors["last_seen_place"] = [_("Give the place the child was last seen.")]
    if alert.latitude is None or alert.longitude is None:
        errors["latitude"] = [_("Give the position of the last-seen place.")]
    if not (alert.clothing or alert.features):
        errors["clothing"] = [_("Describe the child: clothing or features for recognition.")]
    if not alert.photo and not alert.no_photo_reason.strip():
        errors["no_photo_reason"] = [_("Add a photo or say why there is none.")]
    if errors:
        raise ValidationError(errors)


def _new_cap_message(alert: Alert, msg_type: str, radius_km: float, now: datetime) -> list[int]:
    """Add the next CAP message of the thread and an outbox row per active partner."""
    earlier = list(CapMessage.objects.filter(alert=alert).order_by("sequence"))
    sequence = alert.cap_sequence + 1
    identifier, xml = build_cap(
        alert, sequence=sequence, msg_type=msg_type, sent=now, radius_km=radius_km, earlier=earlier
    )
    message = CapMessage.objects.create(
        alert=alert, sequence=sequence, msg_type=msg_type, identifier=identifier, sent=now, xml=xml
    )
    Alert.objects.filter(pk=alert.pk).update(cap_sequence=sequence)
    alert.cap_sequence = sequence
    pushes = PartnerPush.objects.bulk_create(
        [
            PartnerPush(message=message, partner=partner, next_attempt_at=now)
            for partner in Partner.objects.filter(active=True).exclude(webhook_url="")
        ]
    )
    return [push.pk for push in pushes]


def _notify_command_centres(alert: Alert, kind: str, detail: str = "") -> None:
    agencies = {alert.owning_agency_id, _police_unit(alert.division).pk}
    CommandNotice.objects.bulk_create(
        [
            CommandNotice(alert=alert, agency_id=agency, kind=kind, detail=detail[:200])
            for agency in agencies
        ]
    )


def _open_case(actor: User, alert: Alert, leader: User) -> None:
    """The homicide-level mechanism (命案机制): a case of the highest priority with a task
    force led by a county-level-or-above public-security head."""
    from homeward.cases.models import CasePriority, CaseSource, Crime
    from homeward.cases.services import case_open, case_update

    if alert.case is not None:
        case = alert.case
        if case.priority != CasePriority.HIGHEST:
            case_update(actor=actor, case=case, version=case.version, priority=CasePriority.HIGHEST)
        return
    alert.case = case_open(
        actor=actor,
        title=_("Missing child %(name)s (alert)") % {"name": alert.public_name},
        crimes=[Crime.CHILD_ABDUCTION],
        source=CaseSource.ALERT,
        source_reference=alert.pk,
        priority=CasePriority.HIGHEST,
        leader=leader,
        division=alert.division,
    )


@transaction.atomic
def alert_publish(*, actor: User, alert: Alert, version: int, leader: User) -> Alert:
    """Publish: open (or link) the highest-priority case with its task force, notify the
    district command centre, and start the ring for the time since disappearance."""
    _require_police(actor, P_ALERT_PUBLISH)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_transition(alert, AlertStatus.PUBLISHED)
    _check_publishable(alert)
    _claim_version(alert, version)
    now = timezone.now()
    assert alert.last_seen_at is not None  # noqa: S101 - checked by _check_publishable
    schedule = radius_schedule()
    stage = schedule.stage_at(now - alert.last_seen_at)
    _open_case(actor, alert, leader)
    alert.status = AlertStatus.PUBLISHED
    alert.schedule = schedule.format()
    alert.stage = stage
    alert.published_at = now
    alert.published_by = actor
    alert.save()
    ring = AlertRing.objects.create(
        alert=alert, stage=stage, radius_km=schedule.radius(stage), opened_at=now
    )
    push_ids = _new_cap_message(alert, CapMessage.MsgType.ALERT, ring.radius_km, now)
    _notify_command_centres(
        alert, CommandNotice.Kind.PUBLISHED, _("Radius %(km)s km") % {"km": f"{ring.radius_km:g}"}
    )
    audit_record(
        actor=actor,
        action=AuditAction.ALERT_PUBLISH,
        obj=alert,
        detail={"stage": stage, "radius_km": ring.radius_km, "case": alert.case_id},
    )
    _enqueue_fanout(ring.pk)
    _enqueue_pushes(push_ids)
    return alert


def alert_expand(alert_id: int, *, now: datetime | None = None) -> AlertRing | None:
    """Widen a published alert to the stage its time since disappearance calls for.
    Idempotent: a second call at the same time creates nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None or alert.status != AlertStatus.PUBLISHED or alert.last_seen_at is None:
            return None
        schedule = RadiusSchedule.parse(alert.schedule)
        stage = schedule.stage_at(now - alert.last_seen_at)
        if stage <= alert.stage:
            return None
        previous = schedule.radius(alert.stage)
        ring = AlertRing.objects.create(
            alert=alert,
            stage=stage,
            radius_km=schedule.radius(stage),
            previous_radius_km=previous,
            opened_at=now,
        )
        Alert.objects.filter(pk=alert.pk).update(stage=stage, updated_at=now)
        alert.stage = stage
        push_ids = _new_cap_message(alert, CapMessage.MsgType.UPDATE, ring.radius_km, now)
        _notify_command_centres(
            alert,
            CommandNotice.Kind.EXPANDED,
            _("Radius %(km)s km") % {"km": f"{ring.radius_km:g}"},
        )
        audit_record(
            actor=None,
            action=AuditAction.ALERT_EXPAND,
            obj=alert,
            detail={"stage": stage, "radius_km": ring.radius_km},
            actor_username="system",
        )
        _enqueue_fanout(ring.pk)
        _enqueue_pushes(push_ids)
        return ring


def alerts_expand_due(now: datetime | None = None) -> int:
    """The tick job: widen every published alert whose next stage has come."""
    now = now or timezone.now()
    count = 0
    for alert in Alert.objects.filter(status=AlertStatus.PUBLISHED).only(
        "pk", "schedule", "stage", "last_seen_at"
    ):
        if alert.last_seen_at is None:
            continue
        schedule = RadiusSchedule.parse(alert.schedule)
        if schedule.stage_at(now - alert.last_seen_at) > alert.stage and alert_expand(
            alert.pk, now=now
        ):
            count += 1
    return count


def _cap_renewal_due(newest_sent: datetime, now: datetime) -> bool:
    """A partner drops a CAP message at its ``expires`` (``ALERT_CAP_EXPIRES_HOURS`` after
    it was sent). While the child is still missing, a fresh Update goes out once three
    quarters of the newest message's validity have passed, so that it never lapses."""
    validity = timedelta(hours=settings.ALERT_CAP_EXPIRES_HOURS)
    return now >= newest_sent + validity * 3 / 4


def alert_renew_cap(alert_id: int, *, now: datetime | None = None) -> CapMessage | None:
    """Send a published alert's CAP Update again before the newest message expires.
    Idempotent: the renewal is the newest message, so a second call (a tick run twice or
    late) finds nothing due. Partners only: the public were notified by the rings."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None or alert.status != AlertStatus.PUBLISHED:
            return None
        newest = CapMessage.objects.filter(alert=alert).order_by("-sequence").first()
        if newest is None or not _cap_renewal_due(newest.sent, now):
            return None
        radius = RadiusSchedule.parse(alert.schedule).radius(alert.stage)
        push_ids = _new_cap_message(alert, CapMessage.MsgType.UPDATE, radius, now)
        renewal = CapMessage.objects.get(alert=alert, sequence=alert.cap_sequence)
        audit_record(
            actor=None,
            action=AuditAction.ALERT_CAP_RENEW,
            obj=alert,
            detail={"sequence": renewal.sequence, "previous_sent": newest.sent.isoformat()},
            actor_username="system",
        )
        _enqueue_pushes(push_ids)
        return renewal


def alerts_renew_cap_due(now: datetime | None = None) -> int:
    """The tick job: renew the CAP message of every published alert about to expire."""
    now = now or timezone.now()
    due = (
        CapMessage.objects.filter(alert__status=AlertStatus.PUBLISHED)
        .values("alert_id")
        .annotate(newest=models.Max("sent"))
    )
    return sum(
        1
        for row in due
        if _cap_renewal_due(row["newest"], now) and alert_renew_cap(row["alert_id"], now=now)
    )


@transaction.atomic
def alert_end(
    *, actor: User, alert: Alert, version: int, outcome: str = "", note: str = ""
) -> Alert:
    """Resolve (found safe / found deceased) or withdraw. The public page, the feed and
    the partners reflect it at once; queued notifications are cancelled."""
    _require_police(actor, P_ALERT_PUBLISH)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if outcome and outcome not in Alert.Outcome.values:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    target = AlertStatus.RESOLVED if outcome else AlertStatus.WITHDRAWN
    if target == AlertStatus.RESOLVED and alert.status == AlertStatus.DRAFT:
        target = AlertStatus.WITHDRAWN  # a draft is never published, so never "resolved"
    _check_transition(alert, target)
    live = alert.status == AlertStatus.PUBLISHED
    if target == AlertStatus.WITHDRAWN and live and not note.strip():
        # A live alert for a missing child is never taken down without a reason.
        raise ValidationError({"note": [_("Say why the alert is withdrawn.")]})
    _claim_version(alert, version)
    now = timezone.now()
    was_published = alert.status == AlertStatus.PUBLISHED
    alert.status = target
    alert.outcome = outcome if target == AlertStatus.RESOLVED else ""
    alert.ended_at = now
    alert.ended_by = actor
    alert.end_note = note.strip()[:300]
    alert.save()
    cancelled = Delivery.objects.filter(
        alert=alert, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED]
    ).update(status=DeliveryStatus.CANCELLED, last_error="alert ended")
    push_ids: list[int] = []
    if was_published:
        schedule = RadiusSchedule.parse(alert.schedule)
        push_ids = _new_cap_message(
            alert, CapMessage.MsgType.CANCEL, schedule.radius(max(alert.stage, 0)), now
        )
        _notify_command_centres(alert, CommandNotice.Kind.ENDED, alert.get_outcome_display())
    audit_record(
        actor=actor,
        action=(
            AuditAction.ALERT_RESOLVE
            if target == AlertStatus.RESOLVED
            else AuditAction.ALERT_WITHDRAW
        ),
        obj=alert,
        detail={"outcome": alert.outcome, "cancelled_deliveries": cancelled},
    )
    _enqueue_pushes(push_ids)
    if was_published:
        from homeward.alerts.tasks import purge_public_cache

        enqueue_after_commit(purge_public_cache, str(alert.public_id))
    return alert


# --- Partners and subscribers -------------------------------------------------------------


def token_digest(token: str) -> str:
    """The stored digest of a partner's API token: a keyring HMAC (core.idempotency), so
    rotating SECRET_KEY does not lock partners out."""
    return app_hmac("partner-token", token)


@transaction.atomic
def partner_register(
    *, actor: User | None, code: str, name: str, webhook_url: str = ""
) -> tuple[Partner, str, str]:
    """Register a partner; returns it with its API token and signing secret (shown once).
    ``actor`` is None only for the console command."""
    if actor is not None:
        require_permission(actor, P_ALERT_PARTNERS)
    token = secrets.token_urlsafe(32)
    secret = secrets.token_urlsafe(32)
    partner = Partner(
        code=code.strip(),
        name=name.strip(),
        webhook_url=webhook_url.strip(),
        signing_secret=secret,
        token_digest=token_digest(token),
    )
    partner.full_clean()
    partner.save()
    audit_record(
        actor=actor,
        action=AuditAction.PARTNER_REGISTER,
        obj=partner,
        detail={"code": partner.code},
        actor_username="" if actor else "system",
    )
    return partner, token, secret


@transaction.atomic
def partner_update(
    *, actor: User, partner: Partner, name: str, webhook_url: str, active: bool
) -> Partner:
    """Change a partner's name, webhook or whether it receives alerts (a paused
    partner's token no longer opens the feed)."""
    require_permission(actor, P_ALERT_PARTNERS)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    partner.name = name.strip()
    partner.webhook_url = webhook_url.strip()
    partner.active = active
    partner.full_clean()
    partner.save(update_fields=["name", "webhook_url", "active"])
    audit_record(
        actor=actor,
        action=AuditAction.PARTNER_UPDATE,
        obj=partner,
        detail={"code": partner.code, "active": active, "webhook": bool(partner.webhook_url)},
    )
    return partner


@transaction.atomic
def partner_rotate_credentials(*, actor: User, partner: Partner) -> tuple[str, str]:
    """Issue a new API token and signing secret (shown once); the old token stops
    working at once and the next webhook is signed with the new secret."""
    require_permission(actor, P_ALERT_PARTNERS)
    token = secrets.token_urlsafe(32)
    secret = secrets.token_urlsafe(32)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    partner.token_digest = token_digest(token)
    partner.signing_secret = secret
    partner.save(update_fields=["token_digest", "signing_secret"])
    audit_record(
        actor=actor,
        action=AuditAction.PARTNER_TOKEN_ROTATE,
        obj=partner,
        detail={"code": partner.code},
    )
    return token, secret


def partner_for_token(token: str) -> Partner | None:
    digest = token_digest(token)
    partner = Partner.objects.filter(token_digest=digest, active=True).first()
    if partner is None:
        # A token issued by an older release (digest under SECRET_KEY): recognised once
        # and its stored digest moved to the keyring HMAC.
        legacy = legacy_secret_key_hmac(f"partner-token:{token}")
        partner = Partner.objects.filter(token_digest=legacy, active=True).first()
        if partner is not None:
            Partner.objects.filter(pk=partner.pk, token_digest=legacy).update(token_digest=digest)
    return partner


def _check_position(latitude: float, longitude: float) -> None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"latitude": [_("Give a position on the map.")]})


def subscriber_upsert(
    *,
    channel: str,
    external_ref: str,
    endpoint: str,
    latitude: float,
    longitude: float,
    partner: Partner | None = None,
) -> Subscriber:
    """Add or move a subscriber (idempotent per channel, partner and reference)."""
    _check_position(latitude, longitude)
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    now = timezone.now()
    values = {
        "endpoint": endpoint,
        "latitude": latitude,
        "longitude": longitude,
        "h3_cell": cell_of(latitude, longitude),
        "active": True,
        "updated_at": now,
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                subscriber, _created = Subscriber.objects.update_or_create(
                    channel=channel,
                    partner=partner,
                    external_ref=external_ref[:128],
                    defaults=values,
                )
                return subscriber
        except IntegrityError:
            continue  # a concurrent insert of the same subscriber: update it instead
    raise DomainError("subscriber_conflict", _("Try again."), status=409)


def subscriber_remove(*, channel: str, external_ref: str, partner: Partner | None = None) -> int:
    return Subscriber.objects.filter(
        channel=channel, partner=partner, external_ref=external_ref
    ).update(active=False, updated_at=timezone.now())


def public_push_ref(subscription: dict[str, Any]) -> str:
    """A public web-push subscriber is identified by a keyring HMAC of its endpoint URL."""
    return app_hmac("push", str(subscription.get("endpoint", "")))


def _legacy_push_ref(subscription: dict[str, Any]) -> str:
    """The reference older releases stored (HMAC under SECRET_KEY)."""
    return legacy_secret_key_hmac(f"push:{subscription.get('endpoint', '')}")


def public_push_unsubscribe(subscription: dict[str, Any]) -> int:
    """Stop alerts to a browser, whichever release subscribed it."""
    return sum(
        subscriber_remove(channel=Channel.WEB_PUSH, external_ref=ref)
        for ref in (public_push_ref(subscription), _legacy_push_ref(subscription))
    )


def web_push_subscribe(
    *, subscription: dict[str, Any], latitude: float, longitude: float
) -> Subscriber:
    endpoint = subscription.get("endpoint")
    keys = subscription.get("keys") or {}
    if (
        not isinstance(endpoint, str)
        or not endpoint.startswith("https://")
        or not isinstance(keys, dict)
        or not {"p256dh", "auth"} <= set(keys)
    ):
        raise ValidationError(
            {"subscription": [_("This browser's push subscription is not valid.")]}
        )
    # A browser subscribed by an older release keeps its row under the new reference.
    Subscriber.objects.filter(
        channel=Channel.WEB_PUSH, partner=None, external_ref=_legacy_push_ref(subscription)
    ).update(external_ref=public_push_ref(subscription))
    return subscriber_upsert(
        channel=Channel.WEB_PUSH,
        external_ref=public_push_ref(subscription),
        endpoint=json.dumps(
            {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}
        ),
        latitude=latitude,
        longitude=longitude,
    )


# --- Sightings -----------------------------------------------------------------------------


def sighting_report(
    *,
    alert: Alert,
    description: str,
    place: str = "",
    seen_at: datetime | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    contact: str = "",
    photo: UploadedFile | None = None,
    idempotency_key: str,
) -> tuple[Sighting, bool]:
    """A public sighting on an active alert; committed before it is acknowledged. The
    same idempotency key returns the stored sighting."""
    if alert.status != AlertStatus.PUBLISHED:
        raise DomainError(AlertError.ENDED, _("This alert has ended."), status=410)
    errors: dict[str, list[str]] = {}
    if len(description.strip()) < 2:
        errors["description"] = [_("Tell us what you saw.")]
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    elif (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        errors["latitude"] = [_("Give a position on the map.")]
    if not place.strip() and latitude is None:
        errors["place"] = [_("Say where you saw the child, or share your position.")]
    if seen_at is not None and seen_at > timezone.now() + timedelta(minutes=5):
        errors["seen_at"] = [_("This time is in the future.")]
    if errors:
        raise ValidationError(errors)
    digest = idempotency_digest("sighting", idempotency_key)
    existing = Sighting.objects.filter(idempotency_digest=digest).first()
    if existing is not None:
        return existing, False
    distance = None
    if (
        latitude is not None
        and longitude is not None
        and alert.latitude is not None
        and alert.longitude is not None
    ):
        distance = round(haversine_km(alert.latitude, alert.longitude, latitude, longitude), 2)
    try:
        with transaction.atomic():
            sighting = Sighting(
                alert=alert,
                idempotency_digest=digest,
                seen_at=seen_at,
                place=place.strip()[:200],
                latitude=latitude,
                longitude=longitude,
                distance_km=distance,
                description=description.strip()[:2000],
                contact=contact.strip()[:100],
            )
            if photo is not None:
                from homeward.core.uploads import reencode_photo

                try:
                    content = reencode_photo(photo)
                except DomainError as error:
                    raise DomainError(AlertError.BAD_PHOTO, error.message) from error
                sighting.photo.save(f"{secrets.token_hex(12)}.jpg", content, save=False)
            sighting.save()
            _notify_command_centres(alert, CommandNotice.Kind.SIGHTING, sighting.place)
            audit_record(
                actor=None,
                action=AuditAction.SIGHTING_RECEIVED,
                obj=sighting,
                detail={"alert": alert.pk},
                actor_username="anonymous",
                anonymous=True,
            )
    except IntegrityError:
        existing = Sighting.objects.filter(idempotency_digest=digest).first()
        if existing is None:
            raise
        return existing, False
    return sighting, True


@transaction.atomic
def sighting_review(*, actor: User, sighting: Sighting, dismiss: bool = False) -> Sighting:
    """The police of the alert's district (or municipal) read a public sighting: reviewed
    or dismissed, once."""
    _require_police(actor, P_ALERT_DRAFT)
    require_division(actor, sighting.alert.division_id)
    if sighting.status in {Sighting.Status.CONVERTED, Sighting.Status.DISMISSED}:
        raise DomainError(AlertError.BAD_TRANSITION, _("This sighting has been dealt with."))
    sighting.status = Sighting.Status.DISMISSED if dismiss else Sighting.Status.REVIEWED
    sighting.reviewed_by = actor
    sighting.reviewed_at = timezone.now()
    sighting.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.SIGHTING_REVIEW,
        obj=sighting,
        detail={"status": sighting.status},
    )
    return sighting


@transaction.atomic
def sighting_to_clue(*, actor: User, sighting: Sighting) -> Sighting:
    """Make the sighting a clue of the alert's case (the clue module's record)."""
    from homeward.tips.services import tip_record_for_case

    _require_police(actor, P_ALERT_DRAFT)
    require_division(actor, sighting.alert.division_id)
    sighting = Sighting.objects.select_for_update().get(pk=sighting.pk)
    if sighting.status in {Sighting.Status.CONVERTED, Sighting.Status.DISMISSED}:
        raise DomainError(AlertError.BAD_TRANSITION, _("This sighting has been dealt with."))
    alert = sighting.alert
    if alert.case is None:
        raise DomainError(AlertError.BAD_TRANSITION, _("This alert has no case."))
    seen = sighting.seen_at or sighting.reported_at
    tip = tip_record_for_case(
        actor=actor,
        case=alert.case,
        narrative=_("Sighting on alert for %(name)s: %(text)s")
        % {"name": alert.public_name, "text": sighting.description},
        address=sighting.place,
        latitude=sighting.latitude,
        longitude=sighting.longitude,
        contact=sighting.contact,
        occurred_on=timezone.localtime(seen).date(),
        occurred_time=timezone.localtime(seen).strftime("%H:%M"),
        idempotency_key=f"sighting-{sighting.pk}",
    )
    sighting.status = Sighting.Status.CONVERTED
    sighting.tip = tip
    sighting.reviewed_by = actor
    sighting.reviewed_at = timezone.now()
    sighting.save(update_fields=["status", "tip", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor, action=AuditAction.SIGHTING_TO_CLUE, obj=sighting, detail={"tip": tip.pk}
    )
    return sighting


@transaction.atomic
def notice_acknowledge(*, actor: User, notice: CommandNotice) -> CommandNotice:
    """The command centre the notice went to acknowledges it."""
    require_public_security(actor)
    require_unit(actor, notice.agency)
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = actor
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action=AuditAction.ALERT_NOTICE_ACK, obj=notice)
    return notice
