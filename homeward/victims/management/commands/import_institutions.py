"""``manage.py import_institutions FILE --actor USERNAME``: institutions from CSV/XLSX
(sample: docs/samples/institutions.csv). An institution already there (same name) is
updated; all or nothing, every bad row listed."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils import translation

from homeward.core.imports import Column, ImportCommand, agency_named, division_named
from homeward.core.models import User
from homeward.victims.models import Institution
from homeward.victims.services import institution_save


def _kind(text: str) -> str:
    if text in Institution.Kind.values:
        return text
    with translation.override("zh-hans"):
        by_label = {str(label): value for value, label in Institution.Kind.choices}
    if text in by_label:
        return by_label[text]
    raise LookupError(
        "kind: unknown kind " + repr(text) + " (one of " + ", ".join(Institution.Kind.values) + ")"
    )


class Command(ImportCommand):
    help = __doc__
    kind = "institution"
    columns = (
        Column("name", ("name", "名称", "机构名称")),
        Column("kind", ("kind", "类别", "机构类别")),
        Column("district", ("district", "区县")),
        Column("operating_agency", ("operating_agency", "running unit", "运营单位")),
        Column("capacity", ("capacity", "床位数", "容量")),
    )

    def key_of(self, values: Mapping[str, str]) -> tuple[str, ...]:
        return (values["name"],)

    def save(self, actor: User, values: Mapping[str, str]) -> object:
        try:
            capacity = int(values["capacity"])
        except ValueError:
            raise ValidationError({"capacity": ["not a whole number"]}) from None
        return institution_save(
            actor=actor,
            institution=Institution.objects.filter(name=values["name"]).first(),
            name=values["name"],
            kind=_kind(values["kind"]),
            division=division_named(values["district"]),
            operating_agency=agency_named(values["operating_agency"], "operating_agency"),
            capacity=capacity,
        )
