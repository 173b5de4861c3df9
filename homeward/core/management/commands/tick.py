"""Run the sweep of due work once (what the ticker thread and Celery beat run)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from homeward.core.tick import tick


class Command(BaseCommand):
    help = "Run tick() once and print each job's result (a job held elsewhere says 'busy')."

    def handle(self, *args: Any, **options: Any) -> None:
        run = tick()
        self.stdout.write(json.dumps(run.results, sort_keys=True))
        if not run.ok:
            raise SystemExit(1)
