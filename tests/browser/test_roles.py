"""Each role's main story in Chromium, on a desktop and a phone (issue 12, "Done when"):
signing in, the home page with the role's own work, the module pages, one bad input per
form. Every page is checked by :mod:`tests.browser.walk`; screenshots are written to
var/screenshots/<role>/.

Runs Debian's Chromium (/usr/bin/chromium) through Playwright; skipped with the reason
when it is missing, unless HOMEWARD_REQUIRE_SERVICES names "browser".
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.models import Division, Township, User
from homeward.core.roles import Role
from homeward.testing.factories import TEST_PASSWORD, PersonFactory, UserFactory, agency
from tests.browser.walk import Walk, walking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEVICES = ("desktop", "phone")


@pytest.fixture
def browser() -> Iterator[Any]:
    # Function scope, so that it starts after the test database is set up: started
    # first (module scope), Playwright's greenlet gave the set-up another connection
    # object, one without the serialized reference data, and after a transactional
    # test the roles found no agencies.
    if not shutil.which(CHROMIUM):
        if "browser" in os.environ.get("HOMEWARD_REQUIRE_SERVICES", ""):
            pytest.fail(f"Chromium is required but missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


NAMES = iter(["周建国", "罗志鹏", "冉秀英", "向春兰", "黎嘉乐", "马春梅", "秦朝阳", "冉海燕"] * 4)


def _user(username: str, agency_code: str, role: str, **extra: Any) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:  # the same colleague in two roles' stories
        return existing
    user: User = UserFactory(
        username=username,
        full_name=next(NAMES),
        agency=agency(agency_code),
        roles=[role],
        is_demo=True,
        **extra,
    )
    # Every staff role signs in with a second factor: a confirmed authenticator.
    TOTPDevice.objects.create(user=user, name="browser", confirmed=True)
    return user


def _otp_token(user: User) -> str:
    """A fresh code of the user's authenticator: the current time step, or the next one
    (inside the device's tolerance) when the current one was already used."""
    import time

    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), (device.last_t or -1) + 1)
    # totp.t() adds the device's drift (django-otp learns it when a code of the next or
    # the previous step is accepted): the time set here is the one whose step, drift
    # added, is ``step``. Without taking the drift out, a device that had drifted got
    # the code of an already used step, and a sign-in failed now and then.
    totp.time = device.t0 + (step - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


Story = Callable[[Walk], None]
Role_ = tuple[str, User | None, Story]


def _walk_both(browser: Any, live_server: Any, role: str, user: User | None, story: Story) -> None:
    for device in DEVICES:
        with walking(
            browser,
            live_server.url,
            role,
            device,
            user.username if user else "",
            TEST_PASSWORD,
            otp=(lambda: _otp_token(user)) if user else None,
        ) as walk:
            story(walk)


def _public_tip(division_code: str = "500103", key: str = "browser-1") -> Any:
    from homeward.tips.services import tip_submit

    return tip_submit(
        channel="public",
        category="child_selling",
        narrative="有人在菜园坝火车站附近出价出售一名男婴，自称是孩子的舅舅。",
        division=Division.objects.get(code=division_code),
        address="菜园坝火车站",
        idempotency_key=key,
    ).tip


def _rescued_adult(police: User, division_code: str = "500103") -> Any:
    from homeward.victims.services import victim_register

    division = Division.objects.get(code=division_code)
    return victim_register(
        actor=police,
        person=PersonFactory(division=division, full_name="刘晓梅", sex="female"),
        identity_status="identified",
        age_at_rescue=22,
        origin="chongqing",
        rescued_at=timezone.now() - timedelta(days=3),
        how_rescued="从某KTV解救",
        division=division,
    )


# --- The police -----------------------------------------------------------------------


def role_the_investigator_triages_a_clue() -> list[Role_]:
    investigator = _user("investigator", "500103-public_security", Role.INVESTIGATOR)
    tip = _public_tip()

    def story(walk: Walk) -> None:
        walk.allowed.add(tip.tracking_code)
        walk.menu_shows("线索")
        walk.go("/tips/", "clue-queue")
        walk.go(f"/tips/{tip.pk}/", "clue")
        if walk.page.query_selector("select[name=to]"):
            # Bad input: a step chosen with nothing else is fine, but no step at all is not.
            walk.submit_bad("form:has(select[name=to])", "clue-no-step")
        walk.go("/cases/", "cases")
        walk.go("/people/", "people")

    return [("investigator", investigator, story)]


def role_the_commander_drafts_an_alert_with_the_place_picker() -> list[Role_]:
    commander = _user(
        "commander", "cq-public_security", Role.ALERT_COMMANDER, leader_post="deputy_head"
    )

    def story(walk: Walk) -> None:
        walk.menu_shows("预警")
        walk.go("/alerts/", "alerts")
        walk.go("/alerts/new/", "alert-form")
        walk.submit_bad("form.form", "alert-empty")
        page = walk.page
        page.fill("input[name=public_name]", "乐乐")
        page.fill("input[name=age_years]", "5")
        page.fill("input[name=last_seen_place]", "解放碑步行街")
        page.fill(
            "input[name=last_seen_at]",
            timezone.localtime(timezone.now() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        )
        page.fill("input[name=no_photo_reason]", "家属暂无近照")
        # The township search fills the place; a tap on the map the exact point.
        page.fill("[data-place-search]", "解放碑")
        page.wait_for_selector("[data-place-results] button")
        # No township positions in the reference data: the result says it is the
        # district's centre, and choosing it says so again, with the datum.
        assert "（区县中心）" in page.inner_text("[data-place-results] button")
        page.click("[data-place-results] button")
        assert page.input_value("select[name=datum]") == "gcj02"
        status = page.inner_text("[data-place-status]")
        assert "GCJ-02" in status and "（区县中心）" in status, status
        assert "区县中心" not in page.input_value("input[name=last_seen_place]")
        walk.check("alert-township-picked")
        page.select_option("select[name=datum]", "wgs84")
        svg = page.locator("[data-place-map] svg")
        box = svg.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.55)
        latitude = float(page.input_value("input[name=latitude]"))
        longitude = float(page.input_value("input[name=longitude]"))
        assert 28.1 < latitude < 32.3 and 105.2 < longitude < 110.2
        # A tap on the (GCJ-02) map sets the datum back to GCJ-02, without the note.
        assert page.input_value("select[name=datum]") == "gcj02"
        assert "区县中心" not in page.inner_text("[data-place-status]")
        # The district follows the place chosen.
        assert page.input_value("select[name=division]") != ""
        walk.check("alert-place-picked")
        if walk.device == "desktop":
            with page.expect_navigation():
                page.click("form.form button[type=submit]")
            walk.check("alert-draft")
            from homeward.alerts.geo import to_wgs84
            from homeward.alerts.models import Alert

            # Stored in WGS-84: converted from the GCJ-02 point the picker gave.
            draft = Alert.objects.filter(public_name="乐乐").latest("pk")
            expected = to_wgs84(latitude, longitude, "gcj02")
            assert draft.latitude is not None and draft.longitude is not None
            assert abs(draft.latitude - expected[0]) < 1e-5
            assert abs(draft.longitude - expected[1]) < 1e-5

    return [("commander", commander, story)]


# --- Civil affairs, departments, legal aid ----------------------------------------------


def role_the_caseworker_places_a_victim_and_refers_services() -> list[Role_]:
    from homeward.core.models import Agency
    from homeward.victims.models import Institution

    police = _user("police", "500103-public_security", Role.INVESTIGATOR)
    caseworker = _user("caseworker", "500103-civil_affairs", Role.CIVIL_AFFAIRS_CASEWORKER)
    from homeward.victims.services import placement_decide, placement_propose

    victim = _rescued_adult(police)
    station = Institution.objects.create(
        name="渝中区救助管理站",
        kind=Institution.Kind.RESCUE_MANAGEMENT,
        division=Division.objects.get(code="500103"),
        operating_agency=Agency.objects.get(code="500103-civil_affairs"),
        capacity=10,
    )
    stay = placement_decide(
        actor=caseworker,
        placement=placement_propose(actor=caseworker, victim=victim, institution=station),
        accept=True,
    )

    def story(walk: Walk) -> None:
        walk.menu_shows("受害人")
        walk.go("/victims/", "victims")
        walk.go(f"/victims/{victim.pk}/", "victim")
        walk.page.click("details:has(input[name=action][value=refer]) summary")
        walk.submit_bad("form:has(input[name=action][value=refer])", "refer-empty")
        # From the stay: its page, a service referred for it, listed there.
        walk.page.click(f"a[href='/victims/placements/{stay.pk}/']")
        walk.check("placement")
        walk.page.click("[data-testid=placement-refer] summary")
        kind = "counselling" if walk.device == "desktop" else "assistance"
        walk.page.select_option("select[name=refer-kind]", kind)
        with walk.page.expect_navigation():
            walk.page.click("[data-testid=placement-refer] button[type=submit]")
        walk.check("placement-referred")
        assert stay.referrals.filter(kind=kind).exists()
        walk.page.click("[data-testid=placement-referrals] a[href^='/victims/services/']")
        walk.check("service-for-the-stay")
        assert station.name in walk.page.inner_text("[data-testid=service-placement]")
        walk.go("/prevention/ledger/", "ledger")

    return [("caseworker", caseworker, story)]


def role_a_health_officer_sees_and_answers_a_referred_service() -> list[Role_]:
    from homeward.victims.services import service_refer

    police = _user("police", "500103-public_security", Role.INVESTIGATOR)
    caseworker = _user("caseworker", "500103-civil_affairs", Role.CIVIL_AFFAIRS_CASEWORKER)
    health = _user("health", "500103-health", Role.HEALTH_OFFICER)
    referral = service_refer(
        actor=caseworker,
        victim=_rescued_adult(police),
        kind="medical",
        due_on=timezone.localdate() + timedelta(days=3),
    )

    def story(walk: Walk) -> None:
        walk.menu_shows("转介服务")
        walk.go("/victims/", "referred-services")
        walk.go(f"/victims/services/{referral.pk}/", "service")
        walk.page.select_option("select[name=status]", "declined")
        walk.submit_bad("form.form", "service-declined-without-reason")
        walk.go("/tips/mandatory/new/", "mandatory-form")

    return [("health", health, story)]


def role_the_legal_aid_office_sees_the_matter_and_accepts() -> list[Role_]:
    from homeward.victims.services import legal_aid_apply

    police = _user("police", "500103-public_security", Role.INVESTIGATOR)
    caseworker = _user("caseworker", "500103-civil_affairs", Role.CIVIL_AFFAIRS_CASEWORKER)
    lawyer = _user("lawyer", "500103-justice", Role.LEGAL_AID_OFFICER)
    legal_aid_apply(actor=caseworker, victim=_rescued_adult(police), matter="追索劳动报酬")

    def story(walk: Walk) -> None:
        walk.go("/victims/legal-aid/", "legal-aid")
        assert "追索劳动报酬" in walk.page.inner_text("main")
        if walk.device == "phone":
            # Accepted on the desktop: assigning without choosing a lawyer is refused (the
            # browser's own check is lifted so that the server's answer is seen).
            walk.page.eval_on_selector("select[name=lawyer]", "el => el.required = false")
            walk.submit_bad("form.inline", "assign-without-a-lawyer")
        else:
            with walk.page.expect_navigation():
                walk.page.click("button[value=accept]")
            assert "下一步请指派律师" in walk.page.inner_text(".messages")
            walk.check("accepted")

    return [("legal-aid", lawyer, story)]


# --- Villages and schools ---------------------------------------------------------------


def role_the_village_worker_records_a_visit() -> list[Role_]:
    from homeward.prevention.models import WorkArea
    from homeward.prevention.services import ledger_entry_create

    town = Township.objects.filter(division__code="500240", type="town").order_by("code")[0]
    director = _user("director", "500240-civil_affairs", Role.PREVENTION_WORKER)
    WorkArea.objects.create(user=director, township=town, post="儿童主任")
    entry = ledger_entry_create(
        actor=director,
        person=PersonFactory(full_name="谭小花", division=town.division),
        category="left_behind_child",
        township=town,
        responsible_worker=director,
        risk_level="high",
    )

    def story(walk: Walk) -> None:
        walk.menu_shows("预防")
        assert walk.page.locator("[data-work=overdue], [data-work=week]").count() >= 1
        walk.go("/prevention/", "worklist")
        walk.go(f"/prevention/ledger/{entry.pk}/", "ledger-entry")
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        walk.submit_bad(
            "form:has(input[value=visit])",
            "visit-in-the-future",
            {"input[name=visit-visited_on]": tomorrow, "textarea[name=visit-observations]": "好"},
        )
        walk.go("/plan/mine/", "not-the-plan-owner", expect=403)

    return [("village-worker", director, story)]


def role_the_teacher_files_a_mandatory_report() -> list[Role_]:
    from homeward.prevention.models import School, WorkArea

    teacher = _user("teacher", "500240-education", Role.EDUCATION_OFFICER)
    school = School.objects.create(name="西沱镇中学", division=Division.objects.get(code="500240"))
    WorkArea.objects.create(user=teacher, school=school, post="班主任")

    def story(walk: Walk) -> None:
        walk.go("/prevention/dropouts/", "dropouts")
        walk.go("/tips/mandatory/new/", "mandatory-form")
        walk.submit_bad("form.form", "mandatory-empty")
        walk.go("/victims/", "referred-services")
        walk.go("/plan/mine/", "not-the-plan-owner", expect=403)

    return [("teacher", teacher, story)]


def role_the_womens_federation_follows_its_ledger() -> list[Role_]:
    officer = _user("womensfed", "500240-womens_federation", Role.WOMENS_FEDERATION_OFFICER)

    def story(walk: Walk) -> None:
        walk.go("/prevention/ledger/", "ledger")
        walk.go("/prevention/ledger/new/", "ledger-new")
        walk.submit_bad("form.form", "ledger-empty")
        walk.go("/victims/", "referred-services")

    return [("womens-federation", officer, story)]


# --- The cyberspace office ---------------------------------------------------------------


def role_the_cyberspace_officer_runs_an_operation() -> list[Role_]:
    """市委网信办 (demo.cyberspace in the demo): an operation of its own, a pasted post in
    the review queue, the operation form with a bad input, the paste form, takedowns."""
    from homeward.screening.models import Operation
    from homeward.screening.services import operation_create, platform_register, post_paste

    officer = _user("cyberspace", "cq-cyberspace", Role.CYBERSPACE_OFFICER)
    platform, _token = platform_register(actor=None, code="weixin", name="微信")
    operation = operation_create(
        actor=officer,
        name="2026年冬季净网行动",
        lead=Operation.Lead.CYBERSPACE,
        starts_on=timezone.localdate() - timedelta(days=5),
        platforms=[platform],
    )
    post = post_paste(
        actor=officer,
        platform=platform,
        text="送养男宝，刚满月，健康，营养费私聊，加v：baobao_2026，电话138 2345 6789",
        post_id="wx-0001",
        division=Division.objects.get(code="500103"),
        operation=operation,
    )

    # A confirmed post whose takedown request went past its due time: the tick reminded
    # the platform, the takedown list shows it overdue and reminded.
    from homeward.screening.models import Takedown
    from homeward.screening.services import post_review, takedowns_remind_overdue

    confirmed = post_paste(
        actor=officer,
        platform=platform,
        text="代孕包成功，包性别，试管婴儿一条龙，私聊，加v：daiyun_888",
        post_id="wx-0002",
        division=Division.objects.get(code="500103"),
        operation=operation,
    )
    post_review(actor=officer, post=confirmed, decision=True, label="surrogacy")
    Takedown.objects.filter(post=confirmed).update(due_at=timezone.now() - timedelta(hours=3))
    takedowns_remind_overdue()

    # One planned operation per device, started in each walk.
    planned = {
        device: operation_create(
            actor=officer,
            name=f"跨年净网行动（{'电脑版' if device == 'desktop' else '手机版'}）",
            lead=Operation.Lead.CYBERSPACE,
            starts_on=timezone.localdate() + timedelta(days=10),
        )
        for device in DEVICES
    }

    def story(walk: Walk) -> None:
        walk.allowed.update(
            {"baobao_2026", "daiyun_888", "wx-0001", "wx-0002", "weixin", f"ks-{walk.device}"}
        )
        walk.menu_shows("网络巡查")
        walk.go("/screening/", "queue")
        walk.go(f"/screening/posts/{post.pk}/", "post")
        walk.go("/screening/operations/", "operations")
        walk.page.fill("input[name=name]", "春季净网行动")
        walk.page.fill("input[name=starts_on]", "2026-11-05")
        walk.submit_bad("form.card", "operation-bad-dates", {"input[name=ends_on]": "2026-11-01"})
        walk.go(f"/screening/operations/{operation.pk}/", "operation")
        # The planned operation starts: a date in the future is refused beside the field.
        walk.go(f"/screening/operations/{planned[walk.device].pk}/", "operation-planned")
        walk.submit_bad(
            "#operation-status", "operation-start-future", {"input[name=on]": "2099-01-01"}
        )
        walk.page.fill("input[name=on]", "")
        with walk.page.expect_navigation():
            walk.page.click("#operation-status button[type=submit]")
        walk.check("operation-started")
        assert "结束行动" in walk.page.inner_text("#operation-status")
        walk.go("/screening/posts/new/", "paste")
        walk.go("/screening/takedowns/?overdue=1", "takedowns-overdue")
        assert "已向平台催办" in walk.page.inner_text("#takedowns")
        # The platforms: one registered (a code with a space first), its token shown once,
        # deactivated, given a new token.
        walk.go("/screening/platforms/", "platforms")
        walk.page.fill("#platform-new input[name=name]", "快手")
        walk.submit_bad(
            "#platform-new", "platform-bad-code", {"#platform-new input[name=code]": "快 手"}
        )
        walk.page.fill("#platform-new input[name=code]", f"ks-{walk.device}")
        with walk.page.expect_navigation():
            walk.page.click("#platform-new button[type=submit]")
        walk.allowed.add(walk.page.inner_text("#new-token code").strip())
        walk.check("platform-token")
        row = f"tr.platform-row[data-code=ks-{walk.device}]"
        with walk.page.expect_navigation():
            walk.page.click(f"{row} form:has(input[name=active]) button")
        walk.check("platform-deactivated")
        assert "已停用" in walk.page.inner_text(row)
        walk.page.click(f"{row} details.token-rotate summary")
        with walk.page.expect_navigation():
            walk.page.click(f"{row} details.token-rotate button")
        walk.allowed.add(walk.page.inner_text("#new-token code").strip())
        walk.check("platform-new-token")

    return [("cyberspace", officer, story)]


# --- The joint conference ---------------------------------------------------------------


def role_the_office_follows_reports_and_supervision() -> list[Role_]:
    from homeward.coordination.models import AnnualReport

    office = _user("conference", "cq-joint_conference_office", Role.JOINT_CONFERENCE_OFFICER)
    today = timezone.localdate()
    AnnualReport.objects.create(
        agency=agency("cq-education"),
        year=today.year,
        level="member_unit",
        due_on=today - timedelta(days=2),
    )

    def story(walk: Walk) -> None:
        walk.menu_shows("督办")
        walk.go("/plan/dashboard/", "dashboard")
        walk.go(f"/plan/reports/?year={today.year}&show=late", "reports-late")
        walk.go("/cases/supervision/", "supervision")
        walk.go("/plan/", "matrix")

    return [("conference", office, story)]


def role_the_district_coordinator_and_the_analyst() -> list[Role_]:
    coordinator = _user("coordinator", "500101-joint_conference_office", Role.DISTRICT_COORDINATOR)
    analyst = _user("analyst", "cq-political_legal", Role.ANALYST)

    def coordinating(walk: Walk) -> None:
        walk.go("/plan/dashboard/", "dashboard")
        walk.go("/plan/reports/", "reports")
        walk.go("/prevention/overview/", "overview")

    def analysing(walk: Walk) -> None:
        walk.go("/prevention/overview/", "overview")
        walk.go("/plan/", "matrix")
        walk.go("/places/", "districts")

    return [("coordinator", coordinator, coordinating), ("analyst", analyst, analysing)]


# --- DNA and the administrators -------------------------------------------------------


def role_the_dna_analyst_and_the_auditor() -> list[Role_]:
    analyst = _user("dna", "cq-public_security", Role.DNA_ANALYST)
    auditor = _user("auditor", "cq-big_data", Role.AUDITOR)

    def dna(walk: Walk) -> None:
        walk.menu_shows("DNA")
        walk.go("/dna/", "specimens")
        walk.go("/dna/requests/", "check-requests")
        walk.go("/dna/runs/", "runs")
        walk.go("/dna/import/", "import")
        walk.submit_bad("form.form", "import-empty")

    def audit(walk: Walk) -> None:
        walk.go("/audit/", "audit-trail")

    return [("dna", analyst, dna), ("auditor", auditor, audit)]


def _unit_head(agency_code: str, username: str) -> User:
    """The head of a unit: a new account's first sign-in link is sealed for them."""
    return _user(username, agency_code, Role.INVESTIGATOR, leader_post="head")


def role_the_system_administrator_creates_an_account() -> list[Role_]:
    """三权分立: the system administrator creates the account; its roles wait for the
    security administrator, and the sign-in link goes to the head of the unit."""
    sysadmin = _user("sysadmin", "cq-big_data", Role.SYSTEM_ADMIN)
    _unit_head("500103-public_security", "yuzhong-head")
    police = agency("500103-public_security")

    def story(walk: Walk) -> None:
        walk.menu_shows("用户管理")
        walk.menu_pages()
        walk.go("/users/new/", "account-form")
        walk.submit_bad("form.form", "account-empty")
        page = walk.page
        username = f"newcomer.{walk.device}"
        walk.allowed.add(username)
        page.fill("input[name=username]", username)
        page.fill("input[name=full_name]", "熊新民")
        page.select_option("select[name=agency]", str(police.pk))
        page.check("input[name=roles][value=investigator]")
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        walk.check("account-created")
        text = page.inner_text("main")
        assert "安全管理员批准" in text, text
        created = User.objects.get(username=username)
        assert not created.role_assignments.exists()
        assert created.role_requests.filter(status="pending").exists()

    return [("system-admin", sysadmin, story)]


def role_the_security_administrator_approves_the_roles() -> list[Role_]:
    from homeward.core.models import RoleRequest
    from homeward.core.services.accounts import user_create

    security = _user("security", "cq-big_data", Role.SECURITY_ADMIN)
    # The system administrator's accounts (their walk runs first); made here when only
    # this walk runs (HOMEWARD_BROWSER_ROLES=security).
    sysadmin = _user("sysadmin", "cq-big_data", Role.SYSTEM_ADMIN)
    _unit_head("500103-public_security", "yuzhong-head")
    for device in DEVICES:
        if not User.objects.filter(username=f"newcomer.{device}").exists():
            user_create(
                actor=sysadmin,
                username=f"newcomer.{device}",
                full_name="熊新民",
                agency=agency("500103-public_security"),
                roles=[Role.INVESTIGATOR],
            )

    def story(walk: Walk) -> None:
        walk.menu_shows("安全")
        walk.menu_pages()
        walk.go("/security/", "security")
        # Bad input: lifting a lockout without naming the account.
        walk.submit_bad("form.form:has(input[name=username])", "lockout-empty")
        newcomer = User.objects.get(username=f"newcomer.{walk.device}")
        pending = RoleRequest.objects.get(user=newcomer, status="pending")
        row = walk.page.locator(
            "tr", has=walk.page.locator(f"form[action='/security/role-requests/{pending.pk}/']")
        )
        with walk.page.expect_navigation():
            row.locator("button[value=approve]").click()
        # Granting roles asks for the password and a code again (AUTH-08): the page
        # says why, and after it the administrator is back on the list to approve.
        assert "/account/reauthenticate/" in walk.page.url, walk.page.url
        walk.check("step-up")
        walk.page.fill("input[name=password]", TEST_PASSWORD)
        walk.page.fill("input[name=otp_token]", _otp_token(security))
        with walk.page.expect_navigation():
            walk.page.locator("form:has(input[name=otp_token]) button[type=submit]").click()
        assert walk.page.url.endswith("/security/"), walk.page.url
        with walk.page.expect_navigation():
            row.locator("button[value=approve]").click()
        assert "已授予" in walk.page.inner_text(".messages"), walk.page.inner_text(".messages")
        walk.check("roles-approved")
        pending.refresh_from_db()
        assert pending.status == "approved"
        assert list(newcomer.role_assignments.values_list("role", flat=True)) == [Role.INVESTIGATOR]

    return [("security-admin", security, story)]


# --- The public --------------------------------------------------------------------------


def role_the_public_reports_a_clue_and_finds_the_missing_children() -> list[Role_]:
    def story(walk: Walk) -> None:
        walk.go("/public/", "public-home")
        walk.page.click("[data-testid=public-alerts-link] a.button")
        walk.check("public-alerts")
        walk.page.click("[data-testid=public-nav] a[href='/public/report/']")
        walk.check("report-form")
        walk.submit_bad("form.form", "report-too-short", {"textarea[name=narrative]": "太短"})
        walk.go("/public/report/status/", "status-form")
        walk.submit_bad("form.form", "status-empty")
        walk.page.click("[data-testid=public-nav] a[href='/public/']")
        walk.check("back-home")

    return [("public", None, story)]


ROLES = (
    role_the_investigator_triages_a_clue,
    role_the_commander_drafts_an_alert_with_the_place_picker,
    role_the_caseworker_places_a_victim_and_refers_services,
    role_a_health_officer_sees_and_answers_a_referred_service,
    role_the_legal_aid_office_sees_the_matter_and_accepts,
    role_the_village_worker_records_a_visit,
    role_the_teacher_files_a_mandatory_report,
    role_the_womens_federation_follows_its_ledger,
    role_the_cyberspace_officer_runs_an_operation,
    role_the_office_follows_reports_and_supervision,
    role_the_district_coordinator_and_the_analyst,
    role_the_dna_analyst_and_the_auditor,
    role_the_system_administrator_creates_an_account,
    role_the_security_administrator_approves_the_roles,
    role_the_public_reports_a_clue_and_finds_the_missing_children,
)


def test_every_role_walks_its_main_story(browser: Any, live_server: Any) -> None:
    """One live server and one database for all roles (each role's records are its own);
    every role is walked even when another fails, and all problems are reported."""
    only = os.environ.get("HOMEWARD_BROWSER_ROLES", "")
    failures: list[str] = []
    for build in ROLES:
        if only and not any(word in build.__name__ for word in only.split(",")):
            continue
        for role, user, story in build():
            try:
                _walk_both(browser, live_server, role, user, story)
            except Exception as problem:  # noqa: BLE001  (collect every role's problems)
                failures.append(f"--- {role}: {type(problem).__name__}: {problem}")
    assert not failures, "\n".join(failures)
