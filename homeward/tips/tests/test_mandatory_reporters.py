"""Mandatory reporting from outside the member units' casework (issue 13; 二、(二)2–4,
五、(二)3): a hotel receptionist, a marriage registrar, a coach driver or station staff
hold a role that files mandatory reports and does nothing else."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import Division, User
from homeward.core.roles import P_PORTAL, P_TIP_MANDATORY, ROLE_PERMISSIONS, Role
from homeward.tips.models import MandatoryReport, Tip
from homeward.tips.services import mandatory_report_submit

pytestmark = pytest.mark.django_db


def test_the_mandatory_reporter_role_files_mandatory_reports_only() -> None:
    assert set(ROLE_PERMISSIONS[Role.MANDATORY_REPORTER]) == {P_PORTAL, P_TIP_MANDATORY}


@pytest.mark.parametrize(
    ("kind", "agency_code", "role_text"),
    [
        ("hotel", "500103-public_security", "前台接待"),
        ("marriage_registry", "500103-civil_affairs", "婚姻登记员"),
        ("transport", "500103-transport", "客运班车驾驶员"),
        ("station", "500103-transport", "车站售票员"),
    ],
)
def test_staff_outside_casework_file_a_mandatory_report_and_see_nothing_else(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    kind: str,
    agency_code: str,
    role_text: str,
) -> None:
    reporter = make_user(roles=[Role.MANDATORY_REPORTER], agency_code=agency_code, username="r1")
    client = client_for(reporter)
    assert client.get("/").status_code == 200
    page = client.get("/tips/mandatory/new/")
    assert page.status_code == 200
    key = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', page.content)
    assert key is not None
    response = client.post(
        "/tips/mandatory/new/",
        {
            "institution_name": "渝中区某单位",
            "institution_kind": kind,
            "reporter_role": role_text,
            "category": "trafficking",
            "narrative": "一名成年男子带着一个哭闹的女童，女童说不认识他，神情紧张。",
            "division": Division.objects.get(code="500103").pk,
            "idempotency_key": key.group(1).decode(),
        },
    )
    assert response.status_code == 302
    report = MandatoryReport.objects.get()
    assert report.institution_kind == kind and report.reporter == reporter
    assert report.tip.priority == Tip.Priority.HIGHEST
    assert client.get("/tips/mandatory/").status_code == 200
    for url in ("/tips/", "/people/", "/plan/", "/victims/", "/prevention/ledger/", "/cases/"):
        assert client.get(url).status_code in (403, 404), url


def test_only_a_mandatory_reporting_role_files_one(make_user: Callable[..., User]) -> None:
    analyst = make_user(roles=[Role.ANALYST], agency_code="500103-public_security")
    with pytest.raises(DomainError) as refused:
        mandatory_report_submit(
            actor=analyst,
            institution_name="某酒店",
            institution_kind="hotel",
            reporter_role="前台",
            idempotency_key="a" * 16,
            category="trafficking",
            narrative="可疑情况描述足够长的文字",
            division=Division.objects.get(code="500103"),
        )
    assert refused.value.code == ActorError.MISSING_PERMISSION
    reporter = make_user(roles=[Role.MANDATORY_REPORTER], username="r2")
    with pytest.raises(ValidationError) as invalid:
        mandatory_report_submit(
            actor=reporter,
            institution_name="某地",
            institution_kind="casino",
            reporter_role="员工",
            idempotency_key="b" * 16,
            category="trafficking",
            narrative="可疑情况描述足够长的文字",
            division=Division.objects.get(code="500103"),
        )
    assert "institution_kind" in invalid.value.message_dict
    assert not Tip.objects.exists()
