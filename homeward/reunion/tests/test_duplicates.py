"""Duplicate suggestions (可能重复登记): the same child registered twice, the same person
found twice — suggested to the police on the record's page, never merged; "不是重复"
is remembered; another district's record is named by its district only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from homeward.core.models import AuditEvent, Division, User
from homeward.reunion.models import DuplicateDismissal, FoundPerson, SearchRegistration
from homeward.reunion.services import found_person_register, search_register
from homeward.reunion.tests.conftest import FAMILY_FIELDS, unknown_victim

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# The father registered the same boy at a police station eight years later; he gives
# the name, a month of loss and the marks in his own words.
FATHER_FIELDS: dict[str, Any] = {
    **FAMILY_FIELDS,
    "nickname": "",
    "birth_date": "1994",
    "missing_date": "1998-05-20",
    "marks": "左肩有胎记",
    "mother_name": "",
    "contact_name": "王建国",
    "contact_phone": "13900000000",
    "report_date": date(2006, 9, 1),
}


def _family(owner: User, yuzhong: Division, **fields: Any) -> SearchRegistration:
    return search_register(actor=owner, kind="family", division=yuzhong, **fields)


def test_the_same_child_registered_twice_is_suggested_with_reasons(
    owner: User,
    public_search: SearchRegistration,
    yuzhong: Division,
    client_for: Callable[[User], Client],
) -> None:
    father = _family(owner, yuzhong, **FATHER_FIELDS)
    # another family's child: a girl lost elsewhere, never suggested
    _family(owner, yuzhong, name="刘小红", sex="female", birth_date="2010", missing_date="2015-02")
    page = client_for(owner).get(f"/reunion/{public_search.pk}/", **ZH)
    body = page.content.decode()
    assert page.status_code == 200 and "可能重复登记" in body
    boxes = body.split('data-testid="duplicate"')[1:]
    assert len(boxes) == 1
    assert father.tracking_code in boxes[0] and "同名" in boxes[0] and "走失时间相同" in boxes[0]
    # suggestions only: both registrations are still there, unchanged
    assert SearchRegistration.objects.filter(status="submitted").count() == 3
    # and the father's page suggests the mother's registration the same way
    other = client_for(owner).get(f"/reunion/{father.pk}/", **ZH).content.decode()
    assert public_search.tracking_code in other.split('data-testid="duplicate"')[1]


def test_another_districts_registration_is_named_by_its_district_only(
    owner: User,
    outsider: User,
    public_search: SearchRegistration,
    client_for: Callable[[User], Client],
) -> None:
    wanzhou = Division.objects.get(code="500101")
    theirs = search_register(actor=outsider, kind="family", division=wanzhou, **FATHER_FIELDS)
    body = client_for(owner).get(f"/reunion/{public_search.pk}/", **ZH).content.decode()
    box = body.split('data-testid="duplicate"')[1]
    assert "万州区" in box and "另一区县" in box
    assert theirs.tracking_code not in body and "13900000000" not in body
    assert f"/reunion/{theirs.pk}/" not in box


def test_not_a_duplicate_is_remembered_and_needs_the_box(
    owner: User,
    outsider: User,
    public_search: SearchRegistration,
    yuzhong: Division,
    client_for: Callable[[User], Client],
) -> None:
    father = _family(owner, yuzhong, **FATHER_FIELDS)
    client = client_for(owner)
    url = f"/reunion/{public_search.pk}/not-duplicate/"
    # without the box: nothing is stored
    client.post(url, {"other": father.pk, "note": "不同家庭"})
    assert not DuplicateDismissal.objects.exists()
    # another district's police cannot dismiss it
    assert client_for(outsider).post(url, {"other": father.pk, "confirm": "on"}).status_code == 404
    assert not DuplicateDismissal.objects.exists()
    answer = client.post(url, {"other": father.pk, "note": "两家不同，已电话核实", "confirm": "on"})
    assert answer.status_code == 302
    row = DuplicateDismissal.objects.get()
    assert (row.search_low_id, row.search_high_id) == tuple(sorted((public_search.pk, father.pk)))
    assert AuditEvent.objects.filter(action="reunion_duplicate_dismiss", actor=owner).count() == 1
    # sent twice: still one
    client.post(url, {"other": father.pk, "confirm": "on"})
    assert DuplicateDismissal.objects.count() == 1
    # never suggested again, on either page
    for pk in (public_search.pk, father.pk):
        body = client.get(f"/reunion/{pk}/", **ZH).content.decode()
        assert 'data-testid="duplicate"' not in body
    assert SearchRegistration.objects.filter(pk=father.pk, status="submitted").exists()


def test_the_same_person_found_twice_is_suggested_and_can_be_dismissed(
    owner: User,
    person_factory: Any,
    yuzhong: Division,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # the rescue station and the police each entered the boy as a victim of unknown identity
    details = {
        "name_remembered": "小宝",
        "est_age_low": 5,
        "est_age_high": 7,
        "age_method": "dental",
        "marks": "右耳前小孔",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = found_person_register(
            actor=owner,
            source="victim",
            source_id=unknown_victim(owner, person_factory, yuzhong).pk,
            **details,
        )
        second = found_person_register(
            actor=owner,
            source="victim",
            source_id=unknown_victim(owner, person_factory, yuzhong).pk,
            **details,
        )
    client = client_for(owner)
    body = client.get(f"/reunion/found/{first.pk}/", **ZH).content.decode()
    box = body.split('data-testid="duplicate"')[1]
    assert f"/reunion/found/{second.pk}/" in box
    assert "依据：" in box and "小名相同" in box and "有共同体表特征" in box
    client.post(f"/reunion/found/{first.pk}/not-duplicate/", {"other": second.pk, "confirm": "on"})
    assert DuplicateDismissal.objects.filter(found_low=first, found_high=second).exists()
    body = client.get(f"/reunion/found/{second.pk}/", **ZH).content.decode()
    assert 'data-testid="duplicate"' not in body
    assert FoundPerson.objects.filter(status="open").count() == 2  # never merged
