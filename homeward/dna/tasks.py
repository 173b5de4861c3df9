"""DNA background work: keep the reference index current; run kinship searches."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="homeward.dna.tasks.index_refresh", acks_late=True, ignore_result=True)  # type: ignore[misc]
def index_refresh() -> int:
    """Append specimens not yet in the on-disk reference index (idempotent)."""
    from homeward.dna.matching import index_sync

    return index_sync()


@shared_task(name="homeward.dna.tasks.match_run_execute", acks_late=True, ignore_result=True)  # type: ignore[misc]
def match_run_execute(run_id: int) -> None:
    """Run one queued search; a run already done is left alone (idempotent)."""
    from homeward.dna.matching import match_run_execute as execute

    execute(run_id)


@shared_task(
    name="homeward.dna.tasks.accuracy_report_run",
    acks_late=True,
    ignore_result=True,
    time_limit=540,
)  # type: ignore[misc]
def accuracy_report_run(report_id: int) -> None:
    from homeward.dna.services import accuracy_report_execute

    accuracy_report_execute(report_id)
