"""Chapter 七 read faithfully (issue 13): the calendar survives a December without a tick,
the yearly stage evaluation is scheduled and prompted, the final evaluation is for 2030
and its end only, district reports reach the municipal joint conference and the district
government, the 平安重庆 figures export, the plan reads each module's counts, the
dashboard of a district shows its district, and an evaluation of every member unit
costs the same few queries whatever their number."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeward.coordination import services
from homeward.coordination.indicators import YearFigures
from homeward.coordination.models import AnnualReport, Evaluation, RegionListing, Scorecard
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.models import Agency, AuditEvent, Division, User
from homeward.core.roles import Role
from homeward.core.tick import tick

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.JOINT_CONFERENCE_OFFICER],
        agency_code="cq-joint_conference_office",
        username="office",
    )


@pytest.fixture
def wanzhou_office(make_user: Callable[..., User]) -> User:
    return make_user(
        roles=[Role.DISTRICT_COORDINATOR],
        agency_code="500101-joint_conference_office",
        username="wz",
    )


def test_a_missed_december_creates_the_years_reports_on_the_next_tick(
    make_user: Callable[..., User],
) -> None:
    # given: the platform in use since the autumn, and no tick at all in December 2026
    with time_machine.travel(_at(date(2026, 10, 1))):
        make_user(roles=[Role.INVESTIGATOR], username="early")
    assert not AnnualReport.objects.filter(year=2026).exists()
    # when: the first tick after the outage, on 4 January 2027
    with time_machine.travel(_at(date(2027, 1, 4))):
        tick()
    # then: the 2026 reports exist, already overdue, and nothing of 2027 opened early
    reports = AnnualReport.objects.filter(year=2026)
    assert reports.filter(level=AnnualReport.Level.DISTRICT).count() == 38
    assert reports.filter(level=AnnualReport.Level.MEMBER_UNIT).count() > 1000
    assert not reports.filter(overdue=False).exists()
    assert not AnnualReport.objects.filter(year=2027).exists()
    # and a second tick creates nothing twice
    count = reports.count()
    with time_machine.travel(_at(date(2027, 1, 5))):
        tick()
    assert AnnualReport.objects.filter(year=2026).count() == count


def test_a_fresh_installation_does_not_open_last_years_reports() -> None:
    # given: an installation made in March 2027 (no account existed in December 2026)
    with time_machine.travel(_at(date(2027, 3, 2))):
        tick()
    assert not AnnualReport.objects.exists()
    assert not Evaluation.objects.exists()


def test_the_stage_evaluation_is_scheduled_and_prompted_every_year(
    office: User, client_for: Callable[[User], Client]
) -> None:
    with time_machine.travel(_at(date(2026, 11, 30))):
        tick()
    assert not Evaluation.objects.filter(year=2026).exists()
    with time_machine.travel(_at(date(2026, 12, 1))):
        tick()
    stage = Evaluation.objects.get(kind=Evaluation.Kind.STAGE, year=2026)
    assert stage.due_on == date(2027, 1, 31) and stage.prompted_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.EVALUATION_SCHEDULED).count() == 1
    with time_machine.travel(_at(date(2027, 2, 3))):
        page = client_for(office).get("/plan/dashboard/").content.decode()
    assert 'data-testid="evaluation-due"' in page and "2027-01-31" in page
    # Published, it is no longer prompted.
    with time_machine.travel(_at(date(2026, 12, 20))):
        services.evaluation_run(actor=office, kind="stage", year=2026, agencies=[office.agency])
        services.evaluation_publish(actor=office, evaluation=stage)
        page = client_for(office).get("/plan/dashboard/").content.decode()
    assert 'data-testid="evaluation-due"' not in page


def test_the_final_evaluation_is_for_2030_only_and_only_at_its_end(office: User) -> None:
    with time_machine.travel(_at(date(2029, 12, 10))), pytest.raises(DomainError) as year:
        services.evaluation_run(actor=office, kind="final", year=2029, agencies=[office.agency])
    assert year.value.code == "plan_final_only_2030"
    with time_machine.travel(_at(date(2030, 6, 1))), pytest.raises(DomainError) as early:
        services.evaluation_run(actor=office, kind="final", year=2030, agencies=[office.agency])
    assert early.value.code == "plan_evaluation_too_early"
    with time_machine.travel(_at(date(2030, 11, 30))):
        tick()
    assert not Evaluation.objects.filter(kind=Evaluation.Kind.FINAL).exists()
    with time_machine.travel(_at(date(2030, 12, 2))):
        tick()
        final = Evaluation.objects.get(kind=Evaluation.Kind.FINAL)
        assert final.year == 2030 and final.due_on == date(2030, 12, 31)
        services.evaluation_run(actor=office, kind="final", year=2030, agencies=[office.agency])
    assert Scorecard.objects.filter(evaluation=final).count() == 1


def test_a_stage_evaluation_waits_for_its_years_reports(office: User) -> None:
    with time_machine.travel(_at(date(2027, 6, 1))), pytest.raises(DomainError) as early:
        services.evaluation_run(actor=office, kind="stage", year=2027, agencies=[office.agency])
    assert early.value.code == "plan_evaluation_too_early"


def test_district_reports_go_to_the_municipal_joint_conference_and_the_district_government(
    wanzhou_office: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    government = make_user(
        roles=[Role.ANALYST], agency_code="500101-district_government", username="wzgov"
    )
    other_government = make_user(
        roles=[Role.ANALYST], agency_code="500103-district_government", username="yzgov"
    )
    with time_machine.travel(_at(date(2026, 12, 1))):
        tick()
    report = AnnualReport.objects.get(agency=wanzhou_office.agency, year=2026)
    recipients = {agency.code for agency in services.recipients_of(report)}
    assert recipients == {"cq-joint_conference_office", "500101-district_government"}
    with time_machine.travel(_at(date(2026, 12, 20))):
        services.report_submit(
            actor=wanzhou_office,
            report=report,
            body="万州区反拐联席会议本年度召开全体会议，督促成员单位落实实施细则。",
        )
        mine = client_for(government).get("/plan/mine/").content.decode()
        assert 'data-testid="addressed-reports"' in mine and "万州区反拐联席会议办公室" in mine
        page = client_for(government).get(f"/plan/reports/{report.pk}/").content.decode()
        assert "万州区人民政府" in page and "市反拐联席会议办公室" in page
        doc = client_for(government).get(f"/plan/reports/{report.pk}/export.doc")
        assert "万州区人民政府" in doc.content.decode()
        # Another district's government does not see it: 404, as for a report that
        # does not exist.
        outsider = client_for(other_government)
        assert outsider.get(f"/plan/reports/{report.pk}/").status_code == 404
        assert outsider.get(f"/plan/reports/{report.pk}/export.pdf").status_code == 404
    member = AnnualReport.objects.filter(
        year=2026, level=AnnualReport.Level.MEMBER_UNIT, agency__division__code="500101"
    ).first()
    assert member is not None
    assert [a.code for a in services.recipients_of(member)] == ["500101-joint_conference_office"]


def test_an_accepted_report_is_not_filed_again_and_only_a_filed_one_is_reviewed(
    office: User, wanzhou_office: User
) -> None:
    with time_machine.travel(_at(date(2026, 12, 1))):
        tick()
    report = AnnualReport.objects.get(agency=wanzhou_office.agency, year=2026)
    with pytest.raises(DomainError) as unfiled:
        services.report_review(actor=office, report=report, accept=True)
    assert unfiled.value.code == "plan_bad_step"
    services.report_submit(actor=wanzhou_office, report=report, body="年度工作总结" * 5)
    services.report_review(actor=office, report=report, accept=True)
    with pytest.raises(DomainError) as again:
        services.report_submit(actor=wanzhou_office, report=report, body="年度工作总结" * 5)
    assert again.value.code == "plan_bad_step"


def test_the_word_export_of_a_report_is_watermarked_and_audited(
    wanzhou_office: User, client_for: Callable[[User], Client]
) -> None:
    with time_machine.travel(_at(date(2026, 12, 1))):
        tick()
    report = AnnualReport.objects.get(agency=wanzhou_office.agency, year=2026)
    response = client_for(wanzhou_office).get(f"/plan/reports/{report.pk}/export.doc")
    text = response.content.decode()
    assert response["Content-Type"].startswith("application/msword")
    assert "attachment;" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    # The watermark names who exported it, in the page header and footer and the body.
    assert text.count(f"{wanzhou_office.full_name} ({wanzhou_office.username})") >= 3
    assert "mso-element:header" in text and 'data-watermark="top"' in text
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(report.pk)).get()
    assert event.detail["format"] == "doc" and event.request_id[:8] in text


def test_the_ping_an_export_has_each_districts_figures(
    office: User, wanzhou_office: User, client_for: Callable[[User], Client]
) -> None:
    from openpyxl import load_workbook

    with time_machine.travel(_at(date(2026, 12, 20))):
        services.meeting_record(
            actor=wanzhou_office, held_on=date(2026, 12, 2), title="全体会议", minutes="部署"
        )
        evaluation = services.evaluation_run(
            actor=office, kind="stage", year=2026, agencies=[wanzhou_office.agency]
        )
        export = client_for(office).get("/plan/evaluations/stage/2026/ping-an.xlsx")
        refused = client_for(wanzhou_office).get("/plan/evaluations/stage/2026/ping-an.xlsx")
    assert export.status_code == 200 and refused.status_code == 404
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 38
    wanzhou = rows["500101"]
    assert wanzhou[1] == "万州区"
    headers = [cell.value for cell in sheet[2]]
    assert wanzhou[headers.index("联席会议召开次数")] == 1
    assert wanzhou[headers.index("评估得分")] == float(
        Scorecard.objects.get(evaluation=evaluation, agency=wanzhou_office.agency).total
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, detail__for="ping_an_chongqing"
    ).exists()


def test_the_plan_reads_each_modules_own_counts(make_user: Callable[..., User]) -> None:
    from homeward.tips.services import tip_submit

    tip_submit(
        channel="public",
        category="trafficking",
        narrative="车站有人带着两个小孩，神色慌张，请核查。",
        division=Division.objects.get(code="500101"),
        idempotency_key="plan-count-1",
    )
    figures = YearFigures.of(timezone.localdate().year)
    wanzhou = figures.for_agency(Agency.objects.get(code="500101-public_security"))
    yuzhong = figures.for_agency(Agency.objects.get(code="500103-public_security"))
    municipal = figures.for_agency(Agency.objects.get(code="cq-public_security"))
    assert (wanzhou["clues_received"], yuzhong["clues_received"]) == (1, 0)
    assert municipal["clues_received"] == 1


def test_a_district_coordinators_dashboard_shows_only_its_district(
    office: User, wanzhou_office: User, client_for: Callable[[User], Client]
) -> None:
    for code in ("500101", "500103", "500240"):
        services.region_listing_create(
            actor=office,
            division=Division.objects.get(code=code),
            reason="收买人口犯罪高发",
            warning="限期整改",
            deadline=date(2027, 6, 30),
        )
    assert RegionListing.objects.count() == 3
    district = client_for(wanzhou_office).get("/plan/dashboard/").context
    municipal = client_for(office).get("/plan/dashboard/").context
    assert district["regions_open"] == 1 and municipal["regions_open"] == 3
    assert {a.division.code for a in district["no_meeting"]} == {"500101"}
    assert len(municipal["no_meeting"]) == 38
    regions = client_for(wanzhou_office).get("/plan/regions/").content.decode()
    assert "万州区" in regions and "渝中区" not in regions


def test_an_evaluation_of_every_member_unit_costs_a_fixed_number_of_queries(
    office: User,
) -> None:
    units = services._member_units() + services._district_offices()
    assert len(units) > 1000
    with time_machine.travel(_at(date(2026, 12, 20))):
        with CaptureQueriesContext(connection) as few:
            services.evaluation_run(actor=office, kind="stage", year=2026, agencies=units[:10])
        Evaluation.objects.all().delete()
        with CaptureQueriesContext(connection) as all_units:
            evaluation = services.evaluation_run(actor=office, kind="stage", year=2026)
        # Scored again: the same units, updated in bulk.
        with CaptureQueriesContext(connection) as again:
            services.evaluation_run(actor=office, kind="stage", year=2026)
    assert Scorecard.objects.filter(evaluation=evaluation).count() == len(units)
    batches = -(-len(units) // 500)
    assert len(all_units) <= len(few) + 2 * batches + 4, [q["sql"][:80] for q in all_units]
    assert len(again) <= len(few) + 2 * batches + 4
    assert len(all_units) < 40
