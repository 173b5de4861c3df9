"""The XLSX export of the case list: scoped, filtered, watermarked and audited."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from homeward.cases.models import Case
from homeward.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def _sheet(response: object) -> object:
    return load_workbook(io.BytesIO(response.content)).active  # type: ignore[attr-defined]


def test_the_export_holds_the_cases_under_a_watermark_naming_the_user_and_time(
    open_case: Callable[..., Case],
    owner: User,
    district_head: User,
    client_for: Callable[[User], Client],
) -> None:
    # given
    first = open_case(crimes=["art240", "art244"])
    second = open_case(title="第二案", priority="high")
    client = client_for(owner)
    # when
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = client.get("/cases/export.xlsx")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    watermark = str(rows[0][0])
    assert owner.full_name in watermark and owner.username in watermark
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") in watermark
    assert len(rows[1]) == 10  # the header row
    body = {row[0]: row for row in rows[2:]}
    assert set(body) == {first.number, second.number}
    assert body[first.number][1] == "解放碑儿童失踪案"
    assert body[first.number][7] == district_head.full_name
    assert body[second.number][1] == "第二案"
    assert owner.username in sheet.oddHeader.center.text  # type: ignore[attr-defined]


def test_the_export_follows_the_filters_and_is_audited(
    open_case: Callable[..., Case], owner: User, client_for: Callable[[User], Client]
) -> None:
    open_case()
    urgent = open_case(priority="highest")
    response = client_for(owner).get("/cases/export.xlsx", {"priority": "highest"})
    numbers = [row[0] for row in _sheet(response).iter_rows(min_row=3, values_only=True)]  # type: ignore[attr-defined]
    assert numbers == [urgent.number]
    event = AuditEvent.objects.get(action="export", actor=owner)
    assert event.detail == {
        "format": "xlsx",
        "rows": 1,
        "filters": {"status": "", "priority": "highest"},
        "gated": True,  # counted against the export quota (DP-05)
    }


def test_a_title_that_looks_like_a_formula_is_exported_as_text(
    open_case: Callable[..., Case], owner: User, client_for: Callable[[User], Client]
) -> None:
    open_case(title='=HYPERLINK("http://evil.example","点击")')
    sheet = _sheet(client_for(owner).get("/cases/export.xlsx"))
    cell = sheet.cell(row=3, column=2)  # type: ignore[attr-defined]
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")
