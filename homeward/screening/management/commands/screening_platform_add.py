"""Register an online platform for the partner API; prints its token once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from homeward.screening.services import platform_register


class Command(BaseCommand):
    help = "Register an online platform (partner API token printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="short code, e.g. douyin")
        parser.add_argument("name", help="display name, e.g. 抖音")
        parser.add_argument(
            "--takedown-hours", type=int, default=24, help="hours to remove a post (24)"
        )

    def handle(self, *args: object, **options: object) -> None:
        platform, token = platform_register(
            actor=None,
            code=str(options["code"]),
            name=str(options["name"]),
            takedown_hours=int(str(options["takedown_hours"])),
        )
        self.stdout.write(f"platform {platform.code} registered")
        self.stdout.write(f"API token (shown once): {token}")
