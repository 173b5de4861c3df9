"""Match candidates: the per-locus table (genotypes of three people) is encrypted like a
specimen's genotype (issue 17 defect 2); hits below the decision threshold are no longer
candidates (issue 12); the database-scale judgement is kept beside each hit (issue 18)."""

import json

from django.db import migrations, models

import homeward.core.fields


def seal_per_locus(apps, schema_editor):
    """Copy every plain per-locus table into the encrypted column (the field encrypts on
    save: the historical model carries the same field and context)."""
    MatchCandidate = apps.get_model("dna", "MatchCandidate")
    for candidate in MatchCandidate.objects.all().only("pk", "per_locus").iterator(chunk_size=500):
        candidate.per_locus_table = json.dumps(candidate.per_locus or [], ensure_ascii=False)
        candidate.save(update_fields=["per_locus_table"])
    # An unreviewed hit under the threshold was labelled 比中待复核: it is not a candidate.
    MatchCandidate.objects.filter(review="candidate").exclude(decision="SUPPORTS").update(
        review="below"
    )


def unseal_per_locus(apps, schema_editor):
    MatchCandidate = apps.get_model("dna", "MatchCandidate")
    for candidate in MatchCandidate.objects.all().only("pk", "per_locus_table").iterator(
        chunk_size=500
    ):
        candidate.per_locus = json.loads(candidate.per_locus_table or "[]")
        candidate.save(update_fields=["per_locus"])
    MatchCandidate.objects.filter(review="below").update(review="candidate")


class Migration(migrations.Migration):
    dependencies = [
        ("dna", "0003_checkrequest"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchcandidate",
            name="per_locus_table",
            field=homeward.core.fields.EncryptedTextField(
                blank=True, default="", verbose_name="Per-locus table"
            ),
        ),
        migrations.AddField(
            model_name="matchcandidate",
            name="expected_chance_hits",
            field=models.FloatField(blank=True, null=True, verbose_name="Expected chance hits"),
        ),
        migrations.AddField(
            model_name="matchcandidate",
            name="posterior",
            field=models.FloatField(blank=True, null=True, verbose_name="Posterior probability"),
        ),
        migrations.AlterField(
            model_name="matchcandidate",
            name="review",
            field=models.CharField(
                choices=[
                    ("candidate", "Candidate (比中待复核)"),
                    ("resampling", "Re-sampling requested"),
                    ("confirmed", "Confirmed by re-test"),
                    ("rejected", "Rejected"),
                    ("below", "Below the decision threshold (not a match)"),
                ],
                default="candidate",
                max_length=12,
                verbose_name="Review",
            ),
        ),
        migrations.RunPython(seal_per_locus, unseal_per_locus),
    ]
