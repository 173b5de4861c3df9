"""Clues made in a few statements for the analysis tests (numbers matter here, not text)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from homeward.core.models import Agency, Division
from homeward.tips.models import Tip

SHANGHAI = ZoneInfo("Asia/Shanghai")


def police_of(division: Division) -> Agency:
    return Agency.objects.get(kind="public_security", division=division)


def clues(
    division: Division,
    month: date,
    count: int,
    *,
    category: str = Tip.Category.OTHER,
    status: str = Tip.Status.RECEIVED,
    day: int = 10,
    point: tuple[float, float] | None = None,
) -> list[Tip]:
    hour = datetime(month.year, month.month, day, 10, tzinfo=SHANGHAI)
    police = police_of(division)
    rows = [
        Tip(
            tracking_code=f"AN{secrets.token_hex(6).upper()}"[:16],
            secret_hash="0" * 64,
            category=category,
            channel=Tip.Channel.PUBLIC,
            status=status,
            narrative="测试线索",
            division=division,
            address="",
            contact="",
            received_hour=hour,
            owning_agency=police,
            sla_due_at=hour + timedelta(hours=3),
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
        )
        for _ in range(count)
    ]
    return Tip.objects.bulk_create(rows)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
