"""Load every measure of the rules with its lead and cooperating units."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from homeward.coordination.loading import load_measures

    load_measures(apps.get_model("coordination", "Measure"), apps.get_model("coordination", "Duty"), apps.get_model("core", "Agency"))


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial"), ("core", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
