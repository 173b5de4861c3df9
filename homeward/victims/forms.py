"""Forms of the victims pages. They validate input; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.form_fields import UserChoiceField
from homeward.core.forms import AgencyChoiceField
from homeward.core.models import Agency, Division, User
from homeward.people.forms import DATE, DATETIME, DATETIME_FORMATS, PersonFields
from homeward.people.models import Person
from homeward.victims.models import (
    IdentityStatus,
    Institution,
    Origin,
    Placement,
    ReceivingAgency,
    ServiceKind,
    Transfer,
)


class VictimForm(PersonFields):
    identity_status = forms.ChoiceField(label=_("Identity"), choices=IdentityStatus.choices)
    age_at_rescue = forms.IntegerField(label=_("Age at rescue (years)"), min_value=0, max_value=120)
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices)
    origin_detail = forms.CharField(
        label=_("Province or nationality"), max_length=60, required=False
    )
    rescued_at = forms.DateTimeField(
        label=_("Rescued at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    how_rescued = forms.CharField(label=_("How rescued"), widget=forms.Textarea(attrs={"rows": 2}))
    case_number = forms.CharField(label=_("Case number (if any)"), max_length=32, required=False)
    division = forms.ModelChoiceField(
        label=_("Receiving district"), queryset=Division.objects.none()
    )

    def __init__(self, *args: Any, divisions: QuerySet[Division], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]


class PlacementForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Placement institution"), queryset=Institution.objects.none()
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Goes to"),
        choices=[
            ("parents", _("Own parents")),
            ("relatives", _("Relatives")),
            ("foster", _("Foster family")),
        ],
    )
    people = forms.CharField(
        label=_("Record numbers of the people"),
        help_text=_("Person registry numbers, separated by commas."),
        max_length=100,
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    returned_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)

    def clean_people(self) -> list[Person]:
        raw = [
            p.strip()
            for p in self.cleaned_data["people"].replace("，", ",").split(",")
            if p.strip()
        ]
        if not raw or not all(p.isdigit() for p in raw):
            raise forms.ValidationError(_("Give registry numbers, separated by commas."))
        people = list(Person.objects.filter(pk__in=[int(p) for p in raw]))
        if len(people) != len(set(raw)):
            raise forms.ValidationError(_("Some of these numbers are not in the registry."))
        return people


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Transfer.Kind.choices)
    destination = forms.CharField(label=_("Destination"), max_length=100)
    receiving_agency = forms.ChoiceField(
        label=_("Receiving agency"), choices=ReceivingAgency.choices
    )
    escort = forms.CharField(label=_("Escort"), max_length=200)
    departed_on = forms.DateField(label=_("Departed on"), widget=DATE, initial=timezone.localdate)


class HandoverForm(forms.Form):
    handed_over_to = forms.CharField(label=_("Handed over to"), max_length=120)


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    due_on = forms.DateField(label=pgettext_lazy("service", "Due"), widget=DATE)
    note = forms.CharField(label=_("Referral note"), max_length=300, required=False)
    placement = forms.ModelChoiceField(
        label=_("For the stay in"),
        queryset=Placement.objects.none(),
        required=False,
        empty_label=_("Not for a stay in an institution"),
        help_text=_("The current stay is chosen; the placement page lists its services."),
    )

    def __init__(
        self, *args: Any, placements: QuerySet[Placement] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["placement"]
        if placements is None:
            del self.fields["placement"]  # the placement page: the stay is the page's own
            return
        field.queryset = placements  # type: ignore[attr-defined]
        field.label_from_instance = _stay_label  # type: ignore[attr-defined]
        current = placements.first()
        if current is not None:
            field.initial = current.pk


def _stay_label(placement: Placement) -> str:
    since = placement.started_on.isoformat() if placement.started_on else ""
    return f"{placement.institution.name} · {since}" if since else placement.institution.name


class ServiceUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("accepted", pgettext_lazy("service", "Accept")),
            ("done", _("Done")),
            ("declined", _("Decline")),
        ],
    )
    outcome = forms.CharField(label=_("Outcome"), max_length=2000, required=False)


class GoalForm(forms.Form):
    goal = forms.CharField(label=_("Goal"), max_length=200)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(label=_("Plan review"), widget=forms.Textarea(attrs={"rows": 2}))
    next_review_on = forms.DateField(label=_("Next review"), widget=DATE, required=False)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Visited on"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}))


class LegalAidForm(forms.Form):
    matter = forms.CharField(label=_("Matter"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    lawyer = UserChoiceField(label=_("Lawyer"), queryset=User.objects.none())

    def __init__(self, *args: Any, lawyers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyers.select_related("agency")  # type: ignore[attr-defined]


class InstitutionForm(forms.Form):
    """The system administrator's form for an institution (reference data)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Institution.Kind.choices)
    division = forms.ModelChoiceField(label=_("District"), queryset=Division.objects.none())
    operating_agency = AgencyChoiceField(label=_("Running unit"), queryset=Agency.objects.none())
    capacity = forms.IntegerField(label=_("Capacity (places)"), min_value=1, max_value=10000)

    def __init__(
        self,
        *args: Any,
        divisions: QuerySet[Division],
        agencies: QuerySet[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        self.fields["operating_agency"].queryset = agencies  # type: ignore[attr-defined]
