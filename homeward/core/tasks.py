"""Celery tasks of the core module. Tasks take ids, are idempotent, call services."""

from __future__ import annotations

from celery import shared_task

from homeward.core.tick import tick


@shared_task(name="homeward.core.tasks.run_tick", acks_late=True, ignore_result=True)  # type: ignore[misc]
def run_tick() -> int:
    """The beat-scheduled sweep. Idempotent: every job works from database state."""
    run = tick()
    return run.pk


@shared_task(name="homeward.core.tasks.ping", acks_late=True)  # type: ignore[misc]
def ping(token: str) -> str:
    """Round-trip check used by readiness probes and the broker integration test."""
    from django.utils import timezone

    from homeward.core.models import TickRun

    TickRun.objects.create(started_at=timezone.now(), results={"ping": token}, ok=True)
    return token
