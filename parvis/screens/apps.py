from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreensConfig(AppConfig):
    name = "parvis.screens"
    label = "screens"
    verbose_name = _("Écrans urbains")
    default_auto_field = "django.db.models.BigAutoField"
