"""Forms of the screening pages: they read input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Division
from homeward.screening.models import LABEL_CHOICES, Operation, Platform

ILLEGAL_LABELS = [(code, label) for code, label in LABEL_CHOICES if code != "benign"]


class OperationForm(forms.Form):
    name = forms.CharField(label=_("Name of the operation"), max_length=120)
    lead = forms.ChoiceField(label=_("Lead agency"), choices=Operation.Lead.choices)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts (none: all in your area)"),
        queryset=Division.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    platforms = forms.ModelMultipleChoiceField(
        label=_("Platforms"),
        queryset=Platform.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export of the operation (JSONL, CSV or XLSX)"),
        help_text=_(
            "Columns: post_id (帖子编号), platform (平台), url (链接), author (作者), "
            "posted_at (发布时间), text (内容), district (区县). UTF-8, UTF-16 or GBK."
        ),
    )


class PasteForm(forms.Form):
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.filter(active=True)
    )
    text = forms.CharField(
        label=_("Text of the post"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    post_id = forms.CharField(
        label=_("Post id on the platform (optional)"), max_length=128, required=False
    )
    url = forms.CharField(label=_("Address (URL, optional)"), max_length=500, required=False)
    author = forms.CharField(label=_("Author (optional)"), max_length=200, required=False)
    posted_at = forms.DateTimeField(
        label=_("Posted at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    division = forms.ModelChoiceField(
        label=_("District (optional)"), queryset=Division.objects.none(), required=False
    )
    operation = forms.ModelChoiceField(
        label=_("净网 operation (optional)"), queryset=Operation.objects.none(), required=False
    )


class ReviewForm(forms.Form):
    DECISIONS = [
        ("true", _("Illegal: open a clue and ask for takedown")),
        ("false", _("Not illegal")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    label = forms.ChoiceField(
        label=_("What it offers (correct the model if needed)"),
        choices=[("", "—"), *ILLEGAL_LABELS],
        required=False,
    )
    division = forms.ModelChoiceField(
        label=_("District of the clue (when the post names none)"),
        queryset=Division.objects.none(),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "true" and not data.get("label"):
            self.add_error("label", _("Choose what the post offers."))
        return data


class QueueFilterForm(forms.Form):
    division = forms.ModelChoiceField(
        label=_("District"),
        queryset=Division.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.all(), required=False, empty_label=_("All")
    )
    label = forms.ChoiceField(
        label=_("Label"), choices=[("", _("All labels")), *ILLEGAL_LABELS], required=False
    )


class OperationStatusForm(forms.Form):
    """Start a planned operation or end a running one, with the day it happened."""

    to = forms.ChoiceField(choices=Operation.Status.choices, widget=forms.HiddenInput)
    on = forms.DateField(
        label=_("Date (empty: today)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PlatformForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits, - and _ only: the platform's short name in export files."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    takedown_hours = forms.IntegerField(
        label=_("Hours to remove a post"), min_value=1, max_value=720, initial=24
    )
