"""A service referral names the placement it serves (issue 12). Referrals made before
this are linked to the stay the victim was in when they were referred, where there was
one: the placement that had started on or before that day and had not yet ended."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def link_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    ServiceReferral = apps.get_model("victims", "ServiceReferral")
    Placement = apps.get_model("victims", "Placement")
    for referral in ServiceReferral.objects.filter(placement__isnull=True).iterator():
        day = timezone.localtime(referral.referred_at).date()
        stay = (
            Placement.objects.filter(
                victim_id=referral.victim_id,
                status__in=["active", "ended"],
                started_on__lte=day,
            )
            .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=day))
            .order_by("-started_on", "-pk")
            .first()
        )
        if stay is not None:
            ServiceReferral.objects.filter(pk=referral.pk).update(placement=stay)


class Migration(migrations.Migration):
    dependencies = [
        ("victims", "0002_transfer_receiving_agency_from_a_list"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicereferral",
            name="placement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="referrals",
                to="victims.placement",
                verbose_name="Placement",
            ),
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
    ]
