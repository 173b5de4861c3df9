from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Division
from homeward.core.validators import validate_not_in_future
from homeward.people.models import Person
from homeward.people.validators import birth_errors, validate_id_number


def add_birth_errors(form: forms.Form, data: dict[str, Any]) -> None:
    """The registry's birth and identity check (:func:`birth_errors`) on a form, for
    the fields that are still valid."""
    errors = birth_errors(
        date_of_birth=data.get("date_of_birth"),
        id_number=data.get("id_number") or "",
        sex=data.get("sex") or "",
    )
    for field, messages in errors.items():
        if field in form.fields and field not in form.errors:
            for message in messages:
                form.add_error(field, message)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=64)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_not_in_future],
    )
    estimated_age_years = forms.IntegerField(
        label=_("Estimated age (if the date of birth is unknown)"),
        required=False,
        min_value=0,
        max_value=130,
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=16, required=False)
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, validators=[validate_id_number]
    )
    household_division = forms.ModelChoiceField(
        label=_("Household registration"),
        queryset=Division.objects.order_by("code"),
        required=False,
    )
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9+\- ]{5,20}$",
        required=False,
        error_messages={"invalid": _("Enter a valid phone number.")},
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    division = forms.ModelChoiceField(
        label=_("District of registration"),
        queryset=Division.objects.order_by("code"),
        required=False,
    )
    photo = forms.ImageField(label=_("Photo"), required=False)

    def __init__(self, *args: Any, municipal: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not municipal:
            # District users always register in their own district.
            del self.fields["division"]
        else:
            self.fields["division"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("date_of_birth") and cleaned.get("estimated_age_years") is not None:
            self.add_error(
                "estimated_age_years",
                _("An estimated age is not needed when the date of birth is given."),
            )
        add_birth_errors(self, cleaned)
        return cleaned

    def person_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("photo", None)
        data.pop("division", None)
        return {key: value for key, value in data.items() if value not in (None, "")}


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class PersonFields(forms.Form):
    """Register the person in the registry (or name an existing record by its number)."""

    existing_person = forms.IntegerField(
        label=_("Existing record number"),
        required=False,
        min_value=1,
        help_text=_("If the person is already in the registry; otherwise fill in below."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=64, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Person.Sex.choices, initial=Person.Sex.UNKNOWN, required=False
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DATE,
        validators=[validate_not_in_future],
    )
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, validators=[validate_id_number]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("existing_person") and not data.get("full_name"):
            self.add_error("full_name", _("Give the name, or the number of an existing record."))
        if not data.get("existing_person"):
            add_birth_errors(self, data)
        return data

    def person(self, user: Any, division: Division, *, purpose: str) -> Person:
        """The person the record is about: an existing record the user may see (read
        audited with ``purpose``), or a new registration. Identity lives in the registry."""
        from homeward.people.selectors import person_get_for_user
        from homeward.people.services import person_create

        existing = self.cleaned_data.get("existing_person")
        if existing:
            return person_get_for_user(user, existing, purpose=purpose)
        return person_create(actor=user, division=division, **self.person_fields())

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            k: data[k]
            for k in ("full_name", "sex", "date_of_birth", "id_number")
            if data.get(k) not in (None, "")
        }
