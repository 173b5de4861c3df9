from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("core", "0005_user_leader_post")]

    operations = [
        migrations.CreateModel(
            name="Measure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=32, unique=True, verbose_name="Number")),
                ("sequence", models.PositiveSmallIntegerField(unique=True, verbose_name="Order")),
                ("chapter", models.CharField(max_length=8, verbose_name="Chapter")),
                ("section", models.CharField(blank=True, max_length=8, verbose_name="Section")),
                ("item", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="Item")),
                ("title", models.CharField(blank=True, max_length=80, verbose_name="Section title")),
                ("text", models.TextField(verbose_name="Text")),
                ("all_member_units_cooperate", models.BooleanField(default=False)),
                ("implicit_units", models.BooleanField(default=False)),
            ],
            options={
                "verbose_name": "measure",
                "verbose_name_plural": "measures",
                "ordering": ["sequence"],
                "permissions": [("view_plan", "View the plan and its responsibility matrix")],
            },
        ),
        migrations.CreateModel(
            name="Duty",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(choices=[("lead", "Lead (负责)"), ("cooperate", "Cooperate (配合)")], max_length=10, verbose_name="Role")),
                ("agency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="duties", to="core.agency")),
                ("measure", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="duties", to="coordination.measure")),
            ],
            options={
                "verbose_name": "duty",
                "verbose_name_plural": "duties",
                "ordering": ["measure__sequence", "role", "agency__kind"],
                "constraints": [models.UniqueConstraint(fields=("measure", "agency"), name="coordination_one_duty_per_unit")],
            },
        ),
    ]
