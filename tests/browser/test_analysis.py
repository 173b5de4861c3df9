"""Situation analysis and early warning, the "Done when" of issue 16, in Chromium on a
desktop and a phone.

The demo's ten years of synthetic clues show a spike of forced-labour recruitment clues
in 万州区 in the latest complete month; the early warning flags it that month; the
municipal joint-conference office sees it on the map, confirms a key-region listing
(挂牌督办) with a deadline and a reason (a past deadline is refused beside its field
first), and generates 万州区's yearly situation analysis, which it reads back as PDF and
as Word with the warning and the listing in it. The district's own office sees the
warning in its inbox and the listing on the warning.

Every page is checked by :mod:`tests.browser.walk` (no server error, no English, nothing
wider than the phone, errors beside their fields); the charts must be drawn by the
bundled Plotly with no Content-Security-Policy violation. Screenshots:
var/screenshots/analysis-NN-<page>-<device>.png.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from homeward.analysis.models import Warning
from homeward.coordination.models import RegionListing
from homeward.core.models import AuditEvent
from homeward.core.roles import Role
from homeward.demo.analysis import SPIKE_COUNT, latest_complete_month, seed_analysis
from homeward.testing.factories import TEST_PASSWORD
from tests.browser.test_roles import _otp_token, _user, browser  # noqa: F401
from tests.browser.walk import Walk, walking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WANZHOU = "500101"


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


def _charts_drawn(walk: Walk, console: list[str]) -> None:
    page = walk.page
    page.wait_for_selector("[data-chart][data-drawn]", timeout=20000)
    assert page.locator("[data-chart] .main-svg").count() >= 1
    violations = [line for line in console if "Content Security Policy" in line or "CSP" in line]
    assert violations == [], violations


def _download(walk: Walk, area: str, year: int, fmt: str) -> bytes:
    page = walk.page
    walk.go("/analysis/report/", f"report-form-{fmt}")
    page.select_option("select[name=area]", area)
    page.select_option("select[name=year]", str(year))
    page.select_option("select[name=format]", fmt)
    with page.expect_download() as download:
        page.click("form.form button[type=submit]")
    return Path(download.value.path()).read_bytes()


def _shot(name: str) -> Path:
    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"analysis-{name}.png"


def _office_story(chromium: Any, url: str, device: str, office: Any, shots: int) -> None:
    month = latest_complete_month()
    label = month.strftime("%Y-%m")
    with walking(
        chromium,
        url,
        "analysis",
        device,
        office.username,
        TEST_PASSWORD,
        otp=lambda: _otp_token(office),
        flat=True,
        shots=shots,
    ) as walk:
        walk.allowed.update({"H3", "PDF", "Word"})
        console: list[str] = []
        walk.page.on("console", lambda message: console.append(message.text))
        page = walk.page
        walk.menu_shows("形势分析研判")
        # The history shows the spike: forced-labour clues of 万州区, month by month.
        walk.go(
            f"/analysis/?area={WANZHOU}&figure=clues_received&category=forced_labour"
            f"&year={month.year}",
            "wanzhou-forced-labour",
        )
        _charts_drawn(walk, console)
        trend = page.locator("[data-testid=trend]").text_content() or ""
        assert f"{month.month:02d}" in trend or label in trend
        assert str(SPIKE_COUNT) in trend
        # The city map: 万州区 is marked for its warning.
        walk.go(f"/analysis/?figure=clues_received&year={month.year}", "city-map")
        _charts_drawn(walk, console)
        # Province flows: where the victims rescued in the city came from, where the
        # children lost from it were found, as bar charts drawn by Plotly.
        flows = page.locator("[data-testid=flows]")
        flows.scroll_into_view_if_needed()
        assert page.locator("[data-chart=chart-flows-in][data-drawn]").count() == 1
        assert page.locator("[data-chart=chart-flows-out][data-drawn]").count() == 1
        assert "贵州" in flows.inner_text()
        page.screenshot(path=str(_shot(f"flows-{device}")), full_page=False)
        # A children's figure: per 100,000 residents while districts lack the child
        # population, and the reader can choose per 100,000 children from the filter.
        walk.go(f"/analysis/?figure=alerts_published&year={month.year}", "alerts-map")
        rate = page.locator("#f-per")
        assert rate.count() == 1 and "每10万常住人口" in (rate.text_content() or "")
        rate.select_option("children")
        page.locator("form.analysis-filters button[type=submit]").click()
        page.wait_for_load_state()
        assert "per=children" in page.url
        assert "每10万名儿童" in (page.locator("[data-testid=districts]").inner_html() or "")
        page.screenshot(path=str(_shot(f"alerts-per-children-{device}")), full_page=False)
        walk.go(f"/analysis/?figure=clues_received&year={month.year}", "city-map-again")
        marked = page.locator("[data-testid=map] .region.has-warning")
        assert marked.count() >= 1
        assert page.locator(f"[data-testid=map] .has-warning[data-code='{WANZHOU}']").count() == 1
        # The warning of that month.
        warning = Warning.objects.get(
            division__code=WANZHOU, figure="clues_received", category="forced_labour"
        )
        assert warning.month == month
        walk.go("/analysis/warnings/", "warnings")
        assert "万州区" in page.inner_text("[data-testid=warnings]")
        walk.go(f"/analysis/warnings/{warning.pk}/", "warning")
        facts = page.inner_text("[data-testid=warning-facts]")
        assert str(SPIKE_COUNT) in facts and "强迫劳动" in facts
        _charts_drawn(walk, console)
        warning.refresh_from_db()
        if warning.status == Warning.Status.OPEN:
            # A deadline in the past is refused beside its field, nothing is listed.
            yesterday = timezone.localdate() - timedelta(days=1)
            page.fill("input[name=deadline]", yesterday.isoformat())
            walk.submit_bad(f"form[action$='/{warning.pk}/list/']", "listing-past-deadline")
            assert page.locator(".field:has(input[name=deadline]) .errorlist").count() == 1
            assert not RegionListing.objects.exists()
            deadline = timezone.localdate() + timedelta(days=60)
            page.fill("input[name=deadline]", deadline.isoformat())
            page.fill("input[name=reason]", "强迫劳动招工线索突增，列为重点地区挂牌督办")
            page.fill("input[name=warning_text]", "请万州区30日内报告整治情况")
            with page.expect_navigation():
                page.click(f"form[action$='/{warning.pk}/list/'] button[type=submit]")
            walk.check("listed")
        assert "已挂牌督办" in page.inner_text("[data-testid=warning-status]")
        # The district's yearly situation analysis, read back in both formats.
        for fmt in ("pdf", "docx"):
            content = _download(walk, WANZHOU, month.year, fmt)
            text = _pdf_text(content) if fmt == "pdf" else _docx_text(content)
            text = text.replace("\n", "")  # the PDF wraps long cells
            assert "万州区" in text, fmt
            assert label in text, fmt
            assert "挂牌督办" in text and "强迫劳动招工线索突增" in text, fmt
            assert "省份流向" in text, fmt
        if device == "desktop":
            # The lift asks first; cancelling keeps the listing.
            walk.go(f"/analysis/warnings/{warning.pk}/", "warning-listed")
            page.click("[data-testid=lift-listing]")
            page.wait_for_selector("[data-testid=lift-confirm]")
            walk.check("lift-confirm")
            with page.expect_navigation():
                page.click("[data-testid=lift-confirm] a.button")
            assert "督办中" in page.inner_text("[data-testid=listing-state]")
            assert RegionListing.objects.get().lifted_at is None
        if device == "phone":
            # Lifting the listing takes a confirmation that names the district.
            walk.go(f"/analysis/warnings/{warning.pk}/", "warning-listed")
            assert "督办中" in page.inner_text("[data-testid=listing-state]")
            page.click("[data-testid=lift-listing]")
            page.wait_for_selector("[data-testid=lift-confirm]")
            walk.check("lift-confirm")
            assert "万州区" in page.inner_text("[data-testid=lift-confirm] h1")
            listing = RegionListing.objects.get()
            assert listing.lifted_at is None
            with page.expect_navigation():
                page.click("[data-testid=confirm-lift]")
            walk.check("lifted")
            assert "解除督办" in page.inner_text("[data-testid=listing-state]")
            assert page.locator("[data-testid=lift-listing]").count() == 0


def _district_story(chromium: Any, url: str, device: str, coordinator: Any, shots: int) -> None:
    with walking(
        chromium,
        url,
        "analysis",
        device,
        coordinator.username,
        TEST_PASSWORD,
        otp=lambda: _otp_token(coordinator),
        flat=True,
        shots=shots,
    ) as walk:
        walk.allowed.update({"H3", "PDF", "Word"})
        page = walk.page
        # The warning is in the district office's inbox on its home page.
        assert "预警" in page.inner_text("main")
        walk.go("/analysis/warnings/?unread=1", "district-inbox")
        page.click("[data-testid=warnings] a >> nth=0")
        walk.check("district-warning")
        assert "万州区" in page.inner_text("h1")
        # It cannot see the city.
        walk.go("/analysis/?area=city", "district-no-city", expect=404)


def test_the_early_warning_flags_the_demo_spike_and_the_office_acts(
    browser: Any,  # noqa: F811
    live_server: Any,
) -> None:
    # given the demo's ten years of history, rolled up and assessed
    history, warnings = seed_analysis()
    assert history > 10_000 and warnings >= 1
    flagged = Warning.objects.filter(month=latest_complete_month())
    assert set(flagged.values_list("division__code", flat=True)) == {WANZHOU}
    office = _user("analysis.office", "cq-joint_conference_office", Role.JOINT_CONFERENCE_OFFICER)
    coordinator = _user(
        "analysis.wanzhou", f"{WANZHOU}-joint_conference_office", Role.DISTRICT_COORDINATOR
    )
    # when the office and the district work through it on a desktop and on a phone
    _office_story(browser, live_server.url, "desktop", office, 0)
    _office_story(browser, live_server.url, "phone", office, 20)
    _district_story(browser, live_server.url, "phone", coordinator, 40)
    # then one listing, audited, and four reports
    listing = RegionListing.objects.get()
    assert listing.division.code == WANZHOU and listing.deadline > timezone.localdate()
    assert AuditEvent.objects.filter(action="analysis_warning_list").count() == 1
    assert AuditEvent.objects.filter(action="analysis_report").count() == 4
    # and lifted once, on the phone, after its confirmation
    assert listing.lifted_at is not None
    assert AuditEvent.objects.filter(action="region_listing_lift").count() == 1
