"""Write docs/data-inventory.md from core.inventory, or check it (DP-04)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.core.inventory import inventory_markdown, inventory_problems


def document_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "data-inventory.md"


class Command(BaseCommand):
    help = "Write docs/data-inventory.md from homeward/core/inventory.py (--check: compare only)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if anything is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = inventory_problems()
        if problems:
            raise CommandError("\n".join(problems))
        text = inventory_markdown()
        path = document_path()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run manage.py data_inventory")
            self.stdout.write("data inventory: up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
