"""Forms of the alert pages. They validate input; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from homeward.alerts.geo import Datum
from homeward.alerts.models import Alert, Sex
from homeward.cases.forms import OfficerChoiceField
from homeward.core.models import Division, User


class AlertForm(forms.Form):
    public_name = forms.CharField(
        label=_("Name or alias"),
        max_length=32,
        help_text=_("Shown to the public. An alias or a family name only is fine."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age_years = forms.IntegerField(label=_("Age (years)"), min_value=0, max_value=17)
    height_cm = forms.IntegerField(
        label=_("Height (cm)"), min_value=30, max_value=220, required=False
    )
    build = forms.CharField(label=_("Build"), max_length=40, required=False)
    clothing = forms.CharField(label=_("Clothing"), max_length=200, required=False)
    features = forms.CharField(
        label=_("Features for recognition"),
        max_length=200,
        required=False,
        help_text=_("What helps people recognise the child. No health details."),
    )
    photo = forms.ImageField(label=_("Photo"), required=False)
    no_photo_reason = forms.CharField(
        label=_("Reason for no photo"), max_length=200, required=False
    )
    last_seen_at = forms.DateTimeField(
        label=_("Last seen at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    last_seen_place = forms.CharField(
        label=_("Last seen place"),
        max_length=120,
        required=False,
        help_text=_("Street or landmark level, never a home address."),
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    datum = forms.ChoiceField(
        label=_("Map the coordinates come from"),
        choices=[("", _("Choose the map")), *Datum.choices],
        required=False,
        help_text=_(
            "Amap and Tencent Maps give GCJ-02, Baidu Maps BD-09, a phone's GPS WGS-84."
            " A wrong choice moves the point by half a kilometre or more."
        ),
    )
    hotline = forms.CharField(label=_("Police hotline"), max_length=40, initial="110")
    circumstances = forms.CharField(
        label=_("Circumstances (police only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    division = forms.ModelChoiceField(
        label=_("District"), queryset=Division.objects.order_by("code")
    )

    def __init__(
        self, *args: Any, divisions: QuerySet[Division] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if divisions is not None:
            self.fields["division"].queryset = divisions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        positioned = data.get("latitude") is not None or data.get("longitude") is not None
        if positioned and not data.get("datum"):
            self.add_error("datum", _("Say which map the coordinates come from."))
        return data

    @classmethod
    def initial_for(cls, alert: Alert) -> dict[str, Any]:
        from django.utils import timezone

        initial = {name: getattr(alert, name) for name in cls.base_fields if hasattr(alert, name)}
        initial["division"] = alert.division_id
        initial["photo"] = None
        # Stored positions are WGS-84.
        initial["datum"] = Datum.WGS84 if alert.latitude is not None else ""
        if alert.last_seen_at:
            initial["last_seen_at"] = timezone.localtime(alert.last_seen_at)
        return initial


class PublishForm(forms.Form):
    leader = OfficerChoiceField(
        label=_("Task force leader"),
        queryset=User.objects.none(),
        help_text=_(
            "Homicide-level response: the head or a deputy head of the district's or the"
            " municipal police leads the task force."
        ),
    )

    def __init__(self, *args: Any, leaders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class EndForm(forms.Form):
    """Ending an alert: the outcome is always chosen, never defaulted; a live alert is
    withdrawn only with the reason (the page then asks for confirmation)."""

    WITHDRAWN = "withdrawn"

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("", _("Choose the outcome")),
            *Alert.Outcome.choices,
            (WITHDRAWN, _("Withdrawn: the child is not found")),
        ],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Required when the alert is withdrawn: say why."),
    )

    def __init__(self, *args: Any, draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        if draft:
            # A draft reached no one: it can only be discarded.
            self.fields["outcome"].choices = [(self.WITHDRAWN, _("Discard the draft"))]  # type: ignore[attr-defined]
            self.fields["outcome"].initial = self.WITHDRAWN

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.draft
            and data.get("outcome") == self.WITHDRAWN
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Say why the alert is withdrawn."))
        return data

    def service_outcome(self) -> str:
        """The outcome as the service takes it: empty for a withdrawal."""
        outcome: str = self.cleaned_data["outcome"]
        return "" if outcome == self.WITHDRAWN else outcome


class SightingForm(forms.Form):
    description = forms.CharField(
        label=_("What did you see?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    place = forms.CharField(label=_("Where?"), max_length=200, required=False)
    seen_at = forms.DateTimeField(
        label=_("When did you see the child?"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    contact = forms.CharField(
        label=_("Contact (optional)"),
        max_length=100,
        required=False,
        help_text=_("Leave it empty to stay anonymous."),
    )
    photo = forms.ImageField(label=_("Photo (optional)"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=8)
