"""Reads of questions, results, remarks and follow-ups: only what may be public."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parvis.content.models import Quartier
from parvis.listening.models import (
    RATING_LABELS,
    FieldAnswer,
    FieldQuestion,
    FollowUp,
)


@dataclass(frozen=True)
class Results:
    """What a question heard: public figures and approved remarks only."""

    question: FieldQuestion
    total: int
    counts: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_quartier: list[tuple[str, int]] = field(default_factory=list)
    remarks: list[FieldAnswer] = field(default_factory=list)
    remarks_total: int = 0

    @property
    def max_count(self) -> int:
        return max((count for _label, count in self.counts), default=0)

    def percent(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0


def questions_open(
    *, quartier: Quartier | None = None, at: datetime | None = None
) -> QuerySet[FieldQuestion]:
    """Published questions open for answers at ``at`` (now by default)."""
    at = at or timezone.now()
    qs = FieldQuestion.objects.filter(
        status=FieldQuestion.Status.PUBLISHED, opens_at__lte=at, closes_at__gt=at
    )
    if quartier is not None:
        qs = qs.filter(quartier=quartier)
    return qs.select_related("quartier", "service", "lieu").order_by("closes_at", "pk")


def questions_public(
    *, quartier: Quartier | None = None, at: datetime | None = None
) -> QuerySet[FieldQuestion]:
    """Questions with a public results page: published (once opened) or closed."""
    at = at or timezone.now()
    qs = FieldQuestion.objects.filter(
        Q(status=FieldQuestion.Status.CLOSED)
        | Q(status=FieldQuestion.Status.PUBLISHED, opens_at__lte=at)
    )
    if quartier is not None:
        qs = qs.filter(quartier=quartier)
    return qs.select_related("quartier", "service", "lieu").order_by("-opens_at", "-pk")


def question_public_get(code: str) -> FieldQuestion | None:
    """The public question with ``code`` (case-insensitive), or None."""
    return questions_public().filter(code=code.strip().upper()).first()


def answers_count(question: FieldQuestion) -> int:
    return FieldAnswer.objects.filter(question=question).count()


def question_results(question: FieldQuestion, *, remarks_limit: int = 20) -> Results:
    """The counts of ``question``: per choice or rating, per channel and quartier."""
    answers = FieldAnswer.objects.filter(question=question)
    total = answers.count()
    counts: list[tuple[str, int]] = []
    if question.has_choices:
        per = dict(
            answers.filter(choice__isnull=False)
            .values_list("choice")
            .annotate(n=Count("pk"))
            .values_list("choice", "n")
        )
        counts = [(label, per.get(i, 0)) for i, label in enumerate(question.choices)]
    elif question.kind == FieldQuestion.Kind.RATING:
        per = dict(
            answers.filter(rating__isnull=False)
            .values_list("rating")
            .annotate(n=Count("pk"))
            .values_list("rating", "n")
        )
        counts = [(label, per.get(int(label), 0)) for label in RATING_LABELS]
    channel_labels = dict(FieldAnswer.Channel.choices)
    per_channel = dict(
        answers.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")
    )
    by_channel = [
        (str(label), per_channel.get(value, 0)) for value, label in channel_labels.items()
    ]
    by_quartier = [
        (name, n)
        for name, n in answers.filter(quartier__isnull=False)
        .values_list("quartier__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "quartier__name")
        .values_list("quartier__name", "n")
    ]
    approved = remarks_public(question=question, limit=None)
    return Results(
        question=question,
        total=total,
        counts=counts,
        by_channel=by_channel,
        by_quartier=by_quartier,
        remarks=list(approved[:remarks_limit]),
        remarks_total=approved.count(),
    )


def remarks_public(
    *,
    question: FieldQuestion | None = None,
    quartier: Quartier | None = None,
    limit: int | None = 10,
) -> QuerySet[FieldAnswer]:
    """Approved remarks (their redacted text, ``remark_public``), newest first."""
    qs = FieldAnswer.objects.filter(
        remark_status=FieldAnswer.RemarkStatus.APPROVED,
        question__status__in=[FieldQuestion.Status.PUBLISHED, FieldQuestion.Status.CLOSED],
    ).exclude(remark_public="")
    if question is not None:
        qs = qs.filter(question=question)
    if quartier is not None:
        qs = qs.filter(Q(question__quartier=quartier) | Q(quartier=quartier))
    qs = qs.select_related("question").order_by("-moderated_at", "-pk")
    return qs[:limit] if limit is not None else qs


def followups_public(
    *,
    quartier: Quartier | None = None,
    question: FieldQuestion | None = None,
    limit: int | None = 10,
) -> QuerySet[FollowUp]:
    """Published follow-ups, newest first."""
    qs = FollowUp.objects.filter(
        published_at__isnull=False,
        question__status__in=[FieldQuestion.Status.PUBLISHED, FieldQuestion.Status.CLOSED],
    )
    if quartier is not None:
        qs = qs.filter(question__quartier=quartier)
    if question is not None:
        qs = qs.filter(question=question)
    qs = qs.select_related("question", "service").order_by("-published_at", "-pk")
    return qs[:limit] if limit is not None else qs


def remarks_pending() -> QuerySet[FieldAnswer]:
    """The moderation queue: remarks waiting for a moderator, oldest first."""
    return (
        FieldAnswer.objects.filter(remark_status=FieldAnswer.RemarkStatus.PENDING)
        .select_related("question")
        .order_by("created_at", "pk")
    )
