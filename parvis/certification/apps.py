from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "parvis.certification"
    label = "certification"
    verbose_name = _("Information certifiée")

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_delete, post_save, pre_delete
        from wagtail.signals import page_published, page_unpublished, published, unpublished

        from parvis.certification import checks as certification_checks
        from parvis.certification import signals
        from parvis.certification.media import media_digests_connect
        from parvis.certification.models import LogEntry
        from parvis.certification.watermark import watermark_check
        from parvis.core.pagecache import page_cache_invalidate

        page_published.connect(signals.on_page_published, dispatch_uid="certification_publish")
        page_unpublished.connect(
            signals.on_page_unpublished, dispatch_uid="certification_unpublish"
        )
        # Snippets that certified pages display: publishing one re-signs those pages.
        published.connect(signals.on_object_published, dispatch_uid="certification_related")
        unpublished.connect(signals.on_object_published, dispatch_uid="certification_related_u")
        pre_delete.connect(signals.on_object_deleting, dispatch_uid="certification_related_d")
        post_delete.connect(signals.on_object_deleted, dispatch_uid="certification_related_dd")
        media_digests_connect()  # hashed at upload: publishing never reads a media file
        checks.register(certification_checks.signing_key_check)
        checks.register(watermark_check)
        # Pages show their certified line (publication date, version, proof): a cached copy
        # must not outlive a new entry of the transparency log.
        post_save.connect(
            page_cache_invalidate, sender=LogEntry, dispatch_uid="certification_pages"
        )
