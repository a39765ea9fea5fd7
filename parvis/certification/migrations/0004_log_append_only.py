from django.db import migrations

from parvis.certification.appendonly import guard_create, guard_drop


def create_triggers(apps, schema_editor):
    guard_create(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    guard_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("certification", "0003_export_snapshots")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
