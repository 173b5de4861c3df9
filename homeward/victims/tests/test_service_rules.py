"""Rules the victims services enforce themselves, one test per rule (issue 13): whoever
calls them — a page, a command, a task — is held to the same rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role
from homeward.victims import services
from homeward.victims.models import FollowUp, LegalAidApplication, Victim, VictimStatus
from homeward.victims.services import VictimError
from homeward.victims.tests.test_victims import YUZHONG, _rescued_child, people  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(people: dict[str, User]) -> Victim:  # noqa: F811
    return _rescued_child(people["police"])


@pytest.fixture
def follow_up(victim: Victim) -> FollowUp:
    return FollowUp.objects.create(
        victim=victim, due_on=timezone.localdate() - timedelta(days=1), overdue=True
    )


# --- follow_up_record ----------------------------------------------------------------------


def test_follow_up_record_is_the_receiving_units_visit_recorded_once(
    people: dict[str, User],  # noqa: F811
    follow_up: FollowUp,
) -> None:
    today = timezone.localdate()
    # another district's civil affairs may not record it
    with pytest.raises(DomainError) as refused:
        services.follow_up_record(
            actor=people["other_district"], follow_up=follow_up, done_on=today, notes="走访"
        )
    assert refused.value.code == ActorError.NOT_YOUR_UNIT
    # a visit in the future or without notes is a field error
    with pytest.raises(ValidationError) as invalid:
        services.follow_up_record(
            actor=people["caseworker"],
            follow_up=follow_up,
            done_on=today + timedelta(days=1),
            notes=" ",
        )
    assert set(invalid.value.message_dict) == {"done_on", "notes"}
    # the receiving unit records it, the overdue flag clears
    services.follow_up_record(
        actor=people["caseworker"], follow_up=follow_up, done_on=today, notes="孩子适应良好"
    )
    follow_up.refresh_from_db()
    assert follow_up.done_on == today and not follow_up.overdue
    assert follow_up.visitor == people["caseworker"]
    assert AuditEvent.objects.filter(action="follow_up_record").count() == 1
    # and only once
    with pytest.raises(DomainError) as again:
        services.follow_up_record(
            actor=people["caseworker"], follow_up=follow_up, done_on=today, notes="再次"
        )
    assert again.value.code == VictimError.BAD_STEP


def test_follow_up_record_needs_the_role_that_manages_victims(
    people: dict[str, User],  # noqa: F811
    follow_up: FollowUp,
) -> None:
    with pytest.raises(DomainError) as refused:
        services.follow_up_record(
            actor=people["doctor"], follow_up=follow_up, done_on=timezone.localdate(), notes="x"
        )
    assert refused.value.code == ActorError.MISSING_PERMISSION


# --- plan_review_add -----------------------------------------------------------------------


def test_plan_review_add_is_for_the_victims_district_and_an_open_file(
    people: dict[str, User],  # noqa: F811
    victim: Victim,
) -> None:
    today = timezone.localdate()
    with pytest.raises(DomainError) as outside:
        services.plan_review_add(
            actor=people["other_district"],
            victim=victim,
            reviewed_on=today,
            notes="评估",
            next_review_on=None,
        )
    assert outside.value.code == ActorError.OUT_OF_AREA
    with pytest.raises(DomainError) as no_role:
        services.plan_review_add(
            actor=people["hr"], victim=victim, reviewed_on=today, notes="评估", next_review_on=None
        )
    assert no_role.value.code == ActorError.MISSING_PERMISSION
    with pytest.raises(ValidationError) as empty:
        services.plan_review_add(
            actor=people["caseworker"],
            victim=victim,
            reviewed_on=today,
            notes="",
            next_review_on=None,
        )
    assert "notes" in empty.value.message_dict
    review = services.plan_review_add(
        actor=people["caseworker"],
        victim=victim,
        reviewed_on=today,
        notes="心理状况稳定",
        next_review_on=today + timedelta(days=30),
    )
    assert review.reviewer == people["caseworker"]
    # a closed file takes no more reviews
    Victim.objects.filter(pk=victim.pk).update(status=VictimStatus.CLOSED)
    victim.refresh_from_db()
    with pytest.raises(DomainError) as closed:
        services.plan_review_add(
            actor=people["caseworker"],
            victim=victim,
            reviewed_on=today,
            notes="再评估",
            next_review_on=None,
        )
    assert closed.value.code == VictimError.CLOSED


# --- legal_aid_close -------------------------------------------------------------------------


def test_legal_aid_close_only_after_a_lawyer_and_by_the_districts_office(
    people: dict[str, User],  # noqa: F811
    victim: Victim,
    make_user: Callable[..., User],
) -> None:
    lawyer = people["lawyer"]
    application = services.legal_aid_apply(
        actor=people["caseworker"], victim=victim, matter="申请民事赔偿"
    )
    # not before review and assignment (the green channel's transition map)
    with pytest.raises(DomainError) as too_early:
        services.legal_aid_close(actor=lawyer, application=application, outcome="结案")
    assert too_early.value.code == VictimError.BAD_STEP
    services.legal_aid_review(actor=lawyer, application=application, accept=True)
    services.legal_aid_assign(actor=lawyer, application=application, lawyer=lawyer)
    # another district's legal-aid office may not close it
    other_office = make_user(
        roles=[Role.LEGAL_AID_OFFICER], agency_code="500101-justice", username="wz.lawyer"
    )
    with pytest.raises(DomainError) as not_ours:
        services.legal_aid_close(actor=other_office, application=application, outcome="结案")
    assert not_ours.value.code == ActorError.NOT_YOUR_UNIT
    # the outcome is required
    with pytest.raises(ValidationError) as no_outcome:
        services.legal_aid_close(actor=lawyer, application=application, outcome=" ")
    assert "outcome" in no_outcome.value.message_dict
    application.refresh_from_db()
    closed = services.legal_aid_close(
        actor=lawyer, application=application, outcome="调解成功，获赔 3 万元"
    )
    assert closed.status == LegalAidApplication.Status.CLOSED and closed.closed_at is not None
    with pytest.raises(DomainError) as twice:
        services.legal_aid_close(actor=lawyer, application=closed, outcome="再次结案")
    assert twice.value.code == VictimError.BAD_STEP
    assert YUZHONG in application.justice_agency.code
