"""Login security: lockout, 2FA, timeouts, session rotation, expiry (issue 2 §9)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role
from homeward.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _normalized(body: bytes) -> bytes:
    """The page without per-request tokens (CSRF, CSP nonce) and the typed username."""
    body = re.sub(rb'(value|content|nonce)="[^"]*"', rb'\1=""', body)
    return body.replace(b"owner", b"").replace(b"ghost", b"")


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_five_failures_lock_the_username_and_the_correct_password_is_refused(owner: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "owner", "wrong-password-1A!")
    response = _login(client, "owner", TEST_PASSWORD)
    assert response.status_code == 429
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert AccessAttempt.objects.filter(username="owner").exists()


def test_an_unknown_username_gets_the_same_lockout_answer(owner: User) -> None:
    known, unknown = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(known, "owner", "wrong-password-1A!")
        _login(unknown, "ghost", "wrong-password-1A!")
    locked_known = _login(known, "owner", "wrong-password-1A!")
    locked_unknown = _login(unknown, "ghost", "wrong-password-1A!")
    assert locked_known.status_code == locked_unknown.status_code == 429
    assert _normalized(locked_known.content) == _normalized(locked_unknown.content)


def test_wrong_password_and_unknown_user_look_the_same(owner: User) -> None:
    first = _login(Client(), "owner", "wrong-password-1A!")
    second = _login(Client(), "ghost", "wrong-password-1A!")
    assert first.status_code == second.status_code == 200
    assert b'role="alert"' in first.content
    assert _normalized(first.content) == _normalized(second.content)


def test_the_lock_lifts_after_the_cool_off_period(owner: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "owner", "wrong-password-1A!")
        assert _login(client, "owner", TEST_PASSWORD).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
        assert _login(Client(), "owner", TEST_PASSWORD).status_code == 302


def test_a_lockout_is_audited_as_a_lockout(owner: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "owner", "wrong-password-1A!")
    assert _login(client, "owner", TEST_PASSWORD).status_code == 429
    lockouts = AuditEvent.objects.filter(action="lockout", object_id="owner")
    assert lockouts.exists() and lockouts.first().outcome == "denied"  # type: ignore[union-attr]


def test_the_lock_does_not_slide_with_one_attempt_every_29_minutes(owner: User) -> None:
    # given a username locked by five failures
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "owner", "wrong-password-1A!")
        # when someone keeps trying just inside the cool-off
        traveller.shift(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
        assert _login(client, "owner", "wrong-password-1A!").status_code == 429
        # then the lock still ends one cool-off after the failures that caused it
        traveller.shift(timedelta(minutes=2))
        assert _login(Client(), "owner", TEST_PASSWORD).status_code == 302


def test_a_password_with_one_extra_character_fails(owner: User) -> None:
    assert _login(Client(), "owner", TEST_PASSWORD + "x").status_code == 200


def test_login_issues_a_new_session_id_and_is_audited(owner: User) -> None:
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    assert _login(client, "owner", TEST_PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action="login", actor=owner).exists()


def test_idle_sessions_expire_after_15_minutes(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(owner)
        assert client.get("/").status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT + timedelta(minutes=1))
        response = client.get("/")
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_polling_does_not_keep_an_idle_session_alive(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    # given an officer who opened a page that polls every few seconds and walked away
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(owner)
        assert client.get("/").status_code == 200
        poll = {"HTTP_X_HOMEWARD_POLL": "1", "HTTP_HX_REQUEST": "true"}
        for _ in range(3):
            traveller.shift(timedelta(minutes=5))
            assert client.get("/", **poll).status_code == 200
        # when the idle timeout has passed since the last real request
        traveller.shift(settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=14))
        polled = client.get("/", **poll)
        # then the next poll sends the whole page to the sign-in form, and the session is gone
        assert polled.status_code == 204 and "/login/" in polled["HX-Redirect"]
        response = client.get("/")
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_real_request_renews_the_idle_timer(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(owner)
        for _ in range(4):
            traveller.shift(settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=1))
            assert client.get("/").status_code == 200


def test_every_polling_element_marks_its_requests_as_polling() -> None:
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "homeward"
    polling = []
    for template in root.rglob("templates/**/*.html"):
        for line in template.read_text(encoding="utf-8").splitlines():
            if re.search(r'hx-trigger="[^"]*every ', line):
                polling.append((template.name, "X-Homeward-Poll" in line))
    assert polling and all(marked for _name, marked in polling), polling


def test_active_sessions_end_after_8_hours(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(owner)
        elapsed = timedelta()
        while elapsed < settings.SESSION_ABSOLUTE_TIMEOUT:
            traveller.shift(timedelta(minutes=10))
            elapsed += timedelta(minutes=10)
            response = client.get("/")
            if elapsed <= settings.SESSION_ABSOLUTE_TIMEOUT:
                assert response.status_code == 200, elapsed
        traveller.shift(timedelta(minutes=5))
        response = client.get("/")
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_logout_deletes_the_server_side_session_and_clears_site_data(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    key = client.session.session_key
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/").status_code == 302


def test_deactivating_a_user_ends_all_their_sessions(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    from homeward.core.services.accounts import user_deactivate

    first, second = client_for(owner), client_for(owner)
    user_deactivate(actor=None, user=owner, reason="left the agency")
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 302
    assert AuditEvent.objects.get(action="user_deactivate").detail["sessions_ended"] == 2


def _totp_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def dna_user(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna1")


def test_a_dna_analyst_without_a_device_must_enrol_before_anything_else(dna_user: User) -> None:
    client = Client()
    response = _login(client, "dna1", TEST_PASSWORD)
    assert response.status_code == 302 and "/account/otp/setup/" in response["Location"]
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/me").json()["code"] == "otp_required"


def test_a_dna_analyst_passes_with_a_valid_totp_and_a_code_cannot_be_reused(dna_user: User) -> None:
    device = TOTPDevice.objects.create(user=dna_user, name="phone", confirmed=True)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        response = _login(client, "dna1", TEST_PASSWORD)
        assert "/account/otp/" in response["Location"]
        assert client.get("/").status_code == 302
        code = _totp_now(device)
        assert client.post("/account/otp/", {"otp_token": code}).status_code == 302
        assert client.get("/").status_code == 200
        assert AuditEvent.objects.filter(action="otp_verified").count() == 1
        # A new sign-in within the same time step cannot reuse the code (last_t).
        traveller.shift(timedelta(seconds=1))
        again = Client()
        _login(again, "dna1", TEST_PASSWORD)
        assert again.post("/account/otp/", {"otp_token": code}).status_code == 200
        assert again.get("/").status_code == 302


@pytest.mark.parametrize("role", sorted(Role.values))
def test_every_member_of_staff_must_pass_the_second_factor(
    role: str, make_user: Callable[..., User]
) -> None:
    agency_code = (
        "cq-big_data"
        if role in {"auditor", "security_admin", "system_admin"}
        else ("cq-public_security")
    )
    make_user(roles=[role], agency_code=agency_code, username="staff1")
    client = Client()
    response = _login(client, "staff1", TEST_PASSWORD)
    assert response.status_code == 302 and "/account/otp/setup/" in response["Location"]
    home = client.get("/")
    assert home.status_code == 302 and "/account/otp/" in home["Location"]
    assert client.get("/api/v1/me").json()["code"] == "otp_required"


def test_a_user_with_an_enrolled_authenticator_cannot_skip_the_code_page(
    no_role_user: User,
) -> None:
    TOTPDevice.objects.create(user=no_role_user, name="phone", confirmed=True)
    client = Client()
    response = _login(client, "nobody", TEST_PASSWORD)
    assert "/account/otp/" in response["Location"]
    skipped = client.get("/places/")
    assert skipped.status_code == 302 and "/account/otp/" in skipped["Location"]
    assert client.get("/api/v1/me").json()["code"] == "otp_required"


def test_wrong_totp_codes_count_towards_the_lockout(dna_user: User) -> None:
    TOTPDevice.objects.create(user=dna_user, name="phone", confirmed=True)
    client = Client()
    _login(client, "dna1", TEST_PASSWORD)
    statuses = [
        client.post("/account/otp/", {"otp_token": "000000"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert client.get("/").status_code == 302  # signed out


def test_an_expired_password_forces_a_change(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    User.objects.filter(pk=owner.pk).update(
        password_changed_at=timezone.now() - settings.PASSWORD_MAX_AGE - timedelta(days=1)
    )
    client = client_for(owner)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/password/change/"
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "password_expired"
    new = "Tz4!mWq8-Rp2#vN"
    response = client.post(
        "/account/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="password_changed", actor=owner).exists()


def test_an_expired_account_cannot_sign_in(owner: User) -> None:
    User.objects.filter(pk=owner.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client = Client()
    _login(client, "owner", TEST_PASSWORD)
    assert client.get("/").status_code == 403
    again = Client()
    _login(again, "owner", TEST_PASSWORD)
    api = again.get("/api/v1/me")
    assert (api.status_code, api.json()["code"]) == (403, "account_expired")
