from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.dna.kits import Kit
from homeward.dna.models import Specimen

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Genotype table (CSV or XLSX)"))
    kit = forms.ChoiceField(label=_("Kit"), choices=Kit.choices)
    sample_type = forms.ChoiceField(label=_("Sample type"), choices=Specimen.SampleType.choices)
    lab = forms.CharField(label=_("Laboratory"), max_length=80)
    collected_on = forms.DateField(
        label=_("Collected on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."), code="file_size")
        return upload


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose (case or report number)"),
        min_length=4,
        max_length=200,
        help_text=_("Every access to DNA data is recorded with its purpose."),
    )


class ReviewForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("resampling", _("Request re-sampling")),
            ("confirmed", _("Confirmed by re-test")),
            ("rejected", _("Reject")),
        ],
    )
    note = forms.CharField(label=_("Note (re-test reference)"), max_length=500, required=False)
    retest_specimen = forms.CharField(
        label=_("Re-test specimen id"),
        max_length=40,
        required=False,
        help_text=_("To confirm: the id of a new specimen of the child, imported and typed again."),
    )


class PersonLinkForm(PurposeForm):
    person_id = forms.IntegerField(label=_("Person registry number"), min_value=1)


class FamilyLinkForm(PurposeForm):
    """Whose parents a reference family are (the registry number of the missing child,
    shown on the family search and on its DNA check request)."""

    person_id = forms.IntegerField(label=_("Registry number of the missing child"), min_value=1)
