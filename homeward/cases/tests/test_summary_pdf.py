"""The case summary PDF: Chinese text readable back out, watermark, audited, scoped."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from pypdf import PdfReader

from homeward.cases.services import case_open, progress_entry_add
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_case_summary_pdf_carries_the_chinese_case_and_the_watermark(
    owner: User,
    outsider: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    head = make_user(
        roles=[Role.INVESTIGATOR],
        agency_code="500103-public_security",
        username="head9",
        leader_post="head",
    )
    case = case_open(
        actor=owner,
        title="解放碑拐骗儿童案",
        crimes=["art262"],
        source="other",
        leader=head,
        members=[owner],
    )
    progress_entry_add(
        actor=owner, case=case, responsibility="rescue_child", text="已在贵阳找到被拐儿童，正在送返"
    )
    response = client_for(owner).get(f"/cases/{case.pk}/summary.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert case.number in text and "解放碑拐骗儿童案" in text and "已在贵阳找到被拐儿童" in text
    assert "owner" in text  # the watermark names who printed it
    assert AuditEvent.objects.filter(action="case_summary_print", object_id=str(case.pk)).exists()
    assert client_for(outsider).get(f"/cases/{case.pk}/summary.pdf").status_code == 404
