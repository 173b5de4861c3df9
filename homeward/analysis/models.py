"""Situation analysis: monthly rollups of every module's figures, the early warning's
assessments, warnings and the notices that carry them.

Numbers only: no row here names a person. A rollup cell is (figure, district, month,
category) -> count, maintained by the tick job ``analysis.rollups`` from the figure
definitions the modules declare (core.figures).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MonthlyCount(models.Model):
    """One cell of the rollup: how many rows of ``figure`` fell in ``month`` (its first
    day, Beijing time) in ``division`` (null: no district) under ``category`` ("" when
    the figure has none or the row has no category)."""

    figure = models.CharField(max_length=40)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField()
    category = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        permissions = [("view_situation", _("See the situation analysis"))]
        # Covering: the dashboards' grouped sums read the index alone (PostgreSQL's
        # index-only scan; SQLite ignores INCLUDE), not the heap pages of a year's cells.
        indexes = [
            models.Index(
                fields=["figure", "month"],
                include=["division", "category", "count"],
                name="analysis_mc_figure_month_cov",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "division", "month", "category"],
                condition=models.Q(division__isnull=False),
                name="analysis_mc_one_cell",
            ),
            models.UniqueConstraint(
                fields=["figure", "month", "category"],
                condition=models.Q(division__isnull=True),
                name="analysis_mc_one_cell_outside",
            ),
        ]
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")

    def __str__(self) -> str:
        return f"{self.figure} {self.division_id} {self.month} {self.category}: {self.count}"


class CellCount(models.Model):
    """Hot spots: rows of ``figure`` with a location, per H3 cell (resolution
    ``ANALYSIS_H3_RESOLUTION``) and month."""

    figure = models.CharField(max_length=40)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField()
    cell = models.CharField(max_length=16)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["figure", "month"], name="analysis_cc_figure_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "month", "cell"], name="analysis_cc_one_cell"
            ),
        ]
        verbose_name = _("hot-spot cell count")
        verbose_name_plural = _("hot-spot cell counts")

    def __str__(self) -> str:
        return f"{self.figure} {self.cell} {self.month}: {self.count}"


class RollupState(models.Model):
    """How far the rollup of one figure has read: rows changed before ``watermark`` are
    counted; ``checked_on`` is the local day of the last full re-check."""

    figure = models.CharField(max_length=40, unique=True)
    watermark = models.DateTimeField(null=True, blank=True)
    checked_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return f"rollup {self.figure}"


class Assessment(models.Model):
    """The early warning's assessment of one series (figure and category) in one district
    and month: the expected count given the district's own history and season, the upper
    threshold, and whether the count is above it (homeward.earlywarning)."""

    figure = models.CharField(max_length=40)
    category = models.CharField(max_length=40, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    threshold = models.FloatField()
    alarm = models.BooleanField(default=False)
    score = models.FloatField()
    dispersion = models.FloatField()
    trend_used = models.BooleanField(default=False)
    model = models.CharField(max_length=16)
    engine_version = models.CharField(max_length=40)
    assessed_at = models.DateTimeField(default=timezone.now)
    # An alarm that belongs to a warning already raised (one warning a spike): the
    # figure's total in the month its category's warning was raised, or the month after,
    # when the spike continues (early_warning.warning_raise).
    attached_to = models.ForeignKey(
        "Warning",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attached",
        verbose_name=_("early warning it belongs to"),
    )

    class Meta:
        indexes = [models.Index(fields=["month", "alarm"], name="analysis_as_month_alarm")]
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "category", "division", "month"],
                name="analysis_as_one_per_series_month",
            ),
        ]
        verbose_name = _("early-warning assessment")
        verbose_name_plural = _("early-warning assessments")

    def __str__(self) -> str:
        return f"assessment {self.figure}/{self.category} {self.division_id} {self.month}"


class AssessmentRun(models.Model):
    """A month the early warning has assessed (the monthly job catches up missed months
    and never repeats one)."""

    month = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    series = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("early-warning run")
        verbose_name_plural = _("early-warning runs")

    def __str__(self) -> str:
        return f"assessment run {self.month}"


class Warning(models.Model):
    """A count above its threshold (预警): sent to the joint-conference office and the
    district police; a person of the municipal office may put the district under
    supervision as a key region (挂牌督办)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("warning status", "Awaiting decision")
        LISTED = "listed", pgettext_lazy("warning status", "Key region listed")
        CLOSED = "closed", pgettext_lazy("warning status", "Closed without listing")

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="warning")
    figure = models.CharField(max_length=40)
    category = models.CharField(max_length=40, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    # The last month the spike was above its threshold (= ``month`` until it continues).
    last_month = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    listing = models.ForeignKey(
        "coordination.RegionListing",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-month", "-pk"]
        indexes = [models.Index(fields=["division", "month"], name="analysis_wa_division_month")]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")

    def __str__(self) -> str:
        return f"warning {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.last_month is None:
            self.last_month = self.month
        super().save(*args, **kwargs)

    @property
    def continues(self) -> bool:
        """Whether the spike went on past its first month (one warning a spike)."""
        return self.last_month > self.month


class WarningNotice(models.Model):
    """A warning in a unit's inbox (its home page's waiting work): the municipal
    joint-conference office, the district's office and the district police."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="notices")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["warning", "agency"], name="analysis_wn_once"),
        ]
        verbose_name = _("warning notice")
        verbose_name_plural = _("warning notices")

    def __str__(self) -> str:
        return f"warning notice {self.pk}"
