"""Rebuild the DNA reference index from the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.dna.matching import index_rebuild


class Command(BaseCommand):
    help = "Throw away the on-disk kinship reference index and rebuild it from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"reference index rebuilt: {rows} rows"))
