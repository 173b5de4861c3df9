"""Agencies: the municipal units named in the rules, the joint-conference offices,
and each district's counterpart units."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homeward.core.models.places import Division

JOINT_CONFERENCE_OFFICE_KIND = "joint_conference_office"
PUBLIC_SECURITY_KIND = "public_security"


class Agency(models.Model):
    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("市级")
        DISTRICT = "district", _("区县级")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    kind = models.CharField(_("职能类别"), max_length=48)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("区县"),
    )
    name_zh = models.CharField(_("中文名称"), max_length=64, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=160)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counterparts",
        verbose_name=_("对应市级单位"),
    )
    named_in_rules = models.BooleanField(_("实施细则列明"), default=False)
    is_conference_member = models.BooleanField(_("反拐联席会议成员单位"), default=False)

    class Meta:
        ordering = ["level", "division__code", "kind"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="municipal", division__isnull=True)
                    | models.Q(level="district", division__isnull=False)
                ),
                name="core_agency_level_matches_division",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(division__isnull=True),
                name="core_agency_one_municipal_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "division"],
                condition=models.Q(division__isnull=False),
                name="core_agency_one_per_kind_per_division",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") else self.name_zh

    @property
    def is_municipal(self) -> bool:
        return self.level == self.Level.MUNICIPAL

    @property
    def is_public_security(self) -> bool:
        return self.kind == PUBLIC_SECURITY_KIND
