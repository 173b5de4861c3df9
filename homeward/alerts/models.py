"""Missing-child alerts, their rings, subscribers, deliveries, the partner feed and sightings.

Identity lives in ``people.Person``: an alert links to the child's record. What an alert
holds of its own is the public notice as it was published (name or alias, age, clothing,
photo), which is a document of the alert, not a copy of the registry.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division
from homeward.people.models import Person


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AlertOutcome(models.TextChoices):
    FOUND_SAFE = "found_safe", _("Found safe")
    FOUND_DECEASED = "found_deceased", _("Found deceased")


class Sex(models.TextChoices):
    MALE = "male", _("Boy")
    FEMALE = "female", _("Girl")
    UNKNOWN = "unknown", _("Not stated")


class Alert(models.Model):
    Status = AlertStatus
    Outcome = AlertOutcome

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    outcome = models.CharField(_("Outcome"), max_length=16, choices=Outcome.choices, blank=True)
    child = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="alerts",
        null=True,
        blank=True,
        verbose_name=_("Child's record"),
    )
    # The public notice (whitelisted fields; see alerts.public.PUBLIC_FIELDS).
    public_name = models.CharField(_("Name or alias"), max_length=32)
    sex = models.CharField(_("Sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age_years = models.PositiveSmallIntegerField(_("Age (years)"))
    height_cm = models.PositiveSmallIntegerField(_("Height (cm)"), null=True, blank=True)
    build = models.CharField(_("Build"), max_length=40, blank=True)
    clothing = models.CharField(_("Clothing"), max_length=200, blank=True)
    features = models.CharField(_("Features for recognition"), max_length=200, blank=True)
    photo = models.ImageField(_("Photo"), upload_to="alerts/photos/", blank=True)
    no_photo_reason = models.CharField(_("Reason for no photo"), max_length=200, blank=True)
    last_seen_at = models.DateTimeField(_("Last seen at"), null=True, blank=True)
    last_seen_place = models.CharField(_("Last seen place"), max_length=120, blank=True)
    # WGS-84, the datum of phones' positions; the map converts for drawing.
    latitude = models.FloatField(_("Latitude"), null=True, blank=True)
    longitude = models.FloatField(_("Longitude"), null=True, blank=True)
    hotline = models.CharField(_("Police hotline"), max_length=40, default="110")
    # For the task force only, never on a public surface.
    circumstances = EncryptedTextField(_("Circumstances (police only)"))
    # Scoping.
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("District")
    )
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Police unit")
    )
    schedule = models.CharField(_("Radius schedule"), max_length=200)
    stage = models.SmallIntegerField(_("Stage"), default=-1)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Case"),
    )
    cap_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ended_at = models.DateTimeField(_("Ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    end_note = models.CharField(_("Note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Alert")
        verbose_name_plural = _("Alerts")
        permissions = [
            ("publish_alert", _("Publish, expand and end missing-child alerts")),
            ("view_alert_operations", _("See alert operations and sightings")),
        ]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == AlertStatus.PUBLISHED


class AlertRing(models.Model):
    """One stage of an alert's area: the circle of ``radius_km`` around the last-seen place.

    The ring is the outbox entry of its stage: it is created in the transaction that
    publishes or expands the alert, and the fan-out works from it.
    """

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="rings")
    stage = models.PositiveSmallIntegerField()
    radius_km = models.FloatField()
    previous_radius_km = models.FloatField(default=0)
    opened_at = models.DateTimeField(default=timezone.now)
    fanout_done_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["alert", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "stage"], name="alerts_ring_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"alert {self.alert_id} ring {self.stage} ({self.radius_km:g} km)"


class Partner(models.Model):
    """An app or platform that relays alerts (a map app, a payment app, a neighbouring
    province's platform). It receives the CAP messages by webhook and pulls the feed with
    its token; its users can be registered as subscribers."""

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    webhook_url = models.URLField(_("Webhook URL"), blank=True)
    signing_secret = EncryptedTextField(_("Signing secret"))
    token_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Partner")
        permissions = [("manage_partner", _("Register alert partners"))]

    def __str__(self) -> str:
        return self.code


class Channel(models.TextChoices):
    WEB_PUSH = "web_push", _("Web push")
    SMS = "sms", _("SMS")
    PARTNER = "partner", _("Partner app")


class Subscriber(models.Model):
    """Someone who wants alerts near them: a member of the public (web push or SMS) or
    a partner app's user. Located by an H3 cell at a fixed resolution plus exact
    coordinates (WGS-84)."""

    channel = models.CharField(max_length=12, choices=Channel.choices)
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="subscribers"
    )
    # The partner's id for its user, or a digest identifying a public subscription.
    external_ref = models.CharField(max_length=128)
    endpoint = EncryptedTextField()  # web push subscription JSON, or the phone number
    latitude = models.FloatField()
    longitude = models.FloatField()
    h3_cell = models.BigIntegerField(db_index=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "partner", "external_ref"], name="alerts_subscriber_once"
            ),
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=models.Q(partner__isnull=True),
                name="alerts_public_subscriber_once",
            ),
        ]

    def __str__(self) -> str:
        return f"subscriber {self.pk} ({self.channel})"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a worker that is sending it; due again when the claim (next_attempt_at)
    # expires, which only happens when that worker died between its claim and its record.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Failed for good")
    CANCELLED = "cancelled", _("Cancelled (alert ended)")


class Delivery(models.Model):
    """One notification of one subscriber about one alert. The unique constraint is the
    exactly-once guarantee: no ring, retry or crash can notify anybody twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    # No database constraint on these two: the fan-out inserts up to a million rows in one
    # statement from the subscriber table itself, and a per-row foreign-key trigger would
    # double its cost. Django still cascades deletes.
    ring = models.ForeignKey(
        AlertRing, on_delete=models.CASCADE, related_name="deliveries", db_constraint=False
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscriber"], name="alerts_delivery_once_per_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["ring", "channel", "status"], name="alerts_delivery_work"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["failed", "sending"]),
                name="alerts_delivery_retry",
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"


class CapMessage(models.Model):
    """A CAP 1.2 message of the partner feed: Alert, then Update per ring, then Cancel."""

    class MsgType(models.TextChoices):
        ALERT = "Alert", "Alert"
        UPDATE = "Update", "Update"
        CANCEL = "Cancel", "Cancel"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="cap_messages")
    sequence = models.PositiveIntegerField()
    msg_type = models.CharField(max_length=8, choices=MsgType.choices)
    identifier = models.CharField(max_length=120, unique=True)
    sent = models.DateTimeField()
    xml = models.TextField()

    class Meta:
        ordering = ["alert", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "sequence"], name="alerts_cap_sequence_once")
        ]

    def __str__(self) -> str:
        return self.identifier

    @property
    def msg_type_label(self) -> str:
        """The message type in the user's language (the stored value is CAP's own word)."""
        labels: dict[str, Any] = {
            self.MsgType.ALERT: pgettext_lazy("CAP message type", "First alert"),
            self.MsgType.UPDATE: pgettext_lazy("CAP message type", "Update"),
            self.MsgType.CANCEL: pgettext_lazy("CAP message type", "Cancellation"),
        }
        return str(labels.get(self.msg_type, self.msg_type))


class PartnerPush(models.Model):
    """The outbox row of one CAP message for one partner's webhook, retried with backoff
    and dead-lettered after the configured number of failures."""

    message = models.ForeignKey(CapMessage, on_delete=models.CASCADE, related_name="pushes")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="pushes")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "partner"], name="alerts_push_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="alerts_push_due")]

    def __str__(self) -> str:
        return f"push {self.pk} ({self.status})"


class RecordedMessage(models.Model):
    """What the recording channel 'sent' (development and tests): one row per send
    call, written in the dispatch transaction. Nothing deduplicates it, so a double
    send would show as two rows."""

    channel = models.CharField(max_length=12)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="+")
    subscriber_id = models.BigIntegerField(db_index=True)
    delivery_id = models.BigIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"recorded {self.delivery_id}"


class CommandNotice(models.Model):
    """A notice to a district command centre (the public-security unit's commanders):
    an alert was published or expanded, a sighting came in, a child was found."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Alert published")
        EXPANDED = "expanded", _("Alert area widened")
        SIGHTING = "sighting", _("Sighting reported")
        ENDED = "ended", _("Alert ended")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notices")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"notice {self.pk} ({self.kind})"


class Sighting(models.Model):
    """A member of the public saw the child (anonymous allowed)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        REVIEWED = "reviewed", _("Reviewed")
        CONVERTED = "converted", _("Made a clue")
        DISMISSED = "dismissed", _("Dismissed")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="sightings")
    idempotency_digest = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    seen_at = models.DateTimeField(_("When did you see the child?"), null=True, blank=True)
    place = EncryptedTextField(_("Where?"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    distance_km = models.FloatField(null=True, blank=True)
    description = EncryptedTextField(_("What did you see?"))
    contact = EncryptedTextField(_("Contact (optional)"))
    photo = models.ImageField(upload_to="alerts/sightings/", blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    tip = models.ForeignKey(
        "tips.Tip", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"sighting {self.pk}"
