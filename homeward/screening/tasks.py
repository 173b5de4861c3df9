"""Screening background work: an upload's import and classification is a background
run (``homeward.core.background``): started after the upload commits, held by a claim,
and started again by the stalled-work sweep of ``tick()`` if the broker was down or the
worker died (it carries on where it stopped)."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings

from homeward.core.background import claim_name, claimed, leases_held, run_kind

CLAIM_SECONDS = settings.CELERY_TASK_TIME_LIMIT + 60
STALL_SECONDS = 120


@shared_task(name="homeward.screening.tasks.intake_run", acks_late=True, ignore_result=True)  # type: ignore[misc]
def intake_run(batch_id: int) -> None:
    """Import and classify one uploaded export; a run done, or running elsewhere, is
    left alone."""
    from homeward.screening.services import intake_execute

    with claimed("screening.intake", batch_id, seconds=CLAIM_SECONDS) as claim:
        if claim is not None:
            intake_execute(batch_id)


def _stalled_intakes(now: datetime) -> list[tuple[int]]:
    from homeward.screening.models import IntakeBatch

    ids = list(
        IntakeBatch.objects.filter(
            status__in=[IntakeBatch.Status.QUEUED, IntakeBatch.Status.RUNNING],
            requested_at__lt=now - timedelta(seconds=STALL_SECONDS),
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)[:20]
    )
    held = leases_held((claim_name("screening.intake", pk) for pk in ids), now=now)
    return [(pk,) for pk in ids if claim_name("screening.intake", pk) not in held]


run_kind("screening.intake", task=intake_run, stalled=_stalled_intakes, grace=STALL_SECONDS)
