"""Forms of the analysis pages: the key-region listing a person confirms, closing a
warning, choosing the yearly report."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ListingForm(forms.Form):
    deadline = forms.DateField(
        label=_("Rectification deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date by which the district reports what it has done."),
    )
    reason = forms.CharField(label=_("Reason for listing"), max_length=300)
    warning_text = forms.CharField(
        label=_("Warning to the district"), max_length=300, required=False
    )

    def clean_deadline(self) -> date:
        deadline: date = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError(_("The deadline is in the future."))
        return deadline


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Why no listing is needed"), max_length=300)


class ReportForm(forms.Form):
    FORMATS = [("pdf", "PDF"), ("docx", "Word")]

    area = forms.ChoiceField(label=_("Area"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="pdf")

    def __init__(self, *args: Any, areas: list[tuple[str, str]], years: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
