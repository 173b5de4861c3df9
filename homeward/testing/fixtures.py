"""Persona users: owner, colleague (same agency), outsider (another district),
auditor, and a user without any role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from homeward.core.models import User
from homeward.core.roles import Role
from homeward.testing.factories import TEST_PASSWORD, PersonFactory, UserFactory, agency
from homeward.testing.otp import totp_code, totp_device_for


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(
        *,
        roles: list[str] | None = None,
        agency_code: str = "500103-public_security",
        **kwargs: object,
    ) -> User:
        user: User = UserFactory(roles=roles or [], agency=agency(agency_code), **kwargs)
        return user

    return make


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    """An investigator at 渝中区公安局."""
    return make_user(roles=[Role.INVESTIGATOR], username="owner")


@pytest.fixture
def colleague(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.INVESTIGATOR], username="colleague")


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    """An investigator at 万州区公安局: another district."""
    return make_user(
        roles=[Role.INVESTIGATOR], agency_code="500101-public_security", username="outsider"
    )


@pytest.fixture
def municipal_investigator(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.INVESTIGATOR], agency_code="cq-public_security", username="city")


@pytest.fixture
def auditor(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.AUDITOR], agency_code="cq-big_data", username="auditor1")


@pytest.fixture
def no_role_user(make_user: Callable[..., User]) -> User:
    return make_user(roles=[], username="nobody")


@pytest.fixture
def person_factory(db: None) -> type[PersonFactory]:
    return PersonFactory


def signed_in(user: User) -> Client:
    """A client signed in as ``user`` through the real sign-in form and, where the
    account needs one (every member of staff, AUTH-05), the second-factor page with
    the code of the user's authenticator (enrolled now if they have none)."""
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": TEST_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {user.username} failed: {response.status_code}")
    if "/account/otp/" in response["Location"]:
        code = totp_code(totp_device_for(user))
        verified = client.post("/account/otp/", {"otp_token": code})
        if verified.status_code != 302:
            raise RuntimeError(f"second factor for {user.username} failed")
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return signed_in


@pytest.fixture(scope="session", autouse=True)
def _close_stray_test_connections(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Before the test database is dropped, end connections that other processes of
    the suite (the Celery worker, the live server thread) may have left open."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def signed_in_with_otp(user: User) -> Client:
    """A client signed in as ``user`` who has passed the second factor (the roles of
    TWO_FACTOR_ROLES: the three administrators, DNA analysts)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = signed_in(user)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post("/account/otp/", {"otp_token": f"{code:06d}"})
    if response.status_code != 302:
        raise RuntimeError(f"second factor for {user.username} failed: {response.status_code}")
    return client


@pytest.fixture
def sysadmin(make_user: Callable[..., User]) -> User:
    """The municipal system administrator (reference data, accounts)."""
    return make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data", username="sysadmin")


@pytest.fixture
def sysadmin_client(sysadmin: User) -> Client:
    return signed_in_with_otp(sysadmin)
