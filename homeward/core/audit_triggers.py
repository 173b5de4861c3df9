"""The database triggers that make ``core_auditevent`` append-only (AUD-02).

Installed by migration 0003. Only the deliberate wipe of a whole database
(`manage.py flush`, run with owner rights from the server console) lifts them, and
puts them back at once.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE TRIGGER core_auditevent_no_change
       BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    """CREATE OR REPLACE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
]

_INSTALL = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}
_REMOVE = {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRES_REMOVE}


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _INSTALL.get(connection.vendor, []))


def remove(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _REMOVE.get(connection.vendor, []))
