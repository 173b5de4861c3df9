"""``manage.py import_schools FILE --actor USERNAME``: schools from CSV/XLSX (sample:
docs/samples/schools.csv). A school already there (same district and name) is updated;
all or nothing, every bad row listed."""

from __future__ import annotations

from collections.abc import Mapping

from homeward.core.imports import (
    Column,
    ImportCommand,
    agency_named,
    division_named,
    township_named,
)
from homeward.core.models import User
from homeward.prevention.models import School
from homeward.prevention.services import school_save


class Command(ImportCommand):
    help = __doc__
    kind = "school"
    columns = (
        Column("name", ("name", "school", "学校", "学校名称")),
        Column("district", ("district", "区县")),
        Column("township", ("township", "乡镇", "乡镇（街道）", "街道"), required=False),
        Column(
            "education_bureau",
            ("education_bureau", "education bureau", "教育行政部门", "教委"),
            required=False,
        ),
    )

    def key_of(self, values: Mapping[str, str]) -> tuple[str, ...]:
        return (values["district"], values["name"])

    def save(self, actor: User, values: Mapping[str, str]) -> object:
        division = division_named(values["district"])
        township = values.get("township", "")
        bureau = values.get("education_bureau", "")
        return school_save(
            actor=actor,
            school=School.objects.filter(division=division, name=values["name"]).first(),
            name=values["name"],
            division=division,
            township=township_named(township, division) if township else None,
            education_bureau=agency_named(bureau, "education_bureau") if bureau else None,
        )
