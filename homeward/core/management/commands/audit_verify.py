"""Verify the keyed audit chain against its anchors; exit 1 naming every problem."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from homeward.core.audit import audit_chain, audit_verify_report, read_anchors


class Command(BaseCommand):
    help = (
        "Recompute the keyed audit chain and compare it with the signed anchors outside "
        "the database: reports altered, removed or reordered rows, truncation (a rewound "
        "head, a wiped database) and rows rewritten after an anchor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Recompute only the events after the newest anchor that still matches "
            "(anchored hashes are always compared).",
        )
        parser.add_argument(
            "--no-chain",
            action="store_true",
            help="Do not link pending events first (read-only verification).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        cpu = time.process_time()
        if not options["no_chain"]:
            audit_chain()
        report = audit_verify_report(full=not options["incremental"])
        timing = (
            f"{time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
        )
        scope = f"from #{report.start_seq + 1}" if report.start_seq else "from the start"
        summary = (
            f"{report.checked} events recomputed {scope}, {report.anchors} anchors "
            f"({len(read_anchors()[0])} in the anchor directory), {report.unchained} not yet "
            f"chained; {timing}"
        )
        if not report.problems:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {summary}"))
            return
        for problem in report.problems:
            row = f"row id {problem.event_id}" if problem.event_id is not None else "no row"
            self.stderr.write(f"seq {problem.seq} ({row}): {problem.reason}")
        self.stderr.write(f"audit chain BROKEN: {len(report.problems)} problem(s); {summary}")
        sys.exit(1)
