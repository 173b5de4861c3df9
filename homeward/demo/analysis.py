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

Province flows: ten years of rescued victims from several provinces and abroad, their
"province or nationality" written as people write it (贵州省, 贵州遵义, 黔, 越南籍, 不详 …),
and of children lost from Chongqing whose family search was confirmed, grown up in other
provinces (a family search in the district where the child was lost, the self-search of
the grown child, and the confirmed candidate). About 300 victims and 60 reunions.
"""

from __future__ import annotations

import math
import random
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from homeward.core.models import Agency, Division, User
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


# Victims rescued in Chongqing: (origin, "province or nationality" as written, weight).
VICTIM_ORIGINS: tuple[tuple[str, str, int], ...] = (
    ("chongqing", "", 30),
    ("other_province", "贵州省", 8),
    ("other_province", "贵州遵义", 5),
    ("other_province", "黔", 2),
    ("other_province", "四川", 8),
    ("other_province", "四川省达州市", 3),
    ("other_province", "云南昭通", 5),
    ("other_province", "湖南", 4),
    ("other_province", "湖北省恩施州", 3),
    ("other_province", "广西壮族自治区", 3),
    ("other_province", "河南", 2),
    ("other_province", "不详", 2),
    ("foreign", "越南", 5),
    ("foreign", "越南籍", 2),
    ("foreign", "缅甸", 3),
    ("foreign", "老挝", 2),
)
# Children lost from Chongqing found in another province: (province as written, weight).
FOUND_PROVINCES: tuple[tuple[str, int], ...] = (
    ("福建", 6),
    ("福建省莆田市", 2),
    ("广东省", 5),
    ("河南", 3),
    ("山东省", 3),
    ("江苏", 2),
    ("浙江", 2),
    ("河北", 2),
    ("四川", 2),
    ("重庆", 2),
)
FLOW_MARK = "（演示历史）"
FLOW_VICTIMS_A_YEAR = 30
FLOW_REUNIONS_A_YEAR = 6


def _weighted(rng: random.Random, choices: tuple[tuple[object, ...], ...]) -> tuple[object, ...]:
    return rng.choices(choices, weights=[int(str(c[-1])) for c in choices])[0]


def flow_victims(
    division: Division,
    rows: list[tuple[datetime, str, str]],
    *,
    actor: User,
    police: Agency,
    civil_affairs: Agency | None = None,
) -> int:
    """Victims rescued in ``division``: (rescued at, origin, origin detail) each, with
    their person records, in two statements (history: numbers matter, not names)."""
    from homeward.people.models import Person
    from homeward.victims.models import Victim

    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"被解救人{index + 1}{FLOW_MARK}",
                sex="female" if index % 3 else "male",
                division=division,
                owning_agency=police,
                created_by=actor,
                created_at=rescued_at,
            )
            for index, (rescued_at, _origin, _detail) in enumerate(rows)
        ]
    )
    victims = []
    for person, (rescued_at, origin, detail) in zip(people, rows, strict=True):
        age = 8 + person.pk % 25
        victims.append(
            Victim(
                person=person,
                identity_status="identified",
                age_group="child" if age < 14 else "minor" if age < 18 else "adult",
                age_at_rescue=age,
                origin=origin,
                origin_detail=detail,
                rescued_at=rescued_at,
                how_rescued=NARRATIVE,
                rescuing_agency=police,
                status="closed",
                division=division,
                owning_agency=civil_affairs or police,
                registered_at=rescued_at,
                registered_by=actor,
            )
        )
    Victim.objects.bulk_create(victims)
    return len(victims)


def flow_reunions(
    division: Division,
    rows: list[tuple[datetime, str]],
    *,
    actor: User,
    police: Agency,
) -> int:
    """Children lost from ``division`` found grown up elsewhere: (confirmed at, province
    where found as written) each — the family's search, the grown child's self-search,
    the found person and the confirmed candidate, in four statements."""
    from homeward.reunion.models import Candidate, FoundPerson, SearchRegistration

    def search(kind: str, when: datetime) -> SearchRegistration:
        return SearchRegistration(
            tracking_code=f"HF{secrets.token_hex(7).upper()}",
            kind=kind,
            channel=SearchRegistration.Channel.POLICE,
            status=SearchRegistration.Status.MATCHED,
            name=f"寻亲{FLOW_MARK}",
            division=division,
            owning_agency=police,
            registered_by=actor,
            registered_at=when - timedelta(days=400),
        )

    families = SearchRegistration.objects.bulk_create([search("family", at) for at, _p in rows])
    selves = SearchRegistration.objects.bulk_create([search("self", at) for at, _p in rows])
    found = FoundPerson.objects.bulk_create(
        [
            FoundPerson(
                source=FoundPerson.Source.SELF_SEARCH,
                self_search=own,
                status=FoundPerson.Status.MATCHED,
                found_province=province,
                division=division,
                owning_agency=police,
                registered_by=actor,
                registered_at=at - timedelta(days=300),
                matched_at=at,
            )
            for own, (at, province) in zip(selves, rows, strict=True)
        ]
    )
    Candidate.objects.bulk_create(
        [
            Candidate(
                search=family,
                found=person,
                rank=1,
                score=20.0,
                posterior=0.99,
                band=Candidate.Band.LIKELY,
                engine_version="demo",
                state=Candidate.State.CONFIRMED,
                decided_by=actor,
                decided_at=at,
                ranked_at=at - timedelta(days=60),
            )
            for family, person, (at, _p) in zip(families, found, rows, strict=True)
        ]
    )
    return len(rows)


@transaction.atomic
def seed_flow_history(*, today: date | None = None, seed: int = DEMO_SEED) -> tuple[int, int]:
    """Ten years of victims from several provinces and of children found elsewhere, in
    the districts of Chongqing; returns (victims, reunions) made (0, 0 if already there)."""
    from homeward.people.models import Person

    if Person.objects.filter(full_name__endswith=FLOW_MARK).exists():
        return 0, 0
    actor = User.objects.filter(username="demo.investigator").first()
    if actor is None:
        # Without the demo accounts (a bare history): an inactive account records them.
        actor, _created = User.objects.get_or_create(
            username="demo.history",
            defaults={
                "full_name": "演示历史数据",
                "agency": Agency.objects.get(code="cq-public_security"),
                "is_demo": True,
                "is_active": False,
            },
        )
    rng = random.Random(seed + 1)  # noqa: S311  (reproducible synthetic data)
    latest = latest_complete_month(today)
    months = _months_back(latest, YEARS * 12)
    divisions = list(Division.objects.order_by("code"))
    weights = [division.population_2020 or 500_000 for division in divisions]
    police = {
        agency.division_id: agency
        for agency in Agency.objects.filter(kind="public_security", division__isnull=False)
    }
    civil = {
        agency.division_id: agency
        for agency in Agency.objects.filter(kind="civil_affairs", division__isnull=False)
    }

    def moment(month: date) -> datetime:
        return datetime(
            month.year, month.month, rng.randint(1, 28), rng.randint(8, 20), tzinfo=SHANGHAI
        )

    victims: dict[int, list[tuple[datetime, str, str]]] = {}
    for _ in range(FLOW_VICTIMS_A_YEAR * YEARS):
        division = rng.choices(divisions, weights=weights)[0]
        origin, detail, _weight = _weighted(rng, VICTIM_ORIGINS)
        victims.setdefault(division.pk, []).append(
            (moment(rng.choice(months)), str(origin), str(detail))
        )
    reunions: dict[int, list[tuple[datetime, str]]] = {}
    for _ in range(FLOW_REUNIONS_A_YEAR * YEARS):
        division = rng.choices(divisions, weights=weights)[0]
        province, _weight = _weighted(rng, FOUND_PROVINCES)
        reunions.setdefault(division.pk, []).append((moment(rng.choice(months)), str(province)))
    made_victims = made_reunions = 0
    for division in divisions:
        agency = police.get(division.pk)
        if agency is None:
            continue
        if division.pk in victims:
            made_victims += flow_victims(
                division,
                victims[division.pk],
                actor=actor,
                police=agency,
                civil_affairs=civil.get(division.pk),
            )
        if division.pk in reunions:
            made_reunions += flow_reunions(
                division, reunions[division.pk], actor=actor, police=agency
            )
    return made_victims, made_reunions


def seed_analysis(*, today: date | None = None) -> tuple[int, int]:
    """History, rollups, and the early warning of the latest complete month (the earlier
    months are history, not assessed: the monthly job continues from there)."""
    from homeward.analysis.early_warning import month_assess
    from homeward.analysis.rollups import rollups_refresh

    made = seed_analysis_history(today=today)
    seed_flow_history(today=today)
    rollups_refresh(full=True)
    run = month_assess(latest_complete_month(today))
    return made, run.warnings
