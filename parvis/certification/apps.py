from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "parvis.certification"
    label = "certification"
    verbose_name = _("Information certifiée")

    def ready(self) -> None:
        from django.core import checks
        from wagtail.signals import page_published, page_unpublished

        from parvis.certification import checks as certification_checks
        from parvis.certification import signals

        page_published.connect(signals.on_page_published, dispatch_uid="certification_publish")
        page_unpublished.connect(
            signals.on_page_unpublished, dispatch_uid="certification_unpublish"
        )
        checks.register(certification_checks.signing_key_check)
