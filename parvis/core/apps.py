from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parvis.core"
    label = "core"
    verbose_name = "Parvis — socle"

    def ready(self) -> None:
        from django.conf import settings
        from django.core import checks
        from PIL import Image
        from wagtail.signals import copy_for_translation_done

        from parvis.core.checks import media_urls_check, trusted_proxies_check
        from parvis.core.pagecache import page_cache_connect
        from parvis.core.roles import translation_roles_follow
        from parvis.core.schedule import schedule_connect, schedule_discover

        page_cache_connect()
        # A role granted on the French tree holds on its translations (the English tree).
        copy_for_translation_done.connect(translation_roles_follow)
        checks.register(trusted_proxies_check, checks.Tags.security)
        # Pillow's own decompression-bomb guard, at the portal's cap (it warns above it and
        # refuses above twice it; photo checks turn the warning into an error).
        Image.MAX_IMAGE_PIXELS = settings.PARVIS_UPLOAD_MAX_PIXELS
        schedule_connect()
        # Every app declares its periodic jobs in its own tasks.py; core imports none by name.
        schedule_discover()
        checks.register(media_urls_check)
