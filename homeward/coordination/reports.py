"""The annual report as a document: PDF, or Word (an HTML document Word opens), both
watermarked with who printed it, when and the request, and naming the recipients
(七、(四): a district joint conference reports to the municipal joint conference and to
the district government)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from homeward.coordination.models import AnnualReport, Indicator
from homeward.coordination.services import recipients_of
from homeward.core.documents import word_document
from homeward.core.pdf import Watermark, build, styles, table


def report_title(report: AnnualReport) -> str:
    return _("Annual report %(year)s: %(unit)s") % {
        "year": report.year,
        "unit": report.agency.display_name,
    }


def report_figures(report: AnnualReport) -> list[list[str]]:
    return [
        [str(Indicator(key).label), str(value)]
        for key, value in report.figures.items()
        if key in Indicator.values
    ]


def _facts(report: AnnualReport) -> list[str]:
    recipients = "、".join(agency.display_name for agency in recipients_of(report))
    facts = [
        _("To: %(recipients)s") % {"recipients": recipients},
        _("Due: %(due)s · Status: %(status)s")
        % {"due": report.due_on.isoformat(), "status": report.get_status_display()},
    ]
    return facts


def report_pdf(report: AnnualReport, watermark: Watermark) -> bytes:
    from reportlab.platypus import Paragraph

    style = styles()
    title = report_title(report)
    story = [Paragraph(escape(title), style["title"])]
    story += [Paragraph(escape(line), style["subtitle"]) for line in _facts(report)]
    story.append(Paragraph(escape(report.body).replace("\n", "<br/>"), style["body"]))
    figures = report_figures(report)
    if figures:
        story += [
            Paragraph(_("Figures computed by the platform"), style["heading"]),
            table(figures),
        ]
    return build(story, title=title, watermark=watermark)


def report_word(report: AnnualReport, watermark: Watermark) -> str:
    figures = report_figures(report)
    return word_document(
        title=report_title(report),
        watermark=watermark,
        lines=_facts(report),
        paragraphs=[report.body],
        sections=[(_("Figures computed by the platform"), figures)] if figures else [],
    )
