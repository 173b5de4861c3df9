"""Every role's home page starts with its own work (issue 12): overdue, due this week,
new since the last visit, waiting; the 38-district table is on its own page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.core.models import User
from homeward.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_home_page_no_longer_carries_the_district_table(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    # given an investigator
    # when they open the home page
    html = client_for(owner).get("/").content.decode()
    # then their work comes first and the district table is a link away
    assert 'data-testid="my-work"' in html
    assert html.count("<tr>") < 5
    assert 'href="/places/"' in html
    places = client_for(owner).get("/places/").content.decode()
    assert places.count('href="/places/5') >= 38


def test_police_see_their_overdue_and_new_clues(
    owner: User, outsider: User, client_for: Callable[[User], Client]
) -> None:
    from homeward.tips.models import Tip
    from homeward.tips.services import tip_submit

    # given a clue in the investigator's district past its triage deadline, one elsewhere
    client_for(owner).get("/")  # the previous visit
    mine = _tip(tip_submit, "500103")
    _tip(tip_submit, "500101")
    Tip.objects.filter(pk=mine.tip.pk).update(overdue=True)  # type: ignore[attr-defined]
    # when the investigator signs in again
    html = client_for(owner).get("/").content.decode()
    # then the overdue clue and the new clue are counted, their district's only
    assert _count(html, "overdue", "/tips/?overdue=1") == 1
    assert _count(html, "new", "/tips/") == 1
    assert _count(html, "waiting", "/tips/?status=received") == 1


def test_a_village_worker_sees_overdue_and_this_weeks_visits(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from homeward.core.models import Township
    from homeward.prevention.models import LedgerEntry, WorkArea
    from homeward.prevention.services import ledger_entry_create
    from homeward.testing.factories import PersonFactory

    town = Township.objects.filter(division__code="500240").order_by("code")[0]
    worker = make_user(roles=[Role.PREVENTION_WORKER], agency_code="500240-civil_affairs")
    WorkArea.objects.create(user=worker, township=town, post="儿童主任")
    entries = [
        ledger_entry_create(
            actor=worker,
            person=PersonFactory(division=town.division),
            category="left_behind_child",
            township=town,
            responsible_worker=worker,
            risk_level="high",
        )
        for _ in range(3)
    ]
    today = timezone.localdate()
    LedgerEntry.objects.filter(pk=entries[0].pk).update(next_visit_due=today - timedelta(days=2))
    LedgerEntry.objects.filter(pk=entries[1].pk).update(next_visit_due=today + timedelta(days=3))
    LedgerEntry.objects.filter(pk=entries[2].pk).update(next_visit_due=today + timedelta(days=30))
    html = client_for(worker).get("/").content.decode()
    assert _count(html, "overdue", "/prevention/") == 1
    assert _count(html, "week", "/prevention/") == 1
    # A village worker does not file the county bureau's annual report.
    assert "/plan/mine/" not in html


def test_a_department_sees_the_services_referred_to_it(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from homeward.core.models import Division
    from homeward.testing.factories import PersonFactory, agency
    from homeward.victims.models import ServiceReferral
    from homeward.victims.services import victim_register

    police = make_user(roles=[Role.INVESTIGATOR])
    caseworker = make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500103-civil_affairs"
    )
    health = make_user(roles=[Role.HEALTH_OFFICER], agency_code="500103-health")
    yuzhong = Division.objects.get(code="500103")
    victim = victim_register(
        actor=police,
        person=PersonFactory(division=yuzhong),
        identity_status="unknown",
        age_at_rescue=6,
        origin="chongqing",
        rescued_at=timezone.now() - timedelta(days=1),
        how_rescued="在某地解救",
        division=yuzhong,
    )
    today = timezone.localdate()
    for due in (today - timedelta(days=1), today + timedelta(days=2)):
        ServiceReferral.objects.create(
            victim=victim,
            kind="medical",
            owner_agency=agency("500103-health"),
            due_on=due,
            referred_by=caseworker,
        )
    html = client_for(health).get("/").content.decode()
    assert _count(html, "overdue", "/victims/") == 1
    assert _count(html, "week", "/victims/") == 1


def test_the_office_sees_late_reports_and_reports_to_review(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from homeward.coordination.models import AnnualReport
    from homeward.testing.factories import agency

    office = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="cq-joint_conference_office"
    )
    today = timezone.localdate()
    AnnualReport.objects.create(
        agency=agency("cq-education"),
        year=today.year,
        level="member_unit",
        due_on=today - timedelta(days=1),
    )
    AnnualReport.objects.create(
        agency=agency("cq-health"),
        year=today.year,
        level="member_unit",
        due_on=today - timedelta(days=5),
        status="submitted",
        submitted_at=timezone.now() - timedelta(days=6),
    )
    client = client_for(office)
    html = client.get("/").content.decode()
    assert _count(html, "overdue", "/plan/reports/") == 1
    assert _count(html, "waiting", "/plan/reports/") == 1
    # The office's list says which units filed and which are late.
    listing = client.get("/plan/reports/", {"year": today.year, "show": "late"}).content.decode()
    assert "市教委" in listing or "教育委员会" in listing
    filed = client.get("/plan/reports/", {"year": today.year, "show": "filed"}).content.decode()
    assert "卫生健康委员会" in filed or "市卫生健康委" in filed
    assert "教育委员会" not in filed


def test_an_outsider_cannot_open_the_office_report_list(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(owner).get("/plan/reports/").status_code in (403, 404)


def test_nothing_to_do_says_so(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    analyst = make_user(roles=[Role.ANALYST], agency_code="cq-political_legal")
    html = client_for(analyst).get("/").content.decode()
    assert "没有逾期" in html


def test_the_menu_puts_the_users_own_modules_before_the_general_ones(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(owner).get("/").content.decode()
    nav = html[html.index('class="nav"') :]
    assert nav.index('href="/tips/"') < nav.index('href="/places/"')
    assert nav.index('href="/cases/"') < nav.index('href="/plan/"')


def _tip(submit: Callable[..., object], division_code: str) -> object:
    import uuid

    from homeward.core.models import Division

    return submit(
        channel="public",
        idempotency_key=str(uuid.uuid4()),
        category="trafficking",
        narrative="有人在车站附近打听谁家有小孩要送人",
        division=Division.objects.get(code=division_code),
        address="车站附近",
    )


def _count(html: str, kind: str, url: str) -> int:
    """The figure shown in the ``kind`` group for the link to ``url`` (0 when absent)."""
    marker = f'data-work="{kind}"'
    if marker not in html:
        return 0
    group = html[html.index(marker) :]
    group = group[: group.index("</ul>")]
    link = f'href="{url}"'
    if link not in group:
        return 0
    after = group[group.index(link) :]
    number = after[after.index('work__count">') + len('work__count">') :]
    return int(number[: number.index("<")])


def test_a_department_without_referrals_is_told_what_its_page_is_for(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    # given a health officer with nothing referred to their unit
    health = make_user(roles=[Role.HEALTH_OFFICER], agency_code="500103-health")
    client = client_for(health)
    # when they open the victims page from the menu
    menu = client.get("/").content.decode()
    page = client.get("/victims/").content.decode()
    # then the menu names it for what they do and the page says what will appear there
    assert ">转介服务<" in menu and ">受害人<" not in menu
    assert 'data-testid="no-referrals"' in page
    assert "目前没有转介至本单位的服务" in page


def test_the_legal_aid_office_has_its_channel_in_the_menu_and_one_entry_is_active(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    lawyer = make_user(roles=[Role.LEGAL_AID_OFFICER], agency_code="500103-justice")
    html = client_for(lawyer).get("/victims/legal-aid/").content.decode()
    nav = html[html.index('class="nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert 'href="/victims/legal-aid/" class="is-active"' in nav
    assert nav.count("is-active") == 1
