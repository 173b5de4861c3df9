"""PDF building blocks shared by the modules' reports.

Chinese text uses the Adobe-GB1 CID font STSong-Light, which every PDF reader with Asian
font support renders without the font being embedded: nothing needs installing on the
server. Each page carries a watermark naming who printed it, when, and the request id
(SECURITY.md DP-05)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
_registered = False


# Characters that Adobe-GB1's Unicode map (UniGB-UCS2-H) leaves out, so a reader draws a
# missing-glyph box for them, with the mapped character that looks the same. The middle
# dot U+00B7 separates the footer's segments and names such as 买买提·艾力; U+30FB is the
# middle dot of GB 2312 (A1A4) as Adobe maps it.
GB1_SUBSTITUTES = str.maketrans(
    {
        "\u00b7": "\u30fb",  # · middle dot
        "\u2022": "\u30fb",  # • bullet
        "\u2027": "\u30fb",  # ‧ hyphenation point
        "\u2713": "\u221a",  # ✓ check mark -> √
        "\u2714": "\u221a",  # ✔ heavy check mark -> √
    }
)


class _GB1Font(UnicodeCIDFont):  # type: ignore[misc]
    """STSong-Light whose text is written with characters the font's map covers."""

    def formatForPdf(self, text: str | bytes) -> str:  # noqa: N802  (reportlab's name)
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return super().formatForPdf(text.translate(GB1_SUBSTITUTES))  # type: ignore[no-any-return]


def cjk_font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(_GB1Font(FONT))
        _registered = True
    return FONT


@dataclass(frozen=True)
class Watermark:
    printed_by: str
    printed_at: datetime
    request_id: str
    # Who may read the document; police documents by default.
    audience: str = ""

    def text(self) -> str:
        values = {
            "name": self.printed_by,
            "time": self.printed_at.strftime("%Y-%m-%d %H:%M"),
            "request": self.request_id[:8],
        }
        if self.audience:
            return _("Printed by %(name)s at %(time)s · request %(request)s · %(audience)s") % {
                **values,
                "audience": self.audience,
            }
        return (
            _(
                "Printed by %(name)s at %(time)s · request %(request)s · confidential, police use only"
            )
            % values
        )


def styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=1),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=12, leading=16, spaceBefore=8),
        "body": body,
    }


def table(
    rows: Sequence[Sequence[str]], *, header: bool = False, widths: tuple[float, ...] | None = None
) -> Table:
    result = Table([list(row) for row in rows], colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0) if header else (0, -1), colors.HexColor("#eeeeee")),
    ]
    result.setStyle(TableStyle(style))
    return result


def build(story: Sequence[Flowable], *, title: str, watermark: Watermark) -> bytes:
    font = cjk_font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=watermark.printed_by,
    )

    def stamp(canvas: Canvas, doc: object) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, watermark.text())
        canvas.setFillColor(colors.Color(0.7, 0.1, 0.1, alpha=0.08))
        canvas.setFont(font, 28)
        canvas.translate(105 * mm, 148 * mm)
        canvas.rotate(35)
        canvas.drawCentredString(
            0, 0, watermark.printed_by + " " + watermark.printed_at.strftime("%Y-%m-%d")
        )
        canvas.restoreState()

    document.build(list(story), onFirstPage=stamp, onLaterPages=stamp)
    return buffer.getvalue()
