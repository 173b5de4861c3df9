"""Optimistic locking (a stale version is a 409) in the service and the JSON API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from homeward.cases.models import Case, CaseStatus
from homeward.cases.services import case_change_status, case_update
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_a_stale_version_is_a_conflict_in_the_service(case: Case, owner: User) -> None:
    # given: two officers read version 1; the first saves
    case_update(actor=owner, case=case, version=1, priority=Case.Priority.HIGH)
    # when: the second saves with what they read
    with pytest.raises(DomainError) as error:
        case_update(actor=owner, case=case, version=1, title="另一个标题")
    # then
    assert (error.value.code, error.value.status) == ("version_conflict", 409)
    case.refresh_from_db()
    assert (case.priority, case.title, case.version) == ("high", "解放碑儿童失踪案", 2)


def test_a_stale_version_is_a_conflict_for_a_status_change(case: Case, owner: User) -> None:
    case_change_status(actor=owner, case=case, version=1, to_status=CaseStatus.INVESTIGATING)
    with pytest.raises(DomainError) as error:
        case_change_status(actor=owner, case=case, version=1, to_status=CaseStatus.SOLVED)
    assert error.value.status == 409
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING


def test_editing_the_crimes_keeps_them_a_validated_set(case: Case, owner: User) -> None:
    case_update(actor=owner, case=case, version=1, crimes=["art241", "art240"])
    assert sorted(case.crimes.values_list("crime", flat=True)) == ["art240", "art241"]
    with pytest.raises(DomainError) as error:
        case_update(actor=owner, case=case, version=2, crimes=["bogus"])
    assert error.value.code == "unknown_crime"
    assert case.events.filter(kind="updated").count() == 1


def test_the_api_reads_a_case_with_its_version(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["version"], body["crimes"]) == (case.number, 1, ["art240"])
    assert body["leader_username"] == "yuzhong.head"
    assert AuditEvent.objects.filter(action="read", actor=owner, object_id=str(case.pk)).exists()


def test_the_api_patches_with_the_version_and_answers_409_when_stale(
    case: Case, owner: User, colleague: User, client_for: Callable[[User], Client]
) -> None:
    # given
    url = f"/api/v1/cases/{case.pk}"
    first, second = client_for(owner), client_for(colleague)
    # when
    saved = first.patch(url, {"version": 1, "priority": "highest"}, content_type="application/json")
    stale = second.patch(url, {"version": 1, "title": "覆盖"}, content_type="application/json")
    # then
    assert saved.status_code == 200
    assert saved.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    case.refresh_from_db()
    assert (case.priority, case.title) == ("highest", "解放碑儿童失踪案")


def test_the_api_moves_the_status_and_refuses_forbidden_moves_with_their_code(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    url = f"/api/v1/cases/{case.pk}"
    closing = client.patch(url, {"version": 1, "status": "closed"}, content_type="application/json")
    assert closing.status_code == 400
    assert closing.json()["code"] == "unsolved_cannot_close"
    moved = client.patch(
        url,
        {"version": 1, "status": "investigating", "priority": "high"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["version"]) == ("investigating", 3)


def test_the_api_list_is_scoped_and_filtered(
    open_case: Callable[..., Case],
    owner: User,
    outsider: User,
    municipal_investigator: User,
    client_for: Callable[[User], Client],
) -> None:
    normal = open_case()
    urgent = open_case(priority="highest")

    def ids(user: User, **params: str) -> list[int]:
        return [row["id"] for row in client_for(user).get("/api/v1/cases/", params).json()]

    assert sorted(ids(owner)) == sorted([normal.pk, urgent.pk])
    assert ids(owner, priority="highest") == [urgent.pk]
    assert sorted(ids(municipal_investigator)) == sorted([normal.pk, urgent.pk])
    assert ids(outsider) == []
    assert client_for(owner).get("/api/v1/cases/", {"status": "lost"}).status_code == 422


def test_a_patch_needs_something_to_change(
    case: Case, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).patch(
        f"/api/v1/cases/{case.pk}", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "nothing_to_change"


def test_server_set_keys_in_a_patch_are_ignored_and_the_row_keeps_its_values(
    case: Case, owner: User, outsider: User, client_for: Callable[[User], Client]
) -> None:
    """AC-05: the API's input schema lists what a client may write; ownership, district,
    number, version and any role or label a client sends change nothing."""
    # given: what the server set when the case was opened
    before = Case.objects.values(
        "division_id", "owning_agency_id", "number", "opened_by_id", "status"
    ).get(pk=case.pk)
    # when: a PATCH carries server-set keys next to one writable field
    response = client_for(owner).patch(
        f"/api/v1/cases/{case.pk}",
        {
            "version": 1,
            "priority": "high",
            "division_id": outsider.agency.division_id,
            "division_code": "500101",
            "owning_agency_id": outsider.agency_id,
            "owning_agency_code": outsider.agency.code,
            "opened_by_id": outsider.pk,
            "owner": outsider.pk,
            "number": "FORGED-0001",
            "is_staff": True,
            "security_label": "NONE",
            "id": case.pk + 1000,
        },
        content_type="application/json",
    )
    # then: the writable field changed, nothing server-set did (the database row)
    assert response.status_code == 200, response.content
    after = Case.objects.values(
        "division_id", "owning_agency_id", "number", "opened_by_id", "status"
    ).get(pk=case.pk)
    assert after == before
    case.refresh_from_db()
    assert (case.priority, case.version) == ("high", 2)
    owner.refresh_from_db()
    assert owner.is_staff is False
    assert not Case.objects.filter(number="FORGED-0001").exists()
