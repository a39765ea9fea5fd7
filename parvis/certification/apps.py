from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "parvis.certification"
    label = "certification"
    verbose_name = _("Information certifiée")

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_save
        from wagtail.signals import page_published, page_unpublished

        from parvis.certification import checks as certification_checks
        from parvis.certification import signals
        from parvis.certification.models import LogEntry
        from parvis.core.pagecache import page_cache_invalidate

        page_published.connect(signals.on_page_published, dispatch_uid="certification_publish")
        page_unpublished.connect(
            signals.on_page_unpublished, dispatch_uid="certification_unpublish"
        )
        checks.register(certification_checks.signing_key_check)
        # Pages show their certified line (publication date, version, proof): a cached copy
        # must not outlive a new entry of the transparency log.
        post_save.connect(
            page_cache_invalidate, sender=LogEntry, dispatch_uid="certification_pages"
        )
