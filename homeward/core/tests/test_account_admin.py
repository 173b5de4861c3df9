"""Account administration pages: the system administrator creates accounts and sets
roles; the security administrator lifts lockouts and resets authenticators."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.models import Agency, AuditEvent, User
from homeward.core.roles import Role
from homeward.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _verified_client(user: User, client_for: Callable[[User], Client]) -> Client:
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client = client_for(user)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert client.post("/account/otp/", {"otp_token": f"{code:06d}"}).status_code == 302
    return client


@pytest.fixture
def sysadmin(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data", username="sys1")


@pytest.fixture
def secadmin(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.SECURITY_ADMIN], agency_code="cq-big_data", username="sec1")


def test_the_system_administrator_creates_an_account_with_a_one_time_password(
    sysadmin: User, client_for: Callable[[User], Client]
) -> None:
    client = _verified_client(sysadmin, client_for)
    agency = Agency.objects.get(code="500101-civil_affairs")
    response = client.post(
        "/users/new/",
        {
            "username": "wang.fang",
            "full_name": "王芳",
            "agency": agency.pk,
            "roles": ["civil_affairs_caseworker"],
        },
    )
    assert response.status_code == 200
    password = re.search(rb'<p class="secret">([^<]+)</p>', response.content)
    assert password is not None
    user = User.objects.get(username="wang.fang")
    assert user.role_codes == {"civil_affairs_caseworker"}
    assert AuditEvent.objects.filter(action="user_create", actor=sysadmin).exists()
    # The first sign-in leads straight to the password change.
    new = Client()
    new.post("/login/", {"username": "wang.fang", "password": password.group(1).decode()})
    assert new.get("/")["Location"] == "/account/password/change/"


def test_the_form_refuses_two_administrator_roles_with_a_field_error(
    sysadmin: User, client_for: Callable[[User], Client]
) -> None:
    client = _verified_client(sysadmin, client_for)
    agency = Agency.objects.get(code="cq-big_data")
    response = client.post(
        "/users/new/",
        {
            "username": "two.hats",
            "full_name": "x",
            "agency": agency.pk,
            "roles": ["auditor", "security_admin"],
        },
    )
    assert response.status_code == 200
    assert b'class="errorlist"' in response.content
    assert not User.objects.filter(username="two.hats").exists()


def test_the_system_administrator_changes_roles_and_disables_an_account(
    sysadmin: User, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = _verified_client(sysadmin, client_for)
    owner_client = client_for(owner)
    assert (
        client.post(
            f"/users/{owner.pk}/", {"roles": ["investigator", "alert_commander"]}
        ).status_code
        == 302
    )
    assert owner.role_codes == {"investigator", "alert_commander"}
    assert client.post(f"/users/{owner.pk}/active/").status_code == 302
    owner.refresh_from_db()
    assert not owner.is_active
    assert owner_client.get("/").status_code == 302


def test_the_system_administrator_cannot_change_their_own_roles(
    sysadmin: User, client_for: Callable[[User], Client]
) -> None:
    client = _verified_client(sysadmin, client_for)
    response = client.post(f"/users/{sysadmin.pk}/", {"roles": ["system_admin", "analyst"]})
    assert response.status_code == 200
    assert sysadmin.role_codes == {"system_admin"}
    assert AuditEvent.objects.filter(action="role_change", outcome="denied").exists()


def test_the_security_administrator_lifts_a_lockout_and_resets_an_authenticator(
    secadmin: User, owner: User, client_for: Callable[[User], Client]
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/login/", {"username": "owner", "password": "wrong-Password-1!"})
    assert (
        Client().post("/login/", {"username": "owner", "password": TEST_PASSWORD}).status_code
        == 429
    )
    client = _verified_client(secadmin, client_for)
    page = client.get("/security/")
    assert b"owner" in page.content
    assert client.post("/security/", {"username": "owner"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="owner").exists()
    assert (
        Client().post("/login/", {"username": "owner", "password": TEST_PASSWORD}).status_code
        == 302
    )
    TOTPDevice.objects.create(user=owner, name="old phone", confirmed=True)
    assert client.post(f"/security/otp/{owner.pk}/reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert {"lockout_cleared", "otp_reset"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_administration_pages_are_closed_to_other_roles(
    owner: User, secadmin: User, sysadmin: User, client_for: Callable[[User], Client]
) -> None:
    investigator = client_for(owner)
    for path in ("/users/", "/users/new/", f"/users/{owner.pk}/", "/security/"):
        assert investigator.get(path).status_code == 403
    assert _verified_client(secadmin, client_for).get("/users/").status_code == 403
    assert _verified_client(sysadmin, client_for).get("/security/").status_code == 403
