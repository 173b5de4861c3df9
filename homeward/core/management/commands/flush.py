"""`flush` empties every table, the audit trail included. The append-only triggers
refuse that, so this deliberate console operation lifts them for the wipe and
restores them at once (the test suite's transactional tests use it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from homeward.core import audit_triggers


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        audit_triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            audit_triggers.install(connection)
