"""Serve the platform in embedded mode: waitress WSGI server plus the ticker thread."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from homeward.core.tick import Ticker


class Command(BaseCommand):
    help = "Serve Homeward on one machine (waitress + the background ticker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-ticker", action="store_true", help="do not start the ticker")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from homeward.core.startup import banner_text
        from homeward.wsgi import application

        banner = banner_text()
        if banner:
            self.stdout.write(banner)
        ticker = None
        if not options["no_ticker"]:
            ticker = Ticker(interval=settings.TICK_INTERVAL_SECONDS)
            ticker.start()
            self.stdout.write(f"ticker: tick() every {settings.TICK_INTERVAL_SECONDS} s")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Homeward is serving at {url}"))
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                ident="homeward",
            )
        finally:
            if ticker is not None:
                ticker.stop()
