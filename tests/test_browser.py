"""Pages that matter, in a real browser: a demo user signs in and sees the Chinese home
page (issue 2); a missing-child alert from publication to "found" (issue 4).

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
from homeward.testing.otp import browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

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
    browser_sign_in(page, live_server.url, user, password)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    body = page.inner_text("body")
    assert "周建国，您好" in body
    assert "渝中区公安局" in body
    assert page.locator("[data-testid=my-work]").is_visible()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    # The 38 districts have their own page.
    page.goto(f"{live_server.url}/places/")
    assert page.locator("svg path[data-code]").count() == 38
    # The stylesheet is served: the top bar has the brand colour, the map its fill.
    topbar = page.eval_on_selector(".topbar", "el => getComputedStyle(el).backgroundColor")
    assert topbar == "rgb(179, 38, 30)"
    assert page.eval_on_selector("script[src*=htmx]", "el => typeof window.htmx") == "object"
    assert page.locator("table.table tbody tr").count() == 38
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


def test_an_alert_from_publication_to_found_in_the_browser(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    """The commander publishes an alert for a child missing 50 minutes, sees the 100 km
    ring go out, sees it widen at the one-hour mark without pressing anything, receives
    a public sighting live, marks the child found; the public page, the CAP feed and the
    partner's webhook all show the end."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from homeward.alerts.models import AlertRing, Delivery
    from homeward.alerts.services import partner_register
    from homeward.alerts.tests.conftest import Receiver, place_subscribers
    from homeward.alerts.tests.test_lifecycle import _ring_points
    from homeward.core.roles import Role
    from homeward.core.tick import tick
    from homeward.testing.factories import TEST_PASSWORD, UserFactory, agency

    commander = UserFactory(
        username="commander",
        full_name="罗志鹏",
        agency=agency("500103-public_security"),
        roles=[Role.ALERT_COMMANDER],
        leader_post="head",
    )
    place_subscribers(_ring_points())  # 10, 90, 150, 250 and 400 km north
    partner_hook = Receiver()
    _partner, token, _secret = partner_register(
        actor=None, code="sichuan", name="四川省平台", webhook_url=f"{partner_hook.url}/cap"
    )
    try:
        staff = browser.new_page(viewport={"width": 1280, "height": 900})
        browser_sign_in(staff, live_server.url, commander, TEST_PASSWORD)
        staff.wait_for_url(f"{live_server.url}/")

        # Draft the alert in the form.
        staff.goto(f"{live_server.url}/alerts/new/")
        seen = timezone.localtime(timezone.now() - timedelta(minutes=50))
        staff.fill("input[name=public_name]", "小明")
        staff.select_option("select[name=sex]", "male")
        staff.fill("input[name=age_years]", "6")
        staff.fill("input[name=clothing]", "红色外套，蓝色裤子")
        staff.fill("input[name=last_seen_at]", seen.strftime("%Y-%m-%dT%H:%M"))
        staff.fill("input[name=last_seen_place]", "解放碑步行街")
        staff.fill("input[name=latitude]", "29.5579")
        staff.fill("input[name=longitude]", "106.5772")
        staff.select_option("select[name=datum]", "wgs84")
        staff.fill("input[name=no_photo_reason]", "家属暂无近照")
        staff.click("form.form button[type=submit]")
        staff.wait_for_url(f"{live_server.url}/alerts/*/")
        alert_url = staff.url

        # Publish: the 100 km ring goes out at once.
        staff.click(f"a[href='{alert_url.replace(live_server.url, '')}publish/']")
        staff.click("[data-testid=publish]")
        staff.wait_for_url(alert_url)
        assert "发布" in staff.inner_text("[data-testid=alert-status]")
        rows = staff.locator("[data-testid=ring-table] tbody tr")
        assert rows.count() == 1 and "100 km" in rows.first.inner_text()
        assert staff.locator(".alert-map path.ring--current").count() == 1
        assert Delivery.objects.count() == 2
        public_id = str(AlertRing.objects.get().alert.public_id)

        # The one-hour mark: the sweep widens the ring, nobody presses anything.
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            tick()
        staff.reload()
        rows = staff.locator("[data-testid=ring-table] tbody tr")
        assert rows.count() == 2 and "200 km" in rows.nth(1).inner_text()
        assert staff.locator(".alert-map path.ring").count() == 2
        assert Delivery.objects.count() == 3

        # A member of the public, on a phone, reports a sighting.
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        csp_errors: list[str] = []
        phone.on(
            "console",
            lambda msg: csp_errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None,
        )
        phone.goto(f"{live_server.url}/public/alerts/")
        assert "小明" in phone.inner_text("main")
        phone.goto(f"{live_server.url}/public/alerts/subscribe/")
        assert phone.locator("[data-subscribe]").is_visible()
        assert phone.eval_on_selector("#subscribe", "el => el.dataset.vapidKey.length") > 80
        phone.goto(f"{live_server.url}/public/alerts/{public_id}/")
        public_text = phone.inner_text("[data-testid=public-alert]")
        assert "小明" in public_text and "红色外套" in public_text
        phone.fill("textarea[name=description]", "在朝天门码头看到一个穿红色外套的男孩")
        phone.fill("input[name=place]", "朝天门码头")
        phone.click("form.form button[type=submit]")
        phone.wait_for_selector("[data-testid=sighting-received]")

        # It appears in the commander's queue without a reload (htmx polls).
        staff.wait_for_selector("#sightings >> text=朝天门码头", timeout=15000)

        # Found: the commander ends the alert.
        staff.select_option("select[name=outcome]", "found_safe")
        staff.click("[data-testid=end-alert]")
        staff.wait_for_selector("[data-testid=end-confirm]")
        assert "小明" in staff.inner_text("[data-testid=end-confirm]")
        staff.click("[data-testid=confirm-end]")
        staff.wait_for_url(alert_url)
        assert "平安" in staff.inner_text("[data-testid=alert-status]")

        # The public page says only that the child was found.
        response = phone.goto(f"{live_server.url}/public/alerts/{public_id}/")
        assert response is not None and response.status == 410
        assert "找到" in phone.inner_text("[data-testid=public-ended]")
        assert "红色外套" not in phone.content()
        phone.screenshot(path=str(tmp_path / "public-found.png"), full_page=True)
        assert csp_errors == []

        # The CAP feed and the partner's webhook carry the Cancel.
        cap = staff.request.get(
            f"{live_server.url}/api/v1/partner/alerts/{public_id}/cap",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert cap.status == 200 and "<msgType>Cancel</msgType>" in cap.text()
        received = [r["body"].decode() for r in partner_hook.requests]
        assert [m.split("<msgType>")[1].split("<")[0] for m in received] == [
            "Alert",
            "Update",
            "Cancel",
        ]
        feed = staff.request.get(
            f"{live_server.url}/api/v1/partner/alerts.atom",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert "<entry>" not in feed.text()
        staff.screenshot(path=str(tmp_path / "operations.png"), full_page=True)
    finally:
        partner_hook.close()


def test_a_child_director_records_a_visit_on_a_phone(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    """Issue 8 on a phone: the child director's list in Chinese, a visit whose concern
    goes to the police as a clue, no CSP violation."""
    from django.utils import timezone

    from homeward.core.models import Township
    from homeward.core.roles import Role
    from homeward.prevention.models import WorkArea
    from homeward.prevention.services import ledger_entry_create
    from homeward.testing.factories import TEST_PASSWORD, PersonFactory, UserFactory, agency
    from homeward.tips.models import Tip

    town = Township.objects.filter(division__code="500240", type="town").order_by("code")[0]
    director = UserFactory(
        username="director",
        full_name="马春梅",
        agency=agency("500240-civil_affairs"),
        roles=[Role.PREVENTION_WORKER],
    )
    WorkArea.objects.create(user=director, township=town, post="儿童主任")
    girl = PersonFactory(full_name="谭小花", division=town.division)
    entry = ledger_entry_create(
        actor=director,
        person=girl,
        category="left_behind_child",
        township=town,
        responsible_worker=director,
        risk_level="high",
        guardian_whereabouts="父母均在广东省东莞市务工",
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_sign_in(page, live_server.url, director, TEST_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/prevention/")
    text = page.inner_text("main")
    assert "谭小花" in text and "东莞" in text and "本周" in text
    page.click("text=谭小花")
    page.wait_for_url(f"{live_server.url}/prevention/ledger/{entry.pk}/")
    page.fill("input[name=visit-visited_on]", timezone.localdate().isoformat())
    page.fill("textarea[name=visit-observations]", "孩子情绪低落")
    page.fill("textarea[name=visit-concern]", "有陌生男子多次接近，许诺带她外出打工")
    page.click("form:has(input[value=visit]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/prevention/ledger/{entry.pk}/")
    tip = Tip.objects.get()
    assert tip.tracking_code in page.inner_text("main")
    page.screenshot(path=str(tmp_path / "visit.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
