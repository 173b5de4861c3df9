"""The divisions' resident population aged 0–14 (2020 census), then the values from
core/data/divisions.csv (an idempotent upsert of the divisions)."""

from django.db import migrations, models


def load(apps, schema_editor):
    from homeward.core.reference import load_divisions

    load_divisions(apps.get_model("core", "Division"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0016_cyberspace_officer_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="division",
            name="population_0_14_2020",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="Resident population aged 0–14 (2020)"
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
