"""The system administrator sets up schools and work areas (issue 13): through the pages,
audited, every bad field named; a village worker narrowed to a township sees only it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import Agency, AuditEvent, Division, Township, User
from homeward.core.roles import Role
from homeward.prevention import services
from homeward.prevention.models import DropoutFile, LedgerEntry, School, WorkArea
from homeward.prevention.selectors import ledger_visible_to
from homeward.prevention.tests.conftest import COUNTY

pytestmark = pytest.mark.django_db


def test_the_system_administrator_creates_a_school_with_its_township(
    sysadmin: User, sysadmin_client: Client, towns: tuple[Township, Township]
) -> None:
    county = Division.objects.get(code=COUNTY)
    response = sysadmin_client.post(
        "/prevention/admin/schools/new/",
        {"name": "石柱县南宾中学", "division": county.pk, "township": towns[0].pk},
    )
    assert response.status_code == 302
    school = School.objects.get(name="石柱县南宾中学")
    assert school.township == towns[0] and school.education_bureau is None
    assert AuditEvent.objects.filter(action="school_save", actor=sysadmin).exists()
    assert "石柱县南宾中学" in sysadmin_client.get("/prevention/admin/schools/").content.decode()


def test_a_township_of_another_district_is_a_field_error(
    sysadmin_client: Client,
) -> None:
    county = Division.objects.get(code=COUNTY)
    elsewhere = Township.objects.exclude(division=county).first()
    assert elsewhere is not None
    response = sysadmin_client.post(
        "/prevention/admin/schools/new/",
        {"name": "错区学校", "division": county.pk, "township": elsewhere.pk},
    )
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not School.objects.exists()


def test_a_school_with_another_bureau_sends_its_dropouts_there(
    sysadmin: User, towns: tuple[Township, Township], in_area: Callable[..., User]
) -> None:
    # given a school whose dropouts the municipal education commission follows
    municipal_bureau = Agency.objects.get(kind="education", division__isnull=True)
    school = services.school_save(
        actor=sysadmin,
        name="市属中学石柱分校",
        division=Division.objects.get(code=COUNTY),
        township=towns[0],
        education_bureau=municipal_bureau,
    )
    teacher = in_area(Role.EDUCATION_OFFICER, kind="education", school=school, username="t1")
    from homeward.testing.factories import PersonFactory

    # when
    file = services.dropout_open(
        actor=teacher,
        person=PersonFactory(division=school.division),
        school=school,
        grade="初二",
        left_on=timezone.localdate() - timedelta(days=3),
        reason=DropoutFile.Reason.WORK,
    )
    # then
    assert file.owning_agency == municipal_bureau


def test_the_system_administrator_narrows_a_village_worker_to_a_township(
    sysadmin: User,
    sysadmin_client: Client,
    towns: tuple[Township, Township],
    in_area: Callable[..., User],
    caseworker: User,
    client_for: Callable[[User], Client],
) -> None:
    # given a new village worker without a work area and ledger entries in two towns
    worker = in_area(Role.PREVENTION_WORKER, username="village")
    from homeward.testing.factories import PersonFactory

    for town, name in ((towns[0], "甲镇儿童"), (towns[1], "乙镇儿童")):
        services.ledger_entry_create(
            actor=caseworker,
            person=PersonFactory(full_name=name, division=town.division),
            category="left_behind_child",
            township=town,
            responsible_worker=caseworker,
            risk_level="low",
            risk_reasons=[],
        )
    assert not ledger_visible_to(worker).exists()
    listing = sysadmin_client.get("/prevention/admin/work-areas/").content.decode()
    assert "village" in listing
    # when
    response = sysadmin_client.post(
        f"/prevention/admin/work-areas/{worker.pk}/",
        {"township": towns[0].pk, "post": "儿童主任"},
    )
    # then
    assert response.status_code == 302
    assert WorkArea.objects.get(user=worker).township == towns[0]
    assert AuditEvent.objects.filter(action="work_area_set", actor=sysadmin).exists()
    worker = User.objects.get(pk=worker.pk)
    assert [e.person.full_name for e in ledger_visible_to(worker)] == ["甲镇儿童"]
    page = client_for(worker).get("/prevention/ledger/").content.decode()
    assert "甲镇儿童" in page and "乙镇儿童" not in page
    # when the area is removed the worker sees nothing again
    sysadmin_client.post(f"/prevention/admin/work-areas/{worker.pk}/", {"clear": "1"})
    assert not WorkArea.objects.filter(user=worker).exists()
    assert not ledger_visible_to(User.objects.get(pk=worker.pk)).exists()
    assert LedgerEntry.objects.count() == 2


def test_a_work_area_outside_the_users_district_is_refused(
    sysadmin: User, in_area: Callable[..., User]
) -> None:
    worker = in_area(Role.PREVENTION_WORKER, username="village")
    elsewhere = Township.objects.exclude(division__code=COUNTY).first()
    with pytest.raises(ValidationError) as refused:
        services.work_area_set(actor=sysadmin, user=worker, township=elsewhere)
    assert "township" in refused.value.message_dict
    with pytest.raises(ValidationError) as empty:
        services.work_area_set(actor=sysadmin, user=worker)
    assert "township" in empty.value.message_dict


def test_only_the_reference_administrator_sets_work_areas(
    in_area: Callable[..., User],
    towns: tuple[Township, Township],
    township_head: User,
    client_for: Callable[[User], Client],
) -> None:
    worker = in_area(Role.PREVENTION_WORKER, username="village")
    with pytest.raises(DomainError) as refused:
        services.work_area_set(actor=township_head, user=worker, township=towns[0])
    assert refused.value.code == ActorError.MISSING_PERMISSION
    client = client_for(township_head)
    assert client.get("/prevention/admin/work-areas/").status_code == 403
    assert (
        client.post(
            f"/prevention/admin/work-areas/{worker.pk}/", {"township": towns[0].pk}
        ).status_code
        == 403
    )
    assert client.get("/prevention/admin/schools/").status_code == 403
    assert not WorkArea.objects.filter(user=worker).exists()


def test_the_reference_pages_speak_chinese(
    sysadmin_client: Client,
    sysadmin: User,
    towns: tuple[Township, Township],
    in_area: Callable[..., User],
) -> None:
    from homeward.testing.language import assert_no_english

    worker = in_area(Role.PREVENTION_WORKER, username="village", full_name="马春梅")
    school = services.school_save(
        actor=sysadmin, name="石柱县南宾中学", division=towns[0].division, township=towns[0]
    )
    for url in (
        "/reference/",
        "/victims/admin/institutions/",
        "/victims/admin/institutions/new/",
        "/prevention/admin/schools/",
        "/prevention/admin/schools/new/",
        f"/prevention/admin/schools/{school.pk}/",
        "/prevention/admin/work-areas/",
        f"/prevention/admin/work-areas/{worker.pk}/",
    ):
        response = sysadmin_client.get(url)
        assert response.status_code == 200, url
        assert_no_english(response.content.decode(), allowed=("village",), where=url)
