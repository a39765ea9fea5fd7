"""What a screen shows: its slides, built only from public, moderated content.

Questions come from ``questions_open``, remarks from ``remarks_public`` (approved, redacted
text), follow-ups from ``followups_public`` (published), stories and news from live public
pages. Nothing else reaches a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from parvis.content.models import ActualitePage, RecitPage
from parvis.listening.selectors import followups_public, questions_open, remarks_public
from parvis.screens.models import Screen

PER_KIND = 6
BODY_CHARS = 260


@dataclass(frozen=True)
class Slide:
    """One full-screen card."""

    kind: str  # question | remark | followup | story | news
    title: str
    body: str = ""
    code: str = ""
    choices: list[str] = field(default_factory=list)
    url: str = ""  # absolute address the QR code encodes
    attribution: str = ""

    @property
    def qr_svg(self) -> SafeString:
        """The QR code of ``url`` as inline SVG (dark on white, quiet zone included)."""
        if not self.url:
            return mark_safe("")  # noqa: S308 — an empty string
        svg = segno.make(self.url, error="m").svg_inline(
            scale=1,
            border=4,
            dark="#000",
            light="#fff",
            omitsize=True,
            svgclass="pv-screen__qr-code",
            title=f"Code QR : {self.url}",
        )
        return mark_safe(svg)  # noqa: S308 — segno's SVG; the only text is our escaped title


def screens_active() -> QuerySet[Screen]:
    """The screens in service, by name, with their quartier (the /ecran/ page lists them)."""
    return Screen.objects.filter(active=True).select_related("quartier").order_by("name", "pk")


def screen_get_active(*, slug: str) -> Screen | None:
    return Screen.objects.filter(slug=slug[:60], active=True).select_related("quartier").first()


def _pages(model: type, screen: Screen) -> QuerySet:
    qs = model.objects.live().public()
    themes = list(screen.themes.all())
    if screen.quartier_id or themes:
        where = Q(pk__in=[])
        if screen.quartier_id:
            where |= Q(quartiers=screen.quartier_id)
        if themes:
            where |= Q(themes__in=themes)
        qs = qs.filter(where).distinct()
    return qs


def _short(text: str) -> str:
    return Truncator(strip_tags(text or "")).chars(BODY_CHARS)


def screen_slides(screen: Screen) -> list[Slide]:
    """The slides of ``screen``, in a fixed order; empty when nothing public matches."""
    slides: list[Slide] = []
    area = screen.quartier
    if screen.show_questions:
        for q in questions_open(quartier=area)[:PER_KIND]:
            slides.append(
                Slide(
                    kind="question",
                    title=q.text,
                    code=q.code,
                    choices=list(q.choices) if q.has_choices else [],
                    url=f"{settings.BASE_URL}{q.get_absolute_url()}",
                )
            )
    if screen.show_remarks:
        for answer in remarks_public(quartier=area, limit=PER_KIND):
            slides.append(
                Slide(kind="remark", title=_short(answer.remark_public), body=answer.question.text)
            )
    if screen.show_followups:
        for followup in followups_public(quartier=area, limit=PER_KIND):
            slides.append(
                Slide(
                    kind="followup",
                    title=followup.question.text,
                    body=_short(followup.body),
                    attribution=f"{followup.author_name}, {followup.service.name}",
                )
            )
    if screen.show_stories:
        for page in _pages(RecitPage, screen).order_by("-first_published_at")[:PER_KIND]:
            slides.append(Slide(kind="story", title=page.title, body=_short(page.intro)))
    if screen.show_news:
        for page in _pages(ActualitePage, screen).order_by("-date", "-pk")[:PER_KIND]:
            slides.append(Slide(kind="news", title=page.title, body=_short(page.intro)))
    return slides
