"""Back office: questions of the street and follow-ups as snippets, and the moderation queue
under the "Guichet des agents" submenu."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from parvis.listening import admin_urls
from parvis.listening.admin_forms import FieldQuestionForm
from parvis.listening.models import FieldQuestion, FollowUp
from parvis.listening.roles import can_lead
from parvis.listening.services import followup_publish


class LeadMenuItem(MenuItem):
    def is_shown(self, request) -> bool:  # noqa: ANN001 — Wagtail's signature
        return can_lead(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("une-minute-pour/", include((admin_urls, "listening_admin")))]


@hooks.register("register_guichet_menu_item")
def register_moderation() -> MenuItem:
    return LeadMenuItem(
        _("Une minute pour… : modération"),
        reverse("listening_admin:moderation"),
        icon_name="comment",
        order=200,
    )


@hooks.register("after_edit_snippet")
def followup_recertify(request, instance) -> None:  # noqa: ANN001 — Wagtail's signature
    """A published follow-up that is edited is signed again (a correction, in the log)."""
    if isinstance(instance, FollowUp) and instance.published_at is not None:
        followup_publish(followup=instance)


class FieldQuestionViewSet(SnippetViewSet):
    model = FieldQuestion
    icon = "help"
    menu_label = _("Questions de terrain")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["code", "text", "status", "closes_at", "service"]
    list_filter = ["status", "kind", "service"]
    search_fields = ["code", "text"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("code"), FieldPanel("text"), FieldPanel("kind"), FieldPanel("choices")],
                heading=_("La question"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("lieu"),
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                    FieldPanel("quartier"),
                    PageChooserPanel("project", "content.CityProjectPage"),
                ],
                heading=_("Où"),
            ),
            MultiFieldPanel(
                [FieldPanel("service"), FieldPanel("lead_name"), FieldPanel("lead")],
                heading=_("Qui porte le projet"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldPanel("status"),
                ],
                heading=_("Quand"),
            ),
        ],
        base_form_class=FieldQuestionForm,
    )


class FollowUpViewSet(SnippetViewSet):
    model = FollowUp
    icon = "success"
    menu_label = _("Vous avez dit, nous avons fait")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["question", "author_name", "service", "published_at"]
    panels = [
        FieldPanel("question"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("author_name"), FieldPanel("service")]),
    ]


register_snippet(FieldQuestionViewSet)
register_snippet(FollowUpViewSet)

# The printable signs' buttons in the questions' listing (parvis/listening/sign_hooks.py).
from parvis.listening import sign_hooks  # noqa: E402, F401
