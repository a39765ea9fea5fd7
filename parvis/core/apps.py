from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parvis.core"
    label = "core"
    verbose_name = "Parvis — socle"

    def ready(self) -> None:
        from django.core import checks

        from parvis.core.checks import trusted_proxies_check
        from parvis.core.pagecache import page_cache_connect

        page_cache_connect()
        checks.register(trusted_proxies_check, checks.Tags.security)
