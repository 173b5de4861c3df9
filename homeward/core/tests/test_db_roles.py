"""PostgreSQL run-time roles (issue 17 #9, AUD-02, DP-06): the application role owns no
table, so it can neither lift the audit triggers nor truncate; the DNA tables are
readable only by the DNA role. PostgreSQL only — these tests run in CI's PostgreSQL
pass; on SQLite there are no roles to test.

Everything here runs inside the test's transaction (roles and grants included), with
``SET LOCAL ROLE`` standing for a process connected as that role.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from homeward.core import db_roles
from homeward.core.audit import audit_chain, audit_checkpoint, audit_record, audit_verify
from homeward.core.audit_actions import AuditAction
from homeward.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_roles(settings: Any, tmp_path: Path) -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles: run in CI's PostgreSQL pass")
    settings.AUDIT_ANCHOR_DIR = tmp_path
    call_command("db_roles", stdout=StringIO())
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def _as(role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")


def _refused(sql: str, match: str) -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


def test_the_application_role_writes_chains_and_anchors_the_audit_trail(owner: User) -> None:
    _as(db_roles.APP_ROLE)
    for n in range(3):
        audit_record(actor=owner, action=AuditAction.READ, object_type="x", object_id=str(n))
    assert audit_chain() == 3
    assert audit_checkpoint() is not None
    assert audit_verify() == []


def test_the_application_role_cannot_lift_the_triggers_or_truncate(owner: User) -> None:
    audit_record(actor=owner, action=AuditAction.READ, object_type="x")
    audit_chain()
    _as(db_roles.APP_ROLE)
    _refused("DROP TRIGGER core_auditevent_no_change ON core_auditevent", "must be owner")
    _refused("ALTER TABLE core_auditevent DISABLE TRIGGER ALL", "must be owner")
    _refused("TRUNCATE core_auditevent", "permission denied")
    _refused("TRUNCATE core_auditchainhead", "permission denied")
    _refused("UPDATE core_auditevent SET action = 'innocent'", "permission denied")
    _refused("UPDATE core_auditevent SET hash = 'x'", "append-only")
    _refused("DELETE FROM core_auditevent", "append-only")
    _refused("DELETE FROM core_auditcheckpoint", "permission denied")
    _refused("UPDATE core_auditchainhead SET seq = 0", "only moves forward")
    _refused("ALTER TABLE core_auditevent ADD COLUMN x int", "must be owner")
    assert AuditEvent.objects.count() == 1


def test_only_the_dna_role_reads_the_dna_tables() -> None:
    tables = db_roles.dna_tables()
    assert {"dna_specimen", "dna_matchcandidate", "dna_specimenpersonlink"} <= set(tables)
    _as(db_roles.APP_ROLE)
    for table in tables:
        _refused(f"SELECT count(*) FROM {table}", "permission denied")  # noqa: S608
    _as(db_roles.DNA_ROLE)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone() is not None


def test_the_application_role_runs_the_rest_of_the_platform(owner: User) -> None:
    from homeward.testing.factories import PersonFactory

    _as(db_roles.APP_ROLE)
    person = PersonFactory(id_number="500101201801010011")
    person.refresh_from_db()
    assert person.id_number == "500101201801010011"
    _refused("CREATE TABLE evil (x int)", "permission denied")
