"""Liveness and readiness probes. They name components, never their details."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from homeward.core.permissions import public_view

MAX_CLOCK_SKEW = timedelta(seconds=2)
MIN_FREE_DISK_BYTES = 200 * 1024 * 1024


@public_view
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def database_now() -> datetime | None:
    if connection.vendor != "postgresql":
        return None  # SQLite runs in this process: its clock is ours.
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        row = cursor.fetchone()
    return row[0] if row else None


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _check_cache() -> bool:
    try:
        cache.set("homeward:readyz", "1", 5)
        return bool(cache.get("homeward:readyz") == "1")
    except Exception:
        return False


def _check_broker() -> bool:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return True  # embedded mode: tasks run in-process
    from homeward.celery import app

    try:
        # The URL of the settings, not the app's cached configuration.
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _check_disk() -> bool:
    target = settings.VAR_DIR if settings.VAR_DIR.exists() else settings.BASE_DIR
    return shutil.disk_usage(target).free > MIN_FREE_DISK_BYTES


def _check_clock() -> bool:
    try:
        db_now = database_now()
    except DatabaseError:
        return False
    return db_now is None or abs(db_now - timezone.now()) <= MAX_CLOCK_SKEW


@public_view
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
        "disk": _check_disk(),
        "clock": _check_clock(),
    }
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
