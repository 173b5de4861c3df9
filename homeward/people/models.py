"""The person registry. Identity fields are encrypted at rest; the ID number has a
keyed blind index for exact lookup."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")
        UNKNOWN = "unknown", _("不详")

    full_name = models.CharField(_("姓名"), max_length=64)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("出生日期"), null=True, blank=True)
    estimated_age_years = models.PositiveSmallIntegerField(_("估计年龄"), null=True, blank=True)
    age_estimated_on = models.DateField(_("估计日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    id_number = EncryptedTextField(_("身份证号码"), blind_index_field="id_number_index")
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    household_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("户籍地"),
    )
    phone = EncryptedTextField(_("联系电话"))
    address = EncryptedTextField(_("住址"))
    photo = models.ImageField(_("照片"), upload_to="people/photos/", blank=True)
    # Scoping: the district and agency that registered and hold the record.
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="people", verbose_name=_("登记区县")
    )
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="people", verbose_name=_("登记单位")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        permissions = [("view_person_identity", _("查看完整身份信息"))]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~models.Q(id_number_index=""),
                name="people_one_person_per_id_number",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_age_years__isnull=True)
                | models.Q(estimated_age_years__lte=130),
                name="people_estimated_age_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} (#{self.pk})"

    def age_on(self, day: object = None) -> int | None:
        today = timezone.localdate() if day is None else day
        assert hasattr(today, "year")
        if self.date_of_birth:
            born = self.date_of_birth
            years = today.year - born.year  # type: ignore[attr-defined]
            if (today.month, today.day) < (born.month, born.day):  # type: ignore[attr-defined]
                years -= 1
            return years
        if self.estimated_age_years is not None and self.age_estimated_on:
            return self.estimated_age_years + (today.year - self.age_estimated_on.year)  # type: ignore[attr-defined]
        return self.estimated_age_years

    @property
    def is_minor(self) -> bool:
        age = self.age_on()
        return age is not None and age < 18
