"""Re-read the contact details of every stored clue with the current extraction (the
screening engine's: WeChat and QQ ids, phones in full-width digits or in words) and add
those missing, so that older clues join the online posts and clues that name them.

Batched and idempotent: a second run adds nothing; nothing is removed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from homeward.tips.services import tips_reindex_identifiers


class Command(BaseCommand):
    help = "Add the contact details (WeChat, QQ, phones however written) stored clues lack."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=0, help="clues per transaction")

    def handle(self, *args: object, **options: object) -> None:
        batch = int(str(options["batch"] or 0)) or None
        read, added = tips_reindex_identifiers(batch=batch)
        self.stdout.write(f"{read} clues read, {added} identifiers added")
