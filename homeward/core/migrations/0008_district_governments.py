"""Each district's people's government (区县人民政府): 七、(二) charges it with the
anti-trafficking budget and 七、(四) makes it a recipient of the district joint
conference's annual report."""

from django.db import migrations

KIND = "district_government"


def add_governments(apps, schema_editor):
    Agency = apps.get_model("core", "Agency")
    Division = apps.get_model("core", "Division")
    for division in Division.objects.all():
        Agency.objects.update_or_create(
            code=f"{division.code}-{KIND}",
            defaults={
                "kind": KIND,
                "level": "district",
                "division": division,
                "name_zh": f"{division.name_zh}人民政府",
                "name_en": f"{division.name_en} People's Government",
                "named_in_rules": True,
            },
        )


def remove_governments(apps, schema_editor):
    Agency = apps.get_model("core", "Agency")
    Agency.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_alter_roleassignment_role"),
    ]

    operations = [migrations.RunPython(add_governments, remove_governments)]
