"""Back office: "Affiche A4" / "Affiche A3" in the actions of each question of the listing.

Imported by ``wagtail_hooks.py`` (Wagtail only discovers that module).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from parvis.content.selectors import agent_services
from parvis.listening.models import FieldQuestion


@hooks.register("register_snippet_listing_buttons")
def sign_buttons(snippet, user, next_url=None) -> Iterator[Button]:  # noqa: ANN001 — Wagtail's
    """The printable signs, for the agents of the question's service."""
    if not isinstance(snippet, FieldQuestion):
        return
    if not agent_services(user=user).filter(pk=snippet.service_id).exists():
        return
    for paper, label in (("a4", _("Affiche A4 (PDF)")), ("a3", _("Affiche A3 (PDF)"))):
        url = f"{snippet.results_url()}affiche-{paper}.pdf"
        yield Button(label, url, icon_name="doc-full", priority=90)
