"""Bulk loads of schools, work areas and institutions (issue 13): the samples in docs/
import; GBK, UTF-16 and XLSX files read as saved; a file with bad rows imports nothing
and lists every bad row."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role
from homeward.prevention.models import School, WorkArea
from homeward.victims.models import Institution

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def _run(command: str, path: Path, actor: User) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, str(path), actor=actor.username, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_sample_files_import(sysadmin: User, make_user: Callable[..., User]) -> None:
    # given the users the work-area sample names
    make_user(
        roles=[Role.PREVENTION_WORKER], agency_code="500240-civil_affairs", username="tan.xiuying"
    )
    make_user(roles=[Role.EDUCATION_OFFICER], agency_code="500240-education", username="ran.jun")
    # when
    out, _ = _run("import_institutions", SAMPLES / "institutions.csv", sysadmin)
    assert "3 institution row(s) imported" in out
    _run("import_schools", SAMPLES / "schools.csv", sysadmin)
    _run("import_work_areas", SAMPLES / "work_areas.csv", sysadmin)
    # then
    assert (
        Institution.objects.get(name="重庆市儿童福利院").operating_agency.code == "cq-civil_affairs"
    )
    school = School.objects.get(name="石柱县南宾中学")
    assert school.township is not None and school.township.name_zh == "南宾街道"
    assert School.objects.get(name="石柱县西沱中学").education_bureau is not None
    assert WorkArea.objects.get(user__username="tan.xiuying").township.name_zh == "西沱镇"
    assert WorkArea.objects.get(user__username="ran.jun").school == school
    assert AuditEvent.objects.filter(action="reference_import").count() == 3
    assert AuditEvent.objects.filter(action="school_save").count() == 3
    # and importing again changes nothing but is accepted (same names update)
    _run("import_schools", SAMPLES / "schools.csv", sysadmin)
    assert School.objects.count() == 3


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_a_csv_saved_by_chinese_excel_reads_as_saved(
    sysadmin: User, tmp_path: Path, encoding: str
) -> None:
    text = (
        "学校,区县,乡镇（街道）\n石柱县临溪中学,石柱土家族自治县,西沱镇\n石柱县黄水中学,500240,\n"
    )
    path = tmp_path / "schools.csv"
    path.write_bytes(text.encode(encoding))
    _run("import_schools", path, sysadmin)
    assert set(School.objects.values_list("name", flat=True)) == {
        "石柱县临溪中学",
        "石柱县黄水中学",
    }


def test_an_xlsx_file_imports(sysadmin: User, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["名称", "类别", "区县", "运营单位", "床位数"])
    sheet.append(["石柱县儿童福利院", "儿童福利机构", "500240", "500240-civil_affairs", 40])
    path = tmp_path / "institutions.xlsx"
    workbook.save(path)
    _run("import_institutions", path, sysadmin)
    institution = Institution.objects.get()
    assert institution.kind == Institution.Kind.CHILD_WELFARE and institution.capacity == 40


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_bad_row(
    sysadmin: User, tmp_path: Path
) -> None:
    path = tmp_path / "institutions.csv"
    path.write_text(
        "名称,类别,区县,运营单位,床位数\n"
        "好的机构,rescue_management,500240,500240-civil_affairs,10\n"
        "坏的区县,rescue_management,火星区,500240-civil_affairs,10\n"
        "坏的床位,rescue_management,500240,500240-civil_affairs,很多\n"
        "坏的单位,rescue_management,500240,500101-civil_affairs,10\n"
        ",rescue_management,500240,500240-civil_affairs,10\n"
        "好的机构,rescue_management,500240,500240-civil_affairs,12\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="5 error"):
        call_command("import_institutions", str(path), actor=sysadmin.username, stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "row 3, column district",
        "row 4, column capacity",
        "row 5, column operating_agency",
        "row 6, column name",
        "row 7",
    ]
    assert not Institution.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["institution_save", "reference_import"])


def test_a_missing_column_and_an_unknown_user_are_named(sysadmin: User, tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text("乡镇（街道）,职务\n西沱镇,儿童主任\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_work_areas", str(path), actor=sysadmin.username, stderr=io.StringIO())
    path.write_text("用户名,乡镇（街道）\nnobody.here,西沱镇\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_work_areas", str(path), actor=sysadmin.username, stderr=err)
    assert "row 2, column username: no user 'nobody.here'" in err.getvalue()


def test_only_the_reference_administrator_imports(
    make_user: Callable[..., User], tmp_path: Path
) -> None:
    worker = make_user(roles=[Role.PREVENTION_WORKER], agency_code="500240-civil_affairs")
    with pytest.raises(CommandError, match="无权"):
        _run("import_schools", SAMPLES / "schools.csv", worker)
    assert not School.objects.exists()
