"""sighting_review's rules, enforced in the service (issue 13): only public security of
the alert's district reads a sighting, once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from homeward.alerts.models import Alert, Sighting
from homeward.alerts.services import AlertError, sighting_report, sighting_review
from homeward.alerts.tests.test_public import published  # noqa: F401
from homeward.core.errors import ActorError, DomainError
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role

pytestmark = pytest.mark.django_db


def test_sighting_review_is_for_the_alerts_district_police_and_happens_once(
    published: Alert,  # noqa: F811
    commander: User,
    make_user: Callable[..., User],
) -> None:
    sighting, _created = sighting_report(
        alert=published,
        description="看到一个穿红衣服的男孩",
        place="解放碑步行街",
        idempotency_key="s-rule-1",
    )
    caseworker = make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500103-civil_affairs", username="cw"
    )
    with pytest.raises(DomainError) as not_police:
        sighting_review(actor=caseworker, sighting=sighting)
    assert not_police.value.code == ActorError.NOT_PUBLIC_SECURITY
    other_district = make_user(
        roles=[Role.ALERT_COMMANDER], agency_code="500101-public_security", username="wz"
    )
    with pytest.raises(DomainError) as outside:
        sighting_review(actor=other_district, sighting=sighting)
    assert outside.value.code == ActorError.OUT_OF_AREA
    reviewed = sighting_review(actor=commander, sighting=sighting, dismiss=True)
    assert reviewed.status == Sighting.Status.DISMISSED and reviewed.reviewed_by == commander
    assert AuditEvent.objects.filter(action="sighting_review", actor=commander).count() == 1
    with pytest.raises(DomainError) as again:
        sighting_review(actor=commander, sighting=reviewed)
    assert again.value.code == AlertError.BAD_TRANSITION
