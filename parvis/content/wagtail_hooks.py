"""Back-office registration of the taxonomies as Wagtail snippets, grouped in one menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from parvis.content.models import Audience, Quartier, Service, Theme


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
