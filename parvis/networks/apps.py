from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_roles(sender: AppConfig, **kwargs: object) -> None:
    from django.contrib.auth.management import create_permissions

    from parvis.networks.permissions import roles_grant

    # Our handler may run before auth's: make sure our permissions exist first.
    create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
    roles_grant()


class NetworksConfig(AppConfig):
    name = "parvis.networks"
    label = "networks"
    verbose_name = _("Réseaux de quartier")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Setup only (not domain flow): moderators get this app's permission.
        post_migrate.connect(_grant_roles, sender=self)
