"""Helpers for the read side's tests: questions, answers and follow-ups made directly.

The write side's services (web/SMS answers, moderation) are tested in their own modules; these
tests only need rows in every public and non-public state.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from parvis.content.models import Quartier, Service
from parvis.listening.models import FieldAnswer, FieldQuestion, FollowUp

_seq = itertools.count(1)
CANARY_PHONE = "+33600007130"  # seeded where a phone could leak; searched for in outputs
CANARY_REMARK = "Appelez-moi au 06 00 00 71 30, canari-7f3a"


def question(
    *,
    code: str | None = None,
    text: str = "Faut-il une piste cyclable séparée sur le pont ?",
    kind: str = FieldQuestion.Kind.YES_NO,
    status: str = FieldQuestion.Status.PUBLISHED,
    quartier: str | None = "centre-ville",
    opens_in_days: int = -2,
    closes_in_days: int = 20,
    choices: list[str] | None = None,
    **kwargs: object,
) -> FieldQuestion:
    now = timezone.now()
    return FieldQuestion.objects.create(
        code=code or f"TEST{next(_seq)}",
        text=text,
        kind=kind,
        choices=choices or [],
        quartier=Quartier.objects.get(slug=quartier) if quartier else None,
        service=Service.objects.get(slug="etat-civil"),
        lead_name="Samia",
        opens_at=now + dt.timedelta(days=opens_in_days),
        closes_at=now + dt.timedelta(days=closes_in_days),
        status=status,
        **kwargs,
    )


def answer(
    q: FieldQuestion,
    *,
    choice: int | None = 0,
    rating: int | None = None,
    channel: str = FieldAnswer.Channel.WEB,
    remark: str = "",
    remark_public: str = "",
    remark_status: str = FieldAnswer.RemarkStatus.NONE,
    quartier: str | None = None,
    phone_hash: str = "",
) -> FieldAnswer:
    return FieldAnswer.objects.create(
        question=q,
        choice=choice,
        rating=rating,
        channel=channel,
        remark=remark,
        remark_public=remark_public,
        remark_status=remark_status,
        moderated_at=timezone.now() if remark_status != FieldAnswer.RemarkStatus.NONE else None,
        quartier=Quartier.objects.get(slug=quartier) if quartier else None,
        phone_hash=phone_hash,
    )


def followup(q: FieldQuestion, *, body: str, published: bool = True) -> FollowUp:
    return FollowUp.objects.create(
        question=q,
        body=body,
        author_name="Samia",
        service=q.service,
        published_at=timezone.now() if published else None,
    )
