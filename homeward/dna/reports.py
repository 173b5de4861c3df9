"""The comparison report as PDF, in the layout of a parentage report.

Chinese text uses the Adobe-GB1 CID font STSong-Light, which every PDF reader with Asian
font support renders without the font being embedded: nothing needs installing on the
server. Each page carries a watermark naming who printed it, when, and the request id.
"""

from __future__ import annotations

import io
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
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from homeward.dna.models import MatchCandidate
from homeward.kinship.decisions import probability_of_parentage

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


@dataclass(frozen=True)
class Watermark:
    printed_by: str
    printed_at: datetime
    request_id: str

    def text(self) -> str:
        return _(
            "Printed by %(name)s at %(time)s · request %(request)s · confidential, police use only"
        ) % {
            "name": self.printed_by,
            "time": self.printed_at.strftime("%Y-%m-%d %H:%M"),
            "request": self.request_id[:8],
        }


def candidate_report_pdf(candidate: MatchCandidate, watermark: Watermark) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=16, spaceBefore=8)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    run = candidate.run
    log10_lr = candidate.log10_lr
    cpi = f"{10**log10_lr:.4g}" if log10_lr < 300 else f"1e{log10_lr:.0f}"
    story: list[object] = [
        Paragraph(_("Kinship comparison report"), title),
        Paragraph(
            _("Chongqing Public Security Bureau · DNA laboratory"),
            ParagraphStyle("sub", parent=body, alignment=1),
        ),
        Spacer(1, 4 * mm),
    ]
    if candidate.review != MatchCandidate.Review.CONFIRMED:
        story.append(
            Paragraph(
                _("NOT CONFIRMED — awaiting re-sampling and re-test (比中待复核)"),
                ParagraphStyle("warn", parent=heading, textColor=colors.HexColor("#b3261e")),
            )
        )
    samples = [
        [_("Purpose"), run.purpose],
        [
            _("Child"),
            f"{candidate.child_specimen.specimen_id} ({candidate.child_specimen.get_sample_type_display()})",
        ],
    ]
    if candidate.family:
        samples.append([_("Reference family"), candidate.family.code])
    if candidate.parent_specimen:
        samples.append([_("Alleged parent"), candidate.parent_specimen.specimen_id])
    story += [Paragraph(_("Samples"), heading), _table(samples, font, widths=(45 * mm, 125 * mm))]
    loci = [[_("Locus"), _("Child"), _("Father"), _("Mother"), "PI / LR"]]
    for row in candidate.per_locus:
        loci.append(
            [
                str(row["locus"]),
                str(row["child"]),
                str(row["father"]),
                str(row["mother"]),
                f"{row['lr']}{' *' if row['inconsistent'] else ''}",
            ]
        )
    story += [Paragraph(_("Genotypes and indices"), heading), _table(loci, font, header=True)]
    story.append(
        Paragraph(
            _(
                "* inconsistent with Mendelian inheritance; the index uses the stepwise mutation model (GB/T 37223-2018 practice)."
            ),
            body,
        )
    )
    result = [
        [_("Combined index (CPI)"), f"{cpi} (log10 {log10_lr:.3f})"],
        [
            _("Probability of parentage (prior 0.5)"),
            f"{probability_of_parentage(log10_lr) * 100:.6f}%",
        ],
        [_("Loci compared"), str(candidate.loci_compared)],
        [_("Inconsistent loci"), str(candidate.inconsistent_loci)],
        [_("Decision band"), candidate.decision],
        [
            _("Review"),
            candidate.get_review_display()
            + (f" · {candidate.review_note}" if candidate.review_note else ""),
        ],
    ]
    story += [Paragraph(_("Result"), heading), _table(result, font, widths=(60 * mm, 110 * mm))]
    provenance = run.provenance
    story.append(Spacer(1, 3 * mm))
    story.append(
        Paragraph(
            _(
                "Engine %(version)s; allele frequencies: Chinese population table (Appendix D), digest %(digest)s; compared against %(size)s reference records. A database match is a lead, not a conclusion: it is confirmed by re-sampling and re-testing with additional loci."
            )
            % {
                "version": provenance.get("engine_version", ""),
                "digest": str(provenance.get("table_digest", ""))[:16],
                "size": provenance.get("index_size", ""),
            },
            body,
        )
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=_("Kinship comparison report"),
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

    document.build(story, onFirstPage=stamp, onLaterPages=stamp)
    return buffer.getvalue()


def _table(
    rows: list[list[str]],
    font: str,
    *,
    header: bool = False,
    widths: tuple[float, ...] | None = None,
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")))
    table.setStyle(TableStyle(style))
    return table
