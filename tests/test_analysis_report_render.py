"""The yearly situation analysis (issue 16) rendered as PDF and Word, read back."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime

import pytest
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from homeward.analysis.report_render import (
    FigureRow,
    ReportData,
    SeriesChart,
    WarningRow,
    chart_caption,
    chart_figure,
    draft_summary,
    find_cjk_font,
    render_docx,
    render_pdf,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
DISTRICTS = [
    "渝中区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "渝北区",
    "巴南区",
    "万州区",
    "涪陵区",
    "黔江区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "南川区",
    "綦江区",
    "大足区",
    "璧山区",
    "铜梁区",
    "潼南区",
    "荣昌区",
    "开州区",
    "梁平区",
    "武隆区",
    "城口县",
    "丰都县",
    "垫江县",
    "忠县",
    "云阳县",
    "奉节县",
    "巫山县",
    "巫溪县",
    "石柱土家族自治县",
    "秀山土家族苗族自治县",
    "酉阳土家族苗族自治县",
    "彭水苗族土家族自治县",
]
MONTHS = [f"2025-{month:02d}" for month in range(1, 13)]


def figures() -> list[FigureRow]:
    return [
        FigureRow("clues", "群众线索", 1234, 1097),
        FigureRow("labour_clues", "强迫劳动招工线索", 86, 120),
        FigureRow("alerts", "儿童失踪预警", 57, 57),
        FigureRow("victims_under_14", "14岁以下被害人", None, 6, note="不足5不公布"),
        FigureRow("dna_matches", "DNA比中", 9, None),
    ]


def warnings() -> list[WarningRow]:
    return [
        WarningRow(
            "强迫劳动招工线索", "2025-07", 31, 6.4, 14.0, "已确认挂牌督办", "限期2025-09-30整治"
        ),
        WarningRow("群众线索", "2025-11", 160, 98.2, 131.0, "已核查", "已通报区县公安"),
    ]


def report(**changes: object) -> ReportData:
    values: dict[str, object] = {
        "area_name": "渝中区",
        "year": 2025,
        "generated_at": datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
        "generated_by": "张敏",
        "request_id": "a1b2c3d4e5f6",
        "summary_paragraphs": [],
        "figures": figures(),
        "charts": [
            SeriesChart(
                "群众线索",
                MONTHS,
                [90, 95, 100, 99, 101, 110, 98, 97, 105, 110, 160, 69],
                [80, 85, 90, 88, 92, 95, 91, 90, 94, 99, 100, 93],
            ),
            SeriesChart("强迫劳动招工线索", MONTHS, [5, 6, 4, 7, 6, 5, 31, 8, 4, 3, 4, 3], None),
        ],
        "district_table": None,
        "warnings": warnings(),
        "plan_rows": [("宣传活动场次", 40, 46), ("重点人员走访", 200, 150)],
    }
    values.update(changes)
    if not values["summary_paragraphs"]:
        values["summary_paragraphs"] = draft_summary(
            area_name=str(values["area_name"]),
            year=2025,
            figures=figures(),
            warnings=warnings(),
            plan_rows=values["plan_rows"],  # type: ignore[arg-type]
        )
    return ReportData(**values)  # type: ignore[arg-type]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def docx_tables(document: object) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in grid.rows]
        for grid in document.tables  # type: ignore[attr-defined]
    ]


def test_draft_summary_says_the_changes_in_chinese() -> None:
    # given the figures of the year / when the summary is drafted in Chinese
    with translation.override("zh-hans"):
        text = "".join(
            draft_summary(
                area_name="渝中区",
                year=2025,
                figures=figures(),
                warnings=warnings(),
                plan_rows=[("宣传活动场次", 40, 46), ("重点人员走访", 200, 150)],
            )
        )
    # then each change against last year, suppression, the warnings and the plan are said
    assert "2025年，渝中区主要数据如下" in text
    assert "群众线索 1,234，同比增长 12.5%" in text  # (1234 - 1097) / 1097
    assert "强迫劳动招工线索 86，同比下降 28.3%" in text  # (86 - 120) / 120
    assert "儿童失踪预警 57，与上年持平" in text
    assert "14岁以下被害人不足5" in text
    assert "DNA比中 9。" in text  # no change from a suppressed last year
    assert "本年度共触发预警 2 次" in text
    assert "2025-07 强迫劳动招工线索（实际 31，阈值 14）" in text
    assert "行动计划 2 项指标中，1 项已达到目标值" in text
    assert "None" not in text


def test_pdf_has_the_chinese_text_figures_and_warnings() -> None:
    # given a realistic report of a district / when rendered as PDF in Chinese
    with translation.override("zh-hans"):
        pdf = render_pdf(report())
    text = pdf_text(pdf)
    compact = re.sub(r"\s+", "", text)
    # then the title, the sections, the figures, the warnings and the plan are in it
    assert pdf.startswith(b"%PDF")
    assert "渝中区2025年形势分析报告" in compact
    # (a district's report has no district table: its sections are numbered without a gap)
    for heading in (
        "一、总体情况",
        "二、主要数据及同比变化",
        "三、月度趋势",
        "四、省份流向",
        "五、预警及处置情况",
        "六、行动计划完成情况",
    ):
        assert heading in compact
    assert "七、" not in compact
    assert "1,234" in text and "+12.5%" in text and "-28.3%" in text
    assert "强迫劳动招工线索" in compact and "已确认挂牌督办" in compact
    assert "2025-07" in text and "2025-11" in text
    assert "115%" in text and "75%" in text  # plan completion 46/40, 150/200
    # the suppressed figure prints as <5, never its value or None
    # (pypdf gives one table cell per line)
    lines = [line.strip() for line in text.splitlines()]
    at = lines.index("14岁以下被害人")
    assert lines[at + 1 : at + 4] == ["<5", "6", "—"]
    at = lines.index("DNA比中")
    assert lines[at + 1 : at + 4] == ["9", "<5", "—"]
    assert "None" not in text
    # and the watermark names who generated it
    assert "张敏" in compact and "a1b2c3d4" in text


def test_docx_is_editable_with_headings_tables_and_chart_images() -> None:
    # given the same report / when rendered as Word in Chinese
    with translation.override("zh-hans"):
        data = report()
        document = Document(io.BytesIO(render_docx(data)))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    # then the structure is real Word headings, paragraphs and tables
    assert headings[0] == "渝中区2025年形势分析报告"
    assert [heading.split("、")[0] for heading in headings[1:]] == list("一二三四五六")
    assert "二、主要数据及同比变化" in headings and "五、预警及处置情况" in headings
    body = "\n".join(p.text for p in document.paragraphs)
    assert "同比增长 12.5%" in body
    tables = docx_tables(document)
    figure_table = tables[0]
    assert figure_table[0][:4] == ["数据", "2025年", "2024年", "同比变化"]
    suppressed = next(row for row in figure_table if row[0] == "14岁以下被害人")
    assert suppressed[1] == "<5" and suppressed[2] == "6" and suppressed[3] == "—"
    dna = next(row for row in figure_table if row[0] == "DNA比中")
    assert dna[2] == "<5" and dna[3] == "—"
    warning_table = next(grid for grid in tables if grid[0][0] == "数据" and "预警阈值" in grid[0])
    assert warning_table[1] == [
        "强迫劳动招工线索",
        "2025-07",
        "31",
        "6.4",
        "14",
        "已确认挂牌督办",
        "限期2025-09-30整治",
    ]
    plan = tables[-1]
    assert plan[0] == ["指标", "目标值", "已完成", "完成率"]
    assert plan[1] == ["宣传活动场次", "40", "46", "115%"]
    # one PNG per chart, and the watermark in the page header
    assert len(document.inline_shapes) == len(data.charts)
    assert "张敏" in document.sections[0].header.paragraphs[0].text


def test_english_report_uses_the_english_labels() -> None:
    with translation.override("en"):
        data = report(area_name="Yuzhong", summary_paragraphs=["Edited by the office."])
        text = pdf_text(render_pdf(data))
        document = Document(io.BytesIO(render_docx(data)))
    assert "Yuzhong situation analysis for 2025" in text
    assert "2. Figures of the year and changes against last year" in text
    assert document.paragraphs[0].text == "Yuzhong situation analysis for 2025"
    assert docx_tables(document)[0][0][:4] == [
        "Figure",
        "Year 2025",
        "Year 2024",
        "Change on last year",
    ]


def test_chart_with_a_cjk_font_carries_its_chinese_title() -> None:
    font = find_cjk_font()
    if font is None:
        # CI installs fonts-noto-cjk with Chromium: there a missing font is a failure.
        if "browser" in os.environ.get("HOMEWARD_REQUIRE_SERVICES", ""):
            pytest.fail("a CJK font is required (fonts-noto-cjk) but matplotlib finds none")
        pytest.skip("no CJK font known to matplotlib on this machine (the other path is tested)")
    chart = report().charts[0]
    figure = chart_figure(chart, 2025, font)
    texts = [text.get_text() for text in figure.findobj(lambda artist: hasattr(artist, "get_text"))]
    assert "群众线索" in texts
    with translation.override("zh-hans"):
        assert chart_caption(chart, 1, 2025, True) == "图1　群众线索"
        document = Document(io.BytesIO(render_docx(report(), chart_font=font)))
    assert any(p.text == "图1　群众线索" for p in document.paragraphs)


def test_chart_without_a_cjk_font_keeps_chinese_out_of_the_image() -> None:
    # given no CJK font / when the charts are drawn
    chart = report().charts[0]
    figure = chart_figure(chart, 2025, None)
    texts = [text.get_text() for text in figure.findobj(lambda artist: hasattr(artist, "get_text"))]
    # then the image holds no Chinese (months as numbers, the legend as years)
    assert not any(CJK.search(text) for text in texts)
    assert "2025" in texts and "2024" in texts and "07" in texts
    # and the caption carries the title and the legend
    with translation.override("zh-hans"):
        caption = chart_caption(chart, 1, 2025, False)
        document = Document(io.BytesIO(render_docx(report(), chart_font=None)))
        pdf = render_pdf(report(), chart_font=None)
    assert caption == "图1　群众线索（按月；实线为2025年，虚线为2024年）"
    assert any(p.text == caption for p in document.paragraphs)
    assert any(p.text == "图2　强迫劳动招工线索（2025年，按月）" for p in document.paragraphs)
    assert "实线为2025年" in re.sub(r"\s+", "", pdf_text(pdf))


def test_a_city_year_with_38_districts_renders_in_both_formats() -> None:
    # given the city's report: 25 figures, 38 districts, 24 charts, 80 warnings
    header = ("区县", "群众线索", "强迫劳动招工线索", "被害人", "儿童失踪预警")
    rows = [header] + [
        (
            name,
            f"{100 + index * 7:,}",
            str(index + 3),
            "<5" if index % 4 == 0 else str(index),
            str(index % 9),
        )
        for index, name in enumerate(DISTRICTS)
    ]
    charts = [
        SeriesChart(
            f"第{number}项数据",
            MONTHS,
            [number + month for month in range(12)],
            [number + 11 - month for month in range(12)],
        )
        for number in range(1, 25)
    ]
    many_warnings = [
        WarningRow(
            "群众线索",
            f"2025-{index % 12 + 1:02d}",
            40 + index,
            20.5,
            33.0,
            "已核查",
            DISTRICTS[index % 38],
        )
        for index in range(80)
    ]
    more_figures = figures() + [
        FigureRow(f"figure_{number}", f"第{number}项指标", 100 + number, 90 + number)
        for number in range(20)
    ]
    with translation.override("zh-hans"):
        data = report(
            area_name="重庆市",
            district_table=rows,
            charts=charts,
            warnings=many_warnings,
            figures=more_figures,
        )
        pdf = render_pdf(data)
        document = Document(io.BytesIO(render_docx(data)))
    # then the PDF runs to a dozen pages and more, with every district and warning
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 12
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "四、各区县情况" in text and "五、省份流向" in text and "七、行动计划完成情况" in text
    assert all(name in text for name in DISTRICTS)
    # the Word document has the 38 district rows under the header, and all 24 charts
    district_table = next(grid for grid in docx_tables(document) if grid[0][0] == "区县")
    assert len(district_table) == 39
    assert district_table[1][3] == "<5"
    assert len(document.inline_shapes) == 24


def test_a_long_action_wraps_inside_its_cell() -> None:
    # given a warning whose action is a long sentence
    action = "已于2025年8月1日召开联席会议专题研判，列为重点整治地区，由区公安分局牵头开展为期三个月的专项整治行动"
    long_warning = WarningRow(
        "强迫劳动招工线索", "2025-07", 31, 6.4, 14.0, "已确认挂牌督办", action
    )
    with translation.override("zh-hans"):
        pdf = render_pdf(report(warnings=[long_warning]))
    # then the whole sentence is printed, over several lines of its cell
    lines = [line.strip() for line in pdf_text(pdf).splitlines()]
    assert action in "".join(lines)
    assert action not in lines  # (one table cell per line: unwrapped it would be one line)


def test_sections_are_numbered_in_english_too() -> None:
    with translation.override("en"):
        document = Document(io.BytesIO(render_docx(report())))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [heading.split(". ")[0] for heading in headings] == ["1", "2", "3", "4", "5", "6"]
    assert headings[3] == "4. Province flows"
