"""The prevention pages, through the client as each user would use them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from homeward.core.models import Township, User
from homeward.prevention.models import (
    DropoutFile,
    FoundChild,
    LedgerEntry,
    RegistrationCheck,
    School,
)
from homeward.tips.models import Tip

pytestmark = pytest.mark.django_db


def test_a_child_director_registers_and_visits_from_the_phone_pages(
    director: User, towns: tuple[Township, Township], client_for: Callable[[User], Client]
) -> None:
    client = client_for(director)
    assert client.get("/prevention/").status_code == 200
    form = client.get("/prevention/ledger/new/")
    assert form.status_code == 200
    bad = client.post("/prevention/ledger/new/", {"category": "left_behind_child"})
    assert bad.status_code == 200 and "full_name" in bad.context["form"].errors
    response = client.post(
        "/prevention/ledger/new/",
        {
            "full_name": "谭小花",
            "sex": "female",
            "date_of_birth": "2017-03-02",
            "category": "left_behind_child",
            "township": towns[0].pk,
            "village": "龙河村",
            "guardian_name": "谭建国",
            "guardian_relation": "父亲",
            "guardian_whereabouts": "父母均在广东省东莞市务工",
            "guardian_phone": "13900001111",
            "carer": "祖母",
            "responsible_worker": director.pk,
            "risk_level": "high",
            "risk_reasons": ["no_guardian"],
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert entry.person.full_name == "谭小花" and entry.township == towns[0]
    worklist = client.get("/prevention/").content.decode()
    assert "谭小花" in worklist
    visit = client.post(
        f"/prevention/ledger/{entry.pk}/",
        {
            "action": "visit",
            "visit-visited_on": timezone.localdate().isoformat(),
            "visit-kind": "home",
            "visit-observations": "孩子情绪低落",
            "visit-concern": "发现有人在网上诱骗孩子外出见面",
        },
    )
    assert visit.status_code == 302
    assert Tip.objects.filter(category="suspicious").count() == 1
    page = client.get(f"/prevention/ledger/{entry.pk}/").content.decode()
    assert Tip.objects.get().tracking_code in page


def test_school_township_and_bureau_follow_a_dropout_on_the_pages(
    teacher: User,
    director: User,
    school: School,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(teacher)
    response = client.post(
        "/prevention/dropouts/new/",
        {
            "full_name": "冉小军",
            "sex": "male",
            "school": school.pk,
            "grade": "初二",
            "left_on": timezone.localdate().isoformat(),
            "reason": "work",
            "township_worker": director.pk,
        },
    )
    assert response.status_code == 302
    file = DropoutFile.objects.get()
    assert file.township_worker == director
    township = client_for(director)
    step = township.post(
        f"/prevention/dropouts/{file.pk}/",
        {
            "action": "step",
            "action-taken_on": timezone.localdate().isoformat(),
            "action-action": "入户劝返",
            "action-contact_made": "on",
        },
    )
    assert step.status_code == 302
    closed = client.post(
        f"/prevention/dropouts/{file.pk}/",
        {
            "action": "resolve",
            "version": file.version,
            "resolve-status": "returned",
            "resolve-resolved_on": timezone.localdate().isoformat(),
        },
    )
    assert closed.status_code == 302
    file.refresh_from_db()
    assert file.status == "returned" and file.last_contact_on == timezone.localdate()
    listing = client.get("/prevention/dropouts/", {"status": ""}).content.decode()
    assert "冉小军" in listing
    from homeward.core.models import AuditEvent

    listed = AuditEvent.objects.filter(action="list", object_type="prevention.dropoutfile")
    assert listed.filter(actor=teacher).exists()


def test_a_found_child_and_a_registration_check_on_the_pages(
    caseworker: User,
    county_police: User,
    client_for: Callable[[User], Client],
) -> None:
    from homeward.core.models import Division

    county = Division.objects.get(code="500240")
    client = client_for(caseworker)
    response = client.post(
        "/prevention/found/new/",
        {
            "full_name": "无名氏（车站）",
            "sex": "male",
            "kind": "street_minor",
            "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "found_place": "石柱火车站",
            "found_by": "车站民警",
            "placement": "protection",
            "institution": "县未成年人救助保护中心",
            "division": county.pk,
        },
    )
    assert response.status_code == 302
    found = FoundChild.objects.get()
    requested = client.post(
        f"/prevention/found/{found.pk}/", {"action": "dna", "dna-reason": "身份不明"}
    )
    assert requested.status_code == 302
    found.refresh_from_db()
    assert found.dna_request is not None
    response = client.post(
        "/prevention/registrations/new/",
        {
            "full_name": "小宝",
            "sex": "male",
            "kind": "household",
            "applicant": "李某",
            "account": "自称捡拾",
            "division": county.pk,
        },
    )
    assert response.status_code == 302
    check = RegistrationCheck.objects.get()
    # Civil affairs cannot decide; the police can.
    assert (
        client.post(f"/prevention/registrations/{check.pk}/", {"decision": "clear"}).status_code
        == 403
    )
    police = client_for(county_police)
    assert (
        police.post(
            f"/prevention/registrations/{check.pk}/", {"decision": "clear", "note": "已核实"}
        ).status_code
        == 302
    )
    check.refresh_from_db()
    assert check.status == "cleared"


def test_the_overview_for_the_municipality_shows_every_district(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from homeward.core.roles import Role

    conference = make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="cq-joint_conference_office"
    )
    page = client_for(conference).get("/prevention/overview/")
    assert page.status_code == 200
    assert page.context["level"] == "district" and len(page.context["rows"]) == 38
    assert client_for(conference).get("/prevention/ledger/").status_code == 403


def test_a_worker_with_many_people_gets_a_paged_visit_list_overdue_first(
    director: User,
    towns: tuple[Township, Township],
    child: Callable[..., object],
    client_for: Callable[[User], Client],
) -> None:
    """Issue 19: the visit list of a worker with a thousand people was one 229 KB page.
    Each section is paged; the overdue people come first, oldest due date first."""
    from datetime import timedelta

    from homeward.prevention.services import ledger_entry_create
    from homeward.prevention.views import WORKLIST_PAGE_SIZE

    today = timezone.localdate()
    for n in range(WORKLIST_PAGE_SIZE + 5):
        entry = ledger_entry_create(
            actor=director,
            person=child(name=f"儿童{n:03d}"),
            category="left_behind_child",
            township=towns[0],
            responsible_worker=director,
        )
        # n = 0 .. 4 are overdue (n = 0 the longest), the rest fall due next month.
        due = today - timedelta(days=10 - n) if n < 5 else today + timedelta(days=30 + n)
        LedgerEntry.objects.filter(pk=entry.pk).update(next_visit_due=due)
    client = client_for(director)
    first = client.get("/prevention/")
    assert first.status_code == 200
    pages = first.context["pages"]
    assert [e.person.full_name for e in pages["overdue"]] == [f"儿童{n:03d}" for n in range(5)]
    assert len(pages["later"]) == WORKLIST_PAGE_SIZE
    assert pages["later"].paginator.count == WORKLIST_PAGE_SIZE
    body = first.content.decode()
    assert "later_page=2#later" not in body  # exactly one page of 30
    child_extra = ledger_entry_create(
        actor=director,
        person=child(name="儿童999"),
        category="left_behind_child",
        township=towns[0],
        responsible_worker=director,
    )
    LedgerEntry.objects.filter(pk=child_extra.pk).update(next_visit_due=today + timedelta(days=400))
    paged = client.get("/prevention/").content.decode()
    assert "later_page=2#later" in paged and "儿童999" not in paged
    second = client.get("/prevention/?later_page=2")
    assert second.status_code == 200
    assert [e.person.full_name for e in second.context["pages"]["later"]] == ["儿童999"]
    # A page number past the end or not a number shows the last / first page, never an error.
    assert client.get("/prevention/?later_page=99").status_code == 200
    assert client.get("/prevention/?later_page=x").status_code == 200
