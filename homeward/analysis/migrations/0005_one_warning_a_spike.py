"""One warning a spike: an alarm attached to the warning it belongs to, and the last month
a warning's spike was above its threshold (existing warnings: their own month)."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def last_month_is_month(apps: Any, schema_editor: Any) -> None:
    Warning = apps.get_model("analysis", "Warning")
    Warning.objects.update(last_month=models.F("month"))


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0004_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="warning",
            name="last_month",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(last_month_is_month, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="warning",
            name="last_month",
            field=models.DateField(),
        ),
        migrations.AddField(
            model_name="assessment",
            name="attached_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attached",
                to="analysis.warning",
                verbose_name="early warning it belongs to",
            ),
        ),
    ]
