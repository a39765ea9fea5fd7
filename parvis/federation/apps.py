from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "parvis.federation"
    label = "federation"
    verbose_name = _("Fédivers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.federation.signals import signals_connect

        signals_connect()
