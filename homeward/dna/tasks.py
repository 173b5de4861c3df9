"""DNA background work: keep the reference index current; run kinship searches.

Searches and accuracy reports are background runs of ``homeward.core.background``: a
run asked for while the broker was down, or whose worker died, is started again by the
stalled-work sweep of ``tick()``, and each runs under a claim so that the sweep and a
broker redelivery never run the same search twice at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings

from homeward.core.background import claim_name as _claim_name
from homeward.core.background import claimed, leases_held, run_kind

# A claim outlives the task's hard time limit: a live worker is never overtaken.
CLAIM_SECONDS = settings.CELERY_TASK_TIME_LIMIT + 60
# A queued run is started again when nothing picked it up for this long.
STALL_SECONDS = 120


@shared_task(name="homeward.dna.tasks.index_refresh", acks_late=True, ignore_result=True)  # type: ignore[misc]
def index_refresh() -> int:
    """Append specimens not yet in the on-disk reference index (idempotent)."""
    from homeward.dna.matching import index_sync

    return index_sync()


@shared_task(name="homeward.dna.tasks.dna_scan_shard", acks_late=True, ignore_result=True)  # type: ignore[misc]
def dna_scan_shard(
    key: str,
    index_dir: str,
    query: dict[str, Any],
    direction: str,
    start: int,
    stop: int,
    top_k: int,
) -> None:
    """Scan one shard of a sharded search and put the answer on the search's Redis list
    (``homeward.dna.sharding``); a failure is answered too, so the search fails fast."""
    from celery import current_app

    from homeward.dna.engine import frequency_table
    from homeward.dna.sharding import answer, scan_shard

    broker = str(current_app.conf.broker_url)
    try:
        payload = scan_shard(
            index_dir,
            query,
            direction,
            start,
            stop,
            top_k,
            table=frequency_table(),
            threads=settings.DNA_SHARD_THREADS,
        )
    except Exception as error:
        answer(
            key, {"start": start, "stop": stop, "error": type(error).__name__}, broker_url=broker
        )
        raise
    answer(key, payload, broker_url=broker)


@shared_task(name="homeward.dna.tasks.match_run_execute", acks_late=True, ignore_result=True)  # type: ignore[misc]
def match_run_execute(run_id: int) -> None:
    """Run one queued search; a run already done, or running elsewhere, is left alone."""
    from homeward.dna.matching import match_run_execute as execute

    with claimed("dna.match_run", run_id, seconds=CLAIM_SECONDS) as claim:
        if claim is not None:
            execute(run_id)


@shared_task(
    name="homeward.dna.tasks.accuracy_report_run",
    acks_late=True,
    ignore_result=True,
    time_limit=540,
)  # type: ignore[misc]
def accuracy_report_run(report_id: int) -> None:
    from homeward.dna.services import accuracy_report_execute

    with claimed("dna.accuracy_report", report_id, seconds=CLAIM_SECONDS) as claim:
        if claim is not None:
            accuracy_report_execute(report_id)


def _unclaimed(kind: str, ids: list[int], now: datetime) -> list[tuple[int]]:
    held = leases_held((_claim_name(kind, pk) for pk in ids), now=now)
    return [(pk,) for pk in ids if _claim_name(kind, pk) not in held]


def _stalled_match_runs(now: datetime) -> list[tuple[int]]:
    """Searches not finished, asked for a while ago, that no worker holds."""
    from homeward.dna.models import MatchRun

    ids = list(
        MatchRun.objects.filter(
            status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING],
            requested_at__lt=now - timedelta(seconds=STALL_SECONDS),
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)[:100]
    )
    return _unclaimed("dna.match_run", ids, now)


def _stalled_accuracy_reports(now: datetime) -> list[tuple[int]]:
    from homeward.dna.models import AccuracyReport

    ids = list(
        AccuracyReport.objects.filter(
            status=AccuracyReport.Status.QUEUED,
            requested_at__lt=now - timedelta(seconds=STALL_SECONDS),
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)[:20]
    )
    return _unclaimed("dna.accuracy_report", ids, now)


run_kind("dna.match_run", task=match_run_execute, stalled=_stalled_match_runs, grace=STALL_SECONDS)
run_kind(
    "dna.accuracy_report",
    task=accuracy_report_run,
    stalled=_stalled_accuracy_reports,
    grace=CLAIM_SECONDS,
)
