"""Back office of the answer engine: citizen lexicon, unanswered queries.

Questions to agents are conversations, in the agents' desk (``parvis.conversation``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from parvis.answers.models import LexiconEntry
from parvis.answers.permissions import can_decide_phrasings, can_see_searches
from parvis.core.text import is_ascii_number


class LexiconViewSet(SnippetViewSet):
    model = LexiconEntry
    icon = "openquote"
    menu_label = _("Lexique des habitants")
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion"]


class AnswersGroup(SnippetViewSetGroup):
    items = (LexiconViewSet,)
    menu_icon = "search"
    menu_label = _("Réponses")
    menu_order = 250


register_snippet(AnswersGroup)


class UnansweredMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_see_searches(request.user)


def unanswered_view(request: HttpRequest) -> HttpResponse:
    """What residents searched and did not find: for the roles that write content only."""
    from django.shortcuts import render

    from parvis.answers.selectors_admin import unanswered_queries

    if not can_see_searches(request.user):
        raise PermissionDenied

    days = request.GET.get("jours", "90")
    days_int = int(days) if is_ascii_number(days) and 0 < int(days) <= 3650 else 90
    return render(
        request,
        "answers/admin/unanswered.html",
        {"groups": unanswered_queries(days=days_int), "days": days_int},
    )


class PhrasingsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_decide_phrasings(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    from parvis.answers.admin_views import phrasing_decide_view, phrasings_view

    return [
        path("reponses/sans-reponse/", unanswered_view, name="answers_unanswered"),
        path("reponses/formulations/", phrasings_view, name="answers_phrasings"),
        path(
            "reponses/formulations/<int:pk>/decision/",
            phrasing_decide_view,
            name="answers_phrasing_decide",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_unanswered_menu_item() -> MenuItem:
    return UnansweredMenuItem(
        _("Questions sans réponse"),
        reverse("answers_unanswered"),
        icon_name="warning",
        order=260,
    )


@hooks.register("register_admin_menu_item")
def register_phrasings_menu_item() -> MenuItem:
    return PhrasingsMenuItem(
        _("Formulations apprises"),
        reverse("answers_phrasings"),
        icon_name="openquote",
        order=261,
    )
