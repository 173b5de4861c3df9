"""The Celery application. Without CELERY_BROKER_URL tasks run in-process (eager)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.embedded")

app = Celery("homeward")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect  # type: ignore[misc]  # celery signals are untyped
def _refuse_mismatched_keys(**kwargs: Any) -> None:
    """A worker with keys that do not match the data does not start (issue 19)."""
    from homeward.core.keycheck import keyring_startup_check

    keyring_startup_check()
