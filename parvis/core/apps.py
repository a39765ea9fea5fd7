from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parvis.core"
    label = "core"
    verbose_name = "Parvis — socle"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from parvis.core.pagecache import page_cache_connect

        page_cache_connect()
        # Pillow's own decompression-bomb guard, at the portal's cap (it warns above it and
        # refuses above twice it; photo checks turn the warning into an error).
        Image.MAX_IMAGE_PIXELS = settings.PARVIS_UPLOAD_MAX_PIXELS
