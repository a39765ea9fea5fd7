"""Learning from use: residents' wordings that a document answered become its phrasings.

Two signals propose a wording for a document:

- an agent answers a resident's question with a page (``phrasing_propose`` with
  ``source="agent"``, called by the app that holds the conversation);
- residents mark the same answer "useful" for the same wording, at least
  ``PARVIS_ANSWERS_LEARN_MIN_VOTES`` times with a majority of "yes" (``phrasings_from_feedback``,
  a periodic job).

Nothing reaches the index until an editor approves it in the back office ("Formulations
apprises"): the index then holds the wording beside the editors' own alternatives, so the next
resident who asks it that way finds the page. A wording that carried personal data (masked to
``masque``) is never proposed; a refused wording is not proposed again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from parvis.answers.models import AnswerFeedback, LearnedPhrasing, SearchDocument
from parvis.answers.text import normalise
from parvis.core.privacy import (
    MASKED_WORD,
    personal_data_mask,
    personal_data_mask_normalised,
)

MAX_TEXT = 200
MIN_WORDS = 1


def _clean(text: str) -> tuple[str, str]:
    """(readable text, normalised text), both with personal data masked."""
    readable = " ".join(personal_data_mask(text).split())[:MAX_TEXT]
    normalised = personal_data_mask_normalised(normalise(readable, limit=MAX_TEXT))
    return readable, normalised


def _already_known(doc: SearchDocument, normalised: str) -> bool:
    """The wording is the document's title or one of its editors' wordings already."""
    known = [doc.title, *doc.alternatives.splitlines()]
    return any(normalise(k, limit=MAX_TEXT) == normalised for k in known if k.strip())


def phrasing_propose(
    *, text: str, document_key: str, source: str, evidence: int = 1
) -> LearnedPhrasing | None:
    """Propose ``text`` as a wording of the document ``document_key``; None when it is not
    worth an editor's time (empty, personal data, unknown document, already a wording).

    Proposing again adds to the evidence (``source="agent"``) or raises it to the count of
    votes (``source="feedback"``, recomputed from the votes each time).
    """
    readable, normalised = _clean(text)
    if len(normalised.split()) < MIN_WORDS or MASKED_WORD in normalised.split():
        return None
    doc = SearchDocument.objects.filter(key=document_key).first()
    if doc is None or _already_known(doc, normalised):
        return None
    with transaction.atomic():
        phrasing, created = LearnedPhrasing.objects.select_for_update().get_or_create(
            document_key=document_key,
            normalised=normalised,
            defaults={"text": readable, "source": source, "evidence": evidence},
        )
        if not created:
            if source == LearnedPhrasing.Source.FEEDBACK:
                if evidence > phrasing.evidence:
                    phrasing.evidence = evidence
                    phrasing.save(update_fields=["evidence"])
            else:
                LearnedPhrasing.objects.filter(pk=phrasing.pk).update(evidence=F("evidence") + 1)
                phrasing.refresh_from_db(fields=["evidence"])
    return phrasing


def phrasings_from_feedback(*, min_votes: int | None = None) -> int:
    """Propose the wordings residents found answered: ``min_votes`` "useful" or more for the
    same wording and document, and more "useful" than "not useful". Returns how many were
    proposed or strengthened."""
    threshold = min_votes or settings.PARVIS_ANSWERS_LEARN_MIN_VOTES
    rows = (
        AnswerFeedback.objects.values("normalised", "document_key")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
        .filter(yes__gte=threshold)
    )
    count = 0
    for row in rows:
        if row["yes"] <= row["no"]:
            continue
        phrasing = phrasing_propose(
            text=row["normalised"],
            document_key=row["document_key"],
            source=LearnedPhrasing.Source.FEEDBACK,
            evidence=row["yes"],
        )
        count += phrasing is not None
    return count


def phrasing_decide(*, phrasing: LearnedPhrasing, approve: bool, user: object) -> None:
    """An editor's decision; an approved (or withdrawn) wording is (re)indexed at once."""
    from parvis.answers import index

    status = LearnedPhrasing.Status.APPROVED if approve else LearnedPhrasing.Status.REJECTED
    was_indexed = phrasing.status == LearnedPhrasing.Status.APPROVED
    with transaction.atomic():
        phrasing.status = status
        phrasing.decided_by = user  # type: ignore[assignment]
        phrasing.decided_at = timezone.now()
        phrasing.save(update_fields=["status", "decided_by", "decided_at"])
        if approve or was_indexed:
            index.rows_write(SearchDocument.objects.filter(key=phrasing.document_key))


def approved_phrasings(keys: Iterable[str]) -> dict[str, list[str]]:
    """Approved wordings of the given documents, by document key."""
    found: dict[str, list[str]] = {}
    rows = LearnedPhrasing.objects.filter(
        document_key__in=list(keys), status=LearnedPhrasing.Status.APPROVED
    ).values_list("document_key", "text")
    for key, text in rows.order_by("pk"):
        found.setdefault(key, []).append(text)
    return found
