"""Back-office registration of the taxonomies as Wagtail snippets, grouped in one menu."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from parvis.content.models import Audience, Quartier, Service, Theme
from parvis.content.selectors import fiches_needing_review


class QuartierViewSet(SnippetViewSet):
    model = Quartier
    icon = "site"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    list_display = ["name", "slug"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "user"
    list_display = ["name", "email", "phone"]
    search_fields = ["name"]


class TaxonomyGroup(SnippetViewSetGroup):
    items = (QuartierViewSet, AudienceViewSet, ThemeViewSet, ServiceViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Classements")
    menu_name = "taxonomies"


register_snippet(TaxonomyGroup)


class FichesToReviewPanel(Component):
    """Dashboard panel: the Fiches nobody has re-read for more than a year, oldest first."""

    name = "fiches_to_review"
    template_name = "content/admin/fiches_to_review_panel.html"
    order = 150

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context_data(parent_context)
        stale = fiches_needing_review()
        context["total"] = stale.count()
        context["fiches"] = stale[:10]
        return context


@hooks.register("construct_homepage_panels")
def add_fiches_to_review_panel(request: HttpRequest, panels: list[Component]) -> None:
    if request.user.has_perm("wagtailadmin.access_admin"):
        panels.append(FichesToReviewPanel())
