"""The public side of an alert (SECURITY.md DP-07, WEB-01): whitelisted fields only, the
photo without EXIF, 410 the moment the child is found, sightings from the public."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from homeward.alerts.models import Alert, CommandNotice, Sighting
from homeward.alerts.public import PUBLIC_FIELDS
from homeward.alerts.services import alert_end, alert_publish, sighting_report
from homeward.core.models import AuditEvent, Division, User
from homeward.people.services import person_create
from homeward.tips.models import Tip

pytestmark = pytest.mark.django_db

CANARIES = {
    "id_number": "500103201801010019",
    "address": "CANARY-HOME-ADDRESS 中山路99号",
    "phone": "13912345678",
    "circumstances": "CANARY-TRAFFICKING-SUSPECT",
}


@pytest.fixture
def published(
    make_draft: Callable[..., Alert], commander: User, committed: Callable[..., object]
) -> Alert:
    child = person_create(
        actor=commander,
        division=Division.objects.get(code="500103"),
        full_name="王小明",
        sex="male",
        id_number=CANARIES["id_number"],
        address=CANARIES["address"],
        phone=CANARIES["phone"],
    )
    alert = make_draft(child=child, circumstances=CANARIES["circumstances"])
    return committed(  # type: ignore[return-value]
        alert_publish, actor=commander, alert=alert, version=alert.version, leader=commander
    )


def _path(alert: Alert, suffix: str = "") -> str:
    return f"/public/alerts/{alert.public_id}/{suffix}"


def test_the_public_json_holds_whitelisted_fields_and_no_canary(published: Alert) -> None:
    client = Client()
    listing = client.get("/api/v1/alerts/public/")
    one = client.get(f"/api/v1/alerts/public/{published.public_id}")
    page = client.get(_path(published))
    assert listing.status_code == one.status_code == page.status_code == 200
    body = one.json()
    assert set(body) <= PUBLIC_FIELDS
    assert body["name"] == "小明" and body["age"] == 6
    for row in listing.json():
        assert set(row) <= PUBLIC_FIELDS
    for text in (listing.content.decode(), one.content.decode(), page.content.decode()):
        for canary in CANARIES.values():
            assert canary not in text
        assert "王小明" not in text  # the registry's full name stays in the registry
        assert "2018-01-01" not in text  # no birth date
    assert "小明" in page.content.decode() and "红色外套" in page.content.decode()


def test_the_photo_is_served_without_exif(published: Alert) -> None:
    response = Client().get(_path(published, "photo.jpg"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert image.format == "JPEG"
    assert not image.getexif()


def test_found_means_410_on_the_next_request_and_no_photo(
    published: Alert,
    commander: User,
    committed: Callable[..., object],
    httpserver_purge: list[dict],
) -> None:
    client = Client()
    assert client.get(_path(published)).status_code == 200
    published.refresh_from_db()
    committed(
        alert_end,
        actor=commander,
        alert=published,
        version=published.version,
        outcome=Alert.Outcome.FOUND_SAFE,
    )
    page = client.get(_path(published))
    assert page.status_code == 410
    assert "找到" in page.content.decode()
    assert "红色外套" not in page.content.decode()
    assert client.get(_path(published, "photo.jpg")).status_code == 410
    one = client.get(f"/api/v1/alerts/public/{published.public_id}")
    assert one.status_code == 410 and one.json() == {
        "id": str(published.public_id),
        "status": "found",
    }
    assert client.get("/api/v1/alerts/public/").json() == []
    # The cache in front of the site is asked to drop the pages (the purge task ran).
    assert httpserver_purge and _path(published) in httpserver_purge[0]["paths"]


def test_a_draft_is_not_public(make_draft: Callable[..., Alert]) -> None:
    alert = make_draft()
    assert Client().get(_path(alert)).status_code == 404
    assert Client().get(f"/api/v1/alerts/public/{alert.public_id}").status_code == 404


def test_the_public_page_has_a_strict_csp(published: Alert) -> None:
    from homeward.testing.headers import assert_hardened

    first = Client().get(_path(published))
    second = Client().get(_path(published))
    assert first.status_code == second.status_code == 200
    assert assert_hardened(first) != assert_hardened(second)  # a fresh nonce per response


def test_a_sighting_from_the_form_reaches_the_task_force(published: Alert) -> None:
    client = Client()
    page = client.get(_path(published))
    key = page.context["form"].initial["idempotency_key"]
    response = client.post(
        _path(published),
        {
            "description": "在朝天门码头看到一个穿红色外套的男孩",
            "place": "朝天门码头",
            "latitude": "29.5660",
            "longitude": "106.5860",
            "idempotency_key": key,
        },
    )
    assert response.status_code == 200 and "sighting-received" in response.content.decode()
    # The same submission again (a double tap) stores nothing new.
    client.post(
        _path(published),
        {
            "description": "在朝天门码头看到一个穿红色外套的男孩",
            "place": "朝天门码头",
            "idempotency_key": key,
        },
    )
    sighting = Sighting.objects.get(alert=published)
    assert sighting.distance_km is not None and sighting.distance_km < 2
    assert CommandNotice.objects.filter(alert=published, kind="sighting").exists()
    assert AuditEvent.objects.filter(action="sighting_received").count() == 1


def test_a_bad_sighting_gets_field_errors_and_stores_nothing(published: Alert) -> None:
    response = Client().post(
        _path(published), {"description": "", "place": "", "idempotency_key": "abcdefgh12"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert not Sighting.objects.exists()


def test_sightings_by_api_are_idempotent_and_answer_410_when_ended(
    published: Alert, commander: User, committed: Callable[..., object]
) -> None:
    client = Client()
    url = f"/api/v1/alerts/public/{published.public_id}/sightings"
    payload = json.dumps(
        {"description": "看到了孩子在公交站", "latitude": 29.6, "longitude": 106.5}
    )
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-123456789"}
    first = client.post(url, payload, content_type="application/json", **headers)
    again = client.post(url, payload, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert Sighting.objects.count() == 1
    missing_key = client.post(url, payload, content_type="application/json")
    assert missing_key.status_code == 422 and "Idempotency-Key" in missing_key.json()["fields"]
    published.refresh_from_db()
    committed(
        alert_end,
        actor=commander,
        alert=published,
        version=published.version,
        outcome="",
        note="测试",
    )
    ended = client.post(
        url, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-999999999"
    )
    assert ended.status_code == 410


def test_the_queue_puts_near_and_new_first_and_a_sighting_becomes_a_clue(
    published: Alert, commander: User, client_for: Callable[[User], Client]
) -> None:
    now = timezone.now()
    far_new = sighting_report(
        alert=published,
        description="远处看到",
        latitude=30.8,
        longitude=108.4,
        idempotency_key="far-new-1",
    )[0]
    near_old = sighting_report(
        alert=published,
        description="附近看到的",
        latitude=29.56,
        longitude=106.58,
        idempotency_key="near-old-1",
    )[0]
    near_new = sighting_report(
        alert=published,
        description="附近刚刚看到",
        latitude=29.57,
        longitude=106.57,
        idempotency_key="near-new-1",
    )[0]
    Sighting.objects.filter(pk=near_old.pk).update(reported_at=now - timedelta(minutes=30))
    client = client_for(commander)
    page = client.get(f"/alerts/{published.pk}/sightings/")
    text = page.content.decode()
    assert text.index("附近刚刚看到") < text.index("附近看到的") < text.index("远处看到")
    response = client.post(f"/alerts/{published.pk}/sightings/{near_new.pk}/clue/")
    assert response.status_code == 302
    near_new.refresh_from_db()
    tip = Tip.objects.get(pk=near_new.tip_id)
    assert tip.joined_case_id == published.case_id
    assert tip.channel == Tip.Channel.ALERT_SIGHTING and tip.assigned_to == commander
    assert near_new.status == Sighting.Status.CONVERTED
    assert far_new.status == Sighting.Status.NEW


def test_a_non_police_user_cannot_publish(
    make_draft: Callable[..., Alert],
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    from homeward.core.roles import Role

    alert = make_draft()
    teacher = make_user(roles=[Role.EDUCATION_OFFICER], agency_code="500103-education")
    response = client_for(teacher).post(f"/alerts/{alert.pk}/publish/", {"version": alert.version})
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT


def test_an_officer_of_another_district_sees_no_operations_page(
    published: Alert, outsider: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(outsider)
    assert client.get(f"/alerts/{published.pk}/").status_code == 404
    assert client.get(f"/alerts/{published.pk}/sightings/").status_code == 404
    assert AuditEvent.objects.filter(action="read", outcome="denied").exists()
