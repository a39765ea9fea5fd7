from django.db import migrations


def forwards(apps, schema_editor):
    """PostgreSQL: BM25 tables in place of the ts_rank vector, filled from the documents."""
    from parvis.answers import index

    vendor = schema_editor.connection.vendor
    index.schema_upgrade_bm25(schema_editor, vendor)
    if vendor == "postgresql":
        SearchDocument = apps.get_model("answers", "SearchDocument")
        index.rows_write(SearchDocument.objects.order_by("pk").iterator())


class Migration(migrations.Migration):
    dependencies = [("answers", "0005_searchdocument_freshness")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
