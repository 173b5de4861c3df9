"""Match candidates, second step: the plain per-locus column goes (its content was sealed
by 0004, in its own transaction: PostgreSQL refuses to alter a table with pending
trigger events from the copy); decision and hypothesis carry their labels."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dna", "0004_candidate_loci_encrypted"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="matchcandidate",
            name="per_locus",
        ),
        migrations.AlterField(
            model_name="matchcandidate",
            name="decision",
            field=models.CharField(
                choices=[
                    ("SUPPORTS", "Supports parentage"),
                    ("INCONCLUSIVE", "Inconclusive"),
                    ("EXCLUDES", "Excludes parentage"),
                    ("INSUFFICIENT_LOCI", "Too few loci to decide"),
                ],
                max_length=20,
                verbose_name="Decision",
            ),
        ),
        migrations.AlterField(
            model_name="matchcandidate",
            name="hypothesis",
            field=models.CharField(
                choices=[
                    ("couple", "Both parents"),
                    ("duo", "One parent"),
                    ("trio", "One parent, the other known"),
                ],
                max_length=10,
                verbose_name="Hypothesis",
            ),
        ),
    ]
