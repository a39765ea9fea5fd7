from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "parvis.reports"
    label = "reports"
    verbose_name = _("Signalements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.content.service_work import service_work_register
        from parvis.reports.services import categories_count_for, categories_move

        # A service's report categories are its inbox of reports: it cannot go without them.
        service_work_register(
            key="reports.categories",
            label=_("catégories de signalements"),
            count=categories_count_for,
            move=categories_move,
        )
