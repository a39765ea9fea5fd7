from django.db import migrations


def forwards(apps, schema_editor):
    """Mask the emails, phone, IBAN and social security numbers already in the search logs."""
    from parvis.answers.text import signature
    from parvis.core.privacy import personal_data_mask_normalised

    for model_name in ("QueryLog", "AnswerFeedback"):
        model = apps.get_model("answers", model_name)
        changed = []
        for row in model.objects.only("pk", "normalised").iterator():
            masked = personal_data_mask_normalised(row.normalised)
            if masked != row.normalised:
                row.normalised = masked
                if model_name == "QueryLog":
                    row.signature = signature(masked)[:200]
                changed.append(row)
        fields = ["normalised", "signature"] if model_name == "QueryLog" else ["normalised"]
        model.objects.bulk_update(changed, fields, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("answers", "0006_postgresql_bm25")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
