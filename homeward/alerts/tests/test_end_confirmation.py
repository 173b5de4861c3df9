"""A live missing-child alert cannot be ended in one click: no default outcome, a
confirmation that names the child and says what ending does, and no end form on a
draft (issue 12, break 5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from homeward.alerts.models import Alert
from homeward.alerts.services import alert_publish
from homeward.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(commander: User, make_draft: Callable[..., Alert], committed: Callable[..., Any]) -> Alert:
    draft = make_draft(public_name="乐乐")
    alert: Alert = committed(
        alert_publish, actor=commander, alert=draft, version=draft.version, leader=commander
    )
    return alert


def test_the_end_form_of_a_live_alert_has_no_default_outcome(
    live: Alert, commander: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(commander)
    page = client.get(f"/alerts/{live.pk}/")
    form = page.context["end_form"]
    assert form["outcome"].value() in (None, "")
    assert form.fields["outcome"].required
    # a post without an outcome (the old one-click withdrawal) changes nothing
    response = client.post(f"/alerts/{live.pk}/end/", {"version": live.version}, follow=True)
    assert response.status_code == 200
    live.refresh_from_db()
    assert live.status == Alert.Status.PUBLISHED


def test_withdrawing_asks_for_a_confirmation_that_names_the_child_and_the_consequence(
    live: Alert,
    commander: User,
    client_for: Callable[[User], Client],
    committed: Callable[..., Any],
) -> None:
    client = client_for(commander)
    # when the commander chooses to withdraw and says why
    asked = client.post(
        f"/alerts/{live.pk}/end/",
        {"version": live.version, "outcome": "withdrawn", "note": "家属报称孩子已回家"},
    )
    # then a confirmation page names the child and what ending does; nothing has ended
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "乐乐" in text and "撤回" in text and "公众" in text
    live.refresh_from_db()
    assert live.status == Alert.Status.PUBLISHED
    # when the commander confirms, the alert is withdrawn
    done = committed(
        client.post,
        f"/alerts/{live.pk}/end/",
        {
            "version": live.version,
            "outcome": "withdrawn",
            "note": "家属报称孩子已回家",
            "confirm": "yes",
        },
    )
    assert done.status_code == 302
    live.refresh_from_db()
    assert live.status == Alert.Status.WITHDRAWN


def test_withdrawing_a_live_alert_needs_a_reason(
    live: Alert, commander: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(commander)
    response = client.post(
        f"/alerts/{live.pk}/end/",
        {"version": live.version, "outcome": "withdrawn", "note": "", "confirm": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    live.refresh_from_db()
    assert live.status == Alert.Status.PUBLISHED


def test_a_draft_has_no_end_form(
    make_draft: Callable[..., Alert], commander: User, client_for: Callable[[User], Client]
) -> None:
    draft = make_draft()
    page = client_for(commander).get(f"/alerts/{draft.pk}/").content.decode()
    assert '<select name="outcome"' not in page
    assert "end-alert" not in page
    # the draft, which reached no one, can only be discarded (with a confirmation too)
    assert "discard-draft" in page
