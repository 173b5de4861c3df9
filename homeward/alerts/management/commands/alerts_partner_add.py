"""Register an alert partner and print its API token and signing secret (shown once)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.alerts.services import partner_register


class Command(BaseCommand):
    help = (
        "Register a partner that relays missing-child alerts. It pulls the CAP feed with"
        " its token and receives CAP messages at its webhook, signed with its secret."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="short identifier, e.g. sichuan-platform")
        parser.add_argument("name", help="display name")
        parser.add_argument("--webhook", default="", help="HTTPS URL that receives CAP messages")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partner, token, secret = partner_register(
                actor=None,
                code=options["code"],
                name=options["name"],
                webhook_url=options["webhook"],
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        self.stdout.write(self.style.SUCCESS(f"partner {partner.code} registered"))
        self.stdout.write(f"API token (Authorization: Bearer …): {token}")
        self.stdout.write(f"webhook signing secret: {secret}")
        self.stdout.write("Both are shown only now; store them with the partner.")
