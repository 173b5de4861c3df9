"""Rules the prevention services enforce themselves, one test per rule (issue 13)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import Division, Township, User
from homeward.people.models import Person
from homeward.prevention import services
from homeward.prevention.models import Category, FoundChild, LedgerEntry
from homeward.prevention.services import PreventionError
from homeward.prevention.tests.conftest import COUNTY

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(
    director: User, towns: tuple[Township, Township], child: Callable[..., Person]
) -> LedgerEntry:
    return services.ledger_entry_create(
        actor=director,
        person=child("谭小花"),
        category=Category.LEFT_BEHIND_CHILD,
        township=towns[0],
        responsible_worker=director,
        risk_level="medium",
    )


def test_ledger_entry_update_risk_is_for_the_township_and_the_current_version(
    entry: LedgerEntry, director: User, other_town_worker: User
) -> None:
    with pytest.raises(DomainError) as outside:
        services.ledger_entry_update_risk(
            actor=other_town_worker,
            entry=entry,
            version=entry.version,
            risk_level="high",
            risk_reasons=[],
        )
    assert outside.value.code == ActorError.OUT_OF_AREA
    with pytest.raises(ValidationError):
        services.ledger_entry_update_risk(
            actor=director,
            entry=entry,
            version=entry.version,
            risk_level="extreme",
            risk_reasons=[],
        )
    updated = services.ledger_entry_update_risk(
        actor=director, entry=entry, version=entry.version, risk_level="high", risk_reasons=[]
    )
    assert updated.risk_level == "high"
    # a stale version (someone else changed it meanwhile) is refused
    with pytest.raises(DomainError) as stale:
        services.ledger_entry_update_risk(
            actor=director,
            entry=entry,
            version=entry.version - 1,
            risk_level="low",
            risk_reasons=[],
        )
    assert stale.value.code == PreventionError.VERSION_CONFLICT


def test_ledger_entry_close_needs_a_reason_and_closes_once(
    entry: LedgerEntry, director: User, other_town_worker: User
) -> None:
    with pytest.raises(DomainError) as outside:
        services.ledger_entry_close(actor=other_town_worker, entry=entry, reason="迁出")
    assert outside.value.code == ActorError.OUT_OF_AREA
    with pytest.raises(ValidationError) as no_reason:
        services.ledger_entry_close(actor=director, entry=entry, reason=" ")
    assert "close_reason" in no_reason.value.message_dict
    closed = services.ledger_entry_close(actor=director, entry=entry, reason="父母返乡")
    assert closed.status == LedgerEntry.Status.CLOSED and not closed.overdue
    with pytest.raises(DomainError) as again:
        services.ledger_entry_close(actor=director, entry=closed, reason="再次")
    assert again.value.code == PreventionError.CLOSED
    with pytest.raises(DomainError) as no_risk:
        services.ledger_entry_update_risk(
            actor=director, entry=closed, version=closed.version, risk_level="low", risk_reasons=[]
        )
    assert no_risk.value.code == PreventionError.CLOSED


def test_found_child_set_status_follows_the_transition_map(
    caseworker: User,
    towns: tuple[Township, Township],
    child: Callable[..., Person],
    make_user: Callable[..., User],
) -> None:
    found = services.found_child_record(
        actor=caseworker,
        person=child("无名氏", "male", 3),
        kind=FoundChild.Kind.ABANDONED_INFANT,
        found_at=timezone.now(),
        found_place="西沱镇车站",
        found_by="车站工作人员",
        placement=FoundChild.Placement.values[0],
        institution="石柱县儿童福利院",
        division=Division.objects.get(code=COUNTY),
        township=towns[0],
    )
    # a district caseworker of another county may not move it
    other = make_user(roles=["civil_affairs_caseworker"], agency_code="500101-civil_affairs")
    with pytest.raises(DomainError) as outside:
        services.found_child_set_status(
            actor=other, child=found, status=FoundChild.Status.LONG_TERM
        )
    assert outside.value.code == ActorError.OUT_OF_AREA
    services.found_child_set_status(
        actor=caseworker, child=found, status=FoundChild.Status.LONG_TERM
    )
    services.found_child_set_status(
        actor=caseworker, child=found, status=FoundChild.Status.RETURNED
    )
    # returned is final: no move back into care
    with pytest.raises(DomainError) as final:
        services.found_child_set_status(
            actor=caseworker, child=found, status=FoundChild.Status.LONG_TERM
        )
    assert final.value.code == PreventionError.BAD_STATUS
    with pytest.raises(ValidationError):
        services.found_child_set_status(actor=caseworker, child=found, status="sold")
