"""The plan at work (issue 7): 市民政局 writes its plan, records progress whose figures
come from the victims module, files its annual report on time; a district's joint
conference misses 30 December and is flagged; a district without a meeting is flagged;
the municipal office runs the annual evaluation and exports it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from homeward.coordination import services
from homeward.coordination.models import AnnualReport, Duty, Measure, Scorecard
from homeward.core.errors import DomainError
from homeward.core.models import Agency, Division, User
from homeward.core.roles import Role
from homeward.core.tick import tick

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def civil_affairs(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="cq-civil_affairs", username="mzj"
    )


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER],
        agency_code="cq-joint_conference_office",
        username="office",
    )


@pytest.fixture
def district_office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.DISTRICT_COORDINATOR],
        agency_code="500101-joint_conference_office",
        username="wz",
    )


def _placed_victim(make_user: Callable[..., User]) -> None:
    from homeward.testing.factories import PersonFactory
    from homeward.victims import services as victims
    from homeward.victims.models import Institution

    police = make_user(roles=[Role.INVESTIGATOR], username="police")
    caseworker = make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500103-civil_affairs", username="cw"
    )
    home = Institution.objects.create(
        name="福利院",
        kind="child_welfare",
        division=Division.objects.get(code="500103"),
        operating_agency=Agency.objects.get(code="500103-civil_affairs"),
        capacity=5,
    )
    victim = victims.victim_register(
        actor=police,
        person=PersonFactory(),
        identity_status="unknown",
        age_at_rescue=5,
        origin="chongqing",
        rescued_at=timezone.now(),
        how_rescued="解救",
        division=Division.objects.get(code="500103"),
    )
    placement = victims.placement_propose(actor=caseworker, victim=victim, institution=home)
    victims.placement_decide(actor=caseworker, placement=placement, accept=True)


def test_the_civil_affairs_bureau_plans_records_computed_progress_and_reports_on_time(
    civil_affairs: User,
    office: User,
    district_office: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    year = timezone.localdate().year
    measure = (
        Duty.objects.filter(agency__code="cq-civil_affairs")
        .select_related("measure")
        .first()
        .measure
    )  # type: ignore[union-attr]
    client = client_for(civil_affairs)
    assert client.get("/plan/mine/").status_code == 200
    response = client.post(
        "/plan/mine/",
        {
            "action": "task",
            "task-measure": measure.pk,
            "task-title": "被拐卖受害人救助安置",
            "task-owner": "社会救助处",
            "task-indicator": "victims_placed",
            "task-target": "10",
            "task-deadline": f"{year}-12-31",
        },
    )
    assert response.status_code == 302
    task = civil_affairs.agency.unit_plans.get(year=year).tasks.get()
    _placed_victim(make_user)
    response = client.post(
        "/plan/mine/",
        {
            "action": "progress",
            "progress-task": task.pk,
            "progress-recorded_on": timezone.localdate().isoformat(),
            "progress-text": "全市救助安置被拐卖受害人",
            "progress-figure": "999",  # typed, but the platform computes this one
        },
    )
    assert response.status_code == 302
    progress = task.progress.get()
    assert progress.computed and progress.figure == 1
    # A whole number, so that a random CSRF token or nonce cannot match it.
    assert not re.search(r"(?<![\w+/])999(?![\w+/])", client.get("/plan/mine/").content.decode())

    # December: the calendar opens the reports, reminds, then flags the late.
    with time_machine.travel(_at(date(year, 12, 1))):
        tick()
    report = AnnualReport.objects.get(agency=civil_affairs.agency, year=year)
    assert report.level == "member_unit" and report.due_on == date(year, 12, 15)
    district = AnnualReport.objects.get(agency=district_office.agency, year=year)
    assert district.level == "district" and district.due_on == date(year, 12, 30)
    with time_machine.travel(_at(date(year, 12, 10))):
        tick()
        report.refresh_from_db()
        assert report.reminded_at is not None
        reminder = client_for(civil_affairs).get("/plan/mine/").content.decode()
        assert 'data-testid="report-reminder"' in reminder
        # A new sign-in: the session of late November has long expired.
        filed = client_for(civil_affairs).post(
            f"/plan/reports/{report.pk}/",
            {
                "action": "submit",
                "body": "本年度市民政局认真落实行动计划，救助安置受害人，开展培训宣传。",
            },
        )
        assert filed.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.figures["victims_placed"] == 1
    # The district office's own staff cannot accept; the municipal office can.
    with pytest.raises(DomainError) as refused:
        services.report_review(actor=district_office, report=report, accept=True)
    assert refused.value.code == "plan_not_your_unit"
    with time_machine.travel(_at(date(year, 12, 11))):
        client_for(office).post(f"/plan/reports/{report.pk}/", {"action": "accept"})
    report.refresh_from_db()
    assert report.status == "accepted"

    with time_machine.travel(_at(date(year, 12, 31))):
        tick()
        page = client_for(office).get("/plan/dashboard/", {"year": year})
    district.refresh_from_db()
    report.refresh_from_db()
    assert district.overdue and district.status == "due"
    assert not report.overdue
    text = page.content.decode()
    assert page.status_code == 200
    assert district_office.agency.display_name in text
    assert 'data-code="500101"' in text and "band-4" in text

    client = client_for(civil_affairs)  # signing in again ended the earlier session
    pdf = client.get(f"/plan/reports/{report.pk}/export.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "市民政局" in extracted or "民政局" in extracted
    doc = client.get(f"/plan/reports/{report.pk}/export.doc")
    assert (
        doc["Content-Type"].startswith("application/msword") and "救助安置" in doc.content.decode()
    )
    # Out of view answers as if the report did not exist (no existence oracle).
    assert client_for(district_office).get(f"/plan/reports/{report.pk}/").status_code == 404


def test_a_district_without_a_meeting_is_flagged_until_it_meets(district_office: User) -> None:
    year = timezone.localdate().year
    flagged = {a.division.code for a in services.districts_without_meeting(year)}  # type: ignore[union-attr]
    assert "500101" in flagged and len(flagged) == 38
    services.meeting_record(
        actor=district_office,
        held_on=timezone.localdate(),
        title="万州区反拐联席会议年度会议",
        minutes="研究部署年度工作",
    )
    assert "500101" not in {a.division.code for a in services.districts_without_meeting(year)}  # type: ignore[union-attr]


def test_the_office_runs_the_annual_evaluation_records_verdicts_and_exports(
    civil_affairs: User, office: User, district_office: User, client_for: Callable[[User], Client]
) -> None:
    from openpyxl import load_workbook

    # The stage evaluation of a year opens on 1 December with its reports.
    with time_machine.travel(_at(date(2026, 12, 20)), tick=False):
        _evaluate(civil_affairs, office, district_office, client_for, load_workbook)


def _evaluate(
    civil_affairs: User,
    office: User,
    district_office: User,
    client_for: Callable[[User], Client],
    load_workbook: Callable[..., object],
) -> None:
    year = timezone.localdate().year
    plan = services.unit_plan_get_or_create(actor=civil_affairs, year=year)
    task = services.plan_task_add(
        actor=civil_affairs,
        plan=plan,
        measure=Measure.objects.first(),  # type: ignore[arg-type]
        title="开展反拐宣传",
        owner="宣传处",
        deadline=date(year, 12, 31),
    )
    services.progress_record(
        actor=civil_affairs, task=task, recorded_on=timezone.localdate(), text="已完成", done=True
    )
    agencies = [civil_affairs.agency, district_office.agency]
    with pytest.raises(DomainError) as refused:
        services.evaluation_run(actor=district_office, kind="stage", year=year, agencies=agencies)
    assert refused.value.code == "plan_not_your_unit"
    evaluation = services.evaluation_run(actor=office, kind="stage", year=year, agencies=agencies)
    cards = {c.agency.code: c for c in Scorecard.objects.filter(evaluation=evaluation)}
    assert cards["cq-civil_affairs"].scores["tasks_done"] == 40
    assert cards["500101-joint_conference_office"].scores["meeting_held"] == 0
    services.scorecard_verdict(
        actor=office,
        scorecard=cards["500101-joint_conference_office"],
        verdict="criticised",
        grounds="全年未召开联席会议，未按期报送年度报告",
    )
    client = client_for(office)
    page = client.get(f"/plan/evaluations/stage/{year}/")
    assert page.status_code == 200 and "全年未召开联席会议" in page.content.decode()
    export = client.get(f"/plan/evaluations/stage/{year}/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active  # type: ignore[operator]
    values = [cell.value for row in sheet.iter_rows(min_row=3) for cell in row]
    assert "全年未召开联席会议，未按期报送年度报告" in values
    client.post(f"/plan/evaluations/stage/{year}/", {"action": "publish"})
    evaluation.refresh_from_db()
    assert evaluation.published_at is not None
    with pytest.raises(DomainError) as published:
        services.evaluation_run(actor=office, kind="stage", year=year, agencies=agencies)
    assert published.value.code == "plan_bad_step"
    assert client_for(district_office).get(f"/plan/evaluations/stage/{year}/").status_code == 200
