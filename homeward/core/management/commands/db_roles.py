"""Create the PostgreSQL run-time roles and set their privileges (core.db_roles)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from homeward.core import db_roles


class Command(BaseCommand):
    help = (
        "PostgreSQL: create the application role (no DNA tables, owns nothing) and the "
        "DNA role, and grant them exactly what the platform needs. Run as the database "
        "owner after every migrate (make db-roles)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", default=db_roles.APP_ROLE)
        parser.add_argument("--dna-role", default=db_roles.DNA_ROLE)
        parser.add_argument(
            "--passwords-from-env",
            action="store_true",
            help="set the roles' passwords from HOMEWARD_DB_APP_PASSWORD and "
            "HOMEWARD_DB_DNA_PASSWORD",
        )
        parser.add_argument("--print", action="store_true", help="print the SQL, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL (SQLite has no roles)")
        passwords = {}
        if options["passwords_from_env"]:
            passwords = {
                options["app_role"]: os.environ.get("HOMEWARD_DB_APP_PASSWORD", ""),
                options["dna_role"]: os.environ.get("HOMEWARD_DB_DNA_PASSWORD", ""),
            }
        role_plan = db_roles.plan(
            app_role=options["app_role"], dna_role=options["dna_role"], passwords=passwords
        )
        if options["print"]:
            for statement in role_plan.statements:
                self.stdout.write(statement + ";")
            return
        with transaction.atomic():
            db_roles.apply(role_plan)
        self.stdout.write(
            self.style.SUCCESS(
                f"roles {options['app_role']} and {options['dna_role']} set: "
                f"{len(role_plan.statements)} statements; DNA tables: "
                f"{', '.join(db_roles.dna_tables())}"
            )
        )
