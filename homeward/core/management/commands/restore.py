"""`make restore`: put a backup back and check it (rows, keys, audit chain)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database, uploaded files (and, with --keys, the key file) with a "
        "backup, then check rows per table, that the keys match the data and that the "
        "audit chain verifies against its anchors. Exit 1 if any check fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path)
        parser.add_argument("--keys", type=Path, default=None)
        parser.add_argument(
            "--yes", action="store_true", help="replace the current database without asking"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            answer = input("This replaces the current database. Type 'restore' to go on: ")
            if answer.strip() != "restore":
                raise CommandError("not restored")
        try:
            result = restore(source=options["input"], keys=options["keys"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for table, (expected, found) in sorted(result.count_mismatches.items()):
            self.stderr.write(f"{table}: {found} rows, the backup had {expected}")
        for problem in result.key_problems:
            self.stderr.write(f"keys: {problem}")
        for problem in result.audit_problems:
            self.stderr.write(f"audit chain: {problem}")
        if result.anchors_after_backup:
            self.stdout.write(
                f"{result.anchors_after_backup} audit anchor(s) were written after this "
                "backup: the events they record since the backup are not in it"
            )
        if not result.ok:
            raise CommandError(f"restore checks FAILED after {result.seconds:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"restored and checked in {result.seconds:.1f} s: rows per table match, "
                "keys match the data, audit chain verifies"
            )
        )
