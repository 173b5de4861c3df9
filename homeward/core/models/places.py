"""Chongqing's county-level divisions and their townships (reference data)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """One of Chongqing's 38 county-level divisions (GB/T 2260 code)."""

    class Type(models.TextChoices):
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县")
        AUTONOMOUS_COUNTY = "autonomous_county", _("自治县")

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=32, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80)
    type = models.CharField(_("类型"), max_length=20, choices=Type.choices)
    centroid_lat = models.FloatField(_("质心纬度"))
    centroid_lon = models.FloatField(_("质心经度"))
    population_2020 = models.PositiveIntegerField(_("2020年常住人口"), null=True, blank=True)
    # GeoJSON geometry (MultiPolygon, GCJ-02 datum; see core/data/PROVENANCE.md).
    boundary = models.JSONField(_("边界"), default=dict)

    class Meta:
        ordering = ["code"]
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        permissions = [("view_places", _("查看区县与单位"))]
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
        SUBDISTRICT = "subdistrict", _("街道")
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")

    code = models.CharField(_("统计代码"), max_length=9, unique=True)
    name_zh = models.CharField(_("名称"), max_length=32)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="townships", verbose_name=_("区县")
    )
    type = models.CharField(_("类型"), max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("乡镇街道")
        verbose_name_plural = _("乡镇街道")

    def __str__(self) -> str:
        return self.name_zh
