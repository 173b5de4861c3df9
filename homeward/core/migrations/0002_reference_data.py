"""Load the 38 divisions with boundaries, the townships, and the agencies named in
the rules (parsed from the rules text by homeward.rules)."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from homeward.core.reference import load_agencies, load_divisions, load_townships

    Division = apps.get_model("core", "Division")
    Township = apps.get_model("core", "Township")
    Agency = apps.get_model("core", "Agency")
    load_divisions(Division)
    load_townships(Division, Township)
    load_agencies(Division, Agency)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
