"""Deny by default (SECURITY.md AC-01): walk every URL pattern."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from homeward.core.models import User

pytestmark = pytest.mark.django_db

PUBLIC_NAMES = {
    "core:login",
    "core:healthz",
    "core:readyz",
    "core:signin_link",
    "set_language",
    "api:tip_create",
    "api:tip_status",
    "api:public_alerts",
    "api:public_alert",
    "api:public_sighting",
    "api:public_subscribe",
    "api:public_unsubscribe",
}
PUBLIC_NAMESPACES = {"public", "public_tips", "public_alerts", "public_reunion"}
# A route that names a record answers 404 (or 410, ended) for an id that does not exist.
ABSENT_RECORD = "00000000-0000-4000-8000-000000000000"
# A route that takes a one-time token answers 404 for a token that does not exist.
TOKEN_NAMES = {"core:signin_link"}
ACCOUNT_NAMES = {
    "core:handover_list",
    "core:handover_open",
    "core:logout",
    "core:otp_verify",
    "core:otp_setup",
    "core:password_change",
    "core:reauthenticate",
}


@dataclass(frozen=True)
class Route:
    path: str
    name: str
    callback: Callable[..., Any]

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def is_public(self) -> bool:
        return self.name in PUBLIC_NAMES or self.name.split(":")[0] in PUBLIC_NAMESPACES


def _concrete(pattern: str) -> str:
    path = re.sub(r"<int:\w+>", "1", pattern)
    path = re.sub(r"<uuid(?:str)?:\w+>", ABSENT_RECORD, path)
    path = re.sub(r"<(?:str:|slug:)?\w+>", "500103", path)
    return "/" + path.replace("^", "").replace("$", "")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(_concrete(prefix + str(entry.pattern)), name, entry.callback)


ROUTES = sorted(
    {r.path: r for r in _walk(get_resolver().url_patterns)}.values(), key=lambda r: r.path
)
PROTECTED = [r for r in ROUTES if not r.is_public]


def test_the_walk_finds_the_routes_that_matter() -> None:
    paths = {r.path for r in ROUTES}
    assert {"/", "/login/", "/places/", "/people/", "/api/v1/me", "/api/v1/openapi.json"} <= paths


@pytest.mark.parametrize("route", [r for r in PROTECTED if not r.is_api], ids=lambda r: r.path)
def test_every_staff_view_declares_its_permission(route: Route) -> None:
    declared = getattr(route.callback, "homeward_permissions", None) or getattr(
        route.callback, "homeward_account_view", False
    )
    assert declared, f"{route.path} ({route.name}) has no permission declaration"


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.path)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_are_refused(route: Route, method: str) -> None:
    response = getattr(Client(), method)(route.path)
    if route.is_api:
        assert response.status_code == 401, response.content
    else:
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "route", [r for r in PROTECTED if r.name not in ACCOUNT_NAMES], ids=lambda r: r.path
)
def test_a_user_without_roles_is_forbidden(
    route: Route, no_role_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(no_role_user)
    response = client.get(route.path)
    if response.status_code == 405:
        # An operation that does not answer GET: try it with the methods it allows.
        method = response["Allow"].split(",")[0].strip()
        response = client.generic(method, route.path)
    # 404 is the API root, which exists only to anchor the API's paths.
    expected = {403, 404} if route.name == "api:api-root" else {403}
    assert response.status_code in expected, (route.path, response.status_code)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.is_public], ids=lambda r: r.path)
def test_public_routes_answer_anonymously(route: Route) -> None:
    response = Client().get(route.path)
    absent = ABSENT_RECORD in route.path or route.name in TOKEN_NAMES
    allowed = {200, 302, 405} | ({404} if absent else set())
    assert response.status_code in allowed, (route.path, response.status_code)
    assert response.status_code != 302 or "/login/" not in response["Location"]


def test_authenticated_responses_are_not_cached(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    for path in ("/", "/places/", "/people/", "/api/v1/me"):
        assert "no-store" in client.get(path)["Cache-Control"], path


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.path)
def test_every_signed_in_response_is_no_store(
    route: Route, owner: User, client_for: Callable[[User], Client]
) -> None:
    """DP-03: whatever a signed-in user gets on any route of the walk (the page, a 403,
    a 404 or a 405) is not stored by the browser or a proxy."""
    response = client_for(owner).get(route.path)
    assert "no-store" in response.get("Cache-Control", ""), (route.path, response.status_code)


def test_there_is_no_django_admin_and_trace_is_refused(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    assert Client().get("/admin/").status_code in {302, 404}
    assert client_for(owner).get("/admin/").status_code == 404
    for client in (Client(), client_for(owner)):
        for path in ("/", "/public/", "/cases/", "/api/v1/me", "/static/nothing.css"):
            for method in ("TRACE", "TRACK"):
                assert client.generic(method, path).status_code == 405, (method, path)
