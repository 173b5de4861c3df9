"""Build the demo data set and accounts if the database has none."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from homeward.demo.accounts import demo_accounts_create
from homeward.demo.seed import demo_data_present, seed_people


class Command(BaseCommand):
    help = "Create demo accounts (one per role) and a synthetic data set, if absent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=240, help="people to register")

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_accounts_create()
        self.stdout.write(f"demo accounts created: {len(created)}")
        if demo_data_present():
            self.stdout.write("demo data already present; nothing added")
            return
        count = seed_people(count=options["people"])
        self.stdout.write(self.style.SUCCESS(f"demo data: {count} people registered"))
        from homeward.demo.dna import seed_dna

        specimens = seed_dna()
        self.stdout.write(self.style.SUCCESS(f"demo DNA: {specimens} synthetic specimens imported"))
        from homeward.demo.casework import seed_casework

        clues = seed_casework()
        self.stdout.write(self.style.SUCCESS(f"demo casework: {clues} clues and a case"))
        from homeward.demo.alerts import SUBSCRIBERS, seed_alerts

        alerts = seed_alerts()
        self.stdout.write(
            self.style.SUCCESS(f"demo alerts: {alerts} published, {SUBSCRIBERS} subscribers")
        )
        from homeward.demo.prevention import seed_prevention

        entries = seed_prevention()
        self.stdout.write(self.style.SUCCESS(f"demo prevention: {entries} people in the ledger"))
        from homeward.demo.victims import seed_victims

        victims = seed_victims()
        self.stdout.write(self.style.SUCCESS(f"demo victims: {victims} in care"))
        from homeward.demo.reunion import seed_reunion

        searches = seed_reunion()
        self.stdout.write(self.style.SUCCESS(f"demo finding relatives: {searches} searches"))
        from homeward.demo.screening import seed_screening

        posts = seed_screening()
        self.stdout.write(self.style.SUCCESS(f"demo online screening: {posts} posts"))
        from homeward.demo.plan import seed_plan

        seed_plan()
        self.stdout.write(self.style.SUCCESS("demo plan: a unit plan and a meeting"))
        from homeward.demo.analysis import seed_analysis

        history, warnings = seed_analysis()
        self.stdout.write(
            self.style.SUCCESS(
                f"demo situation analysis: {history} clues of ten years, {warnings} early warnings"
            )
        )
