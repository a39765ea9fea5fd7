"""Back-office screens of the shared pieces: agent profiles (who answers residents), and the
state of background jobs for administrators."""

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from parvis.core.admin_views import access_log, can_review_access_log, scheduled_jobs
from parvis.core.models import AgentProfile
from parvis.core.selectors import background_alerts


class AgentProfileViewSet(SnippetViewSet):
    model = AgentProfile
    icon = "user"
    menu_label = _("Profils d'agents")
    add_to_admin_menu = False
    list_display = ["display_name", "role", "user"]
    panels = [
        FieldPanel("user"),
        FieldPanel("display_name"),
        FieldPanel("role"),
        FieldPanel("services"),
        FieldPanel("photo"),
    ]


register_snippet(AgentProfileViewSet)


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_jobs_url() -> list:
    return [path("taches/", scheduled_jobs, name="parvis_scheduled_jobs")]


@hooks.register("register_settings_menu_item")
def register_jobs_menu_item() -> MenuItem:
    return AdministratorsMenuItem(
        _("Tâches planifiées"), reverse("parvis_scheduled_jobs"), icon_name="time", order=900
    )


class AccessLogMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_review_access_log(request.user)


@hooks.register("register_admin_urls")
def register_access_log_url() -> list:
    return [path("consultations/", access_log, name="parvis_access_log")]


@hooks.register("register_admin_menu_item")
def register_access_log_menu_item() -> MenuItem:
    return AccessLogMenuItem(
        _("Consultations de données"), reverse("parvis_access_log"), icon_name="view", order=880
    )


class BackgroundAlertsPanel(Component):
    """On the back office's home, for administrators: failing jobs and abandoned emails."""

    name = "parvis_background_alerts"
    order = 50
    template_name = "core/admin/background_alerts_panel.html"

    def __init__(self, alerts: dict[str, int]) -> None:
        self.alerts = alerts

    def get_context_data(self, parent_context: dict | None = None) -> dict:
        return {"alerts": self.alerts, "url": reverse("parvis_scheduled_jobs")}


@hooks.register("construct_homepage_panels")
def add_background_alerts(request: HttpRequest, panels: list) -> None:
    if not request.user.is_superuser:
        return
    alerts = background_alerts()
    if alerts["dead_letters"] or alerts["failing_jobs"]:
        panels.append(BackgroundAlertsPanel(alerts))
