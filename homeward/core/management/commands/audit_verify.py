"""Verify the audit hash chain; exit 1 naming every altered or missing row."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from homeward.core.audit import audit_verify
from homeward.core.models import AuditEvent


class Command(BaseCommand):
    help = "Recompute the audit hash chain and report altered, removed or reordered rows."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        total = AuditEvent.objects.count()
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {total} events"))
            return
        for problem in problems:
            row = f"row id {problem.event_id}" if problem.event_id is not None else "no row"
            self.stderr.write(f"seq {problem.seq} ({row}): {problem.reason}")
        self.stderr.write(f"audit chain BROKEN: {len(problems)} problem(s) in {total} events")
        sys.exit(1)
