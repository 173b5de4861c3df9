"""The yearly situation analysis: the office generates a district's report with the
warning and its listing in it, as PDF and Word; small counts are suppressed in a report
that leaves the police; outsiders are refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.test import Client

from homeward.analysis import services
from homeward.analysis.models import Warning
from homeward.core.models import AuditEvent, Division, User
from homeward.core.roles import Role

from .conftest import TODAY
from .helpers import at, clues

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_office_generates_the_district_report_with_the_listed_warning(
    office: User, spike: Warning, client_for: Callable[[User], Client]
) -> None:
    # given the office listed 万州区 after the warning
    with time_machine.travel(TODAY):
        services.warning_list_region(
            actor=office,
            warning=spike,
            deadline=date(2027, 1, 31),
            reason="强迫劳动招工线索突增",
            warning_text="",
        )
    # when it generates 万州区's 2026 report in both formats
    with time_machine.travel(at(date(2027, 1, 5))):
        client = client_for(office)
        pdf = client.post("/analysis/report/", {"area": "500101", "year": "2026", "format": "pdf"})
        docx = client.post(
            "/analysis/report/", {"area": "500101", "year": "2026", "format": "docx"}
        )
    # then both carry the district, the warning and its listing
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert docx.status_code == 200 and "wordprocessingml" in docx["Content-Type"]
    for text in (_pdf_text(pdf.content), _docx_text(docx.content)):
        text = text.replace("\n", "")  # the PDF wraps long cells
        assert "万州区" in text
        assert "2026-10" in text
        assert "强迫劳动招工线索突增" in text
    assert AuditEvent.objects.filter(action="analysis_report").count() == 2


def test_small_counts_print_as_under_five_beyond_the_police(
    office: User,
    spike: Warning,
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
) -> None:
    clues(Division.objects.get(code="500101"), date(2026, 3, 1), 1, status="substantiated")
    head = make_user(
        roles=[Role.ALERT_COMMANDER], agency_code="500101-public_security", leader_post="head"
    )
    with time_machine.travel(at(date(2027, 1, 5))):
        from homeward.analysis.rollups import rollups_refresh

        rollups_refresh(full=True)
        beyond = client_for(office).post(
            "/analysis/report/", {"area": "500101", "year": "2026", "format": "docx"}
        )
        police = client_for(head).post(
            "/analysis/report/", {"area": "500101", "year": "2026", "format": "docx"}
        )
    # one substantiated clue in 2026: "<5" for the office, 1 for the police
    assert _figure_cells(beyond.content, "clues_substantiated")[1] == "<5"
    assert _figure_cells(police.content, "clues_substantiated")[1] == "1"


def _figure_cells(content: bytes, key: str) -> list[str]:
    """The cells of the figures table's row of ``key`` (found by its Chinese label)."""
    from django.utils import translation
    from docx import Document

    from homeward.core.figures import all_figures

    with translation.override("zh-hans"):
        label = next(str(f.label) for f in all_figures() if f.key == key)
    for table in Document(io.BytesIO(content)).tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            if cells and cells[0] == label:
                return cells
    raise AssertionError(f"no row {label}")


def test_a_district_cannot_generate_another_districts_report(
    spike: Warning, client_for: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    yuzhong = make_user(
        roles=[Role.DISTRICT_COORDINATOR], agency_code="500103-joint_conference_office"
    )
    with time_machine.travel(at(date(2027, 1, 5))):
        refused = client_for(yuzhong).post(
            "/analysis/report/", {"area": "500101", "year": "2026", "format": "pdf"}
        )
        anonymous = Client().post("/analysis/report/", {"area": "500101", "year": "2026"})
    assert refused.status_code == 400  # 万州区 is not among the choices
    assert anonymous.status_code in (302, 403)
    assert not AuditEvent.objects.filter(action="analysis_report").exists()
