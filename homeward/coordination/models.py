"""The measures of the rules and the units that lead them (负责) or cooperate (配合)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Agency


class Measure(models.Model):
    number = models.CharField(_("Number"), max_length=32, unique=True)
    sequence = models.PositiveSmallIntegerField(_("Order"), unique=True)
    chapter = models.CharField(_("Chapter"), max_length=8)
    section = models.CharField(_("Section"), max_length=8, blank=True)
    item = models.PositiveSmallIntegerField(_("Item"), null=True, blank=True)
    title = models.CharField(_("Section title"), max_length=80, blank=True)
    text = models.TextField(_("Text"))
    all_member_units_cooperate = models.BooleanField(default=False)
    implicit_units = models.BooleanField(default=False)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        permissions = [("view_plan", _("View the plan and its responsibility matrix"))]

    def __str__(self) -> str:
        return self.number


class Duty(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (负责)")
        COOPERATE = "cooperate", _("Cooperate (配合)")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="duties")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="duties")
    role = models.CharField(_("Role"), max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["measure__sequence", "role", "agency__kind"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "agency"], name="coordination_one_duty_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.agency_id}:{self.role}"
