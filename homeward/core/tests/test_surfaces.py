"""Surfaces: portal home per role, places, API and OpenAPI, health probes, headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django.utils import translation

from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role
from homeward.testing.headers import assert_hardened

pytestmark = pytest.mark.django_db


def test_the_home_page_is_chinese_and_the_38_districts_have_their_own_page(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "渝中区公安局" in html
    with translation.override("zh-hans"):
        assert (
            translation.gettext("Chongqing's 38 districts and counties and their agencies") in html
        )
    places = client.get("/places/").content.decode()
    assert places.count('data-code="5002') + places.count('data-code="5001') == 38


def test_the_home_page_speaks_english_when_asked(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "38 districts and counties" in html
    assert "Yuzhong District" in html


@pytest.mark.parametrize("role", [r for r in Role])
def test_every_role_gets_a_home_page(
    role: Role, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    police = role in {Role.INVESTIGATOR, Role.ALERT_COMMANDER, Role.DNA_ANALYST}
    agency = "cq-public_security" if police else "cq-big_data"
    user = make_user(roles=[role], agency_code=agency)
    client = client_for(user)
    if role in {Role.DNA_ANALYST, Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        from django_otp.oath import totp

        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        assert client.post("/account/otp/", {"otp_token": f"{code:06d}"}).status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    assert str(role.label) in response.content.decode() or role.value in response.content.decode()


def test_the_system_administrator_cannot_read_the_audit_trail_or_people(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = make_user(roles=[Role.SYSTEM_ADMIN], agency_code="cq-big_data")
    device = TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
    client = client_for(admin)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/account/otp/", {"otp_token": f"{code:06d}"})
    assert client.get("/users/").status_code == 200
    assert client.get("/audit/").status_code == 403
    assert client.get("/people/").status_code == 403


def test_the_auditor_reads_the_trail_and_the_search_is_audited(
    auditor: User, client_for: Callable[[User], Client]
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=auditor, name="t", confirmed=True)
    client = client_for(auditor)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/account/otp/", {"otp_token": f"{code:06d}"})
    response = client.get("/audit/", {"action": "login"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="search", actor=auditor).exists()
    assert client.get("/people/").status_code == 403


def test_division_and_agency_pages(owner: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(owner)
    detail = client.get("/places/500240/").content.decode()
    assert "石柱土家族自治县公安局" in detail
    assert "is-highlighted" in detail
    assert client.get("/places/999999/").status_code == 404
    rows = client.get(
        "/agencies/", {"division": "500101", "kind": "civil_affairs"}, HTTP_HX_REQUEST="true"
    )
    assert "万州区民政局" in rows.content.decode()
    assert "<html" not in rows.content.decode()


def test_the_api_describes_itself_and_answers(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Homeward API"
    assert "/api/v1/divisions" in schema["paths"]
    me = client.get("/api/v1/me").json()
    assert me["roles"] == ["investigator"] and me["division_code"] == "500103"
    assert len(client.get("/api/v1/divisions").json()) == 38
    detail = client.get("/api/v1/divisions/500101", {"geometry": "true"}).json()
    assert detail["boundary"]["type"] == "MultiPolygon"
    assert any(a["name_zh"] == "万州区公安局" for a in detail["agencies"])
    assert client.get("/api/v1/agencies", {"limit": 0}).status_code == 422
    assert client.get("/api/v1/divisions/000000").status_code == 404


def test_the_openapi_document_is_not_public() -> None:
    assert Client().get("/api/v1/openapi.json").status_code == 401


def test_health_probes() -> None:
    assert Client().get("/healthz").json() == {"status": "ok"}
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert set(ready.json()["checks"]) == {"database", "cache", "broker", "disk", "clock"}


def test_readiness_fails_with_component_names_only_when_the_broker_is_down() -> None:
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"] is False
    # Component names and booleans only: no address, URL, version or error text.
    assert set(body) == {"status", "checks"} and body["status"] == "unavailable"
    assert set(body["checks"]) == {"database", "cache", "broker", "disk", "clock"}
    assert all(isinstance(value, bool) for value in body["checks"].values())
    assert "redis" not in response.content.decode()


def test_readiness_fails_on_clock_skew(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from homeward.core.views import health

    monkeypatch.setattr(health, "database_now", lambda: timezone.now() + timedelta(seconds=5))
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["clock"] is False


def test_security_headers_on_every_kind_of_page(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    # The case page and the public alert page are checked by their modules' tests
    # (cases/tests/test_timeline_and_pages.py, alerts/tests/test_public.py).
    nonces = set()
    staff = client_for(owner)
    for client, path in (
        (Client(), "/login/"),
        (Client(), "/public/"),
        (Client(), "/public/report/"),
        (staff, "/"),
        (staff, "/cases/"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        nonces.add(assert_hardened(response))
    assert len(nonces) == 5  # a fresh nonce per response


def test_the_public_site_works_without_signing_in() -> None:
    response = Client().get("/public/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="tel:110"' in html
    assert 'name="viewport"' in html
    assert Client().get("/public/missing-child/").status_code == 200


def test_list_pages_use_a_fixed_number_of_queries(
    owner: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    from homeward.testing.factories import PersonFactory

    client = client_for(owner)
    PersonFactory.create_batch(5)
    # The home page reads each module's work figures: one aggregate per module, however
    # many records there are.
    client.get("/")
    # (+1 since every member of staff passes the second factor: django-otp reads the
    # session's verified device once a request)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        assert client.get("/").status_code == 200
    for path in ("/places/", "/people/", "/agencies/"):
        client.get(path)  # warm caches (map, permissions)
        with django_assert_max_num_queries(15):  # type: ignore[operator]
            assert client.get(path).status_code == 200
    PersonFactory.create_batch(20)
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        assert client.get("/people/").status_code == 200


def test_an_english_browser_still_gets_chinese_until_the_user_switches() -> None:
    response = Client().get("/public/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/public/"})
    assert '<html lang="en">' in client.get("/public/").content.decode()
