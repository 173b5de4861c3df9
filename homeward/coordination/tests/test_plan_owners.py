"""Only the unit's plan owners file its annual report (issue 12): a teacher or a village
worker of the county education or civil-affairs bureau works for the plan but does not
write it or file the bureau's report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.coordination.models import AnnualReport
from homeward.coordination.services import PlanError, report_submit, unit_plan_get_or_create
from homeward.core.errors import DomainError
from homeward.core.models import Division, Township, User
from homeward.core.roles import Role
from homeward.prevention.models import School, WorkArea
from homeward.testing.factories import agency

pytestmark = pytest.mark.django_db

BODY = "本年度我局按照实施细则完成了控辍保学和宣传教育各项任务，详见附表。"


@pytest.fixture
def bureau_report() -> AnnualReport:
    return AnnualReport.objects.create(
        agency=agency("500240-education"),
        year=timezone.localdate().year,
        level=AnnualReport.Level.MEMBER_UNIT,
        due_on=timezone.localdate() + timedelta(days=5),
    )


@pytest.fixture
def teacher(make_user: Callable[..., User]) -> User:
    user = make_user(roles=[Role.EDUCATION_OFFICER], agency_code="500240-education")
    school = School.objects.create(name="西沱镇中学", division=Division.objects.get(code="500240"))
    WorkArea.objects.create(user=user, school=school, post="班主任")
    return user


def test_a_teacher_cannot_file_the_bureaus_report(
    teacher: User, bureau_report: AnnualReport, client_for: Callable[[User], Client]
) -> None:
    # when the teacher files the county education bureau's report through the service
    with pytest.raises(DomainError) as refused:
        report_submit(actor=teacher, report=bureau_report, body=BODY)
    # then it is refused, and nothing is filed
    assert refused.value.code == PlanError.NOT_PLAN_OWNER
    bureau_report.refresh_from_db()
    assert bureau_report.status == AnnualReport.Status.DUE
    # and the pages offer no filing either
    client = client_for(teacher)
    assert client.get("/plan/mine/").status_code == 403
    response = client.post(f"/plan/reports/{bureau_report.pk}/", {"action": "submit", "body": BODY})
    assert response.status_code == 302
    bureau_report.refresh_from_db()
    assert bureau_report.status == AnnualReport.Status.DUE
    assert 'name="body"' not in client.get(f"/plan/reports/{bureau_report.pk}/").content.decode()


def test_a_village_worker_cannot_start_the_bureaus_plan(make_user: Callable[..., User]) -> None:
    worker = make_user(roles=[Role.PREVENTION_WORKER], agency_code="500240-civil_affairs")
    town = Township.objects.filter(division__code="500240").order_by("code")[0]
    WorkArea.objects.create(user=worker, township=town, post="儿童主任")
    with pytest.raises(DomainError) as refused:
        unit_plan_get_or_create(actor=worker, year=timezone.localdate().year)
    assert refused.value.code == PlanError.NOT_PLAN_OWNER


def test_the_bureaus_plan_owner_files_it(
    make_user: Callable[..., User], bureau_report: AnnualReport
) -> None:
    officer = make_user(roles=[Role.EDUCATION_OFFICER], agency_code="500240-education")
    report_submit(actor=officer, report=bureau_report, body=BODY)
    bureau_report.refresh_from_db()
    assert bureau_report.status == AnnualReport.Status.SUBMITTED


def test_the_matrix_says_columns_are_off_screen_and_shows_measure_text_without_hover(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    from homeward.coordination.models import Measure

    html = client_for(owner).get("/plan/").content.decode()
    assert 'data-testid="matrix-hint"' in html
    measure = Measure.objects.exclude(text="").order_by("sequence").first()
    assert measure is not None
    assert "<details><summary>" in html
    assert measure.text[:40] in html
    assert 'title="' + measure.text[:20] not in html
