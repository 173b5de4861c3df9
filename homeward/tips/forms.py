from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.form_fields import UserChoiceField
from homeward.core.models import Agency, Division, User
from homeward.tips.models import MandatoryReport, Tip


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class TipForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of case is it?"), choices=Tip.Category.choices)
    narrative = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=10,
        max_length=5000,
    )
    division = forms.ModelChoiceField(
        label=_("District or county"), queryset=Division.objects.order_by("code")
    )
    address = forms.CharField(
        label=_("Where (address or landmark)"), max_length=300, required=False
    )
    occurred_on = forms.DateField(
        label=_("When"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.CharField(
        label=_("Time of day (optional)"), max_length=40, required=False
    )
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    contact = forms.CharField(
        label=_("How to reach you (optional)"),
        max_length=100,
        required=False,
        help_text=_("Leave it empty to stay anonymous."),
    )
    pictures = MultipleImageField(
        label=_("Pictures (optional, up to 5)"),
        required=False,
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def tip_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            "category": data["category"],
            "narrative": data["narrative"],
            "division": data["division"],
            "address": data.get("address") or "",
            "occurred_on": data.get("occurred_on"),
            "occurred_time": data.get("occurred_time") or "",
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "contact": data.get("contact") or "",
            "attachments": data.get("pictures") or [],
            "idempotency_key": data["idempotency_key"],
        }


class MandatoryReportForm(TipForm):
    institution_name = forms.CharField(label=_("Institution"), max_length=120)
    institution_kind = forms.ChoiceField(
        label=_("Kind of institution"), choices=MandatoryReport.InstitutionKind.choices
    )
    reporter_role = forms.CharField(label=_("Your role"), max_length=60)

    field_order = ["institution_name", "institution_kind", "reporter_role"]


class StatusForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=16)
    secret = forms.CharField(label=_("Secret"), max_length=32, widget=forms.PasswordInput)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Next step"), choices=Tip.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    assigned_to = UserChoiceField(label=_("Officer"), queryset=User.objects.none(), required=False)
    referred_to = forms.ModelChoiceField(
        label=_("Referred to"), queryset=Agency.objects.none(), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Tip.Priority.choices,
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, tip: Tip, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = self.fields["assigned_to"]
        agencies = self.fields["referred_to"]
        assert isinstance(officers, forms.ModelChoiceField)  # noqa: S101  (declared above)
        assert isinstance(agencies, forms.ModelChoiceField)  # noqa: S101
        from homeward.tips.services import TRANSITIONS

        # Only the steps the workflow allows from here (none once the clue is closed).
        allowed = TRANSITIONS.get(tip.status, set())
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)  # noqa: S101
        to.choices = [
            ("", _("Choose the next step")),
            *[(value, label) for value, label in Tip.Status.choices if value in allowed],
        ]
        self.closed = not allowed
        officers.queryset = User.objects.filter(
            agency=tip.owning_agency, is_active=True
        ).select_related("agency")
        agencies.queryset = Agency.objects.filter(division=tip.division).exclude(
            kind="public_security"
        )


class RewardApplyForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=1, max_digits=10, decimal_places=2
    )
    grounds = forms.CharField(label=pgettext_lazy("reward", "Grounds"), max_length=300)


class RewardStepForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Step"),
        choices=[
            ("unit_approved", _("Approve (case unit)")),
            ("municipal_approved", _("Approve (municipal bureau)")),
            ("paid", _("Record the payment")),
            ("rejected", _("Reject")),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    tracking_code = forms.CharField(
        label=_("Reporter's tracking code (for payment)"), max_length=16, required=False
    )
    secret = forms.CharField(
        label=_("Reporter's secret (for payment)"),
        max_length=32,
        required=False,
        widget=forms.PasswordInput,
    )
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)
