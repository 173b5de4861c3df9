"""A concern from a village visit reaches the police as the named worker's mandatory
report, with the visit date and the village (issue 12), not as an anonymous clue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.core.models import Township, User
from homeward.core.roles import Role
from homeward.prevention.models import WorkArea
from homeward.prevention.services import ledger_entry_create, visit_record
from homeward.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_police_see_who_reported_when_and_where(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    town = Township.objects.filter(division__code="500240", type="town").order_by("code")[0]
    worker = make_user(
        roles=[Role.PREVENTION_WORKER],
        agency_code="500240-civil_affairs",
        full_name="马春梅",
    )
    WorkArea.objects.create(user=worker, township=town, post="儿童主任")
    entry = ledger_entry_create(
        actor=worker,
        person=PersonFactory(division=town.division),
        category="left_behind_child",
        township=town,
        responsible_worker=worker,
        risk_level="high",
    )
    visited = timezone.localdate() - timedelta(days=1)
    visit = visit_record(
        actor=worker,
        entry=entry,
        visited_on=visited,
        kind="home",
        observations="孩子情绪低落",
        concern="有陌生男子多次接近，许诺带她外出打工",
    )
    police = make_user(roles=[Role.INVESTIGATOR], agency_code="500240-public_security")
    html = client_for(police).get(f"/tips/{visit.tip_id}/").content.decode()
    reporter = html[html.index('data-testid="clue-reporter"') :]
    reporter = reporter[: reporter.index("</td>")]
    assert "马春梅" in reporter and "儿童主任" in reporter
    assert "匿名" not in html
    assert visited.isoformat() in html
    assert town.name_zh in html
