"""The client address behind the TLS proxy: the forwarding header is believed only
from a trusted proxy (issue 17 defect 11)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from homeward.core.client_ip import client_address
from homeward.core.models import Division
from homeward.tips.models import Tip

PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None) -> object:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_the_proxy_header_names_the_client_only_from_a_trusted_proxy() -> None:
    assert client_address(_request(PROXY, "203.0.113.7")) == "203.0.113.7"  # type: ignore[arg-type]
    # a client's forged entries on the left are ignored: the proxy appended the real one
    assert client_address(_request(PROXY, "1.2.3.4, 203.0.113.7")) == "203.0.113.7"  # type: ignore[arg-type]
    # from anywhere else the header is not believed
    assert client_address(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"  # type: ignore[arg-type]
    # a malformed header is not believed either
    assert client_address(_request(PROXY, "not-an-address")) == PROXY  # type: ignore[arg-type]
    assert client_address(_request(PROXY)) == PROXY  # type: ignore[arg-type]


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address(_request(PROXY, "203.0.113.7")) == PROXY  # type: ignore[arg-type]


def _report(client: Client, remote: str, forwarded: str) -> int:
    page = client.get("/public/report/")
    key = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', page.content)
    assert key is not None
    response = client.post(
        "/public/report/",
        {
            "category": "other",
            "narrative": "车站附近有可疑人员带着一名哭闹的儿童。",
            "division": Division.objects.get(code="500103").pk,
            "idempotency_key": key.group(1).decode(),
        },
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return response.status_code


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_behind_the_proxy_each_citizen_has_their_own_throttle_bucket() -> None:
    cache.clear()
    client = Client()
    statuses = [_report(client, PROXY, "203.0.113.7") for _ in range(11)]
    assert statuses[-1] == 429
    # another citizen behind the same proxy is not throttled by the first one's reports
    assert _report(Client(), PROXY, "198.51.100.20") == 200
    assert Tip.objects.count() == 11


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_forged_header_from_outside_the_proxy_does_not_escape_the_throttle() -> None:
    cache.clear()
    client = Client()
    statuses = [_report(client, "198.51.100.9", f"203.0.113.{n}") for n in range(11)]
    assert statuses[-1] == 429


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_the_audit_trail_records_the_client_not_the_proxy(owner: object) -> None:
    from homeward.core.models import AuditEvent
    from homeward.testing.factories import TEST_PASSWORD

    response = Client().post(
        "/login/",
        {"username": "owner", "password": TEST_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="login").source_ip == "203.0.113.7"
