"""The append-only, keyed and anchored audit trail (SECURITY.md AUD-02, issue 17 #9).

A writer appends an :class:`AuditEvent` in its own transaction without touching any
shared row; a short chaining step (after commit, and in every tick) gives the committed
events their place in the chain (``seq``) and their keyed hash. :class:`AuditCheckpoint`
rows mirror the signed anchors written outside the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One audited action. Its content is never updated and it is deleted only by the
    retention purge (database triggers refuse anything else); the chaining step fills
    ``seq``, ``prev_hash`` and ``hash`` once, after the writer's transaction committed."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        DENIED = "denied", _("Denied")
        FAILURE = "failure", _("Failure")

    # Empty until the chaining step has linked the event (see core.audit.audit_chain).
    seq = models.PositiveBigIntegerField(_("Sequence number"), unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("Time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=True,
        verbose_name=_("Actor"),
    )
    actor_username = models.CharField(_("Actor username"), max_length=150, blank=True)
    agency_code = models.CharField(_("Agency"), max_length=64, blank=True)
    action = models.CharField(_("Action"), max_length=64, db_index=True)
    object_type = models.CharField(_("Object type"), max_length=64, blank=True)
    object_id = models.CharField(_("Object ID"), max_length=64, blank=True)
    outcome = models.CharField(_("Outcome"), max_length=12, choices=Outcome.choices)
    request_id = models.CharField(_("Request ID"), max_length=36, blank=True)
    source_ip = models.GenericIPAddressField(_("Source address"), null=True, blank=True)
    # Non-sensitive context only (field names changed, counts, purpose codes).
    detail = models.JSONField(_("Details"), default=dict)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit events")
        permissions = [("view_audit_trail", _("View the audit trail"))]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_unchained"
            ),
            models.Index(fields=["created_at"], name="core_audit_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action} {self.outcome}"


class AuditChainHead(models.Model):
    """The single row that remembers the newest link of the chain (so removing the last
    rows is detected) and where the chain starts after a retention purge. Only the
    chaining step and the purge write it; its triggers let ``seq`` and ``base_seq`` only
    grow."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The chain starts after event #base_seq, whose hash was base_hash (0/genesis until
    # the first retention purge).
    base_seq = models.PositiveBigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("Audit chain head")
        verbose_name_plural = _("Audit chain heads")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_chain_head_singleton")
        ]

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed anchor of the chain head, as also written to the anchor file outside the
    database (and shipped to the log host). Append-only."""

    class Kind(models.TextChoices):
        CHECKPOINT = "checkpoint", _("Checkpoint")
        PURGE = "purge", _("Retention purge")

    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    seq = models.PositiveBigIntegerField(_("Sequence number"))
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("Time"))
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("Audit checkpoint")
        verbose_name_plural = _("Audit checkpoints")

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq}"


class KeyFingerprint(models.Model):
    """A one-way fingerprint of each key the data was written with (issue 19, keys and
    restore): the platform refuses to start when the configured keyring does not match
    (core.keycheck). Never the key itself."""

    purpose = models.CharField(max_length=16)  # "field" or "blind_index"
    key_id = models.CharField(max_length=32)
    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Key fingerprint")
        verbose_name_plural = _("Key fingerprints")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "key_id"], name="core_key_fp_unique")
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.key_id}"
