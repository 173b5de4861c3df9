"""The person registry. Identity fields are encrypted at rest; the ID number has a
keyed blind index for exact lookup."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.core.fields import EncryptedTextField
from homeward.core.models import Agency, Division


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        UNKNOWN = "unknown", _("Unknown")

    full_name = models.CharField(_("Full name"), max_length=64)
    sex = models.CharField(_("Sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("Date of birth"), null=True, blank=True)
    estimated_age_years = models.PositiveSmallIntegerField(
        _("Estimated age"), null=True, blank=True
    )
    age_estimated_on = models.DateField(_("Date of age estimate"), null=True, blank=True)
    ethnicity = models.CharField(_("Ethnicity"), max_length=16, blank=True)
    id_number = EncryptedTextField(_("ID number"), blind_index_field="id_number_index")
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    household_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Household registration"),
    )
    phone = EncryptedTextField(_("Phone"))
    address = EncryptedTextField(_("Address"))
    photo = models.ImageField(_("Photo"), upload_to="people/photos/", blank=True)
    # Scoping: the district and agency that registered and hold the record.
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("District of registration"),
    )
    owning_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("Registering agency"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("Registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Person")
        verbose_name_plural = _("People")
        permissions = [("view_person_identity", _("View full identity details"))]
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

    def clean(self) -> None:
        from homeward.people.validators import validate_birth

        validate_birth(
            date_of_birth=self.date_of_birth,
            id_number=self.id_number or "",
            sex=self.sex,
            age_estimated_on=self.age_estimated_on,
        )

    def age_on(self, day: date | None = None) -> int | None:
        """Age in whole years on ``day`` (today by default); estimated ages advance
        with the years since the estimate."""
        today: date = timezone.localdate() if day is None else day
        if self.date_of_birth:
            born: date = self.date_of_birth
            years = today.year - born.year
            if (today.month, today.day) < (born.month, born.day):
                years -= 1
            return years
        if self.estimated_age_years is not None and self.age_estimated_on:
            estimated_on: date = self.age_estimated_on
            return int(self.estimated_age_years) + (today.year - estimated_on.year)
        return None if self.estimated_age_years is None else int(self.estimated_age_years)

    @property
    def is_minor(self) -> bool:
        age = self.age_on()
        return age is not None and age < 18
