"""Key regions under supervision, funding and donations, publicity and training whose
counts feed the indicators, volunteer teams (issue 7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from homeward.coordination import services
from homeward.coordination.indicators import compute
from homeward.coordination.models import (
    Activity,
    BudgetLine,
    Donation,
    RegionListing,
    VolunteerTeam,
)
from homeward.core.errors import DomainError
from homeward.core.models import Division, User
from homeward.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER], agency_code="cq-joint_conference_office"
    )


@pytest.fixture
def wanzhou_office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.DISTRICT_COORDINATOR], agency_code="500101-joint_conference_office"
    )


def test_a_key_region_is_listed_reported_on_and_lifted(
    office: User,
    wanzhou_office: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    other = make_user(
        roles=[Role.DISTRICT_COORDINATOR], agency_code="500102-joint_conference_office"
    )
    with pytest.raises(DomainError):
        services.region_listing_create(
            actor=wanzhou_office,
            division=Division.objects.get(code="500101"),
            reason="x",
            warning="",
            deadline=timezone.localdate() + timedelta(days=90),
        )
    response = client_for(office).post(
        "/plan/regions/",
        {
            "action": "list",
            "division": "500101",
            "reason": "拐卖妇女案件高发",
            "warning": "限期整改",
            "deadline": (timezone.localdate() + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    listing = RegionListing.objects.get()
    with pytest.raises(DomainError):
        services.region_progress_add(actor=other, listing=listing, text="不是本区")
    client_for(wanzhou_office).post(
        "/plan/regions/", {"action": "progress", "listing": listing.pk, "text": "开展专项整治"}
    )
    assert listing.progress.get().text == "开展专项整治"
    page = client_for(wanzhou_office).get("/plan/regions/").content.decode()
    assert "拐卖妇女案件高发" in page
    assert "拐卖妇女案件高发" not in client_for(other).get("/plan/regions/").content.decode()
    services.region_listing_lift(actor=office, listing=listing)
    with pytest.raises(DomainError):
        services.region_progress_add(actor=wanzhou_office, listing=listing, text="x")


def test_the_district_records_its_budget_and_donations(
    wanzhou_office: User, client_for: Callable[[User], Client]
) -> None:
    year = timezone.localdate().year
    client = client_for(wanzhou_office)
    client.post(
        f"/plan/funding/?year={year}",
        {"action": "budget", "budgeted": "500000", "executed": "120000.50"},
    )
    line = BudgetLine.objects.get()
    assert line.division.code == "500101" and line.executed == Decimal("120000.50")
    client.post(
        f"/plan/funding/?year={year}",
        {
            "action": "donation",
            "donor_kind": "organisation",
            "donor_name": "某公益基金会",
            "amount": "20000",
            "received_on": timezone.localdate().isoformat(),
            "purpose": "受害人心理辅导",
        },
    )
    assert Donation.objects.get().amount == Decimal("20000")
    bad = client.post(
        f"/plan/funding/?year={year}", {"action": "donation", "amount": "-1"}, follow=True
    )
    assert Donation.objects.count() == 1 and bad.status_code == 200
    assert "某公益基金会" in client.get(f"/plan/funding/?year={year}").content.decode()


def test_campaigns_and_trainings_feed_the_indicators(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    youth = make_user(roles=[Role.ANALYST], agency_code="500101-youth_league")
    client = client_for(youth)
    for kind, people in (("campaign", 300), ("training", 40), ("training", 25)):
        client.post(
            "/plan/outreach/",
            {
                "action": "activity",
                "activity-kind": kind,
                "activity-held_on": timezone.localdate().isoformat(),
                "activity-title": "反拐宣传进校园" if kind == "campaign" else "基层干部反拐培训",
                "activity-place": "万州区",
                "activity-people": str(people),
            },
        )
    assert Activity.objects.count() == 3
    year = timezone.localdate().year
    assert compute("campaigns", youth.agency, year) == 1
    assert compute("people_trained", youth.agency, year) == 65
    client.post(
        "/plan/outreach/",
        {
            "action": "team",
            "team-name": "青年反拐志愿服务队",
            "team-members": "35",
            "team-activities": "宣传",
        },
    )
    assert VolunteerTeam.objects.get().members == 35


def test_a_district_unit_mirrors_the_municipal_plan_and_attaches_evidence(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    import io
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image
    from pypdf import PdfWriter

    from homeward.coordination.models import Measure, PlanTask

    year = timezone.localdate().year
    municipal = make_user(roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="cq-civil_affairs")
    district = make_user(roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500101-civil_affairs")
    plan = services.unit_plan_get_or_create(actor=municipal, year=year)
    services.plan_task_add(
        actor=municipal,
        plan=plan,
        measure=Measure.objects.first(),  # type: ignore[arg-type]
        title="救助管理机构甄别受害人",
        owner="社会事务处",
        deadline=date(year, 12, 31),
    )
    client = client_for(district)
    assert client.post("/plan/mine/", {"action": "mirror"}).status_code == 302
    mirrored = PlanTask.objects.get(plan__agency=district.agency)
    assert mirrored.title == "救助管理机构甄别受害人"
    client.post("/plan/mine/", {"action": "mirror"})
    assert PlanTask.objects.filter(plan__agency=district.agency).count() == 1  # not twice
    with pytest.raises(DomainError):
        services.unit_plan_mirror(actor=municipal, year=year)

    minutes = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(minutes)
    pdf = SimpleUploadedFile("会议纪要.pdf", minutes.getvalue(), "application/pdf")
    html = SimpleUploadedFile(
        "evil.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="PNG")
    png = SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")
    for upload in (pdf, png, html):
        client.post(
            "/plan/mine/",
            {
                "action": "progress",
                "progress-task": mirrored.pk,
                "progress-recorded_on": timezone.localdate().isoformat(),
                "progress-text": "开展甄别工作",
                "progress-attachment": upload,
            },
        )
    entries = list(mirrored.progress.order_by("pk"))
    assert [e.attachment_type for e in entries] == ["application/pdf", "image/jpeg"]
    assert not entries[0].attachment.name.endswith("会议纪要.pdf")  # a generated name
    download = client.get(f"/plan/progress/{entries[0].pk}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert (
        client_for(municipal).get(f"/plan/progress/{entries[0].pk}/attachment/").status_code == 404
    )


def test_a_unit_sees_its_own_published_scorecard(
    office: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    year = timezone.localdate().year
    unit = make_user(roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="cq-civil_affairs")
    evaluation = services.evaluation_run(
        actor=office, kind="stage", year=year, agencies=[unit.agency]
    )
    assert "my-grade" not in client_for(unit).get("/plan/mine/").content.decode()
    services.evaluation_publish(actor=office, evaluation=evaluation)
    page = client_for(unit).get("/plan/mine/").content.decode()
    assert 'data-testid="my-grade"' in page
