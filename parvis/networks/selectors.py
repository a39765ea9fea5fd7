"""What the networks app reads: the public directory, the agendas, the moderation queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from parvis.answers.sources import AnswerDocument
from parvis.content.models import ActualitePage, LieuPage, Quartier, Theme
from parvis.core.models import AddressConfirmation
from parvis.networks.models import Event, Feed, Group
from parvis.networks.parsing import normalise


def groups_public(
    *, quartier: Quartier | None = None, theme: Theme | None = None, q: str = ""
) -> QuerySet[Group]:
    """Published groups, by name, optionally in a quartier or about a theme."""
    groups = Group.objects.filter(status=Group.Status.APPROVED)
    if quartier is not None:
        groups = groups.filter(quartiers=quartier)
    if theme is not None:
        groups = groups.filter(themes=theme)
    if q:
        groups = groups.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return groups.prefetch_related("quartiers", "themes").distinct().order_by("name")


def group_get_public(*, slug: str) -> Group | None:
    return (
        Group.objects.filter(slug=slug, status=Group.Status.APPROVED)
        .prefetch_related("quartiers", "themes", Prefetch("feeds", Feed.objects.order_by("pk")))
        .first()
    )


def groups_for_moderation(*, status: str = Group.Status.PROPOSED) -> QuerySet[Group]:
    """Groups of a status, each with whether its proposer confirmed the address (``confirmed``)."""
    confirmed = AddressConfirmation.objects.filter(
        subject=_subject(OuterRef("pk")), confirmed_at__isnull=False
    )
    return (
        Group.objects.filter(status=status)
        .annotate(confirmed=Exists(confirmed))
        .prefetch_related("quartiers", "themes", "feeds")
        .order_by("-confirmed", "created_at")
    )


def _subject(pk: object) -> object:
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    return Concat(Value("group:"), Cast(pk, output_field=CharField()))


def group_document(group: Group) -> AnswerDocument:
    """What a published group becomes in the answer engine's index."""
    quartiers = list(group.quartiers.all())
    themes = list(group.themes.all())
    places = ", ".join(q.name for q in quartiers)
    return AnswerDocument(
        key=f"groupe:{group.slug}",
        kind="groupe",
        title=group.name,
        url=group.get_absolute_url(),
        alternatives=" ".join([str(group.get_kind_display()), places, *(t.name for t in themes)]),
        short_answer=group.description[:300],
        body=group.description,
        facets={
            "quartier": [q.slug for q in quartiers],
            "theme": [t.slug for t in themes],
            "kind": [group.kind],
        },
        published_on=(group.moderated_at or group.created_at).date(),
        source=str(group.get_kind_display()),
    )


# ---------------------------------------------------------------- places


def lieux_matcher() -> Callable[[str], int | None]:
    """A function giving the Lieu whose name or street a location mentions (None otherwise)."""
    lieux = [
        (normalise(title), normalise(street), pk)
        for title, street, pk in LieuPage.objects.live().values_list("title", "street", "pk")
    ]
    # Longest names first: "Maison de quartier de Doulon" before "Doulon".
    lieux.sort(key=lambda row: -len(row[0]))

    def match(location: str) -> int | None:
        where = f" {normalise(location)} "
        if not where.strip():
            return None
        # A name first (two places may share a street: a conseiller numérique in a maison de
        # quartier), then a street.
        for title, _street, pk in lieux:
            if len(title) >= 5 and f" {title} " in where:
                return pk
        for _title, street, pk in lieux:
            if len(street) >= 8 and f" {street} " in where:
                return pk
        return None

    return match


# ---------------------------------------------------------------- agendas


@dataclass(frozen=True)
class AgendaItem:
    uid: str  # stable across readings and exports
    title: str
    start: dt.datetime
    end: dt.datetime | None
    all_day: bool
    description: str  # sanitised HTML (events) or plain text (the city's)
    location: str
    url: str  # the original (a group's page on its own site) or the city's page
    lieu_title: str = ""
    lieu_url: str = ""
    group_name: str = ""
    group_url: str = ""
    by_city: bool = False


@dataclass(frozen=True)
class AgendaFilter:
    start: dt.date
    end: dt.date
    quartier: Quartier | None = None
    theme: Theme | None = None
    group: Group | None = None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )


def agenda_default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today, today + dt.timedelta(days=60)


MAX_AGENDA_ITEMS = 2000


def _uid(kind: str, key: object) -> str:
    host = settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "parvis"
    return f"{kind}-{key}@{host}"


def events_public(agenda: AgendaFilter) -> QuerySet[Event]:
    since, until = agenda.bounds()
    events = Event.objects.filter(
        group__status=Group.Status.APPROVED,
        feed__muted=False,
        hidden=False,
        start__lt=until,
    ).filter(Q(start__gte=since) | Q(end__gt=since))
    if agenda.group is not None:
        events = events.filter(group=agenda.group)
    if agenda.quartier is not None:
        events = events.filter(
            Q(group__quartiers=agenda.quartier) | Q(lieu__quartier=agenda.quartier)
        )
    if agenda.theme is not None:
        events = events.filter(group__themes=agenda.theme)
    return events.select_related("group", "lieu").distinct().order_by("start", "pk")


def _city_events(agenda: AgendaFilter) -> QuerySet[ActualitePage]:
    since, until = agenda.bounds()
    pages = (
        ActualitePage.objects.live()
        .public()
        .filter(event_start__isnull=False, event_start__lt=until)
        .filter(Q(event_start__gte=since) | Q(event_end__gt=since))
    )
    if agenda.quartier is not None:
        pages = pages.filter(quartiers=agenda.quartier)
    if agenda.theme is not None:
        pages = pages.filter(themes=agenda.theme)
    return pages.distinct().order_by("event_start")


def agenda_items(agenda: AgendaFilter) -> list[AgendaItem]:
    """The groups' events and the city's own (Actualités with an event date), by start."""
    items = [
        AgendaItem(
            uid=_uid("evenement", e.dedup_key[:32]),
            title=e.title,
            start=e.start,
            end=e.end,
            all_day=e.all_day,
            description=e.description,
            location=e.location,
            url=e.url,
            lieu_title=e.lieu.title if e.lieu else "",
            lieu_url=e.lieu.url if e.lieu else "",
            group_name=e.group.name,
            group_url=e.group.get_absolute_url(),
        )
        for e in events_public(agenda)[:MAX_AGENDA_ITEMS]
    ]
    if agenda.group is None:
        items += [
            AgendaItem(
                uid=_uid("actualite", page.pk),
                title=page.title,
                start=page.event_start,
                end=page.event_end,
                all_day=False,
                description=page.intro,
                location=page.event_place,
                url=page.url,
                by_city=True,
            )
            for page in _city_events(agenda)[:MAX_AGENDA_ITEMS]
        ]
    items.sort(key=lambda item: (item.start, item.title))
    return items


def feeds_for_moderation() -> QuerySet[Feed]:
    return Feed.objects.select_related("group").order_by("-consecutive_failures", "group__name")


def events_for_moderation(*, group: Group | None = None) -> QuerySet[Event]:
    events = Event.objects.filter(start__gte=timezone.now() - dt.timedelta(days=1))
    if group is not None:
        events = events.filter(group=group)
    return events.select_related("group", "feed").order_by("start")
