"""PostgreSQL roles: the application does not own its tables, and DNA tables are
readable only by the DNA role (issue 17 #9, SECURITY.md AUD-02, DP-06).

Three roles, none of which the application shares:

``owner`` (whoever runs ``migrate`` — the database owner)
    Owns every table, runs migrations and ``manage.py db_roles``. Not used at run time.
``homeward_app``
    The run-time role of every process that serves no DNA work (the public site, the
    clue intake, the partner API, the tick). Reads and writes the domain tables;
    on the audit tables only what the audit code does: insert events, fill the three
    chain columns once, delete purged events (the triggers allow nothing more), move
    the head, insert checkpoints and key fingerprints. It owns nothing, so it can
    neither drop nor disable the audit triggers, nor truncate a table. No privilege at
    all on the DNA tables.
``homeward_dna``
    The run-time role of the staff portal and workers that run the DNA module: the
    application role's privileges plus the DNA tables (genotypes, person links, match
    runs and candidates, reference families, imports, accuracy reports).

Grants are per table, not default privileges, so a new table gets no privilege until
``db_roles`` runs again after ``migrate`` (``make db-roles``): a new DNA table can never
become readable by the application role by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection

APP_ROLE = "homeward_app"
DNA_ROLE = "homeward_dna"

#: The DNA tables only the DNA role reads (the request for a check, which civil
#: affairs and the police exchange, carries no genotype and stays shared).
DNA_SHARED_MODELS = {"dna.checkrequest"}

AUDIT_GRANTS = {
    "core_auditevent": ["SELECT", "INSERT", "UPDATE (seq, prev_hash, hash)", "DELETE"],
    "core_auditchainhead": ["SELECT", "INSERT", "UPDATE"],
    "core_auditcheckpoint": ["SELECT", "INSERT"],
    "core_keyfingerprint": ["SELECT", "INSERT", "DELETE"],
    "django_migrations": ["SELECT"],
}
DOMAIN_GRANTS = ["SELECT", "INSERT", "UPDATE", "DELETE"]


def dna_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("dna").get_models(include_auto_created=True)
        if model._meta.label_lower not in DNA_SHARED_MODELS
    )


@dataclass(frozen=True)
class RolePlan:
    statements: list[str]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _create_role(role: str, password: str | None, *, inherit: bool = True) -> list[str]:
    options = "LOGIN" + ("" if inherit else " NOINHERIT")
    statements = [
        f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {_quote(role)} {options};
              END IF;
            END $$;""",
        f"ALTER ROLE {_quote(role)} {options} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
    ]
    if password:
        escaped = password.replace("'", "''")
        statements.append(f"ALTER ROLE {_quote(role)} PASSWORD '{escaped}'")
    return statements


def plan(
    *,
    app_role: str = APP_ROLE,
    dna_role: str = DNA_ROLE,
    passwords: dict[str, str] | None = None,
    tables: Iterable[str] | None = None,
) -> RolePlan:
    """The statements that create the roles and set their privileges on this database."""
    passwords = passwords or {}
    roles = [app_role, dna_role]
    all_tables = sorted(tables if tables is not None else connection.introspection.table_names())
    dna = set(dna_tables())
    statements: list[str] = []
    for role in roles:
        statements += _create_role(role, passwords.get(role))
    database = _quote(str(connection.settings_dict["NAME"]))
    both = ", ".join(_quote(r) for r in roles)
    statements += [
        f"GRANT CONNECT ON DATABASE {database} TO {both}",
        f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {both}",
        f"GRANT USAGE ON SCHEMA public TO {both}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {both}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {both}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {both}",
    ]
    for table in all_tables:
        quoted = _quote(table)
        if table in dna:
            statements.append(f"GRANT {', '.join(DOMAIN_GRANTS)} ON {quoted} TO {_quote(dna_role)}")
            continue
        for privilege in AUDIT_GRANTS.get(table, DOMAIN_GRANTS):
            statements.append(f"GRANT {privilege} ON {quoted} TO {both}")
    return RolePlan(statements)


def apply(role_plan: RolePlan) -> None:
    with connection.cursor() as cursor:
        for statement in role_plan.statements:
            cursor.execute(statement)
