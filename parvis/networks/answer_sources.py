"""Published groups are findable by the answer engine ("club de foot Doulon")."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from parvis.answers.sources import AnswerDocument
from parvis.networks.selectors import group_document, groups_public


class GroupSource:
    kind = "groupe"
    label = _("Groupe")

    def documents(self) -> Iterable[AnswerDocument]:
        for group in groups_public():
            yield group_document(group)


SOURCES = [GroupSource()]
