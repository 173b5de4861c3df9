"""Forms of the reunion pages: they read input; the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.models import Division
from homeward.people.forms import DATE
from homeward.reunion.models import BloodType, FoundPerson, SearchRegistration, Sex


class SearchForm(forms.Form):
    """What the family remembers (names in every form, dates, places, marks …)."""

    division = forms.ModelChoiceField(
        label=_("District where the child was lost"), queryset=Division.objects.order_by("code")
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    nickname = forms.CharField(label=_("Nickname (小名)"), max_length=50, required=False)
    other_names = forms.CharField(
        label=_("Other names (pinyin, remembered in part)"), max_length=200, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.CharField(
        label=_("Date of birth"),
        max_length=10,
        required=False,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"),
    )
    birth_calendar = forms.ChoiceField(
        label=_("Calendar of the birth date"), choices=SearchRegistration.Calendar.choices
    )
    age_stated = forms.IntegerField(
        label=_("Age when lost"), min_value=0, max_value=120, required=False
    )
    age_kind = forms.ChoiceField(
        label=_("Age counted as"), choices=SearchRegistration.AgeKind.choices
    )
    missing_date = forms.CharField(
        label=_("Lost on (a month is enough)"),
        max_length=10,
        required=False,
        help_text=_("YYYY-MM or YYYY-MM-DD"),
    )
    missing_place = forms.CharField(label=_("Place where lost"), max_length=300, required=False)
    home_features = forms.CharField(
        label=_("Home and landmarks near it"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
    height_band = forms.CharField(label=_("Height when lost (cm)"), max_length=20, required=False)
    marks = forms.CharField(
        label=_("Marks (birthmarks, moles, scars …)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
    blood_type = forms.ChoiceField(label=_("Blood type"), choices=BloodType.choices, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=50, required=False)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)

    def search_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("division", None)
        data.pop("idempotency_key", None)
        data.pop("kind", None)
        data["blood_type"] = data.get("blood_type") or ""
        return data


class StaffSearchForm(SearchForm):
    kind = forms.ChoiceField(label=_("Who is searching"), choices=SearchRegistration.Kind.choices)
    # A self-searcher's found-side details.
    est_age_low = forms.IntegerField(
        label=_("Estimated age from"), min_value=0, max_value=120, required=False
    )
    est_age_high = forms.IntegerField(
        label=_("Estimated age to"), min_value=0, max_value=120, required=False
    )
    age_method = forms.ChoiceField(
        label=_("Age estimated by"), choices=FoundPerson.AgeMethod.choices, required=False
    )
    found_province = forms.CharField(
        label=_("Province where found or living"), max_length=20, required=False
    )
    found_city = forms.CharField(label=_("City or county"), max_length=40, required=False)
    accent = forms.CharField(label=_("Accent"), max_length=40, required=False)

    field_order = ["kind"]
    FOUND_FIELDS = (
        "est_age_low",
        "est_age_high",
        "age_method",
        "found_province",
        "found_city",
        "accent",
    )

    def search_fields(self) -> dict[str, Any]:
        data = super().search_fields()
        for name in self.FOUND_FIELDS:
            data.pop(name, None)
        return data

    def found_details(self) -> dict[str, Any]:
        if self.cleaned_data["kind"] != SearchRegistration.Kind.SELF:
            return {}
        details = {name: self.cleaned_data.get(name) for name in self.FOUND_FIELDS}
        details["age_method"] = details["age_method"] or ""
        details["landmarks_remembered"] = self.cleaned_data.get("home_features", "")
        return details


class PublicSearchForm(SearchForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex
        self.fields["contact_phone"].required = True
        self.fields["contact_name"].required = True


class SearchEditForm(SearchForm):
    """The police correct or complete a registration (the district stays)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["division"]

    def search_fields(self) -> dict[str, Any]:
        data = super().search_fields()
        data.pop("version", None)
        return data


class FoundEditForm(forms.Form):
    """The police correct or complete what a found person's record lacks."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name_remembered = forms.CharField(
        label=_("Name or nickname remembered"), max_length=50, required=False
    )
    est_age_low = forms.IntegerField(
        label=_("Estimated age from"), min_value=0, max_value=120, required=False
    )
    est_age_high = forms.IntegerField(
        label=_("Estimated age to"), min_value=0, max_value=120, required=False
    )
    age_method = forms.ChoiceField(
        label=_("Age estimated by"), choices=FoundPerson.AgeMethod.choices, required=False
    )
    age_estimated_on = forms.DateField(label=_("Age estimated on"), required=False)
    found_province = forms.CharField(
        label=_("Province where found or living"), max_length=20, required=False
    )
    found_city = forms.CharField(label=_("City or county"), max_length=40, required=False)
    height_cm = forms.IntegerField(
        label=_("Height when found (cm)"), min_value=20, max_value=250, required=False
    )
    marks = forms.CharField(
        label=_("Marks (birthmarks, moles, scars …)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
    landmarks_remembered = forms.CharField(
        label=_("Landmarks remembered near home"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
    parent_surname_remembered = forms.CharField(
        label=_("A parent's surname remembered"), max_length=20, required=False
    )
    parent_relation = forms.ChoiceField(
        label=_("Whose surname"),
        choices=[("", "—"), ("father", pgettext_lazy("parent", "Father")), ("mother", _("Mother"))],
        required=False,
    )
    accent = forms.CharField(label=_("Accent"), max_length=40, required=False)
    blood_type = forms.ChoiceField(label=_("Blood type"), choices=BloodType.choices, required=False)

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        for name in ("age_method", "blood_type", "parent_relation"):
            data[name] = data.get(name) or ""
        return data


class StatusForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=16)
    secret = forms.CharField(label=_("Secret"), max_length=32, widget=forms.PasswordInput)


class FoundRegisterForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Where the person is recorded"),
        choices=[c for c in FoundPerson.Source.choices if c[0] != FoundPerson.Source.SELF_SEARCH],
    )
    source_id = forms.IntegerField(label=_("Record number"), min_value=1)
    name_remembered = forms.CharField(
        label=_("Name or nickname remembered"), max_length=50, required=False
    )
    est_age_low = forms.IntegerField(
        label=_("Estimated age from"), min_value=0, max_value=120, required=False
    )
    est_age_high = forms.IntegerField(
        label=_("Estimated age to"), min_value=0, max_value=120, required=False
    )
    age_method = forms.ChoiceField(
        label=_("Age estimated by"), choices=FoundPerson.AgeMethod.choices, required=False
    )
    age_estimated_on = forms.DateField(label=_("Age estimated on"), required=False)
    marks = forms.CharField(
        label=_("Marks (birthmarks, moles, scars …)"), max_length=500, required=False
    )
    landmarks_remembered = forms.CharField(
        label=_("Landmarks remembered near home"), max_length=500, required=False
    )
    accent = forms.CharField(label=_("Accent"), max_length=40, required=False)
    blood_type = forms.ChoiceField(label=_("Blood type"), choices=BloodType.choices, required=False)

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("source")
        data.pop("source_id")
        data["age_method"] = data.get("age_method") or ""
        return data


class CandidateActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("request_dna", _("Request DNA comparison")),
            ("compare_dna", _("Run the DNA comparison")),
            ("not_same", _("Not the same person")),
            ("confirm", _("Confirmed by DNA")),
        ]
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    confirm = forms.BooleanField(label=_("I have checked this"), required=True)


class ReuniteForm(forms.Form):
    """团聚: the day the family found by DNA met the person again."""

    reunited_on = forms.DateField(label=_("Reunited on"), widget=DATE)
    note = forms.CharField(
        label=_("How the family met again"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=_("I have checked this"), required=True)


class SearchActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("verify", _("Verify and ask the family for blood")), ("close", _("Close"))]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    confirm = forms.BooleanField(label=_("I have checked this"), required=True)


class DuplicateDismissForm(forms.Form):
    """不是重复: the other record of a suggestion is another person."""

    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    confirm = forms.BooleanField(label=_("I have checked this"), required=True)
