"""`make backup`: the database (SQLite online backup / pg_dump), files and anchors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump), uploaded "
        "files and audit anchors to an empty directory. --keys-output copies the key file "
        "to a separate directory: keep it apart from the data backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--keys-output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(output=options["output"], keys_output=options["keys_output"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(result.manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {result.directory}: {rows} rows in "
                f"{len(result.manifest['counts'])} tables, {result.manifest['media_files']} "
                f"files, in {result.seconds:.1f} s"
            )
        )
        if options["keys_output"]:
            self.stdout.write(f"keys written to {options['keys_output']}: store them apart")
        else:
            self.stdout.write(
                "keys NOT included: the data is unreadable without the key file backed up "
                "when the keys were made or rotated (README, 'Secrets to back up')"
            )
