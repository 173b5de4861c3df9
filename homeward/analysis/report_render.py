"""The yearly situation analysis (形势分析报告, issue 16) rendered as PDF and Word.

A plain :class:`ReportData` (built by the analysis app from its rollups and warnings) becomes
a PDF (reportlab with the CID font STSong-Light and the watermark footer of
:mod:`homeward.core.pdf`) and an editable Word document (python-docx: real headings,
paragraphs, tables, and the charts as PNG images drawn by matplotlib's Agg backend). The
draft is what the office edits and files with its annual report (七、(二)).

Chinese text in a chart image needs a CJK font known to matplotlib (e.g. Noto Sans CJK);
without one the image carries digits only (months, years, counts) and the chart's title and
legend go into the caption under it.

Suppressed figures (fewer than 5, so that no victim can be recognised) are ``None`` in the
data and print as "<5", never as a number; changes against last year are not computed from
them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from django.utils.html import escape
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from homeward.core.pdf import Watermark, build, styles, table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SUPPRESSED: Final = "<5"
NOT_APPLICABLE: Final = "—"
AUTO: Final = "auto"
# Fonts tried for Chinese text inside chart images, in order.
CJK_FONT_CANDIDATES: Final = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "Noto Sans CJK JP",
)


CHINESE_NUMERALS: Final = "一二三四五六七八九十"


class SectionNumbers:
    """Numbers the report's sections in the order they are written, so that a section
    left out (the district table of a district's report, the charts of a year without
    data) leaves no gap: 一、二、三… in Chinese, 1. 2. 3. otherwise."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, title: str) -> str:
        self.count += 1
        if (get_language() or "").startswith("zh"):
            return f"{CHINESE_NUMERALS[self.count - 1]}、{title}"
        return f"{self.count}. {title}"


@dataclass(frozen=True)
class FigureRow:
    """One figure of the year; ``None`` = suppressed (fewer than 5)."""

    key: str
    label: str
    this_year: int | None
    last_year: int | None
    note: str = ""


@dataclass(frozen=True)
class SeriesChart:
    """A monthly chart: ``months`` as ``YYYY-MM``, this year's values, last year's (or None)."""

    title: str
    months: list[str]
    values: list[int]
    last_year: list[int] | None


@dataclass(frozen=True)
class WarningRow:
    """An early warning raised in the year and what was done about it."""

    figure_label: str
    period: str
    observed: int
    expected: float
    threshold: float
    status: str
    action: str


@dataclass(frozen=True)
class ReportData:
    """Everything the yearly report prints.

    ``district_table``: the first tuple is the header row (e.g. district, figures …), the
    others one district each, already formatted (suppressed cells as "<5"). ``plan_rows``:
    (indicator, target, done). ``audience`` goes into the watermark (empty: police use only).
    """

    area_name: str
    year: int
    generated_at: datetime
    generated_by: str
    request_id: str
    summary_paragraphs: list[str]
    figures: list[FigureRow]
    charts: list[SeriesChart]
    district_table: list[tuple[str, ...]] | None
    warnings: list[WarningRow]
    plan_rows: list[tuple[str, int, int]]
    audience: str = ""
    # Province flows: the header row, then one province or country each (already
    # formatted, suppressed cells as "<5"); None when not computed.
    flows: list[tuple[str, ...]] | None = None


# --------------------------------------------------------------------------- text helpers


def format_count(value: int | None) -> str:
    """A count as printed: thousands separated, "<5" when suppressed."""
    return SUPPRESSED if value is None else f"{value:,}"


def change_percent(this_year: int | None, last_year: int | None) -> float | None:
    """Change against last year in %, None when either is suppressed or last year was 0."""
    if this_year is None or last_year is None or last_year == 0:
        return None
    return (this_year - last_year) / last_year * 100.0


def format_change(this_year: int | None, last_year: int | None) -> str:
    change = change_percent(this_year, last_year)
    if change is None:
        return NOT_APPLICABLE
    return f"{change:+.1f}%"


def completion_percent(target: int, done: int) -> str:
    if target <= 0:
        return NOT_APPLICABLE
    return f"{done / target * 100.0:.0f}%"


def report_title(data: ReportData) -> str:
    return _("%(area)s situation analysis for %(year)s") % {
        "area": data.area_name,
        "year": data.year,
    }


def _facts(data: ReportData) -> list[str]:
    return [
        _("Generated by the platform on %(date)s for %(name)s · request %(request)s")
        % {
            "date": data.generated_at.strftime("%Y-%m-%d %H:%M"),
            "name": data.generated_by,
            "request": data.request_id[:8],
        },
        _("A draft from the platform's own figures: the office edits it before filing it."),
    ]


def figure_rows(data: ReportData) -> list[tuple[str, ...]]:
    header: tuple[str, ...] = (
        _("Figure"),
        _("Year %(year)s") % {"year": data.year},
        _("Year %(year)s") % {"year": data.year - 1},
        _("Change on last year"),
        _("Note"),
    )
    return [header] + [
        (
            row.label,
            format_count(row.this_year),
            format_count(row.last_year),
            format_change(row.this_year, row.last_year),
            row.note,
        )
        for row in data.figures
    ]


def warning_rows(data: ReportData) -> list[tuple[str, ...]]:
    header: tuple[str, ...] = (
        _("Figure"),
        _("Month"),
        _("Observed"),
        _("Expected"),
        _("Threshold"),
        _("Status"),
        _("Action taken"),
    )
    return [header] + [
        (
            row.figure_label,
            row.period,
            f"{row.observed:,}",
            f"{row.expected:.1f}",
            f"{row.threshold:.0f}",
            row.status,
            row.action,
        )
        for row in data.warnings
    ]


def plan_table(data: ReportData) -> list[tuple[str, ...]]:
    header: tuple[str, ...] = (_("Indicator"), _("Target"), _("Done"), _("Completion"))
    return [header] + [
        (indicator, f"{target:,}", f"{done:,}", completion_percent(target, done))
        for indicator, target, done in data.plan_rows
    ]


def draft_summary(
    *,
    area_name: str,
    year: int,
    figures: Sequence[FigureRow],
    warnings: Sequence[WarningRow] = (),
    plan_rows: Sequence[tuple[str, int, int]] = (),
) -> list[str]:
    """Draft paragraphs from the figures, in the active language (Chinese by default):
    each figure against last year (同比增长/下降 X%), the warnings of the year, the plan."""
    paragraphs: list[str] = []
    sentences: list[str] = []
    for row in figures:
        change = change_percent(row.this_year, row.last_year)
        values = {"figure": row.label, "count": format_count(row.this_year)}
        if row.this_year is None:
            sentences.append(_("%(figure)s: fewer than 5 (not published).") % values)
        elif change is None:
            sentences.append(_("%(figure)s: %(count)s.") % values)
        elif change > 0.05:
            sentences.append(
                _("%(figure)s: %(count)s, up %(percent).1f%% on last year.")
                % {**values, "percent": change}
            )
        elif change < -0.05:
            sentences.append(
                _("%(figure)s: %(count)s, down %(percent).1f%% on last year.")
                % {**values, "percent": -change}
            )
        else:
            sentences.append(_("%(figure)s: %(count)s, the same as last year.") % values)
    if sentences:
        paragraphs.append(
            _("In %(year)s, %(area)s recorded the following.") % {"year": year, "area": area_name}
            + "".join(sentences)
        )
    if warnings:
        listed = _("; ").join(
            _("%(figure)s in %(period)s (%(observed)s against a threshold of %(threshold)s)")
            % {
                "figure": row.figure_label,
                "period": row.period,
                "observed": row.observed,
                "threshold": f"{row.threshold:.0f}",
            }
            for row in warnings
        )
        paragraphs.append(
            _("The early warning was raised %(count)s times in the year: %(list)s.")
            % {"count": len(warnings), "list": listed}
        )
    else:
        paragraphs.append(_("The early warning was not raised in the year."))
    if plan_rows:
        reached = sum(1 for _indicator, target, done in plan_rows if target > 0 and done >= target)
        paragraphs.append(
            _("Of the plan's %(total)s indicators, %(reached)s reached their target.")
            % {"total": len(plan_rows), "reached": reached}
        )
    return paragraphs


# --------------------------------------------------------------------------- charts


@cache
def find_cjk_font() -> str | None:
    """The name of a font with Chinese glyphs known to matplotlib, or None."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FONT_CANDIDATES:
        if name in installed:
            return name
    return None


def _resolve_font(chart_font: str | None) -> str | None:
    return find_cjk_font() if chart_font == AUTO else chart_font


def chart_caption(chart: SeriesChart, number: int, year: int, with_text_in_image: bool) -> str:
    values = {"number": number, "title": chart.title, "year": year, "last": year - 1}
    if with_text_in_image:
        return _("Figure %(number)s. %(title)s") % values
    if chart.last_year is not None:
        return _("Figure %(number)s. %(title)s: %(year)s solid, %(last)s dashed, by month") % values
    return _("Figure %(number)s. %(title)s, %(year)s by month") % values


def chart_figure(chart: SeriesChart, year: int, font: str | None) -> Figure:
    """The chart as a matplotlib figure (Agg). With ``font`` None no Chinese goes in: months
    as numbers, the legend as years, no title."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, 2.8), dpi=110)
    axes = figure.add_subplot(1, 1, 1)
    ticks = [month[-2:] if len(month) >= 2 else month for month in chart.months]
    positions = list(range(len(chart.values)))
    axes.plot(positions, chart.values, color="#b3261e", marker="o", linewidth=1.8, label=str(year))
    if chart.last_year is not None:
        axes.plot(
            list(range(len(chart.last_year))),
            chart.last_year,
            color="#555555",
            linestyle="--",
            linewidth=1.2,
            label=str(year - 1),
        )
        axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.set_xticks(positions)
    axes.set_xticklabels(ticks, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if font is not None:
        axes.set_title(chart.title, fontsize=10, fontname=font)
    figure.tight_layout()
    return figure


def chart_png(chart: SeriesChart, year: int, font: str | None) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = chart_figure(chart, year, font)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------------- PDF


def _wrapped(
    rows: list[tuple[str, ...]], columns: tuple[int, ...], style: object
) -> list[list[Any]]:
    """Rows with the free-text ``columns`` (below the header) as paragraphs, so that a long
    action or note wraps inside its cell instead of running off the page."""
    from reportlab.platypus import Paragraph

    result: list[list[Any]] = [list(rows[0])]
    for row in rows[1:]:
        result.append(
            [
                Paragraph(escape(cell), style) if index in columns and cell else cell
                for index, cell in enumerate(row)
            ]
        )
    return result


def render_pdf(data: ReportData, *, chart_font: str | None = AUTO) -> bytes:
    """The report as PDF bytes. ``chart_font``: a matplotlib font name for Chinese text in
    chart images, None for none, ``"auto"`` to find one."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer

    style = styles()
    style["cell"] = ParagraphStyle("cell", parent=style["body"], fontSize=9, leading=11)
    font = _resolve_font(chart_font)
    title = report_title(data)
    story: list[object] = [Paragraph(escape(title), style["title"])]
    story += [Paragraph(escape(line), style["subtitle"]) for line in _facts(data)]
    story.append(Spacer(1, 4 * mm))

    def heading(text: str) -> None:
        story.append(Paragraph(escape(text), style["heading"]))

    numbered = SectionNumbers()
    heading(numbered(pgettext("report section", "Overview of the year")))
    for paragraph in data.summary_paragraphs:
        story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), style["body"]))
        story.append(Spacer(1, 2 * mm))
    heading(
        numbered(pgettext("report section", "Figures of the year and changes against last year"))
    )
    story.append(
        table(
            _wrapped(figure_rows(data), (0, 4), style["cell"]),
            header=True,
            widths=(62 * mm, 22 * mm, 22 * mm, 26 * mm, 42 * mm),
        )
    )
    if data.charts:
        heading(numbered(pgettext("report section", "Trends by month")))
        for number, chart in enumerate(data.charts, start=1):
            image = Image(
                io.BytesIO(chart_png(chart, data.year, font)), width=170 * mm, height=68 * mm
            )
            caption = chart_caption(chart, number, data.year, font is not None)
            story.append(KeepTogether([image, Paragraph(escape(caption), style["subtitle"])]))
            story.append(Spacer(1, 3 * mm))
    if data.district_table:
        heading(numbered(pgettext("report section", "The districts")))
        story.append(table(data.district_table, header=True))
    heading(numbered(pgettext("report section", "Province flows")))
    if data.flows and len(data.flows) > 1:
        story.append(table(data.flows, header=True, widths=(50 * mm, 60 * mm, 60 * mm)))
    else:
        story.append(
            Paragraph(escape(_("No victims or found children in the year.")), style["body"])
        )
    heading(numbered(pgettext("report section", "Early warnings and what was done")))
    if data.warnings:
        story.append(
            table(
                _wrapped(warning_rows(data), (0, 5, 6), style["cell"]),
                header=True,
                widths=(34 * mm, 18 * mm, 16 * mm, 16 * mm, 16 * mm, 24 * mm, 50 * mm),
            )
        )
    else:
        story.append(
            Paragraph(escape(_("No early warning was raised in the year.")), style["body"])
        )
    heading(numbered(pgettext("report section", "Completion of the plan")))
    if data.plan_rows:
        story.append(table(plan_table(data), header=True))
    else:
        story.append(Paragraph(escape(_("No plan indicators for the year.")), style["body"]))
    watermark = Watermark(
        printed_by=data.generated_by,
        printed_at=data.generated_at,
        request_id=data.request_id,
        audience=data.audience,
    )
    return build(story, title=title, watermark=watermark)


# --------------------------------------------------------------------------- Word


def _docx_fonts(document: object) -> None:
    """Body text in 宋体 for Chinese (Word needs the east-Asian font set explicitly)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        try:
            style = document.styles[name]  # type: ignore[attr-defined]
        except KeyError:
            continue
        style.font.name = "SimSun" if name == "Normal" else style.font.name
        properties = style.element.get_or_add_rPr()
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = properties.makeelement(qn("w:rFonts"), {})
            properties.append(fonts)
        fonts.set(qn("w:eastAsia"), "SimSun" if name == "Normal" else "SimHei")
        if name == "Normal":
            style.font.size = Pt(10.5)


def _docx_table(document: object, rows: Sequence[Sequence[str]]) -> None:
    columns = max(len(row) for row in rows)
    grid = document.add_table(rows=len(rows), cols=columns)  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            cell = grid.cell(row_index, column)
            cell.text = str(value)
            if row_index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def render_docx(data: ReportData, *, chart_font: str | None = AUTO) -> bytes:
    """The report as an editable Word document (.docx bytes)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    font = _resolve_font(chart_font)
    document = Document()
    _docx_fonts(document)
    watermark = Watermark(
        printed_by=data.generated_by,
        printed_at=data.generated_at,
        request_id=data.request_id,
        audience=data.audience,
    )
    section = document.sections[0]
    section.header.paragraphs[0].text = watermark.text()
    section.footer.paragraphs[0].text = watermark.text()
    document.core_properties.title = report_title(data)
    document.core_properties.author = data.generated_by
    document.add_heading(report_title(data), level=0)
    for line in _facts(data):
        document.add_paragraph(line)
    numbered = SectionNumbers()
    document.add_heading(numbered(pgettext("report section", "Overview of the year")), level=1)
    for paragraph in data.summary_paragraphs:
        document.add_paragraph(paragraph)
    document.add_heading(
        numbered(pgettext("report section", "Figures of the year and changes against last year")),
        level=1,
    )
    _docx_table(document, figure_rows(data))
    if data.charts:
        document.add_heading(numbered(pgettext("report section", "Trends by month")), level=1)
        for number, chart in enumerate(data.charts, start=1):
            document.add_picture(io.BytesIO(chart_png(chart, data.year, font)), width=Cm(16))
            caption = document.add_paragraph(
                chart_caption(chart, number, data.year, font is not None)
            )
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if data.district_table:
        document.add_heading(numbered(pgettext("report section", "The districts")), level=1)
        _docx_table(document, data.district_table)
    document.add_heading(numbered(pgettext("report section", "Province flows")), level=1)
    if data.flows and len(data.flows) > 1:
        _docx_table(document, data.flows)
    else:
        document.add_paragraph(_("No victims or found children in the year."))
    document.add_heading(
        numbered(pgettext("report section", "Early warnings and what was done")), level=1
    )
    if data.warnings:
        _docx_table(document, warning_rows(data))
    else:
        document.add_paragraph(_("No early warning was raised in the year."))
    document.add_heading(numbered(pgettext("report section", "Completion of the plan")), level=1)
    if data.plan_rows:
        _docx_table(document, plan_table(data))
    else:
        document.add_paragraph(_("No plan indicators for the year."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
