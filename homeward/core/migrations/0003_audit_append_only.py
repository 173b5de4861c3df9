"""Make the audit trail append-only in the database itself (SECURITY.md AUD-02):
UPDATE, DELETE (and on PostgreSQL TRUNCATE) on core_auditevent are refused by
triggers. The SQL lives in homeward.core.audit_triggers."""

from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from homeward.core import audit_triggers

    audit_triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from homeward.core import audit_triggers

    audit_triggers.remove(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_append_only();")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_reference_data")]

    operations = [migrations.RunPython(install, remove)]
