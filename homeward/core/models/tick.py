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


class Lease(models.Model):
    """A named, expiring hold on a piece of background work, shared by every process.

    ``tick()`` holds one per job on SQLite (PostgreSQL uses an advisory lock instead), and
    a task that may be delivered twice holds one per run (``homeward.core.background``).
    Whoever holds the current ``holder`` token may renew or release it; once
    ``expires_at`` has passed anybody may take it over, so a process that died frees its
    work by itself.
    """

    name = models.CharField(max_length=200, unique=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Background lease")
        verbose_name_plural = _("Background leases")

    def __str__(self) -> str:
        return self.name
