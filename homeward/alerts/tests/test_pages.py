"""The staff pages: list, drafting with field errors, publishing from the page, the
operations page with its map and counts, ending the alert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from homeward.alerts.models import Alert, CapMessage, CommandNotice
from homeward.core.models import Division, User

from .conftest import jpeg_with_gps, place_subscribers

pytestmark = pytest.mark.django_db


def test_a_commander_drafts_publishes_and_ends_an_alert_from_the_pages(
    commander: User,
    client_for: Callable[[User], Client],
    committed: Callable[..., Any],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    place_subscribers([(29.56, 106.57)])
    client = client_for(commander)
    assert client.get("/alerts/").status_code == 200
    assert client.get("/alerts/new/").status_code == 200
    invalid = client.post("/alerts/new/", {"public_name": "", "age_years": "30"})
    assert invalid.status_code == 200
    assert {"public_name", "age_years"} <= set(invalid.context["form"].errors)
    seen = timezone.localtime(timezone.now() - timezone.timedelta(minutes=50))
    response = client.post(
        "/alerts/new/",
        {
            "public_name": "小明",
            "sex": "male",
            "age_years": "6",
            "clothing": "红色外套",
            "last_seen_at": seen.strftime("%Y-%m-%dT%H:%M"),
            "last_seen_place": "解放碑",
            "latitude": "29.5579",
            "longitude": "106.5772",
            "datum": "wgs84",
            "hotline": "110",
            "division": Division.objects.get(code="500103").pk,
            "photo": SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    detail = client.get(f"/alerts/{alert.pk}/")
    assert detail.status_code == 200
    page = client.get(f"/alerts/{alert.pk}/publish/")
    assert page.status_code == 200 and "100" in page.content.decode()
    response = committed(
        client.post,
        f"/alerts/{alert.pk}/publish/",
        {"version": alert.version, "leader": commander.pk},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PUBLISHED
    detail = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'class="ring ring--current"' in detail  # the ring on the map
    assert alert.case.number in detail
    listing = client.get("/alerts/").content.decode()
    assert "小明" in listing
    notice = CommandNotice.objects.filter(agency=commander.agency).first()
    assert notice is not None
    assert client.post(f"/alerts/notices/{notice.pk}/ack/").status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == commander
    cap = client.get(f"/alerts/{alert.pk}/cap/1/")
    assert cap["Content-Type"].startswith("application/cap+xml")
    asked = client.post(
        f"/alerts/{alert.pk}/end/",
        {"version": alert.version, "outcome": "found_safe", "note": ""},
    )
    assert asked.status_code == 200 and "小明" in asked.content.decode()
    response = committed(
        client.post,
        f"/alerts/{alert.pk}/end/",
        {"version": alert.version, "outcome": "found_safe", "note": "", "confirm": "yes"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED
    assert CapMessage.objects.filter(alert=alert, msg_type="Cancel").exists()


def test_an_investigator_sees_no_publish_button(
    owner: User, make_draft: Callable[..., Alert], client_for: Callable[[User], Client]
) -> None:
    alert = make_draft(actor=owner)
    client = client_for(owner)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert f"/alerts/{alert.pk}/publish/" not in page
    assert client.get(f"/alerts/{alert.pk}/publish/").status_code == 403
