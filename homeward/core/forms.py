"""Forms of the account administration pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Agency, User
from homeward.core.roles import Role


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_zh)


def _agency_field() -> AgencyChoiceField:
    return AgencyChoiceField(
        label=_("Agency"),
        empty_label=_("Choose the agency"),
        queryset=Agency.objects.select_related("division").order_by(
            "level", "division__code", "kind"
        ),
    )


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[a-z0-9][a-z0-9._-]{2,63}$",
        error_messages={
            "invalid": _("Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores.")
        },
    )
    full_name = forms.CharField(label=_("Full name"), max_length=64)
    agency = _agency_field()
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    expires_at = forms.DateTimeField(
        label=_("Account expires (temporary accounts)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."), code="taken")
        return username


class UserRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class LockoutClearForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class DistrictTownshipField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A township named with its district, so a municipal administrator can tell the
    many 新华路街道 apart."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.division.name_zh} · {obj.name_zh}"
