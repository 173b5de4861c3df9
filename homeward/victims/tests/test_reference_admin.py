"""The system administrator sets up the institutions victims are placed in (issue 13):
through the pages, audited, each bad field named; nobody else may."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import Agency, AuditEvent, Division, User
from homeward.core.roles import Role
from homeward.testing.fixtures import signed_in_with_otp
from homeward.victims import services
from homeward.victims.models import Institution, Placement

pytestmark = pytest.mark.django_db

YUZHONG = "500103"


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "渝中区未成年人救助保护中心",
        "kind": Institution.Kind.MINORS_PROTECTION,
        "division": Division.objects.get(code=YUZHONG).pk,
        "operating_agency": Agency.objects.get(code=f"{YUZHONG}-civil_affairs").pk,
        "capacity": 12,
    }
    data.update(overrides)
    return data


def test_the_system_administrator_creates_and_changes_an_institution(
    sysadmin: User, sysadmin_client: Client
) -> None:
    # when
    response = sysadmin_client.post("/victims/admin/institutions/new/", _form())
    # then
    assert response.status_code == 302
    institution = Institution.objects.get(name="渝中区未成年人救助保护中心")
    assert institution.capacity == 12
    assert institution.operating_agency.code == f"{YUZHONG}-civil_affairs"
    event = AuditEvent.objects.get(action="institution_save", actor=sysadmin)
    assert event.detail["created"] is True
    listing = sysadmin_client.get("/victims/admin/institutions/")
    assert "渝中区未成年人救助保护中心" in listing.content.decode()
    assert "0 / 12" in listing.content.decode()
    # when: the capacity changes
    response = sysadmin_client.post(
        f"/victims/admin/institutions/{institution.pk}/", _form(capacity=20)
    )
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.capacity == 20
    assert AuditEvent.objects.filter(action="institution_save").count() == 2


def test_a_running_unit_of_another_district_is_a_field_error(sysadmin_client: Client) -> None:
    wanzhou_unit = Agency.objects.get(code="500101-civil_affairs")
    response = sysadmin_client.post(
        "/victims/admin/institutions/new/", _form(operating_agency=wanzhou_unit.pk)
    )
    assert response.status_code == 200
    assert "运营单位必须是机构所在区县的单位或市级单位" in response.content.decode()
    assert not Institution.objects.exists()


def test_the_capacity_cannot_fall_below_the_people_staying(
    sysadmin: User, make_user: Callable[..., User]
) -> None:
    # given an institution of one place with one victim staying
    institution = services.institution_save(
        actor=sysadmin,
        name="渝中区救助管理站",
        kind=Institution.Kind.RESCUE_MANAGEMENT,
        division=Division.objects.get(code=YUZHONG),
        operating_agency=Agency.objects.get(code=f"{YUZHONG}-civil_affairs"),
        capacity=2,
    )
    from homeward.victims.tests.test_victims import _rescued_child

    police = make_user(roles=[Role.INVESTIGATOR], username="police")
    victims = [_rescued_child(police), _rescued_child(police)]
    for victim in victims:
        Placement.objects.create(
            victim=victim,
            institution=institution,
            proposed_by=police,
            status=Placement.Status.ACTIVE,
        )
    # when / then
    with pytest.raises(ValidationError) as refused:
        services.institution_save(
            actor=sysadmin,
            institution=institution,
            name=institution.name,
            kind=institution.kind,
            division=institution.division,
            operating_agency=institution.operating_agency,
            capacity=1,
        )
    assert "capacity" in refused.value.message_dict


def test_only_the_reference_administrator_saves_an_institution(
    make_user: Callable[..., User],
) -> None:
    caseworker = make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code=f"{YUZHONG}-civil_affairs"
    )
    with pytest.raises(DomainError) as refused:
        services.institution_save(
            actor=caseworker,
            name="自设的机构",
            kind=Institution.Kind.CHILD_WELFARE,
            division=Division.objects.get(code=YUZHONG),
            operating_agency=caseworker.agency,
            capacity=5,
        )
    assert refused.value.code == ActorError.MISSING_PERMISSION
    client = Client()
    client.force_login(caseworker)
    assert client.get("/victims/admin/institutions/").status_code == 403
    assert client.post("/victims/admin/institutions/new/", _form()).status_code == 403


def test_a_district_administrator_cannot_touch_another_districts_institution(
    sysadmin: User, make_user: Callable[..., User]
) -> None:
    institution = services.institution_save(
        actor=sysadmin,
        name="万州区儿童福利院",
        kind=Institution.Kind.CHILD_WELFARE,
        division=Division.objects.get(code="500101"),
        operating_agency=Agency.objects.get(code="500101-civil_affairs"),
        capacity=30,
    )
    district_admin = make_user(
        roles=[Role.SYSTEM_ADMIN], agency_code=f"{YUZHONG}-civil_affairs", username="yz.admin"
    )
    client = signed_in_with_otp(district_admin)
    assert client.get(f"/victims/admin/institutions/{institution.pk}/").status_code == 404
    assert "万州区儿童福利院" not in client.get("/victims/admin/institutions/").content.decode()
    with pytest.raises(DomainError) as refused:
        services.institution_save(
            actor=district_admin,
            institution=institution,
            name=institution.name,
            kind=institution.kind,
            division=institution.division,
            operating_agency=institution.operating_agency,
            capacity=1,
        )
    assert refused.value.code == ActorError.OUT_OF_AREA
