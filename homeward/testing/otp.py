"""Second-factor helpers for tests: every member of staff signs in with a TOTP code
(AUTH-05), so tests that sign in compute it the way an authenticator app does."""

from __future__ import annotations

from typing import Any

from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.models import User


def totp_device_for(user: User) -> TOTPDevice:
    """A confirmed authenticator of the user whose current code is still unused,
    enrolled now if they have none. (A code is accepted once: a test that signs the
    same user in twice within one 30-second step gets a second authenticator.)"""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.last_t < _current_step(device):
            return device
    return TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def _current_step(device: TOTPDevice) -> int:
    return int(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t())


def totp_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def browser_sign_in(page: Any, base_url: str, user: User, password: str) -> None:
    """Sign in through the real pages in a Playwright ``page``: password, then the
    code from the user's authenticator (enrolled now if needed)."""
    device = totp_device_for(user)
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/account/otp/**")
    page.fill("input[name=otp_token]", totp_code(device))
    # (the page's other form is the sign-out button)
    page.click("form:has(input[name=otp_token]) button[type=submit]")
    page.wait_for_url(lambda url: "/account/otp/" not in url)


def force_verified_login(client: Any, user: User) -> None:
    """``client.force_login`` with the second factor passed, for tests that cannot post
    the sign-in form (a client that enforces CSRF checks)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
    session.save()


def step_up(client: Any, user: User) -> Any:
    """Pass the step-up page (AUTH-08) in ``client`` with the password and a code not
    used yet; returns the response (a redirect when accepted)."""
    from homeward.testing.factories import TEST_PASSWORD

    code = totp_code(totp_device_for(user))
    return client.post("/account/reauthenticate/", {"password": TEST_PASSWORD, "otp_token": code})
