"""Back-office screens of the shared pieces: agent profiles (who answers residents)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from parvis.core.models import AgentProfile


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
