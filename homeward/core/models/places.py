"""Chongqing's county-level divisions and their townships (reference data)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """One of Chongqing's 38 county-level divisions (GB/T 2260 code)."""

    class Type(models.TextChoices):
        DISTRICT = "district", pgettext_lazy("division type", "District")
        COUNTY = "county", _("County")
        AUTONOMOUS_COUNTY = "autonomous_county", _("Autonomous county")

    code = models.CharField(_("Division code"), max_length=6, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=80)
    type = models.CharField(_("Type"), max_length=20, choices=Type.choices)
    centroid_lat = models.FloatField(_("Centroid latitude"))
    centroid_lon = models.FloatField(_("Centroid longitude"))
    population_2020 = models.PositiveIntegerField(
        _("Resident population (2020)"), null=True, blank=True
    )
    # Residents aged 0–14 from the district's own 2020 census bulletin; empty where no
    # bulletin was found (core/data/PROVENANCE.md §6). Rates of children's figures use it.
    population_0_14_2020 = models.PositiveIntegerField(
        _("Resident population aged 0–14 (2020)"), null=True, blank=True
    )
    # GeoJSON geometry (MultiPolygon, GCJ-02 datum; see core/data/PROVENANCE.md).
    boundary = models.JSONField(_("Boundary"), default=dict)

    class Meta:
        ordering = ["code"]
        verbose_name = _("District or county")
        verbose_name_plural = _("Districts and counties")
        permissions = [("view_places", _("View districts and agencies"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^5001[0-9]{2}$|^5002[0-9]{2}$"),
                name="core_division_code_chongqing",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") else self.name_zh

    def geometry(self) -> dict[str, Any]:
        return dict(self.boundary)


class Township(models.Model):
    """A township-level unit (街道, 镇, 乡) with its NBS statistical code."""

    class Type(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        TOWN = "town", _("Town")
        TOWNSHIP = "township", pgettext_lazy("township type", "Township")

    code = models.CharField(_("Statistical code"), max_length=9, unique=True)
    name_zh = models.CharField(_("Name"), max_length=32)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="townships", verbose_name=_("District")
    )
    type = models.CharField(_("Type"), max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Township")
        verbose_name_plural = _("Townships")

    def __str__(self) -> str:
        return self.name_zh
