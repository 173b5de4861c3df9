"""Clues from the public and mandatory reports from institutions.

A clue row holds no IP address, user agent, user id of an anonymous reporter or exact
submission time (SECURITY.md DP-08): the time is rounded to the hour; narrative,
address and contact are encrypted; phone numbers and plates mentioned are kept only
as keyed blind indexes, to suggest related clues."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division


class Tip(models.Model):
    class Category(models.TextChoices):
        TRAFFICKING = "trafficking", _("Trafficking of women or children")
        BUYING = "buying", _("Buying a trafficked woman or child")
        CHILD_SELLING = "child_selling", _("Illegal adoption or an offer to sell a child")
        FORCED_LABOUR = "forced_labour", _("Forced labour or child labour")
        FORCED_BEGGING = "forced_begging", _("Forced begging")
        SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
        ONLINE = "online", _("Information online")
        SUSPICIOUS = "suspicious", _("Suspicious person or vehicle")
        MISSING_CHILD = "missing_child", _("A child who may be missing")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        PUBLIC = "public", _("Public site")
        PUBLIC_API = "public_api", _("Partner app")
        MANDATORY = "mandatory", _("Mandatory report")
        ALERT_SIGHTING = "alert_sighting", _("Sighting on a missing-child alert")
        ONLINE_SCREENING = "screening", _("Online screening (网络巡查)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRIAGED = "triaged", _("Triaged")
        ASSIGNED = "assigned", _("Assigned")
        VERIFYING = "verifying", _("Being verified")
        SUBSTANTIATED = "substantiated", _("Substantiated")
        UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
        REFERRED = "referred", _("Referred to another agency")

    class Priority(models.IntegerChoices):
        NORMAL = 1, _("Normal")
        HIGH = 2, _("High")
        HIGHEST = 3, _("Highest")

    tracking_code = models.CharField(_("Tracking code"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=128)
    idempotency_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Keyed fingerprint of the submitted payload and the reporter's receipt sealed under
    # the raw idempotency key (which is not stored): a retry gets the same receipt, a
    # replay of the key with another payload gets nothing.
    payload_digest = models.CharField(max_length=64, blank=True)
    sealed_receipt = models.TextField(blank=True)
    category = models.CharField(_("Category"), max_length=24, choices=Category.choices)
    channel = models.CharField(_("Channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    priority = models.PositiveSmallIntegerField(
        _("Priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    narrative = EncryptedTextField(_("What happened"))
    occurred_on = models.DateField(_("When"), null=True, blank=True)
    occurred_time = models.CharField(_("Time of day"), max_length=40, blank=True)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("District")
    )
    address = EncryptedTextField(_("Where"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    contact = EncryptedTextField(_("Contact (optional)"))
    received_hour = models.DateTimeField(_("Received (hour)"))
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Police unit")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Assigned to"),
    )
    referred_to = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Referred to"),
    )
    outcome_note = models.CharField(_("Outcome"), max_length=300, blank=True)
    # A substantiated clue joins an existing case (a clue that opens a new case is the
    # case's source instead).
    joined_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joined_clues",
        verbose_name=_("Joined case"),
    )
    sla_due_at = models.DateTimeField(_("Triage due"))
    overdue = models.BooleanField(_("Overdue"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-priority", "received_hour"]
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        permissions = [
            ("triage_tip", _("Triage clues")),
            ("approve_reward", _("Approve reporting rewards")),
        ]
        indexes = [models.Index(fields=["owning_agency", "status", "-priority", "received_hour"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="tips_point_is_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class TipIdentifier(models.Model):
    """A phone number, plate or online contact (WeChat, QQ, account) mentioned in a clue,
    kept only as a keyed blind index (``tips.services.identifier_digest``)."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        PLATE = "plate", _("Plate")
        WECHAT = "wechat", _("WeChat")
        QQ = "qq", _("QQ")
        BANK_ACCOUNT = "bank_account", _("Bank account")
        ALIPAY = "alipay", _("Alipay")
        EMAIL = "email", _("Email")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tip", "kind", "digest"], name="tips_identifier_once")
        ]

    def __str__(self) -> str:
        return f"{self.tip_id}:{self.kind}"


class TipAttachment(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="tips/")
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class MandatoryReport(models.Model):
    """强制报告: a clue filed by a member of staff of a school, hospital, marriage registry,
    hotel or station, who sees its outcome."""

    class InstitutionKind(models.TextChoices):
        SCHOOL = "school", _("School or kindergarten")
        VILLAGE_COMMITTEE = "village_committee", _("Village or residents' committee")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs (adoption, child welfare)")
        HOSPITAL = "hospital", _("Hospital or clinic")
        MARRIAGE_REGISTRY = "marriage_registry", _("Marriage registry")
        HOTEL = "hotel", _("Hotel")
        TRANSPORT = "transport", _("Passenger transport (coach, bus, taxi, ride-hailing)")
        STATION = "station", _("Station, airport or port")
        OTHER = "other", _("Other")

    tip = models.OneToOneField(Tip, on_delete=models.PROTECT, related_name="mandatory")
    institution_name = models.CharField(_("Institution"), max_length=120)
    institution_kind = models.CharField(
        _("Kind of institution"), max_length=20, choices=InstitutionKind.choices
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporter_role = models.CharField(_("Your role"), max_length=60)

    class Meta:
        verbose_name = _("mandatory report")
        verbose_name_plural = _("mandatory reports")

    def __str__(self) -> str:
        return f"mandatory {self.tip_id}"


class TipEvent(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.tip_id}:{self.kind}"

    @property
    def kind_label(self) -> str:
        """The event as users read it: a status the clue moved to, or what happened."""
        if self.kind in Tip.Status.values:
            return str(Tip.Status(self.kind).label)
        labels = {
            "joined_case": _("Joined to a case"),
            "from_online_post": _("Opened from a confirmed online post"),
        }
        return str(labels.get(self.kind, _("Other change")))


class Reward(models.Model):
    """举报奖励 for a substantiated clue (rules 五、(四))."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        UNIT_APPROVED = "unit_approved", _("Approved by the case unit")
        MUNICIPAL_APPROVED = "municipal_approved", _("Approved by the municipal bureau")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    tip = models.OneToOneField(Tip, on_delete=models.PROTECT, related_name="reward")
    amount = models.DecimalField(_("Amount (yuan)"), max_digits=10, decimal_places=2)
    grounds = models.CharField(pgettext_lazy("reward", "Grounds"), max_length=300)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    payment_reference = models.CharField(_("Payment reference"), max_length=60, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="tips_reward_positive")
        ]

    def __str__(self) -> str:
        return f"reward {self.tip_id}"


class RewardStep(models.Model):
    reward = models.ForeignKey(Reward, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=Reward.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.reward_id}:{self.status}"
