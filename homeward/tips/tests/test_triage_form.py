"""The triage form offers only the workflow's next steps, and none on a closed clue
(issue 12)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.models import Division, User
from homeward.tips.models import Tip
from homeward.tips.services import tip_submit, tip_transition

pytestmark = pytest.mark.django_db


def _tip() -> Tip:
    return tip_submit(
        channel="public",
        category="trafficking",
        narrative="有人在车站附近打听谁家有小孩要送人，说能给一笔钱。",
        division=Division.objects.get(code="500103"),
        idempotency_key="triage-form-1",
    ).tip


def _offered(html: str) -> set[str]:
    select = html[html.index('name="to"') :]
    select = select[: select.index("</select>")]
    return set(re.findall(r'<option value="([a-z_]+)"', select))


def test_a_new_clue_offers_only_its_legal_next_steps(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    tip = _tip()
    html = client_for(owner).get(f"/tips/{tip.pk}/").content.decode()
    assert _offered(html) == {"triaged", "unsubstantiated", "referred"}


def test_a_closed_clue_offers_no_step_and_refuses_one(
    owner: User, client_for: Callable[[User], Client]
) -> None:
    tip = tip_transition(actor=owner, tip=_tip(), to="unsubstantiated", version=1)
    client = client_for(owner)
    html = client.get(f"/tips/{tip.pk}/").content.decode()
    assert 'data-testid="clue-closed"' in html
    assert 'name="to"' not in html
    response = client.post(f"/tips/{tip.pk}/", {"to": "triaged", "version": tip.version})
    assert response.status_code == 200
    tip.refresh_from_db()
    assert tip.status == Tip.Status.UNSUBSTANTIATED
