"""An alert still unresolved after REUNION_ALERT_DAYS becomes one family search, through
the tick job: not before, exactly once however often or late the tick runs, never for a
resolved alert; linked to the alert, audited as the system."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from homeward.alerts.models import Alert
from homeward.alerts.services import alert_create, alert_end, alert_publish
from homeward.core.models import AuditEvent, Division, User
from homeward.core.roles import Role
from homeward.core.tick import registered_jobs
from homeward.people.services import person_create
from homeward.reunion import services
from homeward.reunion.models import SearchRegistration

pytestmark = pytest.mark.django_db

START = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def commander(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.ALERT_COMMANDER], username="commander", leader_post="head")


def _published(commander: User, capture: Any, *, name: str = "王乐乐") -> Alert:
    """A boy's alert, published on START (the fan-out is not run: not under test)."""
    with time_machine.travel(START, tick=False):
        child = person_create(
            actor=commander,
            division=Division.objects.get(code="500103"),
            full_name=name,
            sex="male",
        )
        alert = alert_create(
            actor=commander,
            division=Division.objects.get(code="500103"),
            child=child,
            public_name="乐乐",
            sex="male",
            age_years=5,
            height_cm=110,
            features="右耳前有小孔",
            no_photo_reason="家属暂无近照",
            last_seen_at=timezone.now() - timedelta(hours=2),
            last_seen_place="解放碑步行街",
            latitude=29.5579,
            longitude=106.5772,
            circumstances="与母亲在商场走散",
        )
        with capture():
            return alert_publish(
                actor=commander, alert=alert, version=alert.version, leader=commander
            )


def _tick_at(moment: datetime) -> int:
    job = registered_jobs()["reunion.searches_from_alerts"]
    with time_machine.travel(moment, tick=False):
        return job()


def test_an_unresolved_alert_becomes_one_search_after_the_set_days(
    commander: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REUNION_ALERT_DAYS = 30
    alert = _published(commander, django_capture_on_commit_callbacks)
    # not before the set days
    assert _tick_at(START + timedelta(days=29, hours=23)) == 0
    assert not SearchRegistration.objects.exists()
    # then one search, linked to the alert, with what it says of the child
    assert _tick_at(START + timedelta(days=30, minutes=1)) == 1
    search = SearchRegistration.objects.get()
    assert search.alert_id == alert.pk
    assert search.channel == SearchRegistration.Channel.ALERT
    assert search.kind == SearchRegistration.Kind.FAMILY
    assert search.status == SearchRegistration.Status.SUBMITTED  # the police verify it
    assert search.person_id == alert.child_id and search.case_id == alert.case_id
    assert (search.name, search.nickname, search.sex) == ("王乐乐", "乐乐", "male")
    assert search.age_stated == 5 and search.missing_date == "2026-06-01"
    assert search.marks == "右耳前有小孔" and search.missing_place == "解放碑步行街"
    assert search.division.code == "500103" and search.owning_agency_id == alert.owning_agency_id
    event = AuditEvent.objects.get(action="reunion_search_from_alert")
    assert event.actor is None and event.actor_username == "system"
    assert event.object_id == str(search.pk) and event.detail["alert"] == alert.pk
    # run twice, and late: still one search
    assert _tick_at(START + timedelta(days=30, minutes=1)) == 0
    assert _tick_at(START + timedelta(days=90)) == 0
    assert SearchRegistration.objects.count() == 1
    # and the re-check under the lock refuses a second search for the alert
    with time_machine.travel(START + timedelta(days=91), tick=False):
        assert services.search_from_alert(alert.pk) is None
    assert SearchRegistration.objects.count() == 1


def test_a_late_tick_makes_one_search_an_alert_and_none_for_a_resolved_one(
    commander: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.REUNION_ALERT_DAYS = 10
    open_alert = _published(commander, django_capture_on_commit_callbacks, name="王乐乐")
    found = _published(commander, django_capture_on_commit_callbacks, name="李安安")
    with time_machine.travel(START + timedelta(days=3), tick=False):
        alert_end(
            actor=commander,
            alert=found,
            version=Alert.objects.get(pk=found.pk).version,
            outcome="found_safe",
        )
    # the tick did not run for months: one search, for the alert still unresolved
    assert _tick_at(START + timedelta(days=200)) == 1
    assert _tick_at(START + timedelta(days=200)) == 0
    assert list(SearchRegistration.objects.values_list("alert_id", flat=True)) == [open_alert.pk]


def test_verifying_a_search_made_of_an_alert_keeps_the_childs_record(
    commander: User,
    owner: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.REUNION_ALERT_DAYS = 30
    alert = _published(commander, django_capture_on_commit_callbacks)
    _tick_at(START + timedelta(days=31))
    search = SearchRegistration.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        verified = services.search_verify(actor=owner, search=search, version=search.version)
    assert verified.status == SearchRegistration.Status.VERIFIED
    assert verified.person_id == alert.child_id  # no second registry record
    assert verified.dna_request is not None and verified.dna_request.person_id == alert.child_id


def test_the_search_page_links_its_alert(
    commander: User,
    owner: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Callable[[User], Any],
) -> None:
    settings.REUNION_ALERT_DAYS = 30
    alert = _published(commander, django_capture_on_commit_callbacks)
    _tick_at(START + timedelta(days=31))
    search = SearchRegistration.objects.get()
    page = client_for(owner).get(f"/reunion/{search.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/alerts/{alert.pk}/"' in body and "预警发布 30 天后仍未结束" in body
