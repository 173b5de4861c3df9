from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Division
from homeward.people.models import Person
from homeward.people.validators import validate_id_number


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    sex = forms.ChoiceField(label=_("性别"), choices=Person.Sex.choices)
    date_of_birth = forms.DateField(
        label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    estimated_age_years = forms.IntegerField(
        label=_("估计年龄（出生日期不详时）"), required=False, min_value=0, max_value=130
    )
    ethnicity = forms.CharField(label=_("民族"), max_length=16, required=False)
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=18, required=False, validators=[validate_id_number]
    )
    household_division = forms.ModelChoiceField(
        label=_("户籍地"), queryset=Division.objects.order_by("code"), required=False
    )
    phone = forms.RegexField(
        label=_("联系电话"),
        regex=r"^[0-9+\- ]{5,20}$",
        required=False,
        error_messages={"invalid": _("请输入有效的电话号码。")},
    )
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    division = forms.ModelChoiceField(
        label=_("登记区县"), queryset=Division.objects.order_by("code"), required=False
    )
    photo = forms.ImageField(label=_("照片"), required=False)

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
            self.add_error("estimated_age_years", _("已填写出生日期时无需估计年龄。"))
        return cleaned

    def person_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("photo", None)
        data.pop("division", None)
        return {key: value for key, value in data.items() if value not in (None, "")}
