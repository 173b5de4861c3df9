"""Agencies after a reform and leadership posts (issue 13): the system administrator adds
or renames a unit and records who may lead a task force; audited; nobody else may."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from homeward.cases.policy import is_qualified_leader
from homeward.core.errors import ActorError, DomainError
from homeward.core.models import Agency, AuditEvent, Division, User
from homeward.core.roles import Role
from homeward.core.services.reference import agency_save, leader_post_set

pytestmark = pytest.mark.django_db


def test_a_new_unit_after_a_reform_is_added_with_its_counterpart(
    sysadmin: User, sysadmin_client: Client
) -> None:
    # given a new municipal function and its district counterpart
    agency_save(
        actor=sysadmin,
        kind="social_work",
        name_zh="市社会工作部",
        name_en="Municipal Social Work Department",
    )
    response = sysadmin_client.post(
        "/reference/agencies/new/",
        {
            "division": Division.objects.get(code="500103").pk,
            "kind": "social_work",
            "name_zh": "渝中区委社会工作部",
            "name_en": "Yuzhong District Social Work Department",
            "is_conference_member": "on",
        },
    )
    assert response.status_code == 302
    unit = Agency.objects.get(code="500103-social_work")
    assert unit.level == Agency.Level.DISTRICT and unit.is_conference_member
    assert unit.parent == Agency.objects.get(code="cq-social_work")
    assert AuditEvent.objects.filter(action="agency_save", actor=sysadmin).count() == 2


def test_a_renamed_unit_keeps_its_code_and_records(sysadmin: User, sysadmin_client: Client) -> None:
    unit = Agency.objects.get(code="500103-civil_affairs")
    response = sysadmin_client.post(
        f"/reference/agencies/{unit.pk}/",
        {
            "kind": "changed",
            "name_zh": "渝中区民政和社会事务局",
            "name_en": "Yuzhong Civil Affairs and Social Affairs Bureau",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name_zh == "渝中区民政和社会事务局" and unit.kind == "civil_affairs"
    event = AuditEvent.objects.get(action="agency_save")
    assert event.detail["before"]["name_zh"] == "渝中区民政局"


def test_a_second_unit_of_one_function_or_a_taken_name_is_a_field_error(sysadmin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        agency_save(
            actor=sysadmin,
            kind="civil_affairs",
            division=Division.objects.get(code="500103"),
            name_zh="渝中区民政局",
            name_en="x",
        )
    assert set(refused.value.message_dict) == {"kind", "name_zh"}


def test_a_leader_post_makes_a_task_force_leader(
    sysadmin: User, sysadmin_client: Client, make_user: Callable[..., User]
) -> None:
    deputy = make_user(roles=[Role.INVESTIGATOR], username="wang.deputy")
    yuzhong = Division.objects.get(code="500103")
    assert not is_qualified_leader(deputy, yuzhong)
    response = sysadmin_client.post(
        "/reference/leaders/", {"username": "wang.deputy", "post": "deputy_head"}
    )
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert is_qualified_leader(deputy, yuzhong)
    assert "wang.deputy" in sysadmin_client.get("/reference/leaders/").content.decode()
    assert AuditEvent.objects.filter(action="leader_post_set", actor=sysadmin).exists()
    unknown = sysadmin_client.post("/reference/leaders/", {"username": "nobody", "post": "head"})
    assert "username" in unknown.context["form"].errors


def test_only_the_reference_administrator_changes_agencies_and_posts(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    investigator = make_user(roles=[Role.INVESTIGATOR], username="inv", leader_post="")
    client = client_for(investigator)
    unit = Agency.objects.get(code="500103-civil_affairs")
    assert client.get("/reference/").status_code == 403
    assert client.post(f"/reference/agencies/{unit.pk}/", {"name_zh": "x"}).status_code == 403
    assert (
        client.post("/reference/leaders/", {"username": "inv", "post": "head"}).status_code == 403
    )
    with pytest.raises(DomainError) as refused:
        leader_post_set(actor=investigator, user=investigator, post="head")
    assert refused.value.code == ActorError.MISSING_PERMISSION
    investigator.refresh_from_db()
    assert investigator.leader_post == ""


def test_a_district_administrator_cannot_rename_another_districts_unit(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(roles=[Role.SYSTEM_ADMIN], agency_code="500103-civil_affairs", username="a")
    with pytest.raises(DomainError) as refused:
        agency_save(
            actor=admin,
            agency=Agency.objects.get(code="500101-civil_affairs"),
            name_zh="改名",
            name_en="renamed",
        )
    assert refused.value.code == ActorError.OUT_OF_AREA
