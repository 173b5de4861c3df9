"""Issue 13, done when: on a fresh database where seed_demo never ran, the system
administrator creates an institution, a school and a township work area through the
pages (on a phone), a caseworker places a victim there, the school opens a dropout file,
and a village worker sees only their township. Real Chromium through Playwright, the
same setup as tests/test_browser.py."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import browser  # noqa: F401 (the Chromium fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COUNTY = "500240"
PHONE = {"width": 390, "height": 844}


def _sign_in(chromium: Any, live_server: Any, username: str, *, totp_device: Any = None) -> Any:
    from homeward.testing.factories import TEST_PASSWORD

    page = chromium.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    if totp_device is not None:
        from django_otp.oath import totp

        page.wait_for_url("**/account/otp/**")
        device = totp_device
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.fill("input[name=otp_token]", f"{code:06d}")
        page.click("form:has(input[name=otp_token]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_a_district_sets_up_without_the_demo_and_works(
    browser: Any,  # noqa: F811
    live_server: Any,
    tmp_path: Path,
) -> None:
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homeward.core.models import Division, Township, User
    from homeward.core.roles import Role
    from homeward.people.models import Person
    from homeward.prevention.models import DropoutFile, School, WorkArea
    from homeward.prevention.services import ledger_entry_create
    from homeward.testing.factories import PersonFactory, UserFactory, agency
    from homeward.victims.models import Institution, Placement, Victim
    from homeward.victims.services import victim_register

    # given a fresh installation: reference data from the migrations only, no demo
    assert not User.objects.filter(is_demo=True).exists()
    assert not Institution.objects.exists() and not School.objects.exists()
    assert not WorkArea.objects.exists()
    county = Division.objects.get(code=COUNTY)
    town, other_town = Township.objects.filter(division=county, type="town").order_by("code")[:2]
    admin = UserFactory(
        username="sys.admin", agency=agency("cq-big_data"), roles=[Role.SYSTEM_ADMIN]
    )
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    police = UserFactory(
        username="police", agency=agency(f"{COUNTY}-public_security"), roles=[Role.INVESTIGATOR]
    )
    caseworker = UserFactory(
        username="caseworker",
        agency=agency(f"{COUNTY}-civil_affairs"),
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
    )
    village = UserFactory(
        username="village",
        full_name="马春梅",
        agency=agency(f"{COUNTY}-civil_affairs"),
        roles=[Role.PREVENTION_WORKER],
    )
    teacher = UserFactory(
        username="teacher",
        full_name="冉老师",
        agency=agency(f"{COUNTY}-education"),
        roles=[Role.EDUCATION_OFFICER],
    )

    # when the administrator creates an institution on a phone
    page = _sign_in(browser, live_server, "sys.admin", totp_device=device)
    page.goto(f"{live_server.url}/reference/")
    assert "基础数据" in page.inner_text("main")
    page.click("text=安置机构")
    page.click("text=新增机构")
    page.fill("input[name=name]", "石柱县未成年人救助保护中心")
    page.select_option("select[name=kind]", "minors_protection")
    page.select_option("select[name=division]", str(county.pk))
    page.select_option("select[name=operating_agency]", str(agency(f"{COUNTY}-civil_affairs").pk))
    page.fill("input[name=capacity]", "0")
    page.click("main form.form button[type=submit]")
    # a bad capacity is said next to the field, in Chinese, and nothing is lost
    assert page.locator(".field--error").count() == 1
    assert page.input_value("input[name=name]") == "石柱县未成年人救助保护中心"
    page.fill("input[name=capacity]", "8")
    page.click("main form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/victims/admin/institutions/")
    assert "0 / 8" in page.inner_text("main")
    institution = Institution.objects.get()

    # a school in the first town
    page.goto(f"{live_server.url}/prevention/admin/schools/new/")
    page.fill("input[name=name]", "石柱县西沱中学")
    page.select_option("select[name=division]", str(county.pk))
    page.select_option("select[name=township]", str(town.pk))
    page.click("main form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/prevention/admin/schools/")
    school = School.objects.get()
    assert school.township == town

    # the village worker narrowed to the first town, the teacher to the school
    page.goto(f"{live_server.url}/prevention/admin/work-areas/")
    page.click("text=马春梅")
    page.select_option("select[name=township]", str(town.pk))
    page.fill("input[name=post]", "儿童主任")
    page.click("form:has(input[name=post]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/prevention/admin/work-areas/")
    page.click("text=冉老师")
    page.select_option("select[name=school]", str(school.pk))
    page.click("form:has(input[name=post]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/prevention/admin/work-areas/")
    assert WorkArea.objects.get(user=village).township == town
    assert WorkArea.objects.get(user=teacher).school == school
    page.screenshot(path=str(tmp_path / "work-areas.png"), full_page=True)

    # then a caseworker places a rescued child in the new institution
    child = Person.objects.create(
        full_name="无名氏（男童）",
        sex="male",
        division=county,
        owning_agency=agency(f"{COUNTY}-public_security"),
    )
    victim = victim_register(
        actor=police,
        person=child,
        identity_status="unknown",
        age_at_rescue=7,
        origin="chongqing",
        rescued_at=timezone.now() - timedelta(hours=5),
        how_rescued="在客运站解救",
        division=county,
    )
    page = _sign_in(browser, live_server, "caseworker")
    page.goto(f"{live_server.url}/victims/{victim.pk}/")
    page.click("details.action:has(input[value=place]) summary")
    page.select_option("select[name=place-institution]", str(institution.pk))
    page.click("form:has(input[value=place]) button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/victims/institutions/{institution.pk}/")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert Placement.objects.get(victim=victim).status == Placement.Status.ACTIVE
    assert Victim.objects.get(pk=victim.pk).status == Victim.Status.IN_CARE

    # the school opens a dropout file
    page = _sign_in(browser, live_server, "teacher")
    page.goto(f"{live_server.url}/prevention/dropouts/new/")
    page.fill("input[name=full_name]", "谭小军")
    page.select_option("select[name=sex]", "male")
    page.fill("input[name=date_of_birth]", "2011-05-06")
    page.select_option("select[name=school]", str(school.pk))
    page.fill("input[name=grade]", "初二")
    page.fill("input[name=left_on]", (timezone.localdate() - timedelta(days=2)).isoformat())
    page.select_option("select[name=reason]", "work")
    page.click("main form.form button[type=submit]")
    page.wait_for_url("**/prevention/dropouts/*/")
    file = DropoutFile.objects.get()
    assert file.school == school and file.township == town
    assert file.owning_agency.code == f"{COUNTY}-education"

    # a village worker sees only their township
    for where, name in ((town, "甲镇留守儿童"), (other_town, "乙镇留守儿童")):
        ledger_entry_create(
            actor=caseworker,
            person=PersonFactory(full_name=name, division=county),
            category="left_behind_child",
            township=where,
            responsible_worker=caseworker,
            risk_level="low",
        )
    page = _sign_in(browser, live_server, "village")
    page.goto(f"{live_server.url}/prevention/ledger/")
    text = page.inner_text("main")
    assert "甲镇留守儿童" in text and "乙镇留守儿童" not in text
    page.screenshot(path=str(tmp_path / "village.png"), full_page=True)
