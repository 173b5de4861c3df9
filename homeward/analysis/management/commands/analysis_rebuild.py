"""Rebuild every figure's monthly rollup from the modules' rows (after an import, a
restore, or a change of a figure's definition)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.analysis.rollups import rollups_refresh
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction


class Command(BaseCommand):
    help = "Rebuild the situation analysis's monthly rollups of every figure."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--assess",
            action="store_true",
            help="Then run the early warning for complete months not yet assessed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = rollups_refresh(full=True)
        audit_record(
            actor=None,
            action=AuditAction.ANALYSIS_ROLLUP_REBUILD,
            object_type="analysis.monthlycount",
            detail={"changed": changed},
        )
        self.stdout.write(f"rollups rebuilt: {changed} cells changed")
        if options["assess"]:
            from homeward.analysis.early_warning import early_warning_due

            self.stdout.write(f"warnings raised: {early_warning_due()}")
