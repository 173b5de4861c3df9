"""The database triggers that guard the audit trail (AUD-02, issue 17 #9).

- ``core_auditevent``: an event's content never changes; the only update allowed is
  the chaining step's one-time fill of ``seq``/``prev_hash``/``hash`` on an unchained
  row; a row is deleted only by the retention purge, i.e. at or below the head's
  ``base_seq`` (which the purge moves forward first, after anchoring it).
- ``core_auditchainhead``: one row, never deleted; ``seq`` and ``base_seq`` only grow
  and the hash changes only with ``seq``.
- ``core_auditcheckpoint``: append-only.

On PostgreSQL TRUNCATE is refused on all three. Only the deliberate wipe of a whole
database (``manage.py flush``, run with owner rights from the server console) lifts the
triggers and puts them back at once — and the anchors outside the database then report
the wipe (core.audit.audit_verify).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Every column of an event except the three the chaining step fills.
CONTENT_COLUMNS = (
    "id",
    "created_at",
    "actor_id",
    "actor_username",
    "agency_code",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "request_id",
    "source_ip",
    "detail",
)

_SQLITE_CONTENT_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
_PG_CONTENT_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       WHEN OLD.seq IS NOT NULL OR NEW.seq IS NULL OR NEW.hash = '' OR {_SQLITE_CONTENT_CHANGED}
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN OLD.seq IS NULL OR OLD.seq > COALESCE(
           (SELECT base_seq FROM core_auditchainhead WHERE id = 1), 0)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditchainhead_no_rewind
       BEFORE UPDATE ON core_auditchainhead
       WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq OR NEW.base_seq < OLD.base_seq
         OR NEW.base_seq > NEW.seq OR (NEW.seq = OLD.seq AND NEW.hash IS NOT OLD.hash)
         OR (NEW.base_seq = OLD.base_seq AND NEW.base_hash IS NOT OLD.base_hash)
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditchainhead_no_delete
       BEFORE DELETE ON core_auditchainhead
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditcheckpoint_no_update
       BEFORE UPDATE ON core_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditcheckpoint_no_delete
       BEFORE DELETE ON core_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_rewind;",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete;",
    "DROP TRIGGER IF EXISTS core_auditcheckpoint_no_update;",
    "DROP TRIGGER IF EXISTS core_auditcheckpoint_no_delete;",
]

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash <> ''
              AND NOT ({_PG_CONTENT_CHANGED}) THEN
             RETURN NEW;
           END IF;
         ELSIF TG_OP = 'DELETE' THEN
           IF OLD.seq IS NOT NULL AND OLD.seq <= COALESCE(
               (SELECT base_seq FROM core_auditchainhead WHERE id = 1), 0) THEN
             RETURN OLD;
           END IF;
         END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END; $$ LANGUAGE plpgsql;""",  # noqa: S608 (column names from a constant)
    """CREATE OR REPLACE FUNCTION core_auditchainhead_forward_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq >= OLD.seq
            AND NEW.base_seq >= OLD.base_seq AND NEW.base_seq <= NEW.seq
            AND (NEW.seq > OLD.seq OR NEW.hash = OLD.hash)
            AND (NEW.base_seq > OLD.base_seq OR NEW.base_hash = OLD.base_hash) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'the audit chain head only moves forward';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION core_auditcheckpoint_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit checkpoints are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE TRIGGER core_auditevent_no_change
       BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    """CREATE OR REPLACE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditcheckpoint_append_only();""",
    """CREATE OR REPLACE TRIGGER core_auditchainhead_no_rewind
       BEFORE UPDATE OR DELETE ON core_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_forward_only();""",
    """CREATE OR REPLACE TRIGGER core_auditchainhead_no_truncate
       BEFORE TRUNCATE ON core_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditcheckpoint_append_only();""",
    """CREATE OR REPLACE TRIGGER core_auditcheckpoint_no_change
       BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditcheckpoint
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditcheckpoint_append_only();""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_rewind ON core_auditchainhead;",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;",
    "DROP TRIGGER IF EXISTS core_auditcheckpoint_no_change ON core_auditcheckpoint;",
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
