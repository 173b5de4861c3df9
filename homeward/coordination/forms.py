"""Forms of the plan's pages. They validate input; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from homeward.coordination.models import Activity, Indicator, Measure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    measure = forms.ModelChoiceField(label=gettext_lazy("Measure"), queryset=Measure.objects.all())
    title = forms.CharField(label=gettext_lazy("Task"), max_length=200)
    owner = forms.CharField(label=gettext_lazy("Owner"), max_length=100)
    indicator = forms.ChoiceField(
        label=gettext_lazy("Computed indicator"),
        choices=[("", gettext_lazy("None (figures typed in)")), *Indicator.choices],
        required=False,
    )
    target = forms.DecimalField(
        label=gettext_lazy("Target"), required=False, max_digits=12, decimal_places=2
    )
    deadline = forms.DateField(label=pgettext_lazy("plan task", "Deadline"), widget=DATE)

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        self.fields["measure"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.number} {m.text[:40]}"
        )


class ProgressForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    recorded_on = forms.DateField(
        label=gettext_lazy("Date"), widget=DATE, initial=timezone.localdate
    )
    text = forms.CharField(
        label=gettext_lazy("Work done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    figure = forms.DecimalField(
        label=gettext_lazy("Figure"), required=False, max_digits=12, decimal_places=2
    )
    done = forms.BooleanField(label=gettext_lazy("Task done"), required=False)
    attachment = forms.FileField(label=gettext_lazy("Attachment (PDF or picture)"), required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Activity.Kind.choices)
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    title = forms.CharField(label=pgettext_lazy("activity", "Title"), max_length=200)
    place = forms.CharField(label=gettext_lazy("Where"), max_length=120, required=False)
    audience = forms.CharField(label=gettext_lazy("Audience"), max_length=120, required=False)
    people = forms.IntegerField(label=gettext_lazy("People reached or trained"), min_value=0)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), required=False, max_digits=6, decimal_places=1
    )
    materials = forms.CharField(label=gettext_lazy("Materials"), max_length=200, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Team"), max_length=120)
    members = forms.IntegerField(label=gettext_lazy("Members"), min_value=0)
    activities = forms.CharField(
        label=gettext_lazy("What the team does"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evaluation = forms.CharField(label=gettext_lazy("Evaluation"), max_length=300, required=False)
