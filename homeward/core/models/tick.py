"""A record of each sweep of due work, so operators can see the ticker is alive."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TickRun(models.Model):
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Job name -> number of items handled, or an error code; never personal data.
    results = models.JSONField(_("结果"), default=dict)
    ok = models.BooleanField(_("成功"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("定时巡检")
        verbose_name_plural = _("定时巡检")
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"tick {self.started_at:%Y-%m-%d %H:%M:%S}"
