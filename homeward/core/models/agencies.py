"""Agencies: the municipal units named in the rules, the joint-conference offices,
and each district's counterpart units."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homeward.core.models.places import Division

JOINT_CONFERENCE_OFFICE_KIND = "joint_conference_office"
PUBLIC_SECURITY_KIND = "public_security"
# Each district's people's government (七、(二) budget; 七、(四) recipient of the district report).
DISTRICT_GOVERNMENT_KIND = "district_government"


class Agency(models.Model):
    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal level")
        DISTRICT = "district", _("District level")

    code = models.SlugField(_("Code"), max_length=64, unique=True)
    kind = models.CharField(_("Function"), max_length=48)
    level = models.CharField(_("Level"), max_length=12, choices=Level.choices)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("District"),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=160)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counterparts",
        verbose_name=_("Municipal counterpart"),
    )
    named_in_rules = models.BooleanField(_("Named in the implementing rules"), default=False)
    is_conference_member = models.BooleanField(
        _("Member of the anti-trafficking joint conference"), default=False
    )

    class Meta:
        ordering = ["level", "division__code", "kind"]
        verbose_name = _("Agency")
        verbose_name_plural = _("Agencies")
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
