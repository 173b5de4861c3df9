"""``manage.py import_work_areas FILE --actor USERNAME``: narrow users to a township or a
school from CSV/XLSX (sample: docs/samples/work_areas.csv). A user's existing work area
is replaced; all or nothing, every bad row listed."""

from __future__ import annotations

from collections.abc import Mapping

from homeward.core.imports import Column, ImportCommand, township_named, user_named
from homeward.core.models import User
from homeward.prevention.models import School
from homeward.prevention.services import work_area_set


class Command(ImportCommand):
    help = __doc__
    kind = "work_area"
    columns = (
        Column("username", ("username", "用户名")),
        Column("township", ("township", "乡镇", "乡镇（街道）", "街道"), required=False),
        Column("school", ("school", "学校"), required=False),
        Column("post", ("post", "职务", "岗位"), required=False),
    )

    def key_of(self, values: Mapping[str, str]) -> tuple[str, ...]:
        return (values["username"],)

    def save(self, actor: User, values: Mapping[str, str]) -> object:
        user = user_named(values["username"])
        division = user.agency.division
        township_text = values.get("township", "")
        school_text = values.get("school", "")
        if division is None:
            raise LookupError("username: a municipal unit's staff have no work area")
        school = None
        if school_text:
            school = School.objects.filter(division=division, name=school_text).first()
            if school is None:
                raise LookupError(f"school: no school {school_text!r} in {division.name_zh}")
        return work_area_set(
            actor=actor,
            user=user,
            township=township_named(township_text, division) if township_text else None,
            school=school,
            post=values.get("post", ""),
        )
