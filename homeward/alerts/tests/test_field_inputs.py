"""What the field sends (issue 19): coordinates in the datum of the map they come from,
last-seen points outside the served area, CAP's expires and geocode, the Atom author,
and a malformed radius schedule refused at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from homeward.alerts.geo import Datum, district_at, in_served_area, to_wgs84
from homeward.alerts.models import Alert, CapMessage, Sighting
from homeward.alerts.services import alert_update, partner_register
from homeward.core.models import Division, User
from homeward.geotarget import gcj02_to_bd09, haversine_km, wgs84_to_gcj02

from .conftest import JIEFANGBEI

pytestmark = pytest.mark.django_db

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ROOT = Path(__file__).resolve().parents[3]


def _gcj(lat: float, lon: float) -> tuple[float, float]:
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    return g_lat, g_lon


def test_a_gcj02_position_is_stored_as_the_wgs84_point_it_names(
    make_draft: Callable[..., Alert],
) -> None:
    # given 解放碑 as Amap shows it (GCJ-02, about half a kilometre from WGS-84)
    lat, lon = _gcj(*JIEFANGBEI)
    assert haversine_km(lat, lon, *JIEFANGBEI) > 0.3
    # when the draft says so
    alert = make_draft(latitude=lat, longitude=lon, datum=Datum.GCJ02)
    # then the stored point is the WGS-84 one, within a centimetre
    assert alert.latitude is not None and alert.longitude is not None
    assert haversine_km(alert.latitude, alert.longitude, *JIEFANGBEI) < 1e-5


def test_a_bd09_position_is_converted_through_gcj02(make_draft: Callable[..., Alert]) -> None:
    g_lat, g_lon = _gcj(*JIEFANGBEI)
    b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
    alert = make_draft(latitude=b_lat, longitude=b_lon, datum=Datum.BD09)
    assert alert.latitude is not None and alert.longitude is not None
    # Baidu's published inverse is approximate: within two metres.
    assert haversine_km(alert.latitude, alert.longitude, *JIEFANGBEI) < 0.002


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(51.5074, -0.1278), (0.0, 0.0), (-90.0, 0.0), (30.5728, 104.0668)],
    ids=["London", "null island", "South Pole", "Chengdu"],
)
def test_a_last_seen_point_outside_chongqing_is_a_field_error(
    make_draft: Callable[..., Alert], lat: float, lon: float
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_draft(latitude=lat, longitude=lon, datum=Datum.WGS84)
    assert set(refused.value.message_dict) == {"latitude"}
    assert not Alert.objects.exists()


def test_the_served_area_is_chongqing_with_its_margin(settings: Any) -> None:
    assert district_at(*JIEFANGBEI) == "500103"
    # 石柱县, far east of the city
    assert district_at(29.9985, 108.1140) == "500240"
    # A point 3 km outside the boundary near 合川 is served with the 10 km margin only.
    settings.ALERT_SERVED_MARGIN_KM = 0
    outside = (30.50, 105.95)
    assert district_at(*outside) is None
    assert not in_served_area(*outside)
    settings.ALERT_SERVED_MARGIN_KM = 30
    assert in_served_area(*outside)
    assert to_wgs84(10.0, 20.0, Datum.WGS84) == (10.0, 20.0)


def test_an_edit_in_another_datum_is_converted_and_checked(
    make_draft: Callable[..., Alert], commander: User
) -> None:
    alert = make_draft()
    with pytest.raises(ValidationError) as refused:
        alert_update(
            actor=commander,
            alert=alert,
            version=alert.version,
            latitude=29.5,
            longitude=106.5,
            datum="mercator",
        )
    assert set(refused.value.message_dict) == {"datum"}


def test_the_form_asks_for_the_map_the_coordinates_come_from(
    commander: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(commander)
    base = {
        "public_name": "小明",
        "sex": "male",
        "age_years": "6",
        "last_seen_place": "解放碑",
        "hotline": "110",
        "no_photo_reason": "无近照",
        "division": Division.objects.get(code="500103").pk,
    }
    lat, lon = _gcj(*JIEFANGBEI)
    # given no datum: a field error, nothing saved
    page = client.post("/alerts/new/", {**base, "latitude": lat, "longitude": lon})
    assert page.status_code == 200
    assert "datum" in page.context["form"].errors
    # given London: an error on the position, nothing saved, no 500
    london = client.post(
        "/alerts/new/", {**base, "latitude": "51.5", "longitude": "-0.12", "datum": "wgs84"}
    )
    assert london.status_code == 200
    assert "latitude" in london.context["form"].errors
    assert not Alert.objects.exists()
    # given GCJ-02 said: saved in WGS-84
    saved = client.post(
        "/alerts/new/", {**base, "latitude": lat, "longitude": lon, "datum": "gcj02"}
    )
    assert saved.status_code == 302
    alert = Alert.objects.get()
    assert haversine_km(alert.latitude, alert.longitude, *JIEFANGBEI) < 1e-5  # type: ignore[arg-type]


def test_a_sighting_sent_in_gcj02_is_stored_in_wgs84(
    make_draft: Callable[..., Alert], publish: Callable[[Alert], Alert]
) -> None:
    cache.clear()  # the public submission limit counts earlier tests' reports
    alert = publish(make_draft())
    lat, lon = _gcj(*JIEFANGBEI)
    response = Client().post(
        f"/api/v1/alerts/public/{alert.public_id}/sightings",
        json.dumps({"description": "看到了", "latitude": lat, "longitude": lon, "datum": "gcj02"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert response.status_code == 201
    sighting = Sighting.objects.get()
    assert sighting.distance_km is not None and sighting.distance_km < 0.01
    bad = Client().post(
        f"/api/v1/alerts/public/{alert.public_id}/sightings",
        json.dumps({"description": "看到了", "latitude": 1, "longitude": 2, "datum": "utm"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert bad.status_code in {400, 422}


def test_every_cap_info_block_has_expires_and_the_district_geocode(
    make_draft: Callable[..., Alert], publish: Callable[[Alert], Alert], settings: Any
) -> None:
    settings.ALERT_CAP_EXPIRES_HOURS = 48
    alert = publish(make_draft())
    message = CapMessage.objects.get(alert=alert)
    root = ET.fromstring(message.xml)  # noqa: S314 - our own output
    infos = root.findall(f"{CAP}info")
    assert len(infos) == 2
    for info in infos:
        expires = info.findtext(f"{CAP}expires")
        assert expires is not None
        delta = timezone.datetime.fromisoformat(expires) - message.sent
        # CAP times are whole seconds.
        assert abs(delta - timezone.timedelta(hours=48)) < timezone.timedelta(seconds=1)
        geocodes = info.findall(f"{CAP}area/{CAP}geocode")
        assert [(g.findtext(f"{CAP}valueName"), g.findtext(f"{CAP}value")) for g in geocodes] == [
            ("GB/T 2260", "500103")
        ]


def test_the_atom_index_names_its_author(
    make_draft: Callable[..., Alert], publish: Callable[[Alert], Alert]
) -> None:
    publish(make_draft())
    _partner, token, _secret = partner_register(actor=None, code="maps", name="地图")
    feed = Client().get("/api/v1/partner/alerts.atom", HTTP_AUTHORIZATION=f"Bearer {token}")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own output
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.findtext(f"{atom}author/{atom}name")
    assert root.find(f"{atom}entry") is not None


@pytest.mark.parametrize("schedule", ["0:100,60:abc", "30:100", "0:100,60:50", ""])
def test_a_malformed_radius_schedule_stops_the_start_naming_the_setting(schedule: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.test",
        "HOMEWARD_ALERT_RADIUS_SCHEDULE": schedule,
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: HOMEWARD_ALERT_RADIUS_SCHEDULE" in result.stderr


def test_a_child_still_missing_after_the_cap_validity_gets_a_renewed_update_once(
    make_draft: Callable[..., Alert],
    publish: Callable[[Alert], Alert],
    committed: Callable[..., Any],
    receiver: Any,
    settings: Any,
) -> None:
    """Partners drop a CAP message at its ``expires``: an alert published 72 h ago whose
    last Update (the 500 km ring, at 3 h) has lapsed would vanish from their displays
    while the child is still missing. tick() sends an Update before that, once."""
    import time_machine

    from homeward.alerts.models import PartnerPush
    from homeward.core.models import AuditEvent
    from homeward.core.tick import tick

    settings.ALERT_CAP_EXPIRES_HOURS = 72
    partner_register(actor=None, code="maps", name="地图", webhook_url=f"{receiver.url}/cap")
    alert = publish(make_draft(minutes_ago=50))
    start = timezone.now()
    with time_machine.travel(start + timezone.timedelta(hours=4)):
        committed(tick)  # the rings widen to 500 km
    newest = CapMessage.objects.filter(alert=alert).order_by("-sequence").first()
    assert newest is not None
    widened = CapMessage.objects.filter(alert=alert).count()

    # Half the validity: nothing to renew.
    with time_machine.travel(newest.sent + timezone.timedelta(hours=36)):
        run = committed(tick)
        assert run.results["alerts.renew_cap"] == 0
    # Three quarters: one Update, pushed to the partner; a tick that runs twice or late
    # sends nothing more.
    with time_machine.travel(newest.sent + timezone.timedelta(hours=54, minutes=1)):
        run = committed(tick)
        assert run.results["alerts.renew_cap"] == 1
        assert committed(tick).results["alerts.renew_cap"] == 0
    messages = list(CapMessage.objects.filter(alert=alert).order_by("sequence"))
    assert len(messages) == widened + 1
    renewal = messages[-1]
    assert renewal.msg_type == CapMessage.MsgType.UPDATE
    root = ET.fromstring(renewal.xml)  # noqa: S314 - our own output
    expires = root.findtext(f"{CAP}info/{CAP}expires")
    assert expires is not None
    assert timezone.datetime.fromisoformat(expires) - renewal.sent > timezone.timedelta(hours=71)
    assert newest.identifier in (root.findtext(f"{CAP}references") or "")
    assert PartnerPush.objects.filter(message=renewal).count() == 1
    assert renewal.identifier.encode() in receiver.requests[-1]["body"]
    assert AuditEvent.objects.filter(action="alert_cap_renew", object_id=str(alert.pk)).count() == 1

    # An alert that ended is not renewed.
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.RESOLVED)
    with time_machine.travel(renewal.sent + timezone.timedelta(hours=60)):
        assert committed(tick).results["alerts.renew_cap"] == 0
