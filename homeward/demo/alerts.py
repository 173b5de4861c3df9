"""A demo missing-child alert: subscribers around Chongqing, a partner app, an alert
published through the same services the police use, and a sighting from the public."""

from __future__ import annotations

import math
import random
import uuid
from datetime import timedelta

from django.utils import timezone

from homeward.alerts.models import Alert, Channel, Subscriber
from homeward.alerts.services import (
    alert_create,
    alert_publish,
    partner_register,
    sighting_report,
)
from homeward.core.models import Division, User
from homeward.demo.seed import DEMO_SEED
from homeward.geotarget import cell_of, gcj02_to_wgs84

SUBSCRIBERS = 3000


def _subscribers(rng: random.Random, partner_id: int) -> int:
    divisions = list(Division.objects.order_by("code"))
    weights = [d.population_2020 or 1 for d in divisions]
    rows = []
    for index in range(SUBSCRIBERS):
        division = rng.choices(divisions, weights)[0]
        lon, lat = gcj02_to_wgs84(division.centroid_lon, division.centroid_lat)
        km = abs(rng.gauss(0, 12))
        angle = rng.uniform(0, 2 * math.pi)
        lat += km / 111.2 * math.cos(angle)
        lon += km / (111.2 * math.cos(math.radians(lat))) * math.sin(angle)
        channel = rng.choice((Channel.WEB_PUSH, Channel.PARTNER, Channel.SMS))
        rows.append(
            Subscriber(
                channel=channel,
                partner_id=partner_id if channel == Channel.PARTNER else None,
                external_ref=f"demo-{index}",
                endpoint="13800000000" if channel == Channel.SMS else "{}",
                latitude=lat,
                longitude=lon,
                h3_cell=cell_of(lat, lon),
            )
        )
    Subscriber.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def seed_alerts() -> int:
    """Returns the number of alerts created (0 when alerts already exist)."""
    if Alert.objects.exists():
        return 0
    rng = random.Random(DEMO_SEED)  # noqa: S311  (reproducible synthetic data)
    partner, _token, _secret = partner_register(
        actor=None, code="demo-partner", name="演示合作平台（出行App）"
    )
    _subscribers(rng, partner.pk)
    commander = User.objects.get(username="demo.commander")
    head = User.objects.get(username="demo.head")
    alert = alert_create(
        actor=commander,
        division=Division.objects.get(code="500103"),
        public_name="乐乐",
        sex="female",
        age_years=5,
        height_cm=108,
        build="偏瘦",
        clothing="粉色连帽外套，牛仔裤，白色运动鞋",
        features="扎两个小辫子，右手腕戴红绳",
        last_seen_at=timezone.now() - timedelta(minutes=40),
        last_seen_place="解放碑步行街（八一路口）",
        latitude=29.5579,
        longitude=106.5772,
        no_photo_reason="演示数据：不使用真实儿童照片",
        circumstances="演示数据：与祖母在商场门口走散。",
    )
    alert = alert_publish(actor=commander, alert=alert, version=alert.version, leader=head)
    sighting_report(
        alert=alert,
        description="在较场口轻轨站看到一个穿粉色外套、扎两个小辫子的小女孩，跟着一名中年男子。",
        place="较场口轻轨站2号出口",
        latitude=29.5530,
        longitude=106.5745,
        idempotency_key=f"demo-{uuid.UUID(int=DEMO_SEED)}",
    )
    return 1
