from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MydataConfig(AppConfig):
    name = "parvis.mydata"
    label = "mydata"
    verbose_name = _("Mes données")
    default_auto_field = "django.db.models.BigAutoField"
