"""End of retention for public sightings (SECURITY.md DP-04, core.retention): once the
alert has been over for SIGHTING_RETENTION_DAYS the reporter's contact and photo are
erased by the tick; the sighting's row and what it said stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from homeward.alerts.models import Alert, Sighting
from homeward.alerts.services import alert_end, alert_publish, sighting_report
from homeward.alerts.tests.conftest import jpeg_with_gps
from homeward.core.models import AuditEvent, User
from homeward.core.tick import tick

pytestmark = pytest.mark.django_db


def _raw_contact(sighting: Sighting) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM alerts_sighting WHERE id = %s", [sighting.pk])
        return str(cursor.fetchone()[0])


def test_a_sighting_loses_contact_and_photo_after_retention_and_keeps_its_row(
    make_draft: Callable[..., Alert],
    commander: User,
    committed: Callable[..., Any],
    settings: Any,
) -> None:
    # given: a sighting with a contact and a photo on an alert that then ended
    alert = make_draft()
    alert = committed(
        alert_publish, actor=commander, alert=alert, version=alert.version, leader=commander
    )
    sighting, _ = sighting_report(
        alert=alert,
        description="看到了孩子在公交站",
        place="较场口公交站",
        contact="13912345678",
        photo=SimpleUploadedFile("s.jpg", jpeg_with_gps(), "image/jpeg"),
        idempotency_key="retention-1",
    )
    other, _ = sighting_report(
        alert=alert,
        description="在超市门口",
        place="超市",
        contact="",
        idempotency_key="retention-2",
    )
    alert.refresh_from_db()
    committed(
        alert_end,
        actor=commander,
        alert=alert,
        version=alert.version,
        outcome=Alert.Outcome.values[0],
    )
    assert sighting.photo and _raw_contact(sighting)

    # when: the tick runs the day before the retention ends, then the day after
    ended = Alert.objects.get(pk=alert.pk).ended_at
    assert ended is not None
    days = settings.SIGHTING_RETENTION_DAYS
    with time_machine.travel(ended + timedelta(days=days - 1)):
        tick()
    sighting.refresh_from_db()
    assert sighting.contact == "13912345678" and sighting.photo

    with time_machine.travel(ended + timedelta(days=days + 1)):
        tick()

    # then: contact and photo are gone, the row and the description stay, one audit event
    sighting.refresh_from_db()
    assert sighting.contact == "" and _raw_contact(sighting) == "" and not sighting.photo
    assert sighting.description == "看到了孩子在公交站"
    assert Sighting.objects.filter(pk=other.pk).exists()
    events = AuditEvent.objects.filter(action="retention_anonymise")
    assert events.count() == 1 and events.get().detail["anonymised"] == 1

    # and a later run finds nothing left to do
    with time_machine.travel(ended + timedelta(days=days + 2)):
        tick()
    assert AuditEvent.objects.filter(action="retention_anonymise").count() == 1
