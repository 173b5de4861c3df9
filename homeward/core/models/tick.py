"""A record of each sweep of due work, so operators can see the ticker is alive."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TickRun(models.Model):
    started_at = models.DateTimeField(_("Started at"))
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    # Job name -> number of items handled, or an error code; never personal data.
    results = models.JSONField(_("Results"), default=dict)
    ok = models.BooleanField(_("Success"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("Scheduled sweep")
        verbose_name_plural = _("Scheduled sweeps")
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"tick {self.started_at:%Y-%m-%d %H:%M:%S}"
