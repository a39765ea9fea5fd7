from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_roles(sender: AppConfig, **kwargs: object) -> None:
    from django.contrib.auth.management import create_permissions

    from parvis.conversation.permissions import roles_grant

    # Our handler may run before auth's: make sure our permissions exist first.
    create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
    roles_grant()


class ConversationConfig(AppConfig):
    name = "parvis.conversation"
    label = "conversation"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        # Setup only (not domain flow): the back-office roles get this app's permissions.
        post_migrate.connect(_grant_roles, sender=self)

        from parvis.content.service_work import service_work_register
        from parvis.conversation.services.agents import (
            conversations_count_for,
            conversations_move,
        )

        # Handed-off conversations are a service's open work: deleting it must not orphan them.
        service_work_register(
            key="conversation.conversations",
            label=_("conversations en cours"),
            count=conversations_count_for,
            move=conversations_move,
        )
