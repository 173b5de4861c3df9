"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One audited action. Rows are never updated or deleted (database triggers
    refuse it); ``hash`` chains each row to the one before it."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        DENIED = "denied", _("拒绝")
        FAILURE = "failure", _("失败")

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=True,
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    agency_code = models.CharField(_("单位"), max_length=64, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    request_id = models.CharField(_("请求编号"), max_length=36, blank=True)
    source_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    # Non-sensitive context only (field names changed, counts, purpose codes).
    detail = models.JSONField(_("详情"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        permissions = [("view_audit_trail", _("查看审计记录"))]
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
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="core_chain_head_singleton")]

    def __str__(self) -> str:
        return f"head #{self.seq}"
