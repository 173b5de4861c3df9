"""Correction pages: the police correct a search or a found person (version checked,
field errors in Chinese beside the field, matched again after commit); another
district's police get 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from homeward.core.models import AuditEvent, User
from homeward.reunion.models import Candidate, FoundPerson, SearchRegistration
from homeward.reunion.services import search_verify

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


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


def _form_data(page: Any) -> dict[str, Any]:
    """What the browser would send back: the form's initial values."""
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else field.prepare_value(value)
    return data


def _field_box(body: str, name: str) -> str:
    """The HTML of the form field box that holds the input ``name``."""
    return next(box for box in body.split('<div class="field') if f'name="{name}"' in box)


def test_police_correct_a_search_and_it_is_matched_again(
    owner: User,
    ranked: Candidate,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(owner)
    search = ranked.search
    url = f"/reunion/{search.pk}/edit/"
    page = client.get(url, **ZH)
    assert page.status_code == 200
    assert "左肩膀有块胎记" in page.content.decode()  # the current values are filled in
    data = _form_data(page)
    # the family remembers now that the birthmark is on the right shoulder
    data["marks"] = "右肩膀有块胎记"
    before = ranked.contributions
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, data, **ZH)
    assert saved.status_code == 302 and saved["Location"] == f"/reunion/{search.pk}/"
    search.refresh_from_db()
    assert search.marks == "右肩膀有块胎记" and search.version == 3
    event = AuditEvent.objects.get(action="reunion_search_update", object_id=str(search.pk))
    assert event.detail == {"fields": ["marks"]}
    # matched again after the commit: the mark is no longer at the same place
    ranked.refresh_from_db()
    marks = {c["field"]: c["level"] for c in ranked.contributions}.get("marks")
    assert marks != "same_place" and ranked.contributions != before
    # a second save of the old page is a conflict, said in Chinese
    stale = client.post(url, {**data, "marks": "别的"}, **ZH)
    assert stale.status_code == 400
    assert "已被他人修改" in stale.content.decode()
    search.refresh_from_db()
    assert search.marks == "右肩膀有块胎记"


def test_a_bad_search_value_is_shown_beside_its_field_in_chinese(
    owner: User, ranked: Candidate, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    url = f"/reunion/{ranked.search_id}/edit/"
    data = _form_data(client.get(url, **ZH))
    page = client.post(url, {**data, "missing_date": "1998-13"}, **ZH)
    body = page.content.decode()
    assert page.status_code == 400
    assert "无法识别此日期" in _field_box(body, "missing_date")
    ranked.search.refresh_from_db()
    assert ranked.search.missing_date == "1998-05" and ranked.search.version == 2


def test_police_correct_a_found_person_and_every_search_is_matched_again(
    owner: User,
    ranked: Candidate,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(owner)
    found = ranked.found
    url = f"/reunion/found/{found.pk}/edit/"
    page = client.get(url, **ZH)
    assert page.status_code == 200
    data = _form_data(page)
    assert data["found_province"] == "福建"
    # one bad input: the upper age below the lower one
    bad = client.post(url, {**data, "est_age_low": "34", "est_age_high": "30"}, **ZH)
    field = _field_box(bad.content.decode(), "est_age_high")
    assert bad.status_code == 400 and "年龄上限小于下限" in field
    # the doctor's second X-ray narrows the age
    runs = AuditEvent.objects.filter(action="reunion_match", object_id=str(ranked.search_id))
    before = runs.count()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {**data, "est_age_low": "31", "est_age_high": "33"}, **ZH)
    assert saved.status_code == 302
    found.refresh_from_db()
    assert (found.est_age_low, found.est_age_high, found.version) == (31, 33, 2)
    # every verified search was ranked again after the commit
    assert runs.count() == before + 1
    assert AuditEvent.objects.filter(action="reunion_found_update", object_id=str(found.pk))


def test_another_districts_police_cannot_open_or_send_the_corrections(
    outsider: User,
    caseworker: User,
    ranked: Candidate,
    client_for: Callable[[User], Client],
) -> None:
    search_url = f"/reunion/{ranked.search_id}/edit/"
    found_url = f"/reunion/found/{ranked.found_id}/edit/"
    client = client_for(outsider)
    assert client.get(search_url).status_code == 404
    assert client.get(found_url).status_code == 404
    assert client.post(search_url, {"version": 2, "sex": "female"}).status_code == 404
    assert client.post(found_url, {"version": 1, "accent": "x"}).status_code == 404
    # civil affairs do not correct searches (they see only the state)
    assert client_for(caseworker).get(search_url).status_code == 403
    ranked.search.refresh_from_db()
    assert ranked.search.sex == "male" and ranked.search.version == 2
    assert FoundPerson.objects.get(pk=ranked.found_id).accent == "福建口音"
