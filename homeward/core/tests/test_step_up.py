"""AUTH-08 step-up re-authentication (password and a fresh code within STEP_UP_WINDOW)
before changing role assignments or someone's authenticator, and before reading DNA
loci — refused by the services themselves, whatever page or caller reaches them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, RoleRequest, User
from homeward.core.roles import Role
from homeward.core.services.accounts import otp_reset, role_request_decide, user_set_roles
from homeward.core.stepup import stepped_up
from homeward.testing.otp import step_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data", username="sys1")


@pytest.fixture
def secadmin(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.SECURITY_ADMIN], agency_code="cq-big_data", username="sec1")


def test_a_role_change_needs_a_step_up_that_lasts_five_minutes(
    sysadmin: User, owner: User, client_for: Callable[[User], Client]
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(sysadmin)  # signed in with password and code, no step-up
        refused = client.post(f"/users/{owner.pk}/", {"roles": []})
        assert refused.status_code == 302 and "/account/reauthenticate/" in refused["Location"]
        assert f"next=%2Fusers%2F{owner.pk}%2F" in refused["Location"]
        assert owner.role_codes == {"investigator"}
        assert step_up(client, sysadmin).status_code == 302
        assert AuditEvent.objects.filter(action="reauthenticated", actor=sysadmin).exists()
        assert client.post(f"/users/{owner.pk}/", {"roles": []}).status_code == 302
        assert User.objects.get(pk=owner.pk).role_codes == frozenset()
        # After the window the next change asks again.
        traveller.shift(settings.STEP_UP_WINDOW + timedelta(minutes=1))
        again = client.post(f"/users/{owner.pk}/", {"roles": ["investigator"]})
        assert again.status_code == 302 and "/account/reauthenticate/" in again["Location"]
        assert not RoleRequest.objects.filter(user=owner).exists()


def test_a_wrong_password_or_code_gives_no_step_up(
    sysadmin: User, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(sysadmin)
    wrong = client.post(
        "/account/reauthenticate/", {"password": "wrong-Password-9!", "otp_token": "123456"}
    )
    assert wrong.status_code == 200
    refused = client.post(f"/users/{owner.pk}/", {"roles": []})
    assert "/account/reauthenticate/" in refused["Location"]
    assert owner.role_codes == {"investigator"}


def test_approving_roles_and_resetting_an_authenticator_need_the_step_up(
    sysadmin: User, secadmin: User, owner: User, client_for: Callable[[User], Client]
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with stepped_up():
        request = user_set_roles(
            actor=sysadmin, user=owner, roles=[Role.INVESTIGATOR, Role.ALERT_COMMANDER]
        )
    assert request is not None
    client = client_for(secadmin)
    TOTPDevice.objects.create(user=owner, name="old phone", confirmed=True)
    for path, data in (
        (f"/security/role-requests/{request.pk}/", {"decision": "approve"}),
        (f"/security/otp/{owner.pk}/reset/", {}),
    ):
        refused = client.post(path, data)
        assert refused.status_code == 302 and "/account/reauthenticate/" in refused["Location"]
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.PENDING
    assert TOTPDevice.objects.filter(user=owner, name="old phone").exists()
    assert step_up(client, secadmin).status_code == 302
    approved = client.post(f"/security/role-requests/{request.pk}/", {"decision": "approve"})
    assert approved.status_code == 302 and "/account/reauthenticate/" not in approved["Location"]
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.APPROVED
    assert client.post(f"/security/otp/{owner.pk}/reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=owner).exists()


def test_the_services_refuse_without_a_step_up_whoever_calls_them(
    sysadmin: User, secadmin: User, owner: User
) -> None:
    """Outside a request (a command, another module) nothing has stepped up."""
    with pytest.raises(DomainError) as refused:
        user_set_roles(actor=sysadmin, user=owner, roles=[Role.INVESTIGATOR, Role.ANALYST])
    assert (refused.value.code, refused.value.status) == ("reauth_required", 403)
    assert not RoleRequest.objects.exists()
    with stepped_up():
        request = user_set_roles(
            actor=sysadmin, user=owner, roles=[Role.INVESTIGATOR, Role.ALERT_COMMANDER]
        )
    assert request is not None
    with pytest.raises(DomainError) as refused:
        role_request_decide(actor=secadmin, request=request, approve=True)
    assert refused.value.code == "reauth_required"
    with pytest.raises(DomainError) as refused:
        otp_reset(actor=secadmin, user=owner)
    assert refused.value.code == "reauth_required"
    assert User.objects.get(pk=owner.pk).role_codes == {"investigator"}
