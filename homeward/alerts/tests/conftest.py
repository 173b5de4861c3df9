"""Fixtures of the alert tests: a commander who may lead the task force, a ready draft,
and subscribers placed around Chongqing."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from homeward.alerts.models import Alert, Channel, Subscriber
from homeward.alerts.services import alert_create
from homeward.core.models import Division, User
from homeward.core.roles import Role
from homeward.geotarget import cell_of
from homeward.testing.receiver import Receiver

# 解放碑, 渝中区 (WGS-84).
JIEFANGBEI = (29.5579, 106.5772)


@pytest.fixture
def commander(make_user: Callable[..., User]) -> User:
    """An alert commander who heads 渝中区公安局 (qualified to lead the task force)."""
    return make_user(roles=[Role.ALERT_COMMANDER], username="commander", leader_post="head")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 40), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (29.0, 33.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def make_draft(commander: User) -> Callable[..., Alert]:
    def make(*, minutes_ago: int = 50, actor: User | None = None, **fields: Any) -> Alert:
        values: dict[str, Any] = {
            "public_name": "小明",
            "sex": "male",
            "age_years": 6,
            "height_cm": 115,
            "build": "瘦",
            "clothing": "红色外套，蓝色裤子",
            "features": "左脸有痣",
            "last_seen_at": timezone.now() - timedelta(minutes=minutes_ago),
            "last_seen_place": "解放碑步行街",
            "latitude": JIEFANGBEI[0],
            "longitude": JIEFANGBEI[1],
            "circumstances": "与母亲在商场走散",
        }
        values.update(fields)
        photo = values.pop("photo", SimpleUploadedFile("kid.jpg", jpeg_with_gps(), "image/jpeg"))
        return alert_create(
            actor=actor or commander,
            division=Division.objects.get(code="500103"),
            photo=photo,
            **values,
        )

    return make


def place_subscribers(
    points: list[tuple[float, float]], channel: str = Channel.WEB_PUSH
) -> list[Subscriber]:
    return Subscriber.objects.bulk_create(
        [
            Subscriber(
                channel=channel,
                external_ref=f"{channel}-{i}-{lat:.5f}-{lon:.5f}",
                endpoint="{}",
                latitude=lat,
                longitude=lon,
                h3_cell=cell_of(lat, lon),
            )
            for i, (lat, lon) in enumerate(points)
        ]
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a call as if its transaction committed: the on-commit work (fan-out,
    dispatch, partner pushes) runs right after it, as in production."""

    def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.fixture
def receiver() -> Any:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def httpserver_purge(receiver: Receiver, settings: Any) -> list[dict[str, Any]]:
    """The purge requests a cache in front of the public site receives."""
    import json

    settings.ALERT_CACHE_PURGE_URL = f"{receiver.url}/purge"

    class Bodies(list):  # type: ignore[type-arg]
        def __getitem__(self, index: Any) -> Any:
            return [json.loads(r["body"]) for r in receiver.requests][index]

        def __len__(self) -> int:
            return len(receiver.requests)

    return Bodies()


@pytest.fixture
def publish(committed: Callable[..., Any], commander: User) -> Callable[[Alert], Alert]:
    """Publish a draft as its commander, running the on-commit work."""
    from homeward.alerts.services import alert_publish

    def run(alert: Alert) -> Alert:
        return committed(  # type: ignore[no-any-return]
            alert_publish, actor=commander, alert=alert, version=alert.version, leader=commander
        )

    return run
