"""Backlogs for the tests of background work: many rows made in a few statements."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from homeward.core.models import Agency, Division
from homeward.tips.models import Tip


def district_police(division_code: str = "500103") -> tuple[Division, Agency]:
    """The district and its police unit. A transactional test runs after the database was
    emptied by the one before it (the reference data is gone): the two rows are made
    again then, which is much cheaper than restoring all reference data."""
    division, _ = Division.objects.get_or_create(
        code=division_code,
        defaults={
            "name_zh": "渝中区",
            "name_en": "Yuzhong District",
            "type": "district",
            "centroid_lat": 29.5528,
            "centroid_lon": 106.5694,
            "population_2020": 588_717,
        },
    )
    police, _ = Agency.objects.get_or_create(
        code=f"{division.code}-public_security",
        defaults={
            "kind": "public_security",
            "level": "district",
            "division": division,
            "name_zh": f"{division.name_zh}公安局",
            "name_en": f"{division.name_en} Public Security Bureau",
        },
    )
    return division, police


def overdue_tips(count: int, *, division_code: str = "500103") -> list[int]:
    """``count`` received clues whose triage deadline passed an hour ago; their ids."""
    division, police = district_police(division_code)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=4)
    tips = [
        Tip(
            tracking_code=f"BL{secrets.token_hex(6).upper()}"[:16],
            secret_hash="0" * 64,
            category=Tip.Category.OTHER,
            channel=Tip.Channel.PUBLIC,
            narrative="积压线索，用于测试后台任务。",
            division=division,
            address="",
            contact="",
            received_hour=hour,
            owning_agency=police,
            sla_due_at=hour + timedelta(hours=3),
        )
        for _ in range(count)
    ]
    created = Tip.objects.bulk_create(tips, batch_size=1000)
    return [tip.pk for tip in created]
