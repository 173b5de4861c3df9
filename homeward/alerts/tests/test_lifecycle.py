"""The alert lifecycle: drafting, publication with the homicide-level response, rings that
widen on schedule through tick(), exactly-once delivery, and the end of an alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from homeward.alerts.dispatch import deliveries_dispatch, ring_fanout
from homeward.alerts.models import (
    Alert,
    AlertRing,
    CapMessage,
    Channel,
    CommandNotice,
    Delivery,
    DeliveryStatus,
    RecordedMessage,
)
from homeward.alerts.services import alert_end, alert_publish, alert_update, alerts_expand_due
from homeward.cases.models import Case, CasePriority, CaseSource
from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role
from homeward.core.tick import tick

from .conftest import JIEFANGBEI, place_subscribers

pytestmark = pytest.mark.django_db


def _ring_points() -> list[tuple[float, float]]:
    """Subscribers at known distances north of 解放碑: 10, 90, 150, 250 and 400 km."""
    from homeward.geotarget.tests.test_targeting import _destination

    return [_destination(*JIEFANGBEI, 0, km) for km in (10, 90, 150, 250, 400)]


@pytest.fixture
def publish(committed: Callable[..., object], commander: User) -> Callable[[Alert], Alert]:
    def run(alert: Alert) -> Alert:
        return committed(  # type: ignore[return-value]
            alert_publish, actor=commander, alert=alert, version=alert.version, leader=commander
        )

    return run


def test_an_investigator_drafts_but_only_a_commander_publishes(
    make_draft: Callable[..., Alert], owner: User, commander: User
) -> None:
    alert = make_draft(actor=owner)
    assert alert.status == Alert.Status.DRAFT
    with pytest.raises(DomainError) as refused:
        alert_publish(actor=owner, alert=alert, version=alert.version, leader=commander)
    assert refused.value.code == "missing_permission"
    assert refused.value.status == 403
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT and alert.case is None


def test_only_public_security_drafts_alerts(
    make_user: Callable[..., User], make_draft: Callable[..., Alert]
) -> None:
    caseworker = make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500103-civil_affairs"
    )
    with pytest.raises(DomainError) as refused:
        make_draft(actor=caseworker)
    assert refused.value.code == "not_public_security"
    assert refused.value.status == 403


def test_an_alert_is_for_a_minor(make_draft: Callable[..., Alert]) -> None:
    with pytest.raises(ValidationError) as invalid:
        make_draft(age_years=18)
    assert "age_years" in invalid.value.message_dict


def test_publishing_needs_time_place_description_and_a_photo_or_a_reason(
    make_draft: Callable[..., Alert], commander: User, publish: Callable[[Alert], Alert]
) -> None:
    alert = make_draft(photo=None, last_seen_place="", clothing="", features="")
    with pytest.raises(ValidationError) as invalid:
        publish(alert)
    assert {"last_seen_place", "clothing", "no_photo_reason"} <= set(invalid.value.message_dict)
    alert.refresh_from_db()
    alert = alert_update(
        actor=commander,
        alert=alert,
        version=alert.version,
        last_seen_place="朝天门",
        clothing="黄色T恤",
        no_photo_reason="家属暂无近照",
    )
    assert publish(alert).status == Alert.Status.PUBLISHED


def test_publishing_opens_the_highest_priority_case_and_notifies_the_command_centre(
    make_draft: Callable[..., Alert], commander: User, publish: Callable[[Alert], Alert]
) -> None:
    alert = publish(make_draft(minutes_ago=50))
    case = Case.objects.get(pk=alert.case_id)
    assert case.priority == CasePriority.HIGHEST
    assert case.source == CaseSource.ALERT and case.source_reference == alert.pk
    assert case.task_force.leader == commander
    notice = CommandNotice.objects.get(alert=alert, kind=CommandNotice.Kind.PUBLISHED)
    assert notice.agency.code == "500103-public_security"
    assert AuditEvent.objects.filter(action="alert_publish", object_id=str(alert.pk)).count() == 1
    ring = AlertRing.objects.get(alert=alert)
    assert (ring.stage, ring.radius_km) == (0, 100)
    assert CapMessage.objects.get(alert=alert).msg_type == "Alert"


def test_the_task_force_leader_must_be_a_police_head(
    make_draft: Callable[..., Alert], commander: User, owner: User
) -> None:
    alert = make_draft()
    with pytest.raises(DomainError) as refused:
        alert_publish(actor=commander, alert=alert, version=alert.version, leader=owner)
    assert refused.value.code == "leader_not_qualified"
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT
    assert not AlertRing.objects.exists() and not Case.objects.exists()


def test_a_child_missing_two_and_a_half_hours_starts_at_300_km(
    make_draft: Callable[..., Alert], commander: User, publish: Callable[[Alert], Alert]
) -> None:
    alert = publish(make_draft(minutes_ago=150))
    assert (alert.stage, AlertRing.objects.get(alert=alert).radius_km) == (2, 300)


def test_the_ring_widens_on_schedule_through_tick_and_nobody_is_notified_twice(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    committed: Callable[..., object],
) -> None:
    subscribers = place_subscribers(_ring_points())
    alert = publish(make_draft(minutes_ago=50))
    first = {d.subscriber_id for d in Delivery.objects.filter(alert=alert)}
    assert first == {subscribers[0].pk, subscribers[1].pk}
    assert RecordedMessage.objects.filter(alert=alert).count() == 2

    # Nothing is due at 55 minutes.
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        committed(tick)
    assert AlertRing.objects.filter(alert=alert).count() == 1

    # At one hour the tick sweep widens to 200 km without anybody pressing anything.
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        run = committed(tick)
        assert run.results["alerts.expand_rings"] == 1
        committed(tick)  # a second sweep repeats nothing
    rings = list(AlertRing.objects.filter(alert=alert).order_by("stage"))
    assert [(r.stage, r.radius_km, r.previous_radius_km) for r in rings] == [
        (0, 100, 0),
        (1, 200, 100),
    ]
    second = Delivery.objects.filter(ring=rings[1])
    assert {d.subscriber_id for d in second} == {subscribers[2].pk}
    assert CapMessage.objects.filter(alert=alert).values_list("msg_type", flat=True).count() == 2

    # Three and a half hours: straight to 500 km, skipping nobody.
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        committed(tick)
    notified = (
        RecordedMessage.objects.filter(alert=alert).values("subscriber_id").annotate(n=Count("pk"))
    )
    assert {row["subscriber_id"] for row in notified} == {s.pk for s in subscribers}
    assert all(row["n"] == 1 for row in notified)
    assert Delivery.objects.filter(alert=alert, status=DeliveryStatus.SENT).count() == 5


def test_fanout_and_dispatch_repeat_nothing(
    make_draft: Callable[..., Alert], commander: User, publish: Callable[[Alert], Alert]
) -> None:
    place_subscribers(_ring_points()[:2])
    alert = publish(make_draft())
    ring = AlertRing.objects.get(alert=alert)
    assert ring_fanout(ring.pk) == 2
    assert ring_fanout(ring.pk) == 2
    assert deliveries_dispatch(ring.pk, Channel.WEB_PUSH) == 0
    assert Delivery.objects.filter(alert=alert).count() == 2
    assert RecordedMessage.objects.filter(alert=alert).count() == 2


@pytest.mark.parametrize("sql_math", [True, False], ids=["in-sql", "numpy-fallback"])
def test_the_edge_of_the_circle_is_exact(
    sql_math: bool,
    monkeypatch: pytest.MonkeyPatch,
    make_draft: Callable[..., Alert],
    commander: User,
    publish: Callable[[Alert], Alert],
) -> None:
    from homeward.alerts import dispatch
    from homeward.geotarget.tests.test_targeting import _destination

    monkeypatch.setattr(dispatch, "_sql_has_math", lambda vendor: sql_math)
    inside = [_destination(*JIEFANGBEI, bearing, 99.5) for bearing in range(0, 360, 15)]
    outside = [_destination(*JIEFANGBEI, bearing, 100.5) for bearing in range(0, 360, 15)]
    near = place_subscribers(inside)
    place_subscribers(outside, channel=Channel.SMS)
    alert = publish(make_draft())
    assert set(Delivery.objects.filter(alert=alert).values_list("subscriber_id", flat=True)) == {
        s.pk for s in near
    }


def test_a_rolled_back_publication_sends_nothing(
    make_draft: Callable[..., Alert],
    commander: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    place_subscribers(_ring_points()[:2])
    alert = make_draft()

    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        alert_publish(actor=commander, alert=alert, version=alert.version, leader=commander)
        raise Abort
    assert callbacks == []
    assert not Delivery.objects.exists()
    assert not RecordedMessage.objects.exists()
    assert not CapMessage.objects.exists()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT


def test_ending_cancels_what_is_queued_and_closes_the_thread(
    make_draft: Callable[..., Alert],
    commander: User,
    publish: Callable[[Alert], Alert],
    committed: Callable[..., object],
) -> None:
    place_subscribers(_ring_points())
    alert = publish(make_draft())
    ring = AlertRing.objects.get(alert=alert)
    Delivery.objects.filter(ring=ring).update(status=DeliveryStatus.QUEUED)
    alert.refresh_from_db()
    alert = committed(
        alert_end,
        actor=commander,
        alert=alert,
        version=alert.version,
        outcome=Alert.Outcome.FOUND_SAFE,
    )
    assert alert.status == Alert.Status.RESOLVED
    assert not Delivery.objects.filter(alert=alert, status=DeliveryStatus.QUEUED).exists()
    assert list(CapMessage.objects.filter(alert=alert).values_list("msg_type", flat=True)) == [
        "Alert",
        "Cancel",
    ]
    assert CommandNotice.objects.filter(alert=alert, kind=CommandNotice.Kind.ENDED).exists()
    # No expansion after the end, whatever the time.
    assert alerts_expand_due(timezone.now() + timedelta(hours=5)) == 0
    with pytest.raises(DomainError) as refused:
        alert_end(actor=commander, alert=alert, version=alert.version, outcome="")
    assert refused.value.code == "alert_bad_transition"


def test_a_stale_version_is_refused(make_draft: Callable[..., Alert], commander: User) -> None:
    alert = make_draft()
    with pytest.raises(DomainError) as conflict:
        alert_publish(actor=commander, alert=alert, version=alert.version + 7, leader=commander)
    assert conflict.value.code == "version_conflict"
    assert conflict.value.status == 409


def test_a_draft_is_withdrawn_not_resolved(
    make_draft: Callable[..., Alert], commander: User
) -> None:
    alert = make_draft()
    alert = alert_end(actor=commander, alert=alert, version=alert.version, outcome="found_safe")
    assert alert.status == Alert.Status.WITHDRAWN and alert.outcome == ""
    assert not CapMessage.objects.filter(alert=alert).exists()
