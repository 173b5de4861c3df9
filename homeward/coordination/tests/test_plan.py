"""The measures of the rules as data and the responsibility matrix (issue 7, first part)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from homeward.coordination.models import Duty, Measure
from homeward.core.models import Agency, User
from homeward.rules.measures import parse_measures

pytestmark = pytest.mark.django_db


def _duties(number: str, role: str) -> set[str]:
    return set(
        Duty.objects.filter(measure__number=number, role=role).values_list(
            "agency__name_zh", flat=True
        )
    )


def test_every_measure_of_the_rules_is_loaded_with_its_units() -> None:
    parsed = parse_measures()
    assert Measure.objects.count() == len(parsed)
    assert not Measure.objects.filter(duties__isnull=True).exists()
    first = parsed[0]
    assert _duties(first.number, "lead") == set(first.leads)
    assert _duties(first.number, "cooperate") == set(first.cooperates)


def test_spot_checks_against_the_text() -> None:
    measure = Measure.objects.get(sequence=1)
    assert _duties(measure.number, "lead") == {"市委政法委", "市公安局"}
    assert len(_duties(measure.number, "cooperate")) == 8
    every_member = Measure.objects.get(all_member_units_cooperate=True)
    assert _duties(every_member.number, "lead") == {"市公安局"}
    members = Agency.objects.filter(division__isnull=True, is_conference_member=True).count()
    assert len(_duties(every_member.number, "cooperate")) == members - 1
    task_force = Measure.objects.filter(text__contains="一长三包").get()
    assert _duties(task_force.number, "lead") == {"市公安局"}


def test_chapter_seven_names_the_joint_conference_offices() -> None:
    reporting = Measure.objects.filter(chapter="七", text__contains="15").first()
    assert reporting is not None and reporting.implicit_units
    assert Duty.objects.filter(measure=reporting, agency__kind="joint_conference_office").exists()


def test_the_matrix_and_a_units_duties(
    owner: User, no_role_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    page = client.get("/plan/")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "市民政局" in html
        and html.count("<tr>") >= Measure.objects.count()
    )
    district = client.get("/plan/", {"division": "500101", "chapter": "二"}).content.decode()
    assert "万州区公安局" in district and "市公安局</a>" not in district
    unit = client.get("/plan/units/500101-civil_affairs/").content.decode()
    leads = Duty.objects.filter(agency__code="cq-civil_affairs", role="lead").count()
    assert f"{leads}" in unit and "万州区民政局" in unit
    assert client_for(no_role_user).get("/plan/").status_code == 403
