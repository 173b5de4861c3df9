"""Export controls (SECURITY.md DP-05) on the case list export: its own permission, the
head's approval over the row limit, a daily quota, a watermark and an audit event."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client, override_settings
from openpyxl import load_workbook

from homeward.cases.models import Case
from homeward.core.models import AuditEvent, ExportApproval, User
from homeward.testing.otp import step_up

pytestmark = pytest.mark.django_db

EXPORT = "/cases/export.xlsx"


def test_exporting_is_its_own_permission(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    # given investigators whose role no longer carries the export permission
    Group.objects.get(name="investigator").permissions.remove(
        Permission.objects.get(codename="export_records")
    )
    client = client_for(owner)
    # then they still read the list, but the export is refused and the refusal audited
    assert client.get("/cases/").status_code == 200
    response = client.get(EXPORT)
    assert (
        response.status_code == 403
        and b'data-code="export_permission_required"' in response.content
    )
    assert AuditEvent.objects.filter(
        action="export_refused", actor=owner, outcome="denied"
    ).exists()
    assert not AuditEvent.objects.filter(action="export", actor=owner).exists()


@override_settings(EXPORT_ROW_LIMIT=1)
def test_a_list_over_the_row_limit_needs_the_heads_approval_once(
    open_case: Callable[..., Case],
    owner: User,
    district_head: User,
    client_for: Callable[[User], Client],
) -> None:
    open_case(), open_case(title="第二起案件")
    client = client_for(owner)
    # when the list is longer than the limit
    refused = client.get(EXPORT)
    assert refused.status_code == 403 and b'data-code="approval_required"' in refused.content
    # then the exporter asks the head of the unit, who approves
    asked = client.post(
        "/exports/approvals/",
        {
            "action": "request",
            "object_type": "cases.case",
            "path": EXPORT,
            "rows": 2,
            "reason": "向市局报送全部在办案件",
        },
    )
    assert asked.status_code == 302
    approval = ExportApproval.objects.get()
    assert (
        client.post(
            "/exports/approvals/", {"action": "approve", "approval": approval.pk}
        ).status_code
        == 302
    )
    assert ExportApproval.objects.get().status == "pending"  # not by the exporter
    head = client_for(district_head)
    assert "向市局报送全部在办案件" in head.get("/exports/approvals/").content.decode()
    head.post("/exports/approvals/", {"action": "approve", "approval": approval.pk})
    # a bulk export asks for the step-up first (AUTH-08), keeping the approval
    stepping = client.get(EXPORT)
    assert stepping.status_code == 302 and "/account/reauthenticate/" in stepping["Location"]
    assert ExportApproval.objects.get().status == "approved"
    assert step_up(client, owner).status_code == 302
    # and the export goes through once, audited with the approval and the row count
    assert client.get(EXPORT).status_code == 200
    event = AuditEvent.objects.get(action="export", actor=owner)
    assert event.detail["rows"] == 2 and event.detail["approval"] == approval.pk
    assert event.detail["approved_by"] == district_head.pk
    assert client.get(EXPORT).status_code == 403


def test_the_export_after_the_daily_quota_is_refused(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    statuses = [client.get(EXPORT).status_code for _ in range(settings.EXPORT_DAILY_QUOTA + 1)]
    assert statuses[:-1] == [200] * settings.EXPORT_DAILY_QUOTA and statuses[-1] == 429
    assert AuditEvent.objects.filter(action="export", actor=owner).count() == (
        settings.EXPORT_DAILY_QUOTA
    )


def test_every_export_is_watermarked_with_the_user_time_and_request(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get(EXPORT)
    assert response.status_code == 200
    mark = str(load_workbook(io.BytesIO(response.content)).active.cell(row=1, column=1).value)
    assert owner.username in mark and owner.agency.display_name in mark
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", mark)
    assert response["X-Request-ID"] in mark
    event = AuditEvent.objects.get(action="export", actor=owner)
    assert event.request_id == response["X-Request-ID"] and event.detail["rows"] == 1
