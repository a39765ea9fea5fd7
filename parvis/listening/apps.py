from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "parvis.listening"
    label = "listening"
    verbose_name = _("Une minute pour…")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from parvis.core.notifications import outbox_transport_register
        from parvis.listening.roles import listening_roles_ensure
        from parvis.listening.services import sms_address, sms_configured, sms_deliver

        # SMS replies go through core's outbox (leases, backoff) like emails; other apps
        # ("Mes données" codes) text a number through the same channel (core.sms_enqueue).
        outbox_transport_register(
            channel="sms", send=sms_deliver, address=sms_address, available=sms_configured
        )
        post_migrate.connect(listening_roles_ensure, sender=self)

        from django.db.models.signals import post_delete, post_save

        from parvis.listening.answer_sources import questions_reindex_on_commit
        from parvis.listening.models import FieldQuestion, FollowUp

        for model in (FieldQuestion, FollowUp):
            post_save.connect(questions_reindex_on_commit, sender=model, weak=False)
            post_delete.connect(questions_reindex_on_commit, sender=model, weak=False)
