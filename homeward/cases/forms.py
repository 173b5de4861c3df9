"""Forms of the case pages. They validate input; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.cases.models import (
    REFERENCED_SOURCES,
    CaseParty,
    CasePriority,
    CaseSource,
    CaseStatus,
    Crime,
    Interview,
    ListingLevel,
    PartyRole,
    Responsibility,
)
from homeward.core.models import Division, User
from homeward.people.models import Person


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} · {obj.agency.display_name}"


class CaseOpenForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("case", "Title"), max_length=200)
    crimes = forms.MultipleChoiceField(
        label=_("Crimes"), choices=Crime.choices, widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    source_reference = forms.IntegerField(
        label=_("Source record number"),
        required=False,
        min_value=1,
        help_text=_("The number of the clue, alert, DNA match or mandatory report, if any."),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=CasePriority.choices, initial=CasePriority.NORMAL
    )
    division = forms.ModelChoiceField(
        label=_("District of the case"), queryset=Division.objects.order_by("code"), required=False
    )
    leader = OfficerChoiceField(
        label=_("Task force leader"),
        queryset=User.objects.none(),
        help_text=_("The head or a deputy head of the district's or the municipal police."),
    )

    def __init__(
        self, *args: Any, municipal: bool = False, leaders: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]
        if municipal:
            self.fields["division"].required = True
        else:
            # District units always open cases in their own district.
            del self.fields["division"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("source_reference") is not None
            and cleaned.get("source") not in REFERENCED_SOURCES
        ):
            self.add_error(
                "source_reference",
                _("Only a clue, alert, DNA match or mandatory report has a record number."),
            )
        return cleaned


class CaseStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (status, CaseStatus(status).label) for status in allowed
        ]


class LeaderChangeForm(forms.Form):
    leader = OfficerChoiceField(label=_("New leader"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, leaders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class MemberAddForm(forms.Form):
    user = OfficerChoiceField(label=_("Officer"), queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]


class DissolveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ProgressForm(forms.Form):
    responsibility = forms.ChoiceField(label=_("Responsibility"), choices=Responsibility.choices)
    text = forms.CharField(
        label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PartyAddForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person registry number"),
        queryset=Person.objects.none(),
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("Find the person in the person registry first; register them if needed."),
        error_messages={"invalid_choice": _("No such person in your area of responsibility.")},
    )
    role = forms.ChoiceField(label=_("Role in the case"), choices=PartyRole.choices)

    def __init__(self, *args: Any, persons: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]


class VictimChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class InterviewForm(forms.Form):
    party = VictimChoiceField(label=_("Victim"), queryset=CaseParty.objects.none())
    conducted_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label=_("Where"), max_length=200)
    interviewer = OfficerChoiceField(label=_("Interviewer"), queryset=User.objects.none())
    adult_present_name = forms.CharField(
        label=_("Guardian or appropriate adult present"),
        max_length=64,
        required=False,
        help_text=_("Required when the victim is a minor."),
    )
    adult_present_relation = forms.ChoiceField(
        label=_("Relation to the victim"),
        choices=[("", "—"), *Interview.AdultRelation.choices],
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Stored encrypted; only the task force and the opening unit can read it."),
    )

    def __init__(
        self,
        *args: Any,
        victims: QuerySet[CaseParty],
        interviewers: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = victims  # type: ignore[attr-defined]
        self.fields["interviewer"].queryset = interviewers  # type: ignore[attr-defined]

    def clean_conducted_at(self) -> Any:
        value = self.cleaned_data["conducted_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("The interview time is in the future."))
        return value


class SupervisionFindForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"), max_length=32, help_text=_("For example 渝中-2026-0001.")
    )


class SupervisionListingForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=ListingLevel.choices)
    deadline = forms.DateField(
        label=pgettext_lazy("supervision", "Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    requirements = forms.CharField(
        label=_("Requirements"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_deadline(self) -> Any:
        value = self.cleaned_data["deadline"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The deadline is in the past."))
        return value


class SupervisionReportForm(forms.Form):
    text = forms.CharField(
        label=_("Report"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupervisionLiftForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
