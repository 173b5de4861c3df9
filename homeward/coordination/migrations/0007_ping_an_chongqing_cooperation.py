"""七、(三) names no unit: the municipal joint conference leads it (as the parser already
decides, 七、(一) gives it the coordination and the evaluations). The 平安重庆 assessment
itself is run by 市委政法委 (the office of the 平安重庆 leading group), which takes the
evaluation's figures: it cooperates on the measure (docs/rules.md says why)."""

from django.db import migrations


def add(apps, schema_editor):
    Measure = apps.get_model("coordination", "Measure")
    Duty = apps.get_model("coordination", "Duty")
    Agency = apps.get_model("core", "Agency")
    measure = Measure.objects.filter(number="七、(三)").first()
    agency = Agency.objects.filter(code="cq-political_legal").first()
    if measure is not None and agency is not None:
        Duty.objects.get_or_create(measure=measure, agency=agency, defaults={"role": "cooperate"})


def remove(apps, schema_editor):
    Duty = apps.get_model("coordination", "Duty")
    Duty.objects.filter(measure__number="七、(三)", agency__code="cq-political_legal").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0006_evaluation_schedule"),
        ("core", "0008_district_governments"),
    ]

    operations = [migrations.RunPython(add, remove)]
