"""What the networks app does: propose, moderate and update groups; read feeds; hide and mute.

Every service that writes is one transaction; emails go through the outbox in that same
transaction; the answer index is updated after the commit; feeds are fetched outside any
transaction (``reader``), and each outcome is stored in a short transaction of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parvis.answers.sources import documents_remove, documents_write
from parvis.content.models import Quartier, Theme
from parvis.core.errors import ParvisError
from parvis.core.models import AddressConfirmation
from parvis.core.notifications import outbox_enqueue
from parvis.core.safehttp import FetchError, url_check
from parvis.networks.models import Event, Feed, Group
from parvis.networks.parsing import ParsedEvent
from parvis.networks.reader import FeedOutcome, FeedRequest, ReadOptions, feeds_fetch
from parvis.networks.selectors import group_document, lieux_matcher

logger = logging.getLogger(__name__)

MAX_FEEDS = 5
_EDIT_SALT = "parvis.networks.group-edit"


class GroupInvalid(ParvisError):
    """A proposal or an update that cannot be stored as it is."""


class GroupLinkInvalid(ParvisError):
    """An update link that was altered, has expired, or was already used."""


@dataclass(frozen=True)
class FeedInput:
    url: str
    kind: str


def feed_url_check(url: str) -> None:
    """Refuse a feed URL the reader would refuse (scheme, private address) with a clear message.

    A name that does not resolve now is accepted: the reader will say so on the feed's line.
    """
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise GroupInvalid(
            _("« %(url)s » n'est pas une adresse web valable.") % {"url": url[:200]},
            code="feed_url",
        ) from None
    try:
        url_check(url)
    except FetchError as error:
        if error.code != "dns":
            raise GroupInvalid(
                _("Le flux « %(url)s » est refusé : %(reason)s")
                % {"url": url[:200], "reason": error.message},
                code="feed_url",
            ) from None


def _group_check(*, name: str, description: str, kind: str, join_url: str) -> None:
    if not name.strip():
        raise GroupInvalid(_("Indiquez le nom du groupe."), code="name")
    if not description.strip():
        raise GroupInvalid(_("Dites en quelques mots ce que fait le groupe."), code="description")
    if kind not in Group.Kind.values:
        raise GroupInvalid(_("Choisissez le type de groupe."), code="kind")
    try:
        URLValidator(schemes=["http", "https"])(join_url)
    except ValidationError:
        raise GroupInvalid(
            _("Le lien pour rejoindre le groupe n'est pas valable."), code="join_url"
        ) from None
    for text in (name, description):
        if "\x00" in text:
            raise GroupInvalid(_("Le texte contient des caractères interdits."))


def _feeds_check(feeds: Sequence[FeedInput]) -> None:
    if len(feeds) > MAX_FEEDS:
        raise GroupInvalid(_("Cinq flux au plus par groupe."), code="feeds")
    for feed in feeds:
        if feed.kind not in Feed.Kind.values:
            raise GroupInvalid(_("Choisissez le type de chaque flux."), code="feed_kind")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:140] or "groupe"
    slug, n = base, 1
    while Group.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def group_propose(
    *,
    name: str,
    description: str,
    kind: str,
    join_url: str,
    contact_email: str,
    quartiers: Iterable[Quartier] = (),
    themes: Iterable[Theme] = (),
    feeds: Sequence[FeedInput] = (),
) -> Group:
    """A resident proposes a group: stored unpublished; its contact confirms by email first.

    Feed URLs are checked (outside any transaction: it resolves names) before anything is stored.
    """
    _group_check(name=name, description=description, kind=kind, join_url=join_url)
    try:
        validate_email(contact_email)
    except ValidationError:
        raise GroupInvalid(_("L'adresse électronique n'est pas valable."), code="email") from None
    _feeds_check(feeds)
    for feed in feeds:
        feed_url_check(feed.url)
    return _group_store(
        name=name.strip(),
        description=description.strip(),
        kind=kind,
        join_url=join_url.strip(),
        contact_email=contact_email.strip(),
        quartiers=list(quartiers),
        themes=list(themes),
        feeds=feeds,
    )


@transaction.atomic
def _group_store(
    *, quartiers: list, themes: list, feeds: Sequence[FeedInput], **fields: str
) -> Group:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                group = Group.objects.create(slug=_unique_slug(fields["name"]), **fields)
            break
        except IntegrityError:  # a concurrent proposal took the slug
            continue
    else:
        raise GroupInvalid(_("Réessayez dans un instant."), code="busy")
    group.quartiers.set(quartiers)
    group.themes.set(themes)
    for feed in dict.fromkeys(feeds):
        Feed.objects.create(group=group, url=feed.url, kind=feed.kind)
    outbox_enqueue(
        recipient=group.contact_email,
        template="networks/email/received",
        context={"group": group, "base_url": settings.BASE_URL},
        topic="networks",
        confirm_for=group.confirmation_subject,
        confirm_purpose=_proposal_purpose(group),  # typed by the proposer: confirm first
    )
    return group


def _proposal_purpose(group: Group) -> str:
    """What the confirmation email says the address was given for."""
    return _("proposer le groupe « %(name)s » à l'annuaire des groupes de la Ville") % {
        "name": group.name
    }


def group_is_confirmed(group: Group) -> bool:
    return AddressConfirmation.objects.filter(
        subject=group.confirmation_subject,
        recipient=group.contact_email,
        confirmed_at__isnull=False,
    ).exists()


def _index_later(group: Group) -> None:
    key = f"groupe:{group.slug}"
    if group.status == Group.Status.APPROVED:
        transaction.on_commit(lambda: documents_write([group_document(group)]))
    else:
        transaction.on_commit(lambda: documents_remove([key]))


@transaction.atomic
def group_moderate(*, group: Group, approve: bool, user: AbstractBaseUser, note: str = "") -> Group:
    """Approve (publish) or reject a group. A proposal is approved only once its address is
    confirmed: nobody's address is used for a group they did not propose."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if approve and not group_is_confirmed(group):
        raise GroupInvalid(
            _(
                "Le proposant n'a pas encore confirmé son adresse : "
                "ce groupe ne peut pas être publié."
            ),
            code="unconfirmed",
        )
    previous = group.status
    group.status = Group.Status.APPROVED if approve else Group.Status.REJECTED
    group.moderation_note = note.strip()[:300]
    group.moderated_at = timezone.now()
    group.moderated_by = user
    group.save()
    _index_later(group)
    if previous != group.status and group.contact_email:  # erased: nobody to tell
        outbox_enqueue(
            recipient=group.contact_email,
            template="networks/email/moderated",
            context={"group": group, "base_url": settings.BASE_URL},
            topic="networks",
            confirm_for=group.confirmation_subject,
            confirm_purpose=_proposal_purpose(group),
        )
    return group


# ---------------------------------------------------------------- the contact's update link


def _edit_token(group: Group) -> str:
    # The last change is in the token: once the group is updated, the link is spent.
    return signing.dumps({"g": group.pk, "v": group.updated_at.isoformat()}, salt=_EDIT_SALT)


def group_edit_url(group: Group) -> str:
    return settings.BASE_URL + reverse("networks:group_edit", args=[_edit_token(group)])


@transaction.atomic
def group_edit_link_request(*, group: Group, email: str) -> bool:
    """Send the update link to the group's contact if ``email`` is that contact's address.

    The answer to the visitor is the same either way (it reveals no address). The link goes
    only to an address that confirmed it owns the group (the proposer's confirmation).
    """
    if not group.contact_email:  # its contact erased their address ("Mes données")
        return False
    if email.strip().lower() != group.contact_email.lower() or not group_is_confirmed(group):
        return False
    outbox_enqueue(
        recipient=group.contact_email,
        template="networks/email/edit_link",
        context={
            "group": group,
            "url": group_edit_url(group),
            "days": settings.PARVIS_NETWORKS_EDIT_LINK_DAYS,
        },
        topic="networks",
        confirm_for=group.confirmation_subject,
        confirm_purpose=_proposal_purpose(group),
    )
    return True


def group_edit_check(*, token: str) -> Group:
    """The group an update link designates, or GroupLinkInvalid (altered, expired, spent)."""
    invalid = GroupLinkInvalid(
        _("Ce lien de modification n'est pas valable, a expiré ou a déjà servi."),
        code="link_invalid",
    )
    try:
        payload = signing.loads(
            token,
            salt=_EDIT_SALT,
            max_age=dt.timedelta(days=settings.PARVIS_NETWORKS_EDIT_LINK_DAYS),
        )
    except signing.BadSignature:
        raise invalid from None
    group = Group.objects.filter(pk=payload.get("g")).exclude(status=Group.Status.REJECTED).first()
    if group is None or group.updated_at.isoformat() != payload.get("v"):
        raise invalid
    return group


def group_update(
    *,
    token: str,
    name: str,
    description: str,
    kind: str,
    join_url: str,
    quartiers: Iterable[Quartier] = (),
    themes: Iterable[Theme] = (),
    feeds: Sequence[FeedInput] = (),
) -> Group:
    """The contact updates the group through the link (which is then spent)."""
    group_edit_check(token=token)
    _group_check(name=name, description=description, kind=kind, join_url=join_url)
    _feeds_check(feeds)
    for feed in feeds:
        feed_url_check(feed.url)
    return _group_update_store(
        token=token,
        fields={
            "name": name.strip(),
            "description": description.strip(),
            "kind": kind,
            "join_url": join_url.strip(),
        },
        quartiers=list(quartiers),
        themes=list(themes),
        feeds=feeds,
    )


@transaction.atomic
def _group_update_store(
    *, token: str, fields: dict[str, str], quartiers: list, themes: list, feeds: Sequence[FeedInput]
) -> Group:
    group = group_edit_check(token=token)
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group_edit_check(token=token).pk != group.pk:  # re-read under the lock: spent meanwhile
        raise GroupLinkInvalid(_("Ce lien a déjà servi."), code="link_invalid")
    for name, value in fields.items():
        setattr(group, name, value)
    group.save()
    group.quartiers.set(quartiers)
    group.themes.set(themes)
    wanted = {f.url: f.kind for f in feeds}
    group.feeds.exclude(url__in=list(wanted)).delete()  # their events go with them
    for url, kind in wanted.items():
        feed, created = Feed.objects.get_or_create(group=group, url=url, defaults={"kind": kind})
        if not created and feed.kind != kind:
            feed.kind = kind
            feed.etag = feed.last_modified = ""
            feed.save()
    _index_later(group)
    return group


# ---------------------------------------------------------------- moderation of feeds and events


@transaction.atomic
def feed_mute(*, feed: Feed, muted: bool, user: AbstractBaseUser) -> Feed:
    """A muted feed is no longer read, and its events leave the agendas (kept, not deleted)."""
    Feed.objects.filter(pk=feed.pk).update(muted=muted)
    feed.refresh_from_db()
    logger.info("feed muted" if muted else "feed unmuted", extra={"feed": feed.pk, "user": user.pk})
    return feed


@transaction.atomic
def event_hide(*, event: Event, hidden: bool, user: AbstractBaseUser) -> Event:
    """A hidden event stays hidden when its feed is read again."""
    Event.objects.filter(pk=event.pk).update(hidden=hidden)
    event.refresh_from_db()
    logger.info(
        "event hidden" if hidden else "event shown", extra={"event": event.pk, "user": user.pk}
    )
    return event


# ---------------------------------------------------------------- reading feeds


def feeds_due(*, now: dt.datetime | None = None) -> list[Feed]:
    """Feeds of published groups, not muted, not read within the configured interval."""
    now = now or timezone.now()
    every = dt.timedelta(minutes=settings.PARVIS_NETWORKS_FEED_EVERY_MINUTES)
    return list(
        Feed.objects.filter(group__status=Group.Status.APPROVED, muted=False)
        .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lte=now - every))
        .order_by("last_read_at", "pk")
    )


EVENTS_KEPT_DAYS = 30


@transaction.atomic
def events_purge(*, now: dt.datetime | None = None) -> int:
    """Forget events that ended (or started, without an end) more than a month ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=EVENTS_KEPT_DAYS)
    old = Event.objects.filter(Q(end__lt=cutoff) | Q(end__isnull=True, start__lt=cutoff))
    return old.delete()[1].get("networks.Event", 0)


def feeds_read(
    *,
    feeds: Iterable[Feed] | None = None,
    options: ReadOptions | None = None,
    workers: int = 0,
) -> dict[str, int]:
    """Read feeds (the due ones by default): fetch in parallel, store each outcome in turn."""
    feeds = list(feeds_due() if feeds is None else feeds)
    requests = [
        FeedRequest(
            feed_id=f.pk, url=f.url, kind=f.kind, etag=f.etag, last_modified=f.last_modified
        )
        for f in feeds
    ]
    counts = {"read": 0, "failed": 0, "not_modified": 0, "events": 0}
    matcher = lieux_matcher()
    for outcome in feeds_fetch(requests, options=options, workers=workers):
        try:
            stored = feed_store(outcome=outcome, lieu_for=matcher)
        except DatabaseError:  # one feed's odd data must not stop the others being stored
            logger.exception("feed store failed", extra={"feed": outcome.request.feed_id})
            failed = FeedOutcome(
                outcome.request,
                error=_("Flux illisible (%(error)s).") % {"error": "DatabaseError"},
                error_code="store",
            )
            feed_store(outcome=failed, lieu_for=matcher)
            counts["failed"] += 1
            continue
        if not outcome.ok:
            counts["failed"] += 1
        elif outcome.not_modified:
            counts["not_modified"] += 1
        else:
            counts["read"] += 1
            counts["events"] += stored
    return counts


@transaction.atomic
def feed_store(*, outcome: FeedOutcome, lieu_for=None) -> int:  # noqa: ANN001
    """Store one feed's outcome. A failure keeps the last good events and records the error."""
    feed = Feed.objects.select_for_update().filter(pk=outcome.request.feed_id).first()
    if feed is None:  # deleted while it was read
        return 0
    now = timezone.now()
    feed.last_read_at = now
    if not outcome.ok:
        feed.last_error = outcome.error[:500]
        feed.consecutive_failures += 1
        feed.save()
        logger.warning("feed read failed", extra={"feed": feed.pk, "code": outcome.error_code})
        return 0
    feed.last_success_at = now
    feed.last_error = ""
    feed.consecutive_failures = 0
    feed.etag = outcome.etag[:300]
    feed.last_modified = outcome.last_modified[:100]
    feed.save()
    if outcome.not_modified:
        return 0
    return _events_store(feed, outcome.events, lieu_for or lieux_matcher(), now)


def _events_store(feed: Feed, events: list[ParsedEvent], lieu_for, now: dt.datetime) -> int:  # noqa: ANN001
    by_key: dict[str, ParsedEvent] = {}
    for event in events:
        by_key.setdefault(event.dedup_key, event)
    existing = {e.dedup_key: e for e in Event.objects.filter(dedup_key__in=list(by_key))}
    stored = 0
    for key, parsed in by_key.items():
        values = {
            "uid": parsed.uid,
            "title": parsed.title,
            "description": parsed.description,
            "start": parsed.start,
            "end": parsed.end,
            "all_day": parsed.all_day,
            "location": parsed.location,
            "url": parsed.url,
            "lieu_id": lieu_for(parsed.location),
        }
        row = existing.get(key)
        if row is None:
            try:
                with transaction.atomic():  # another reader may store the same occurrence
                    Event.objects.create(dedup_key=key, group_id=feed.group_id, feed=feed, **values)
            except IntegrityError:
                continue
        elif row.feed_id == feed.pk:
            Event.objects.filter(pk=row.pk).update(last_seen_at=now, **values)
        else:
            continue  # the same occurrence from another feed: the first one keeps it
        stored += 1
    # Upcoming events the feed no longer lists were cancelled or moved: they leave the agenda.
    Event.objects.filter(feed=feed, start__gte=now).exclude(dedup_key__in=list(by_key)).delete()
    return stored
