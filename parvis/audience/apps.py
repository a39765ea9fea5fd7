from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_roles(sender: AppConfig, **kwargs: object) -> None:
    from django.contrib.auth.management import create_permissions

    from parvis.audience.permissions import roles_grant

    # Our handler may run before auth's: make sure our permissions exist first.
    create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
    roles_grant()


class AudienceConfig(AppConfig):
    name = "parvis.audience"
    label = "audience"
    verbose_name = _("Fréquentation")

    def ready(self) -> None:
        # Setup only (not domain flow): the back-office roles get this app's permissions.
        post_migrate.connect(_grant_roles, sender=self)
