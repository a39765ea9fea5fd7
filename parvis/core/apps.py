from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parvis.core"
    label = "core"
    verbose_name = "Parvis — socle"
