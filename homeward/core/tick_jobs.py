"""The core module's jobs for the tick sweep."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from homeward.core.models import TickRun
from homeward.core.services.accounts import accounts_disable_inactive
from homeward.core.tick import tick_job


@tick_job("core.disable_inactive_accounts")
def disable_inactive_accounts() -> int:
    return accounts_disable_inactive()


@tick_job("core.purge_expired_sessions")
def purge_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@tick_job("core.prune_tick_history")
def prune_tick_history() -> int:
    deleted, _ = TickRun.objects.filter(started_at__lt=timezone.now() - timedelta(days=7)).delete()
    return deleted


@tick_job("core.restart_stalled_runs")
def restart_stalled_runs() -> int:
    """Every kind of background run whose work never started or whose worker died."""
    from homeward.core.background import runs_restart_stalled

    return sum(runs_restart_stalled().values())


@tick_job("core.prune_leases")
def prune_leases() -> int:
    from homeward.core.background import leases_prune

    return leases_prune()


@tick_job("core.audit_chain")
def audit_chain_and_checkpoint() -> int:
    """Link events the after-commit step left (a busy lock, a crash), then anchor the
    head outside the database when a checkpoint is due (core.audit)."""
    from homeward.core.audit import audit_chain, audit_checkpoint

    linked = audit_chain()
    audit_checkpoint()
    return linked


@tick_job("core.audit_purge")
def audit_purge_expired() -> int:
    """AUD-04: events older than AUDIT_RETENTION_DAYS, after a checkpoint."""
    from homeward.core.audit import audit_purge

    return audit_purge()


@tick_job("core.anonymise_expired")
def anonymise_expired() -> int:
    """Personal information past its declared retention (core.retention, DP-04)."""
    from homeward.core.retention import sightings_anonymise

    return sightings_anonymise()
