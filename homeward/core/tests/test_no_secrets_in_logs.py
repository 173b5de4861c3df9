"""AUD-05: no secret or sensitive value in the application's logs or the audit trail,
and log lines cannot be forged.

Sign-in (failed, then successful), a second factor, an anonymous clue, reading a person
with an ID number: every log record of every logger (captured at DEBUG, formatted by
the platform's formatter) and every audit event are searched for the canaries — the
password, a wrong password, the OTP secret and code, the session key, the ID number,
the reporter's secret and the clue's narrative."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.logging import SafeFormatter
from homeward.core.models import AuditEvent, User
from homeward.testing.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "500101201801010011"
WRONG_PASSWORD = "Canary-Wrong-Pass-71!"  # noqa: S105
NARRATIVE = "有人在车站出价出售一名男婴，身份证号码500101201801010011，形迹可疑。"


def _formatted(records: list[logging.LogRecord]) -> list[str]:
    formatter = SafeFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    # The formatter escapes the exception text with the message.
    return [formatter.format(record) for record in records]


def test_no_secret_reaches_a_log_line_or_the_audit_trail(
    caplog: pytest.LogCaptureFixture, make_user: Callable[..., User], settings: object
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    caplog.set_level(logging.DEBUG)
    dna_user = make_user(roles=["dna_analyst"], agency_code="cq-public_security", username="dnau")
    make_user(roles=["investigator"], username="owner")
    person = PersonFactory(id_number=ID_NUMBER)
    canaries = {TEST_PASSWORD, WRONG_PASSWORD, ID_NUMBER}

    # a failed sign-in with a forged line in the username, then a good one
    client = Client()
    client.post("/login/", {"username": "evil\r\nFAKE LOGIN OK", "password": WRONG_PASSWORD})
    client.post("/login/", {"username": "owner", "password": WRONG_PASSWORD})
    client.post("/login/", {"username": "owner", "password": TEST_PASSWORD})
    canaries.add(client.session.session_key or "no-session")
    assert client.get(f"/people/{person.pk}/").status_code == 200

    # a second factor
    otp_client = Client()
    otp_client.post("/login/", {"username": "dnau", "password": TEST_PASSWORD})
    device = TOTPDevice.objects.create(user=dna_user, name="t", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    otp_client.post("/account/otp/", {"otp_token": code})
    canaries |= {device.key, code, otp_client.session.session_key or "no-session"}

    # an anonymous clue
    response = Client().post(
        "/api/v1/tips/",
        {"category": "child_selling", "narrative": NARRATIVE, "division_code": "500103"},
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201
    canaries |= {response.json()["secret"], NARRATIVE}

    lines = _formatted(caplog.records)
    assert lines, "the actions above log something"
    for canary in canaries:
        assert not [line for line in lines if canary in line], canary
    trail = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    for canary in canaries:
        assert canary not in trail, canary
    # a value with a line break cannot forge a log line
    assert not [line for line in lines if "\n" in line or "\r" in line]
    forged = logging.LogRecord("x", logging.WARNING, __file__, 1, "user %s", ("a\r\nFAKE",), None)
    assert "a\\r\\nFAKE" in SafeFormatter("%(message)s").format(forged)
