"""Forms of the prevention pages. They validate input; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.core.form_fields import UserChoiceField
from homeward.core.forms import AgencyChoiceField, DistrictTownshipField
from homeward.core.models import Agency, Division, Township, User
from homeward.people.forms import DATE, DATETIME, DATETIME_FORMATS, PersonFields
from homeward.prevention.models import (
    Category,
    DropoutFile,
    FoundChild,
    RegistrationCheck,
    RiskLevel,
    RiskReason,
    School,
    Visit,
)


class LedgerEntryForm(PersonFields):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    township = forms.ModelChoiceField(label=_("Township"), queryset=Township.objects.none())
    village = forms.CharField(label=_("Village or community"), max_length=64, required=False)
    guardian_name = forms.CharField(label=_("Guardian"), max_length=64, required=False)
    guardian_relation = forms.CharField(label=_("Relation"), max_length=32, required=False)
    guardian_whereabouts = forms.CharField(
        label=_("Guardian's whereabouts"),
        max_length=120,
        required=False,
        help_text=_("For example: both parents work in Dongguan, Guangdong."),
    )
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=20, required=False)
    carer = forms.CharField(label=_("Who cares for them now"), max_length=120, required=False)
    responsible_worker = UserChoiceField(
        label=_("Responsible worker"), queryset=User.objects.none()
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM
    )
    risk_reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=RiskReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, townships: QuerySet[Township], workers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]
        self.fields["responsible_worker"].queryset = workers.select_related("agency")  # type: ignore[attr-defined]
        self.fields["responsible_worker"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.full_name} · {u.agency.display_name}"
        )


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Date of the visit"), widget=DATE, initial=timezone.localdate
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Visit.Kind.choices)
    observations = forms.CharField(
        label=_("What you saw"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    concern = forms.CharField(
        label=_("Concern for the police (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Anything written here goes to the district police as a clue at once."),
    )


class RiskForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    risk_reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=RiskReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CloseForm(forms.Form):
    close_reason = forms.CharField(label=_("Reason for closing"), max_length=200)


class DropoutForm(PersonFields):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    grade = forms.CharField(label=pgettext_lazy("school", "Grade"), max_length=20)
    left_on = forms.DateField(label=_("Last day at school"), widget=DATE)
    reason = forms.ChoiceField(label=_("Reason"), choices=DropoutFile.Reason.choices)
    township_worker = UserChoiceField(
        label=_("Township follow-up"), queryset=User.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, schools: QuerySet[School], workers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["township_worker"].queryset = workers.select_related("agency")  # type: ignore[attr-defined]


class DropoutActionForm(forms.Form):
    taken_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    action = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    contact_made = forms.BooleanField(label=_("Reached the student or family"), required=False)


class DropoutResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in DropoutFile.Status.choices if c[0] != DropoutFile.Status.OPEN],
    )
    resolved_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)


class FoundChildForm(PersonFields):
    kind = forms.ChoiceField(label=_("Kind"), choices=FoundChild.Kind.choices)
    found_at = forms.DateTimeField(
        label=_("Found at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    found_place = forms.CharField(label=_("Where found"), max_length=120)
    found_by = forms.CharField(label=_("Found by"), max_length=120)
    placement = forms.ChoiceField(label=_("Placement"), choices=FoundChild.Placement.choices)
    institution = forms.CharField(label=_("Placement institution"), max_length=120, required=False)
    division = forms.ModelChoiceField(label=_("District"), queryset=Division.objects.none())
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        divisions: QuerySet[Division],
        townships: QuerySet[Township],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]


class TracingForm(forms.Form):
    taken_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    step = forms.CharField(label=_("Step taken"), max_length=1000)


class DnaRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why a DNA check"),
        max_length=300,
        initial=_("Child of unclear origin; guardians not found."),
    )


class RegistrationCheckForm(PersonFields):
    kind = forms.ChoiceField(label=_("Kind"), choices=RegistrationCheck.Kind.choices)
    applicant = forms.CharField(label=_("Applicant"), max_length=200)
    account = forms.CharField(
        label=_("Applicant's account of the child's origin"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    division = forms.ModelChoiceField(label=_("District"), queryset=Division.objects.none())

    def __init__(self, *args: Any, divisions: QuerySet[Division], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("clear", _("Clear: no sign of trafficking")), ("reject", _("Reject"))],
    )
    suspected_purchase = forms.BooleanField(
        label=_("The child may have been bought (opens a clue)"), required=False
    )
    note = forms.CharField(label=_("Police note"), max_length=300, required=False)


class OffenderForm(PersonFields):
    released_on = forms.DateField(label=_("Released on"), widget=DATE)
    offence = forms.CharField(label=_("Offence"), max_length=120)
    review_interval_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=7, max_value=365, initial=90
    )
    division = forms.ModelChoiceField(label=_("District"), queryset=Division.objects.none())

    def __init__(self, *args: Any, divisions: QuerySet[Division], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class SchoolForm(forms.Form):
    """The system administrator's form for a school (reference data)."""

    name = forms.CharField(label=_("School"), max_length=100)
    division = forms.ModelChoiceField(label=_("District"), queryset=Division.objects.none())
    township = DistrictTownshipField(
        label=_("Township"), queryset=Township.objects.none(), required=False
    )
    education_bureau = AgencyChoiceField(
        label=_("Education bureau"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Leave empty for the district's education bureau."),
    )

    def __init__(
        self,
        *args: Any,
        divisions: QuerySet[Division],
        townships: QuerySet[Township],
        bureaus: QuerySet[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]
        self.fields["education_bureau"].queryset = bureaus  # type: ignore[attr-defined]


class WorkAreaForm(forms.Form):
    """Narrow one user to a township or a school of their district."""

    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.none(), required=False
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    post = forms.CharField(
        label=_("Post"),
        max_length=40,
        required=False,
        help_text=_("For example 儿童主任, 儿童督导员, 妇女主任 or 班主任."),
    )

    def __init__(
        self,
        *args: Any,
        townships: QuerySet[Township],
        schools: QuerySet[School],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
