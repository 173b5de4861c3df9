"""Situation analysis pages over ten years of 38 districts on PostgreSQL (issue 16).
Run: `python bench/analysis_bench.py [--events 10000000] [--repeat 5]`.

What "10 million events" means here: the rollup cells (``analysis.MonthlyCount``) of ten
years × 38 districts × every figure and category are inserted directly, their counts
summing to ``--events`` (about 330,000 cells). The raw module rows they stand for are NOT
created: the pages read only the rollups, so their cost depends on the number of cells,
not of events. Building the cells from raw rows (the rollup job) is not measured here.

For each page, a signed-in municipal office user (and a district user) requests it
through Django's test client in this process (no HTTP server): median and max of
``--repeat`` runs after a warm-up, CPU time of this process (the PostgreSQL server's is
not included), and the number of SQL queries. The yearly report for the city is timed
as PDF and Word. Prints the machine and the load average.

Uses the database of DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/homeward_bench),
created and migrated on first use; its analysis tables are emptied first.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from costs import load, machine

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ZoneInfo("Asia/Shanghai")
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/homeward_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.test")


def _create_database() -> None:
    """Create the bench's database on first use (the server's ``postgres`` database is
    the one connected to for that)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def _setup() -> None:
    import django

    _create_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    call_command("migrate", verbosity=0)


def _cells(events: int, seed: int) -> int:
    """Insert rollup cells of ten years whose counts sum to about ``events``."""
    from homeward.analysis.models import Assessment, AssessmentRun, MonthlyCount, Warning
    from homeward.analysis.rollups import add_months
    from homeward.core.figures import all_figures
    from homeward.core.models import Division

    Assessment.objects.update(attached_to=None)
    Warning.objects.all().delete()
    Assessment.objects.all().delete()
    AssessmentRun.objects.all().delete()
    MonthlyCount.objects.all().delete()
    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    divisions = list(Division.objects.values_list("pk", flat=True))
    today = datetime.now(tz=SHANGHAI).date().replace(day=1)
    months = [add_months(today, -i) for i in range(1, 121)]
    series = []
    for definition in all_figures():
        categories = list(definition.category_labels) or [""]
        series.extend((definition.key, c) for c in categories)
    weights = [rng.random() + 0.2 for _ in series]
    total_weight = sum(weights) * len(divisions) * len(months)
    rows = []
    placed = 0
    for (figure, category), weight in zip(series, weights, strict=True):
        for division in divisions:
            for month in months:
                mean = events * weight / total_weight
                count = max(0, int(rng.gauss(mean, mean**0.5 + 0.5)))
                if count:
                    placed += count
                    rows.append(
                        MonthlyCount(
                            figure=figure,
                            division_id=division,
                            month=month,
                            category=category,
                            count=count,
                        )
                    )
    MonthlyCount.objects.bulk_create(rows, batch_size=5000)
    print(f"rollup cells: {len(rows):,} standing for {placed:,} events")
    return placed


def _time(
    client: object, url: str, repeat: int, *, method: str = "get", data: dict | None = None
) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = getattr(client, method)
    response = call(url, data or {})
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    walls, cpus, queries = [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            response = call(url, data or {})
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        queries = len(captured)
    return (
        f"{url:<60} median {statistics.median(walls) * 1000:7.0f} ms  "
        f"max {max(walls) * 1000:7.0f} ms  cpu {statistics.median(cpus) * 1000:6.0f} ms  "
        f"{queries:3d} queries  {len(response.content) // 1024} KB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the rollup cells of a previous run"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}; database: PostgreSQL; load before: {load()}")
    _setup()
    from django.db.models import Sum

    from homeward.analysis.early_warning import month_assess
    from homeward.analysis.models import MonthlyCount
    from homeward.analysis.rollups import add_months
    from homeward.core.roles import Role
    from homeward.testing.factories import UserFactory, agency
    from homeward.testing.fixtures import signed_in

    started = time.perf_counter()
    if args.reuse and MonthlyCount.objects.exists():
        total = MonthlyCount.objects.aggregate(n=Sum("count"))["n"]
        print(f"rollup cells kept: {MonthlyCount.objects.count():,} standing for {total:,} events")
    else:
        _cells(args.events, args.seed)
        print(f"inserted in {time.perf_counter() - started:.0f} s; load {load()}")
        # What autovacuum does after a bulk load in operation: table statistics and the
        # visibility map (without it the covering index cannot answer alone).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE analysis_monthlycount")
        print(f"VACUUM ANALYZE analysis_monthlycount done; load {load()}")
    latest = add_months(datetime.now(tz=SHANGHAI).date().replace(day=1), -1)
    wall, cpu = time.perf_counter(), time.process_time()
    run = month_assess(latest)
    print(
        f"early warning of {latest:%Y-%m}: {run.series} series assessed, {run.warnings} warnings; "
        f"wall {time.perf_counter() - wall:.1f} s, cpu {time.process_time() - cpu:.1f} s"
    )
    suffix = str(int(time.time()))
    office = UserFactory(
        username=f"bench.office.{suffix}",
        agency=agency("cq-joint_conference_office"),
        roles=[Role.JOINT_CONFERENCE_OFFICER],
    )
    district = UserFactory(
        username=f"bench.wz.{suffix}",
        agency=agency("500101-joint_conference_office"),
        roles=[Role.DISTRICT_COORDINATOR],
    )
    city, own = signed_in(office), signed_in(district)
    year = latest.year
    print(f"pages (repeat {args.repeat}); load {load()}")
    for client, url in (
        (city, f"/analysis/?year={year}"),
        (city, f"/analysis/?year={year}&figure=clues_received&category=forced_labour"),
        (city, f"/analysis/?year={year - 1}&figure=victims_rescued"),
        (own, f"/analysis/?year={year}"),
        (city, "/analysis/warnings/"),
        (own, "/analysis/warnings/"),
        (city, "/"),
    ):
        print(_time(client, url, args.repeat), flush=True)
    from homeward.analysis.models import Warning

    warning = Warning.objects.order_by("-pk").first()
    if warning is not None:
        print(_time(city, f"/analysis/warnings/{warning.pk}/", args.repeat))
    for fmt in ("pdf", "docx"):
        print(
            "city report "
            + _time(
                city,
                "/analysis/report/",
                max(1, args.repeat // 2),
                method="post",
                data={"area": "city", "year": str(year - 1), "format": fmt},
            )
        )
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
