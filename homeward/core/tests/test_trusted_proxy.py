"""The client's address behind the reverse proxy (deploy/nginx): X-Real-IP is believed
only from a trusted proxy, so throttles count per client and nobody picks their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from homeward.core.middleware import TrustedProxyMiddleware


def _seen_address(settings: Any, remote: str, stated: str | None) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.META["REMOTE_ADDR"])
        return HttpResponse()

    headers = {"HTTP_X_REAL_IP": stated} if stated is not None else {}
    TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))
    return seen[0]


def test_the_trusted_proxy_states_the_clients_address(settings: Any) -> None:
    settings.HOMEWARD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert _seen_address(settings, "127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert _seen_address(settings, "127.0.0.1", "2001:db8::1") == "2001:db8::1"


def test_a_client_cannot_state_its_own_address(settings: Any) -> None:
    settings.HOMEWARD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert _seen_address(settings, "198.51.100.4", "203.0.113.9") == "198.51.100.4"


def test_a_malformed_or_missing_header_leaves_the_proxy_address(settings: Any) -> None:
    settings.HOMEWARD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert _seen_address(settings, "127.0.0.1", "not-an-ip, 1.2.3.4") == "127.0.0.1"
    assert _seen_address(settings, "127.0.0.1", None) == "127.0.0.1"


def test_without_trusted_proxies_the_header_is_never_read(settings: Any) -> None:
    settings.HOMEWARD_TRUSTED_PROXIES = []
    assert _seen_address(settings, "127.0.0.1", "203.0.113.9") == "127.0.0.1"
