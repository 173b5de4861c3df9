"""Online screening (网络巡查, rules 二、(三)2 and 三、(四)): posts pushed by platforms or
uploaded from a 净网 operation's export, classified by the screening engine, reviewed,
turned into clues and taken down.

A post's text and its author's handle are personal data: both are encrypted like a
clue's narrative; the handle and every identifier extracted from the text (phone,
WeChat, QQ, accounts) are findable only through keyed blind indexes. Identifier digests
use the clue module's context (``tips.identifier.<kind>``), so a post and a clue that
name the same phone or WeChat id carry the same digest and are linked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division

# The engine's six labels, in its order (homeward.screening_engine.LABELS).
LABEL_CHOICES = [
    ("illegal_adoption", _("Illegal adoption or child selling")),
    ("surrogacy", _("Commercial surrogacy or paid eggs")),
    ("bride_trafficking", _("Bride trafficking")),
    ("forced_labour_recruitment", _("Forced labour recruitment")),
    ("sexual_exploitation", _("Sexual exploitation")),
    ("benign", _("Not illegal")),
]
LABELS = tuple(code for code, _label in LABEL_CHOICES)


class Platform(models.Model):
    """An online platform that pushes posts and receives takedown requests through the
    partner API with its own bearer token (stored as a keyed digest only)."""

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    token_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("Active"), default=True)
    # How long the platform has to remove a post once asked (notice and takedown).
    takedown_hours = models.PositiveSmallIntegerField(_("Hours to remove a post"), default=24)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("online platform")
        verbose_name_plural = _("online platforms")

    def __str__(self) -> str:
        return self.name


class Operation(models.Model):
    """A 净网 operation (三、(四)): its scope, dates and lead agency. Its figures are
    computed from the posts, reviews and takedowns, never typed."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Operation ended")

    class Lead(models.TextChoices):
        CYBERSPACE = "cyberspace", _("Cyberspace Affairs Office (网信办)")
        PUBLIC_SECURITY = "public_security", _("Public security (公安)")

    name = models.CharField(_("Name"), max_length=120)
    lead = models.CharField(_("Lead agency"), max_length=20, choices=Lead.choices)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"), null=True, blank=True)
    districts = models.ManyToManyField(
        Division, blank=True, related_name="+", verbose_name=_("Districts (none: all)")
    )
    platforms = models.ManyToManyField(
        Platform, blank=True, related_name="operations", verbose_name=_("Platforms")
    )
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("Unit")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("净网 operation")
        verbose_name_plural = _("净网 operations")
        permissions = [
            ("run_operation", _("Run 净网 operations and take in posts")),
            ("review_post", _("Review screened posts")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="screening_operation_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    class Source(models.TextChoices):
        API = "api", _("Platform partner API")
        UPLOAD = "upload", _("Operation export")
        MANUAL = "manual", _("Pasted by staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Not illegal")

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="posts", verbose_name=_("Platform")
    )
    platform_post_id = models.CharField(_("Post id on the platform"), max_length=128)
    url = models.CharField(_("Address (URL)"), max_length=500, blank=True)
    author_handle = EncryptedTextField(_("Author"), blind_index_field="author_index")
    author_index = models.CharField(max_length=32, blank=True, db_index=True)
    posted_at = models.DateTimeField(_("Posted at"), null=True, blank=True)
    text = EncryptedTextField(_("Text"))
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("District"),
    )
    operation = models.ForeignKey(
        Operation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("净网 operation"),
    )
    intake = models.ForeignKey(
        "IntakeBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    source = models.CharField(_("Source"), max_length=8, choices=Source.choices)
    received_at = models.DateTimeField(_("Received"), default=timezone.now)
    # The engine's answer (filled once classified; ``classified_at`` None until then).
    classified_at = models.DateTimeField(null=True, blank=True)
    label = models.CharField(_("Label"), max_length=32, choices=LABEL_CHOICES, blank=True)
    score = models.FloatField(_("Risk"), default=0.0)
    scores = models.JSONField(default=dict)
    cues = models.JSONField(default=list)
    model_version = models.CharField(max_length=64, blank=True)
    flagged = models.BooleanField(_("Flagged"), default=False)
    # MinHash signature (uint64 array as bytes) for near-duplicate similarity.
    signature = models.BinaryField(null=True, blank=True)
    # The cluster's first post (itself for the first); the network's lowest post id.
    cluster_head = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    network_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # A post confirmed with another of its cluster (never reviewed on its own).
    confirmed_with = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tip = models.ForeignKey(
        "tips.Tip",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Clue"),
    )

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("screened post")
        verbose_name_plural = _("screened posts")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_post_id"], name="screening_post_once_per_platform"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1),
                name="screening_score_is_probability",
            ),
        ]
        indexes = [
            models.Index(fields=["flagged", "status", "-score"]),
            models.Index(fields=["cluster_head"]),
        ]

    def __str__(self) -> str:
        return f"{self.platform_id}:{self.platform_post_id}"


class PostIdentifier(models.Model):
    """A contact detail found in a post: the digest (``tips.identifier.<kind>``
    context, shared with clues) for linking, the normalised value encrypted."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("Kind"), max_length=16)
    digest = models.CharField(max_length=32, db_index=True)
    value = EncryptedTextField(_("Value"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "kind", "digest"], name="screening_identifier_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.kind}"


class BandKey(models.Model):
    """One LSH band key of a post's MinHash signature: posts sharing a key are
    near-duplicate candidates (``screening_engine.lsh_band_keys``)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="band_keys")
    key = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return self.key


class Review(models.Model):
    """A reviewer's decision on a post, kept for the record and for the next training
    run of the classifier (``screening_export_reviews``)."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.BooleanField(_("Illegal"))
    label = models.CharField(_("Label"), max_length=32, choices=LABEL_CHOICES)
    note = models.CharField(_("Note"), max_length=300, blank=True)
    model_label = models.CharField(max_length=32, blank=True)
    model_version = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("post review")
        verbose_name_plural = _("post reviews")
        constraints = [
            # A true post has an illegal label; a false one is benign.
            models.CheckConstraint(
                condition=(models.Q(decision=True) & ~models.Q(label="benign"))
                | (models.Q(decision=False) & models.Q(label="benign")),
                name="screening_review_label_matches_decision",
            )
        ]

    def __str__(self) -> str:
        return f"review {self.post_id}"


class Takedown(models.Model):
    """Notice and takedown: a request to a platform to remove a confirmed post (or a
    near-duplicate of one), tracked until the platform confirms the removal."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("takedown status", "Requested")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the platform")
        CONFIRMED_REMOVED = "confirmed_removed", _("Removal confirmed")
        REFUSED = "refused", _("Refused by the platform")

    post = models.OneToOneField(Post, on_delete=models.PROTECT, related_name="takedown")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="takedowns")
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    # The reviewed post whose confirmation asked for this removal.
    because_of = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(pgettext_lazy("time", "Requested"), default=timezone.now)
    due_at = models.DateTimeField(pgettext_lazy("takedown", "Due"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Set once by the tick job when the request went past its due time still open: the
    # platform sees the reminder in its list of requests (``reminded``), the takedown
    # list shows it.
    reminded_at = models.DateTimeField(_("Reminded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Closed"), null=True, blank=True)
    platform_reference = models.CharField(_("Platform's reference"), max_length=100, blank=True)
    platform_note = models.CharField(_("Platform's note"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("takedown request")
        verbose_name_plural = _("takedown requests")
        indexes = [models.Index(fields=["platform", "status"])]

    def __str__(self) -> str:
        return f"takedown {self.post_id}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.REQUESTED, self.Status.ACKNOWLEDGED}

    def overdue(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.is_open and self.due_at < moment  # type: ignore[operator]


class IntakeBatch(models.Model):
    """One upload of an operation's export or one partner API batch: a background run
    (``homeward.core.background``) with its progress and, when refused, every bad row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("Source"), max_length=8, choices=Post.Source.choices)
    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="intakes"
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="intakes"
    )
    file_name = models.CharField(_("File"), max_length=200, blank=True)
    # The uploaded file (base64), encrypted, until the run has read it.
    content = EncryptedTextField()
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("Progress (%)"), default=0)
    total = models.PositiveIntegerField(_("Posts"), default=0)
    created = models.PositiveIntegerField(_("New posts"), default=0)
    flagged = models.PositiveIntegerField(_("Flagged"), default=0)
    encoding = models.CharField(max_length=20, blank=True)
    # [{"row": 3, "column": "text", "reason": "..."}]: reasons, never post text.
    errors = models.JSONField(default=list)
    # Partner API batches: the keyed digest of the Idempotency-Key and of the payload,
    # and the answer given (per-item outcomes, no post text).
    idempotency_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    payload_digest = models.CharField(max_length=64, blank=True)
    answer = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("post intake")
        verbose_name_plural = _("post intakes")

    def __str__(self) -> str:
        return f"intake {self.pk} ({self.status})"
