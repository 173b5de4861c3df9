"""Account administration pages: the system administrator creates accounts and sets
roles; the security administrator lifts lockouts and resets authenticators."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.models import Agency, AuditEvent, RoleAssignment, RoleRequest, SignInLink, User
from homeward.core.roles import Role
from homeward.testing.factories import TEST_PASSWORD
from homeward.testing.otp import step_up

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


@pytest.fixture
def unit_head(make_user: Callable[..., User]) -> User:
    """The head of 万州区民政局, who hands sign-in links to its staff."""
    return make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER],
        agency_code="500101-civil_affairs",
        username="head.wanzhou",
        leader_post="head",
    )


def _create_account(client: Client, roles: list[str]) -> object:
    agency = Agency.objects.get(code="500101-civil_affairs")
    return client.post(
        "/users/new/",
        {"username": "wang.fang", "full_name": "王芳", "agency": agency.pk, "roles": roles},
    )


def test_the_system_administrator_creates_an_account_without_roles_or_a_usable_password(
    sysadmin: User, unit_head: User, client_for: Callable[[User], Client]
) -> None:
    # given a system administrator past two-factor sign-in
    client = _verified_client(sysadmin, client_for)
    # when they create a caseworker's account
    response = _create_account(client, ["civil_affairs_caseworker"])
    # then they are shown no password and no link, and the account has no usable
    # password they could sign in with, and no role until a security admin approves
    assert response.status_code == 200
    assert b'class="secret"' not in response.content
    assert b"/account/set-password/" not in response.content
    user = User.objects.get(username="wang.fang")
    assert not user.has_usable_password() and user.role_codes == frozenset()
    request = RoleRequest.objects.get(user=user)
    assert request.status == "pending" and request.roles == ["civil_affairs_caseworker"]
    link = SignInLink.objects.get(user=user)
    assert link.holder == unit_head and link.issued_by == sysadmin
    assert AuditEvent.objects.filter(action="user_create", actor=sysadmin).exists()


def test_the_unit_head_hands_over_the_link_once_and_the_user_sets_their_password(
    sysadmin: User, unit_head: User, client_for: Callable[[User], Client]
) -> None:
    _create_account(_verified_client(sysadmin, client_for), ["civil_affairs_caseworker"])
    link = SignInLink.objects.get(user__username="wang.fang")
    # another member of staff cannot open the head's envelope
    other = client_for(
        User.objects.create_user(
            "other.staff", TEST_PASSWORD, full_name="x", agency=unit_head.agency
        )
    )
    assert b"wang.fang" not in other.get("/account/handover/").content
    assert other.post(f"/account/handover/{link.pk}/open/").status_code == 302
    # the head opens it once
    head = client_for(unit_head)
    assert b"wang.fang" in head.get("/account/handover/").content
    opened = head.post(f"/account/handover/{link.pk}/open/")
    url = re.search(
        rb'<p class="secret">https?://[^/]+(/account/set-password/[^<]+)</p>', opened.content
    )
    assert url is not None
    assert b"/account/set-password/" not in head.post(f"/account/handover/{link.pk}/open/").content
    # the user sets their own password with it
    new_password = "Lan-Hua-Zhou-7419"
    done = Client().post(
        url.group(1).decode(), {"password1": new_password, "password2": new_password}
    )
    assert done.status_code == 302
    user = User.objects.get(username="wang.fang")
    assert user.check_password(new_password)
    assert (
        Client().post("/login/", {"username": "wang.fang", "password": new_password}).status_code
        == 302
    )
    # and the link does not work a second time
    assert Client().get(url.group(1).decode()).status_code == 404


def test_a_sign_in_link_expires(
    sysadmin: User, unit_head: User, client_for: Callable[[User], Client]
) -> None:
    _create_account(_verified_client(sysadmin, client_for), [])
    link = SignInLink.objects.get(user__username="wang.fang")
    opened = client_for(unit_head).post(f"/account/handover/{link.pk}/open/")
    url = re.search(rb"(/account/set-password/[^<]+)</p>", opened.content)
    assert url is not None
    with time_machine.travel(timezone.now() + settings.SIGNIN_LINK_LIFETIME + timedelta(minutes=1)):
        assert Client().get(url.group(1).decode()).status_code == 404


def test_without_a_unit_head_no_account_is_created(
    sysadmin: User, client_for: Callable[[User], Client]
) -> None:
    response = _create_account(_verified_client(sysadmin, client_for), [])
    assert response.status_code == 200 and b'class="errorlist"' in response.content
    assert not User.objects.filter(username="wang.fang").exists()


def test_a_password_reset_reaches_the_unit_head_never_the_administrator(
    sysadmin: User, client_for: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    head = make_user(roles=[Role.INVESTIGATOR], username="head.yuzhong", leader_post="head")
    worker = make_user(roles=[Role.INVESTIGATOR], username="worker")
    worker_client = client_for(worker)
    response = _verified_client(sysadmin, client_for).post(f"/users/{worker.pk}/password/")
    assert response.status_code == 200
    assert b'class="secret"' not in response.content
    assert b"/account/set-password/" not in response.content
    worker.refresh_from_db()
    # the old password stops working, the sessions end, the link waits for the head
    assert not worker.has_usable_password()
    assert worker_client.get("/").status_code == 302
    assert SignInLink.objects.get(user=worker, purpose="reset").holder == head


def test_roles_take_effect_only_when_the_security_administrator_approves(
    sysadmin: User,
    secadmin: User,
    owner: User,
    client_for: Callable[[User], Client],
) -> None:
    system = _verified_client(sysadmin, client_for)
    assert step_up(system, sysadmin).status_code == 302
    assert (
        system.post(
            f"/users/{owner.pk}/", {"roles": ["investigator", "alert_commander"]}
        ).status_code
        == 302
    )
    assert owner.role_codes == {"investigator"}
    request = RoleRequest.objects.get(user=owner, status="pending")
    # the system administrator cannot approve their own request
    assert (
        system.post(f"/security/role-requests/{request.pk}/", {"decision": "approve"}).status_code
        == 403
    )
    security = _verified_client(secadmin, client_for)
    assert step_up(security, secadmin).status_code == 302
    assert b"alert_commander" not in security.get("/security/").content  # labels, not codes
    assert (
        security.post(f"/security/role-requests/{request.pk}/", {"decision": "approve"}).status_code
        == 302
    )
    del owner._role_codes
    assert owner.role_codes == {"investigator", "alert_commander"}
    assert RoleAssignment.objects.get(user=owner, role="alert_commander").granted_by == secadmin


def test_taking_roles_away_needs_no_approval(
    sysadmin: User, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = _verified_client(sysadmin, client_for)
    assert step_up(client, sysadmin).status_code == 302
    response = client.post(f"/users/{owner.pk}/", {"roles": []})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert owner.role_codes == frozenset()
    assert not RoleRequest.objects.exists()


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


def test_the_system_administrator_disables_an_account(
    sysadmin: User, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = _verified_client(sysadmin, client_for)
    owner_client = client_for(owner)
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
    assert step_up(client, secadmin).status_code == 302
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


def test_a_password_reset_keeps_the_second_factor(
    sysadmin: User, client_for: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    head = make_user(roles=[Role.INVESTIGATOR], username="head.yuzhong", leader_post="head")
    worker = make_user(roles=[Role.INVESTIGATOR], username="worker")
    TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    _verified_client(sysadmin, client_for).post(f"/users/{worker.pk}/password/")
    link = SignInLink.objects.get(user=worker)
    opened = client_for(head).post(f"/account/handover/{link.pk}/open/")
    url = re.search(rb"(/account/set-password/[^<]+)</p>", opened.content)
    assert url is not None
    new_password = "Lan-Hua-Zhou-7419"
    Client().post(url.group(1).decode(), {"password1": new_password, "password2": new_password})
    # (ASVS 6.4.3) the authenticator stays, and the code page comes after the password
    assert TOTPDevice.objects.filter(user=worker, confirmed=True).exists()
    response = Client().post("/login/", {"username": "worker", "password": new_password})
    assert response.status_code == 302 and "/account/otp/" in response["Location"]
