"""Back office: "Guichet des agents › Conversations", the learning report, calendars, replies."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from parvis.conversation.models import CannedReply, ServiceCalendar
from parvis.conversation.permissions import can_answer, can_learn


class AgentsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or can_answer(request.user)


class LearningMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or can_learn(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("conversations/", include("parvis.conversation.admin_urls"))]


# The "Guichet des agents" submenu is defined once (by the reports app, hook below); each
# agents' inbox adds its item to it.
@hooks.register("register_guichet_menu_item")
def register_conversations_item() -> MenuItem:
    return AgentsMenuItem(
        _("Conversations"), reverse("conversation_admin:inbox"), icon_name="comment", order=200
    )


@hooks.register("register_reports_menu_item")
def register_learning_report() -> MenuItem:
    return LearningMenuItem(
        _("Questions sans réponse"),
        reverse("conversation_admin:learning"),
        icon_name="help",
        order=900,
    )


class ServiceCalendarViewSet(SnippetViewSet):
    model = ServiceCalendar
    icon = "time"
    menu_label = _("Horaires de réponse")
    add_to_admin_menu = False
    list_display = ["service", "closed_on_public_holidays"]


class CannedReplyViewSet(SnippetViewSet):
    model = CannedReply
    icon = "openquote"
    menu_label = _("Réponses types")
    add_to_admin_menu = False
    list_display = ["title", "service"]
    list_filter = ["service"]


register_snippet(ServiceCalendarViewSet)
register_snippet(CannedReplyViewSet)
