"""Questions of the street as answers: "piste cyclable rue de Strasbourg" finds VELO12.

Only public questions (published and opened, or closed) and published follow-ups are indexed;
nothing a person sent is (no answer, no remark).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.answers.sources import AnswerDocument
from parvis.listening.models import FieldQuestion
from parvis.listening.selectors import answers_count, followups_public, questions_public

KIND = "question-terrain"


def question_document(question: FieldQuestion) -> AnswerDocument:
    followups = list(followups_public(question=question, limit=None))
    if question.is_open:
        url = question.get_absolute_url()
        short = _("Une minute pour répondre, sans compte, jusqu'au %(date)s (code %(code)s).") % {
            "date": date_format(question.closes_at, "j F Y"),
            "code": question.code,
        }
    else:
        url = question.results_url()
        short = _("Question close : %(total)d réponses.") % {"total": answers_count(question)}
        if followups:
            short += " " + _("Ce que la ville a fait : %(text)s") % {"text": followups[0].body}
    place = question.lieu.title if question.lieu else question.address
    return AnswerDocument(
        key=f"{KIND}:{question.code.lower()}",
        kind=KIND,
        title=question.text,
        url=url,
        alternatives=f"{question.code} " + _("une minute pour"),
        short_answer=short[:600],
        body="\n".join([place, *(f.body for f in followups)]),
        facets={"quartier": [question.quartier.slug] if question.quartier else []},
        published_on=question.opens_at.date(),
    )


class FieldQuestionSource:
    kind = KIND
    label = gettext_lazy("Question de terrain")

    def documents(self) -> Iterable[AnswerDocument]:
        for question in questions_public().select_related("lieu", "quartier"):
            yield question_document(question)


SOURCES = [FieldQuestionSource()]


def questions_reindex_on_commit(**kwargs: object) -> None:
    """After a question or follow-up changes, rebuild this source's few documents."""
    from parvis.answers.sources import source_refresh

    transaction.on_commit(lambda: source_refresh(KIND), robust=True)
