from django.db import migrations


def forwards(apps, schema_editor):
    from parvis.answers.index import schema_create
    from parvis.answers.lexicon_seed import SEED

    schema_create(schema_editor, schema_editor.connection.vendor)
    LexiconEntry = apps.get_model("answers", "LexiconEntry")
    for term, expansion in SEED:
        LexiconEntry.objects.get_or_create(term=term, defaults={"expansion": expansion})


def backwards(apps, schema_editor):
    from parvis.answers.index import schema_drop

    schema_drop(schema_editor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("answers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
