"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One audited action. Rows are never updated or deleted (database triggers
    refuse it); ``hash`` chains each row to the one before it."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        DENIED = "denied", _("Denied")
        FAILURE = "failure", _("Failure")

    seq = models.PositiveBigIntegerField(_("Sequence number"), unique=True)
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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit events")
        permissions = [("view_audit_trail", _("View the audit trail"))]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"


class AuditChainHead(models.Model):
    """The single row that serialises appends and remembers the newest hash, so
    removing the last rows of the chain is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("Audit chain head")
        verbose_name_plural = _("Audit chain heads")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_chain_head_singleton")
        ]

    def __str__(self) -> str:
        return f"head #{self.seq}"
