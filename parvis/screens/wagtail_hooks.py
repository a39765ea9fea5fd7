"""Back office: screens are edited as snippets; the list shows when each last checked in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from parvis.screens.models import Screen


class ScreenViewSet(SnippetViewSet):
    model = Screen
    icon = "desktop"
    menu_label = _("Écrans urbains")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["name", "slug", "quartier", "rotation_seconds", "active", "last_seen_at"]
    list_filter = ["active", "quartier"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("active"),
        FieldPanel("quartier"),
        FieldPanel("themes"),
        FieldPanel("rotation_seconds"),
        MultiFieldPanel(
            [
                FieldPanel("show_questions"),
                FieldPanel("show_remarks"),
                FieldPanel("show_followups"),
                FieldPanel("show_stories"),
                FieldPanel("show_news"),
            ],
            heading=_("Ce que l'écran affiche"),
        ),
    ]


register_snippet(ScreenViewSet)
