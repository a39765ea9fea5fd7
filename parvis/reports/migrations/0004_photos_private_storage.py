"""Report photos move to the private storage, which only the portal's own view serves.

Existing photos are copied from the media storage to the private one through the storage API
(whatever each is), then removed from the media storage.
"""

from django.core.files.storage import storages
from django.db import migrations, models

import parvis.core.storage
import parvis.reports.models


def move_photos(apps, schema_editor):
    Photo = apps.get_model("reports", "Photo")
    media, private = storages["default"], storages["private"]
    for photo in Photo.objects.iterator():
        for name in (photo.image.name, photo.thumbnail.name):
            if not name or private.exists(name) or not media.exists(name):
                continue
            with media.open(name, "rb") as handle:
                private.save(name, handle)
            media.delete(name)


class Migration(migrations.Migration):
    # Files are copied one by one, outside any transaction (on object storage each copy is a
    # network call): a stop half-way loses no photo, and running the migration again finishes.
    atomic = False

    dependencies = [("reports", "0003_flag_reviewed_at")]

    operations = [
        migrations.AlterField(
            model_name="photo",
            name="image",
            field=models.FileField(
                storage=parvis.core.storage.private_storage_get,
                upload_to=parvis.reports.models._photo_path,
            ),
        ),
        migrations.AlterField(
            model_name="photo",
            name="thumbnail",
            field=models.FileField(
                storage=parvis.core.storage.private_storage_get,
                upload_to=parvis.reports.models._photo_path,
            ),
        ),
        migrations.RunPython(move_photos, migrations.RunPython.noop),
    ]
