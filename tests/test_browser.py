"""A real browser signs in as a demo user and sees the Chinese home page (issue 2).

Runs Debian's Chromium (/usr/bin/chromium) through Playwright. When
HOMEWARD_REQUIRE_SERVICES names "browser" (as CI does) a missing Chromium fails the
run; otherwise the test is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from homeward.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        if "browser" in os.environ.get("HOMEWARD_REQUIRE_SERVICES", ""):
            pytest.fail(f"Chromium is required but missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the test itself are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def demo_investigator(db: None) -> tuple[User, str]:
    from homeward.demo.accounts import DEMO_ACCOUNTS
    from homeward.testing.factories import TEST_PASSWORD, UserFactory, agency

    account = next(a for a in DEMO_ACCOUNTS if a.username == "demo.investigator")
    user = UserFactory(
        username=account.username,
        full_name=account.full_name,
        agency=agency(account.agency_code),
        roles=[account.role],
        is_demo=True,
    )
    return user, TEST_PASSWORD


def test_a_demo_user_signs_in_and_sees_the_chinese_home_page(
    browser: Any, live_server: Any, demo_investigator: tuple[User, str], tmp_path: Path
) -> None:
    user, password = demo_investigator
    # An English-language browser still gets the Chinese platform by default.
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    body = page.inner_text("body")
    assert "周建国，您好" in body
    assert "渝中区公安局" in body
    assert page.locator("svg path[data-code]").count() == 38
    # The stylesheet is served: the top bar has the brand colour, the map its fill.
    topbar = page.eval_on_selector(".topbar", "el => getComputedStyle(el).backgroundColor")
    assert topbar == "rgb(179, 38, 30)"
    assert page.eval_on_selector("script[src*=htmx]", "el => typeof window.htmx") == "object"
    assert page.locator("table.table tbody tr").count() == 38
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    # The strict CSP allows our own scripts: no violations reported by the browser.
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    # A district page through the map.
    page.click('svg a[href="/places/500240/"]')
    page.wait_for_url(f"{live_server.url}/places/500240/")
    assert "石柱土家族自治县公安局" in page.inner_text("body")
    # Switching to English is one choice away and sticks.
    page.select_option("#language-select", "en")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Shizhu Tujia Autonomous County Public Security Bureau" in page.inner_text("body")
