"""Alert fan-out benchmark (issue 4). Run: `python bench/alerts_fanout.py [--database postgres]`.

Places N subscribers (default 1,000,000) over Chongqing and its neighbouring cities by
population, publishes an alert for a child last seen at 解放碑 50 minutes ago, and
measures from the publish call to the moment every recipient of the first ring (100 km)
has a queued ``Delivery`` row. Then it widens the alert to 200, 300 and 500 km and
measures each expansion, which handles only its new ring. Python's allocation peak
(tracemalloc) during each fan-out shows whether memory stays flat. Finally it dispatches
the first ring through the recording channel and reports sends per second.

SQLite runs in a temporary directory; PostgreSQL uses a fresh database
``homeward_bench_alerts`` on 127.0.0.1:5432 (dropped afterwards). Nothing here asserts a
timing: it prints what it measured.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from costs import _cpu, _pid_cpu, load, machine  # noqa: E402


class _Cost:
    """CPU of this process and of its database backend (PostgreSQL) over a step."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.start()

    def start(self) -> None:
        self.self_cpu = _cpu()[0]
        self.db_cpu = _pid_cpu(self.backends)
        self.load = load()

    def line(self) -> str:
        python = _cpu()[0] - self.self_cpu
        database = _pid_cpu(self.backends) - self.db_cpu
        return (
            f"      cpu {python + database:.2f} s (python {python:.2f} + database {database:.2f});"
            f" load {self.load} -> {load()}"
        )


PG_DATABASE = "homeward_bench_alerts"

# Approximate 2020 census populations (millions) of the neighbouring cities in
# homeward/core/data/nearby_cities.csv. They only shape the load; the Chongqing
# districts use their own 2020 figures from the reference data.
NEIGHBOUR_MILLIONS = {
    "成都市": 20.9,
    "贵阳市": 6.0,
    "西安市": 13.0,
    "昆明市": 8.5,
    "长沙市": 10.0,
    "武汉市": 12.3,
    "广安市": 3.3,
    "泸州市": 4.3,
    "内江市": 3.1,
    "遂宁市": 2.8,
    "资阳市": 2.3,
    "遵义市": 6.6,
    "达州市": 5.4,
    "恩施土家族苗族自治州": 3.5,
    "铜仁市": 3.3,
    "湘西土家族苗族自治州": 2.5,
    "安康市": 2.5,
    "神农架林区": 0.1,
    "十堰市": 3.2,
}


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def _places() -> list[tuple[float, float, float, float]]:
    """(lat, lon, weight, spread_km) of every populated place, WGS-84."""
    from homeward.alerts.maps import nearby_cities
    from homeward.core.models import Division
    from homeward.geotarget import gcj02_to_wgs84

    places = []
    for division in Division.objects.all():
        lon, lat = gcj02_to_wgs84(division.centroid_lon, division.centroid_lat)
        places.append((lat, lon, float(division.population_2020 or 0), 12.0))
    for name, lat, lon in nearby_cities():
        wlon, wlat = gcj02_to_wgs84(lon, lat)
        places.append((wlat, wlon, NEIGHBOUR_MILLIONS.get(name, 1.0) * 1e6, 20.0))
    return places


def _populate(count: int) -> float:
    import h3.api.basic_int as h3i
    import numpy as np
    from django.db import connection, transaction

    from homeward.alerts.models import Subscriber
    from homeward.geotarget import H3_RESOLUTION

    rng = np.random.default_rng(20211229)
    places = _places()
    weights = np.array([p[2] for p in places])
    chosen = rng.choice(len(places), size=count, p=weights / weights.sum())
    lat0 = np.array([places[i][0] for i in chosen])
    lon0 = np.array([places[i][1] for i in chosen])
    spread = np.array([places[i][3] for i in chosen])
    km = np.abs(rng.normal(0, 1, count)) * spread
    angle = rng.uniform(0, 2 * math.pi, count)
    lat = lat0 + km / 111.2 * np.cos(angle)
    lon = lon0 + km / (111.2 * np.cos(np.radians(lat0))) * np.sin(angle)
    channels = rng.choice(["web_push", "sms", "partner"], size=count, p=[0.5, 0.2, 0.3])
    started = time.perf_counter()
    table = Subscriber._meta.db_table
    batch = 20000
    for start in range(0, count, batch):
        rows = [
            (
                str(channels[i]),
                f"bench-{i}",
                "",
                float(lat[i]),
                float(lon[i]),
                int(h3i.latlng_to_cell(float(lat[i]), float(lon[i]), H3_RESOLUTION)),
            )
            for i in range(start, min(start + batch, count))
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (channel, external_ref, endpoint, latitude, longitude,"  # noqa: S608
                " h3_cell, active, created_at, updated_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                rows,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608
    return time.perf_counter() - started


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--no-dispatch", action="store_true", help="skip the dispatch figure")
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="homeward-bench-alerts-")
    os.environ["HOMEWARD_VAR_DIR"] = var
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.settings.test"
    if args.database == "postgres":
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        _psql(f"CREATE DATABASE {PG_DATABASE}")
        os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_DATABASE}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
    try:
        _run(args)
    finally:
        if args.database == "postgres":
            from django.db import connections

            connections.close_all()
            _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    print(
        f"machine: {machine()}; database {connection.vendor}, {args.subscribers:,} subscribers;"
        f" load {load()}"
    )
    backends: list[int] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends = [int(cursor.fetchone()[0])]
    elapsed = _populate(args.subscribers)
    print(f"{'placing subscribers (setup, not measured)':<46} {elapsed:8.1f} s")

    from homeward.alerts.dispatch import deliveries_dispatch, ring_fanout
    from homeward.alerts.models import AlertRing, Delivery
    from homeward.alerts.services import alert_create, alert_expand, alert_publish
    from homeward.core.models import Division
    from homeward.core.roles import Role
    from homeward.testing.celery import celery_conf
    from homeward.testing.factories import UserFactory, agency

    commander = UserFactory(
        roles=[Role.ALERT_COMMANDER], agency=agency("500103-public_security"), leader_post="head"
    )
    alert = alert_create(
        actor=commander,
        division=Division.objects.get(code="500103"),
        public_name="小明",
        age_years=6,
        clothing="红色外套",
        last_seen_at=timezone.now() - timedelta(minutes=50),
        last_seen_place="解放碑步行街",
        latitude=29.5579,
        longitude=106.5772,
        no_photo_reason="bench",
    )
    # A running server has its URLs and translations loaded; so does the benchmark.
    from django.urls import reverse

    reverse("public_alerts:index")
    # The tasks are enqueued (to an in-memory broker nobody reads) and run here by hand,
    # so that each figure is one step.
    with celery_conf(task_always_eager=False, broker_url="memory://localhost/"):
        tracemalloc.start()
        cost = _Cost(backends)
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            alert = profile.runcall(
                alert_publish, actor=commander, alert=alert, version=alert.version, leader=commander
            )
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        else:
            alert = alert_publish(
                actor=commander, alert=alert, version=alert.version, leader=commander
            )
        ring = AlertRing.objects.get(alert=alert, stage=0)
        published = time.perf_counter()
        queued = ring_fanout(ring.pk)
        done = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(
            f"{'publish → ring 1 (100 km) queued':<46} {done - started:8.2f} s"
            f"   (publish {published - started:.2f} s + fan-out {done - published:.2f} s,"
            f" {queued:,} recipients, Python peak {peak:.1f} MiB, RSS {_rss_mb():.0f} MiB)"
        )
        print(cost.line())
        base = alert.last_seen_at
        if base is None:
            raise SystemExit("the alert has no last-seen time")
        for minutes, label in ((65, "200 km"), (125, "300 km"), (185, "500 km")):
            tracemalloc.start()
            cost = _Cost(backends)
            started = time.perf_counter()
            new_ring = alert_expand(alert.pk, now=base + timedelta(minutes=minutes))
            if new_ring is None:
                raise SystemExit(f"no expansion at {minutes} minutes")
            count = ring_fanout(new_ring.pk)
            elapsed = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(
                f"{'expansion to ' + label + ' (new ring only)':<46} {elapsed:8.2f} s"
                f"   ({count:,} new recipients, {count / elapsed:,.0f} rows/s,"
                f" Python peak {peak:.1f} MiB, RSS {_rss_mb():.0f} MiB)"
            )
            print(cost.line())
        total = Delivery.objects.filter(alert=alert).count()
        distinct = Delivery.objects.filter(alert=alert).values("subscriber_id").distinct().count()
        print(f"{'deliveries / distinct subscribers':<46} {total:,} / {distinct:,}")
        if not args.no_dispatch:
            cost = _Cost(backends)
            started = time.perf_counter()
            sent = 0
            for channel in ("web_push", "sms", "partner"):
                sent += deliveries_dispatch(ring.pk, channel)
            elapsed = time.perf_counter() - started
            print(
                f"{'dispatch of ring 1 (recording channel)':<46} {elapsed:8.2f} s"
                f"   ({sent:,} sends, {sent / elapsed:,.0f}/s)"
            )
            print(cost.line())


if __name__ == "__main__":
    main()
