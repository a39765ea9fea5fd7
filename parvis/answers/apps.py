from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnswersConfig(AppConfig):
    name = "parvis.answers"
    label = "answers"
    verbose_name = _("Réponses")

    def ready(self) -> None:
        from parvis.answers import signals

        signals.connect()
