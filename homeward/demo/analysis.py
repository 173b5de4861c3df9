"""Demo history for the situation analysis (issue 16): ten years of synthetic clues in
the 38 districts, and a spike of forced-labour recruitment clues in 万州区 in the latest
complete month, which the early warning flags.

Real clue rows, backdated (``received_hour`` in the past), made with ``bulk_create`` in
a few statements: the rollups are then built by the same code that maintains them in
production, and the early warning assesses the latest complete month from them. Each
district's monthly count per category is Poisson around a level scaled by its
population, with a yearly season (more recruitment clues after the Spring Festival) and
a gentle downward trend; six in ten clues carry a position near the district's centre
(hot spots). About 24,000 clues.
"""

from __future__ import annotations

import math
import random
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from homeward.core.models import Agency, Division
from homeward.tips.models import Tip

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_SEED = 20261204
SPIKE_DISTRICT = "500101"  # 万州区
SPIKE_CATEGORY = Tip.Category.FORCED_LABOUR
SPIKE_COUNT = 16
YEARS = 10
# Clues per month per million residents, by category (the whole history's level).
LEVELS: dict[str, float] = {
    Tip.Category.TRAFFICKING: 0.5,
    Tip.Category.BUYING: 0.2,
    Tip.Category.CHILD_SELLING: 0.2,
    Tip.Category.FORCED_LABOUR: 0.9,
    Tip.Category.FORCED_BEGGING: 0.2,
    Tip.Category.SEXUAL_EXPLOITATION: 0.3,
    Tip.Category.ONLINE: 0.6,
    Tip.Category.SUSPICIOUS: 0.6,
    Tip.Category.MISSING_CHILD: 0.3,
    Tip.Category.OTHER: 0.3,
}
NARRATIVE = "演示历史线索（合成数据，用于形势分析演示）"


def _months_back(latest: date, count: int) -> list[date]:
    months = []
    index = latest.year * 12 + latest.month - 1
    for back in range(count - 1, -1, -1):
        i = index - back
        months.append(date(i // 12, i % 12 + 1, 1))
    return months


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: the means here are small.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def latest_complete_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    previous = first - timedelta(days=1)
    return previous.replace(day=1)


@transaction.atomic
def seed_analysis_history(*, today: date | None = None, seed: int = DEMO_SEED) -> int:
    """The clue history and its rollups; returns the clues made (0 if already there)."""
    if Tip.objects.filter(tracking_code__startswith="HX").exists():
        return 0
    rng = random.Random(seed)  # noqa: S311  (reproducible synthetic data)
    latest = latest_complete_month(today)
    months = _months_back(latest, YEARS * 12)
    police = {
        agency.division_id: agency
        for agency in Agency.objects.filter(kind="public_security", division__isnull=False)
    }
    rows: list[Tip] = []
    statuses = (
        [Tip.Status.SUBSTANTIATED] * 2 + [Tip.Status.UNSUBSTANTIATED] * 7 + [Tip.Status.REFERRED]
    )
    for division in Division.objects.order_by("code"):
        agency = police.get(division.pk)
        if agency is None:
            continue
        millions = (division.population_2020 or 500_000) / 1_000_000
        for index, month in enumerate(months):
            season = 1 + 0.35 * math.cos(2 * math.pi * (month.month - 3) / 12)
            trend = 1.15 - 0.3 * index / len(months)
            for category, level in LEVELS.items():
                count = _poisson(rng, level * millions * season * trend)
                if (
                    month == latest
                    and division.code == SPIKE_DISTRICT
                    and category == SPIKE_CATEGORY
                ):
                    count = SPIKE_COUNT
                for _ in range(count):
                    day = rng.randint(1, 28)
                    hour = datetime(
                        month.year, month.month, day, rng.randint(0, 23), tzinfo=SHANGHAI
                    )
                    located = rng.random() < 0.6
                    rows.append(
                        Tip(
                            tracking_code=f"HX{secrets.token_hex(7).upper()}",
                            secret_hash="0" * 64,
                            category=category,
                            channel=Tip.Channel.PUBLIC,
                            status=rng.choice(statuses),
                            narrative=NARRATIVE,
                            division=division,
                            address="",
                            contact="",
                            received_hour=hour,
                            owning_agency=agency,
                            sla_due_at=hour + timedelta(hours=3),
                            latitude=division.centroid_lat + rng.gauss(0, 0.04)
                            if located
                            else None,
                            longitude=division.centroid_lon + rng.gauss(0, 0.04)
                            if located
                            else None,
                        )
                    )
    Tip.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed_analysis(*, today: date | None = None) -> tuple[int, int]:
    """History, rollups, and the early warning of the latest complete month (the earlier
    months are history, not assessed: the monthly job continues from there)."""
    from homeward.analysis.early_warning import month_assess
    from homeward.analysis.rollups import rollups_refresh

    made = seed_analysis_history(today=today)
    rollups_refresh(full=True)
    run = month_assess(latest_complete_month(today))
    return made, run.warnings
