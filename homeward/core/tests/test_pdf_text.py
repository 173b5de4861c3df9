"""PDF text is written with characters the Chinese font's map covers (issue 12): the
footer's segment separators and names with a middle dot show, not missing-glyph boxes;
the combined paternity index prints in scientific notation."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

from pypdf import PdfReader
from reportlab.platypus import Paragraph

from homeward.core.pdf import Watermark, build, styles, table


def _content(pdf: bytes) -> bytes:
    page = PdfReader(BytesIO(pdf)).pages[0]
    contents = page.get_contents()
    assert contents is not None
    return contents.get_data()


def test_footer_and_body_use_the_middle_dot_the_font_maps() -> None:
    # given a footer whose segments are separated by U+00B7 and a name with one
    watermark = Watermark(
        printed_by="买买提·艾力",
        printed_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        request_id="abcd1234",
    )
    assert "·" in watermark.text()
    # when the PDF is built
    pdf = build(
        [Paragraph("线索 · 已核实 ✓", styles()["body"]), table([["买买提·艾力", "✓"]])],
        title="测试",
        watermark=watermark,
    )
    # then no U+00B7 or U+2713 is written (UTF-16BE 00 B7 escaped as \000\267), and the
    # mapped middle dot U+30FB is
    stream = _content(pdf)
    assert b"\\000\\267" not in stream and b"\\047\\023" not in stream
    assert b"0\\373" in stream


def test_the_cpi_prints_in_scientific_notation() -> None:
    from homeward.dna.reports import cpi_parts, cpi_text

    assert cpi_parts(15.105_43) == ("1.27", 15)
    assert cpi_text(15.105_43) == "1.27×10^15"
    assert cpi_text(3.301_03) == "2,000"
    assert cpi_parts(-3.2) == ("6.31", -4)
    assert "." not in cpi_text(2.0)
