from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parvis.core"
    label = "core"
    verbose_name = "Parvis — socle"

    def ready(self) -> None:
        from parvis.core.pagecache import page_cache_connect

        page_cache_connect()
