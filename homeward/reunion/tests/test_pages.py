"""Reunion pages with the test client: who sees what, the ranked list in Chinese, the
actions as confirmed POSTs, the public registration and status page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from homeward.core.models import AuditEvent, Division, User
from homeward.reunion.models import Candidate, SearchRegistration
from homeward.reunion.services import search_register, search_verify
from homeward.reunion.tests.conftest import FAMILY_FIELDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
) -> Candidate:
    with django_capture_on_commit_callbacks(execute=True):
        search_verify(actor=owner, search=self_search, version=self_search.version)
        search_verify(actor=owner, search=public_search, version=public_search.version)
    return Candidate.objects.get(search=public_search)


def test_police_see_the_ranked_list_with_band_and_chinese_reasons(
    owner: User, ranked: Candidate, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    page = client.get(f"/reunion/{ranked.search_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert page.status_code == 200
    assert "很可能" in body  # the "likely" band
    assert "小名相同" in body and "同一部位有同类体表特征" in body
    listed = AuditEvent.objects.filter(action="list", object_id=f"search:{ranked.search_id}")
    assert listed.get().detail == {"purpose": "reunion_candidate_review", "ids": [ranked.pk]}


def test_every_view_of_a_candidate_is_audited_with_its_purpose(
    owner: User, ranked: Candidate, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    assert client.get(f"/reunion/candidates/{ranked.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="read", object_type="reunion.candidate")
    assert event.object_id == str(ranked.pk)
    assert event.detail["purpose"] == "reunion_candidate_review"


def test_another_districts_police_get_404_everywhere(
    outsider: User, ranked: Candidate, client_for: Callable[[User], Client]
) -> None:
    client = client_for(outsider)
    for url in (
        f"/reunion/{ranked.search_id}/",
        f"/reunion/candidates/{ranked.pk}/",
        f"/reunion/found/{ranked.found_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/reunion/candidates/{ranked.pk}/action/",
            {"action": "not_same", "note": "x", "confirm": "on"},
        ).status_code
        == 404
    )
    # Not even the search's tracking code is listed (a bare "XQ" also matches CSRF tokens).
    assert ranked.search.tracking_code not in client.get("/reunion/").content.decode()
    ranked.refresh_from_db()
    assert ranked.state == Candidate.State.OPEN
    assert AuditEvent.objects.filter(actor=outsider, outcome="denied").count() >= 3


def test_civil_affairs_see_only_the_state_of_searches_they_registered(
    caseworker: User,
    ranked: Candidate,
    yuzhong: Division,
    client_for: Callable[[User], Client],
) -> None:
    own = search_register(actor=caseworker, kind="family", division=yuzhong, **FAMILY_FIELDS)
    client = client_for(caseworker)
    listing = client.get("/reunion/").content.decode()
    assert own.tracking_code in listing and ranked.search.tracking_code not in listing
    page = client.get(f"/reunion/{own.pk}/")
    assert page.status_code == 200
    assert "13800000000" not in page.content.decode()
    assert client.get(f"/reunion/{ranked.search_id}/").status_code == 404
    assert client.get(f"/reunion/candidates/{ranked.pk}/").status_code == 403
    assert client.get("/reunion/found/").status_code == 403


def test_an_action_needs_the_confirmation_box(
    owner: User, ranked: Candidate, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    url = f"/reunion/candidates/{ranked.pk}/action/"
    client.post(url, {"action": "not_same", "note": "照片不符"})
    ranked.refresh_from_db()
    assert ranked.state == Candidate.State.OPEN
    client.post(url, {"action": "not_same", "note": "照片不符", "confirm": "on"})
    ranked.refresh_from_db()
    assert ranked.state == Candidate.State.NOT_SAME


def test_the_public_registers_and_sees_only_its_own_state(
    owner: User,
    yuzhong: Division,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    form = client.get("/public/reunion/")
    assert form.status_code == 200
    data = {k: v for k, v in FAMILY_FIELDS.items()}
    data.update(
        division=yuzhong.pk,
        idempotency_key="abc123",
        birth_calendar="solar",
        age_kind="full",
    )
    with django_capture_on_commit_callbacks(execute=True):
        search_verify(actor=owner, search=self_search, version=self_search.version)
        received = client.post("/public/reunion/", data)
    assert received.status_code == 200
    search = SearchRegistration.objects.get(channel="public")
    body = received.content.decode()
    assert search.tracking_code in body
    secret = body.split('data-testid="secret">')[1].split("<")[0]
    with django_capture_on_commit_callbacks(execute=True):
        search_verify(actor=owner, search=search, version=search.version)
    assert Candidate.objects.filter(search=search).exists()
    status = client.post(
        "/public/reunion/status/", {"tracking_code": search.tracking_code, "secret": secret}
    )
    text = status.content.decode()
    assert status.status_code == 200 and 'data-testid="family-stage"' in text
    for canary in ("陈志远", "福建", "莆田", "很可能", "likely", "/reunion/candidates/"):
        assert canary not in text
    wrong = client.post(
        "/public/reunion/status/", {"tracking_code": search.tracking_code, "secret": "WRONG"}
    )
    assert 'data-testid="family-stage"' not in wrong.content.decode()


def test_a_bad_public_value_is_refused_with_its_field_and_nothing_stored(yuzhong: Division) -> None:
    data = {**FAMILY_FIELDS, "missing_date": "1998-13", "division": yuzhong.pk}
    data.update(idempotency_key="k1", birth_calendar="solar", age_kind="full")
    response = Client().post("/public/reunion/", data)
    assert response.status_code == 400
    assert not SearchRegistration.objects.exists()
