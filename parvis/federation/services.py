"""Writes of the fediverse app: actors and their keys, the inbox, announcements, delivery.

Network calls (fetching a signer's actor document, delivering an activity) never happen inside a
database transaction: the inbox verifies first and writes after; publication queues deliveries
in the publishing transaction and the worker sends them after it has committed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.content.models import Quartier
from parvis.core.errors import ParvisError
from parvis.core.leases import backoff, due_rows_claim
from parvis.federation import activities
from parvis.federation.models import Actor, Delivery, Follower, Publication, RemoteKey
from parvis.federation.remote import ACCEPT, ACTIVITY_JSON, RemoteError, http_get_json, http_post
from parvis.federation.signatures import (
    REQUIRED_POST,
    SignatureInvalid,
    date_parse,
    digest_header,
    public_key_load,
    sign_headers,
    signature_parse,
    signature_verify,
)

logger = logging.getLogger(__name__)
KEY_CACHE = timedelta(days=1)
_KEY_SALT = b"parvis.federation.actor-key"


class InboxRefused(ParvisError):
    """An activity the inbox does not take, with the HTTP status to answer."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message, code=code)
        self.status_code = status


# --- actors and keys -------------------------------------------------------------------------


def city_username() -> str:
    return settings.PARVIS_FEDERATION_CITY_USERNAME


def _key_password() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), _KEY_SALT, hashlib.sha256).hexdigest().encode()


def _actor_create(*, username: str, quartier: Quartier | None) -> Actor:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_key_password()),
    )
    try:
        with transaction.atomic():
            return Actor.objects.create(
                username=username,
                quartier=quartier,
                public_key_pem=public_pem.decode(),
                private_key_encrypted=private,
            )
    except IntegrityError:  # created meanwhile by another request
        return Actor.objects.get(username=username)


def actor_find(*, username: str) -> Actor | None:
    """The actor called ``username`` (the city, or a quartier's slug), created on first use."""
    actor = Actor.objects.select_related("quartier").filter(username=username).first()
    if actor is not None:
        return actor
    if username == city_username():
        return _actor_create(username=username, quartier=None)
    quartier = Quartier.objects.filter(slug=username).first()
    if quartier is None:
        return None
    return _actor_create(username=username, quartier=quartier)


def city_actor() -> Actor:
    actor = actor_find(username=city_username())
    assert actor is not None  # noqa: S101 — the city's actor always exists once asked for
    return actor


def actors_ensure() -> int:
    """Create the city's actor and each quartier's (``parvis setup``); returns how many were new."""
    before = Actor.objects.count()
    city_actor()
    for slug in Quartier.objects.exclude(slug=city_username()).values_list("slug", flat=True):
        actor_find(username=slug)
    return Actor.objects.count() - before


@lru_cache(maxsize=64)
def _private_key(actor_pk: int, encrypted: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(encrypted, password=_key_password())
    assert isinstance(key, rsa.RSAPrivateKey)  # noqa: S101 — we only ever store RSA keys
    return key


def actor_private_key(actor: Actor) -> rsa.RSAPrivateKey:
    return _private_key(actor.pk, bytes(actor.private_key_encrypted))


def signed_headers(actor: Actor, *, method: str, url: str, body: bytes | None) -> dict[str, str]:
    """The headers of a request signed by ``actor``."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return sign_headers(
        method=method,
        path=path,
        host=parts.netloc,
        body=body,
        key_id=activities.key_id(actor),
        private_key=actor_private_key(actor),
    )


# --- remote actors ---------------------------------------------------------------------------


def _fetch_actor(url: str) -> dict[str, Any]:
    """The actor document at ``url`` (a signed GET, as Mastodon's secure mode requires).

    The one place that fetches remote actors: the shared SSRF-safe fetcher plugs in here.
    """
    headers = signed_headers(city_actor(), method="GET", url=url, body=None)
    headers["Accept"] = ACCEPT
    document = http_get_json(url, headers=headers)
    if urldefrag(str(document.get("id", ""))).url != urldefrag(url).url:
        raise RemoteError("the document's id is not its address", code="id_mismatch")
    return document


def _key_of(document: dict[str, Any], key_id: str) -> tuple[str, str]:
    keys = document.get("publicKey")
    for key in keys if isinstance(keys, list) else [keys]:
        if isinstance(key, dict) and key.get("id") == key_id and key.get("publicKeyPem"):
            owner = key.get("owner") or document["id"]
            if owner != document["id"]:
                break
            return owner, str(key["publicKeyPem"])
    raise InboxRefused("the signer's document has no such key", status=401, code="key_unknown")


def remote_key(key_id: str, *, refresh: bool = False) -> RemoteKey:
    """The public key ``key_id`` names, from the cache or fetched from its owner's document.

    A fetched key comes back unsaved: the caller keeps it once a signature has verified with it,
    so that a refused request stores nothing.
    """
    cached = RemoteKey.objects.filter(key_id=key_id).first()
    if cached and not refresh and cached.fetched_at > timezone.now() - KEY_CACHE:
        return cached
    try:
        document = _fetch_actor(urldefrag(key_id).url)
    except RemoteError as error:
        raise InboxRefused(
            f"the signer's key cannot be fetched ({error.message})", status=401, code="key_fetch"
        ) from None
    owner, pem = _key_of(document, key_id)
    key = cached or RemoteKey(key_id=key_id)
    key.owner, key.public_key_pem, key.fetched_at = owner, pem, timezone.now()
    key.refreshed = True  # type: ignore[attr-defined]
    return key


def _key_keep(key: RemoteKey) -> None:
    if not getattr(key, "refreshed", False):
        return
    try:
        with transaction.atomic():
            RemoteKey.objects.update_or_create(
                key_id=key.key_id,
                defaults={
                    "owner": key.owner,
                    "public_key_pem": key.public_key_pem,
                    "fetched_at": key.fetched_at,
                },
            )
    except IntegrityError:  # cached meanwhile by a concurrent request
        pass


# --- the inbox -------------------------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(seconds=settings.PARVIS_FEDERATION_SIGNATURE_WINDOW)


def _check_digest(headers: dict[str, str], body: bytes) -> None:
    sent = {}
    for part in headers.get("digest", "").split(","):
        name, _sep, value = part.strip().partition("=")
        sent[name.lower()] = value
    expected = digest_header(body).partition("=")[2]
    if "sha-256" not in sent or not hmac.compare_digest(sent["sha-256"], expected):
        raise InboxRefused("the Digest header does not match the body", status=401, code="digest")


def _id_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def signed_activity(*, method: str, path: str, headers: dict[str, str], body: bytes) -> dict:
    """The activity of a signed request, once its signature, date and digest are checked.

    ``headers`` has lowercase names. Refusals: 401 unsigned, stale, digest or signature wrong,
    key unreachable; 400 not an activity; 403 signed by someone else than its ``actor``.
    """
    raw = headers.get("signature") or headers.get("authorization", "")
    if not raw:
        raise InboxRefused("the request is not signed", status=401, code="unsigned")
    try:
        params = signature_parse(raw)
        missing = [name for name in REQUIRED_POST if name not in params.headers]
        if missing:
            raise InboxRefused(
                f"the signature must cover {' '.join(missing)}", status=401, code="coverage"
            )
        moment = date_parse(headers.get("date", ""))
    except SignatureInvalid as error:
        raise InboxRefused(error.message, status=401, code=error.code) from None
    if abs(datetime.now(UTC) - moment) > _window():
        raise InboxRefused("the Date header is too far from now", status=401, code="stale")
    _check_digest(headers, body)
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise InboxRefused("the body is not JSON", status=400, code="not_json") from None
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        raise InboxRefused("the body is not an activity", status=400, code="not_activity")
    if not _id_of(activity.get("actor")):
        raise InboxRefused("the activity has no actor", status=400, code="no_actor")
    key = remote_key(params.key_id)
    for attempt in range(2):
        try:
            signature_verify(
                params=params,
                method=method,
                path=path,
                headers=headers,
                public_key=public_key_load(key.public_key_pem),
            )
            break
        except SignatureInvalid as error:
            if attempt == 0 and error.code == "signature_wrong":  # the key may have rotated
                key = remote_key(params.key_id, refresh=True)
                continue
            raise InboxRefused(error.message, status=401, code=error.code) from None
    if key.owner != _id_of(activity.get("actor")):
        raise InboxRefused(
            "the activity's actor is not the signer", status=403, code="actor_mismatch"
        )
    _key_keep(key)
    return activity


def inbox_receive(
    *, actor: Actor, method: str, path: str, headers: dict[str, str], body: bytes
) -> str:
    """Verify and act on one activity sent to ``actor``'s inbox; returns what was done."""
    activity = signed_activity(method=method, path=path, headers=headers, body=body)
    kind = activity["type"]
    if kind == "Follow" and _id_of(activity.get("object")) == activities.actor_id(actor):
        document = _follower_document(_id_of(activity["actor"]))
        try:
            follow_accept(actor=actor, follow=activity, document=document)
        except IntegrityError:  # the same Follow, delivered twice at once: the other one won
            follow_accept(actor=actor, follow=activity, document=document)
        return "followed"
    if kind == "Undo":
        inner = activity.get("object")
        if isinstance(inner, dict) and inner.get("type") == "Follow":
            follow_undo(actor=actor, uri=_id_of(activity["actor"]))
            return "unfollowed"
        if isinstance(inner, str) and actor.followers.filter(follow_id=inner).exists():
            follow_undo(actor=actor, uri=_id_of(activity["actor"]))
            return "unfollowed"
    return "ignored"


def _follower_document(uri: str) -> dict[str, Any]:
    try:
        return _fetch_actor(uri)
    except RemoteError as error:
        raise InboxRefused(
            f"the follower cannot be fetched ({error.message})", status=401, code="actor_fetch"
        ) from None


@transaction.atomic
def follow_accept(*, actor: Actor, follow: dict[str, Any], document: dict[str, Any]) -> Follower:
    """Record a follower and queue the signed ``Accept`` to its inbox."""
    inbox = document.get("inbox")
    if not isinstance(inbox, str) or not inbox.startswith(("https://", "http://")):
        raise InboxRefused("the follower has no inbox", status=400, code="no_inbox")
    endpoints = document.get("endpoints")
    shared = endpoints.get("sharedInbox", "") if isinstance(endpoints, dict) else ""
    if not isinstance(shared, str) or not shared.startswith(("https://", "http://")):
        shared = ""
    follower, _created = Follower.objects.update_or_create(
        actor=actor,
        uri=document["id"],
        defaults={
            "inbox": inbox[:500],
            "shared_inbox": shared[:500],
            "follow_id": _id_of(follow.get("id"))[:500],
        },
    )
    accept = {
        "@context": activities.AS_CONTEXT,
        "id": f"{activities.actor_id(actor)}#accepts/{secrets.token_hex(8)}",
        "type": "Accept",
        "actor": activities.actor_id(actor),
        "object": {
            "id": _id_of(follow.get("id")),
            "type": "Follow",
            "actor": document["id"],
            "object": activities.actor_id(actor),
        },
    }
    _delivery_add(actor=actor, inbox=inbox, activity=accept)
    return follower


@transaction.atomic
def follow_undo(*, actor: Actor, uri: str) -> int:
    """Forget that ``uri`` follows ``actor``; returns how many rows went."""
    return actor.followers.filter(uri=uri).delete()[0]


@transaction.atomic
def follower_forget(*, uri: str) -> int:
    """Erase everything kept about the remote account ``uri`` (follows, its keys, pending sends)."""
    inboxes = set(Follower.objects.filter(uri=uri).values_list("inbox", flat=True))
    removed = Follower.objects.filter(uri=uri).delete()[0]
    RemoteKey.objects.filter(owner=uri).delete()
    # What waits for, or was sent to, its own inbox is about it (unless another follower
    # shares that inbox).
    shared = Follower.objects.filter(Q(inbox__in=inboxes) | Q(shared_inbox__in=inboxes))
    still = set(shared.values_list("inbox", flat=True)) | set(
        shared.values_list("shared_inbox", flat=True)
    )
    Delivery.objects.filter(inbox__in=inboxes - still).delete()
    return removed


# --- publication -----------------------------------------------------------------------------


def _delivery_add(*, actor: Actor, inbox: str, activity: dict[str, Any]) -> None:
    _created = Delivery.objects.get_or_create(
        activity_id=activity["id"][:500],
        inbox=inbox[:500],
        defaults={"actor": actor, "activity": activity},
    )
    transaction.on_commit(_delivery_soon)


def _inboxes(actor: Actor) -> list[str]:
    seen: dict[str, None] = {}
    for follower in actor.followers.order_by("pk"):
        seen.setdefault(follower.delivery_inbox, None)
    return list(seen)


@transaction.atomic
def publication_announce(*, page: Any) -> int:
    """Queue the ``Create`` (or ``Update``) of a published page to every follower's inbox, and
    its ``Announce`` by each of its quartiers' actors; returns how many deliveries were queued."""
    city = Actor.objects.filter(username=city_username()).first()
    quartier_ids = list(page.quartiers.values_list("pk", flat=True))
    quartier_actors = list(
        Actor.objects.filter(quartier_id__in=quartier_ids, followers__isnull=False).distinct()
    )
    if city is None and not quartier_actors:
        return 0
    city = city or city_actor()
    _publication, first = Publication.objects.get_or_create(page_id=page.pk)
    obj = activities.page_object(page, city)
    revision = page.live_revision_id or page.latest_revision_id or 0
    queued = 0
    kind = "Create" if first else "Update"
    activity = activities.wrap(kind, obj, city, suffix=f"{kind.lower()}-{revision}")
    for inbox in _inboxes(city):
        _delivery_add(actor=city, inbox=inbox, activity=activity)
        queued += 1
    if first:
        for actor in quartier_actors:
            relay = activities.announce(obj, actor, suffix="announce")
            for inbox in _inboxes(actor):
                _delivery_add(actor=actor, inbox=inbox, activity=relay)
                queued += 1
    return queued


@transaction.atomic
def publication_withdraw(*, page_id: int) -> int:
    """Queue a ``Delete`` of an announced page that is no longer public (unpublished, deleted,
    restricted) to the city's followers; returns how many deliveries were queued."""
    if not Publication.objects.filter(page_id=page_id).delete()[0]:
        return 0
    city = Actor.objects.filter(username=city_username()).first()
    if city is None:
        return 0
    ident = activities.object_id(page_id)
    delete = {
        "@context": activities.AS_CONTEXT,
        "id": f"{ident}#delete-{secrets.token_hex(4)}",
        "type": "Delete",
        "actor": activities.actor_id(city),
        "to": [activities.PUBLIC],
        "object": {"id": ident, "type": "Tombstone"},
    }
    inboxes = _inboxes(city)
    for inbox in inboxes:
        _delivery_add(actor=city, inbox=inbox, activity=delete)
    return len(inboxes)


# --- delivery --------------------------------------------------------------------------------


def _delivery_soon() -> None:
    from parvis.federation.tasks import federation_deliver_task

    try:
        federation_deliver_task.enqueue()
    except DatabaseError:  # the periodic delivery job will send it instead
        logger.warning("federation delivery task not queued")


def delivery_backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failures: doubling, jittered, capped."""
    return backoff(attempts, first=timedelta(seconds=settings.PARVIS_FEDERATION_RETRY_SECONDS))


def deliveries_claim(*, limit: int = 50, now: datetime | None = None) -> list[Delivery]:
    """Take up to ``limit`` due deliveries for this caller, each under a lease; one transaction."""
    claimed = due_rows_claim(
        Delivery, pending=Delivery.Status.PENDING, limit=limit, now=now or timezone.now()
    )
    return list(claimed.select_related("actor"))


def deliveries_send(*, limit: int = 50) -> tuple[int, int]:
    """Send due deliveries, signed, outside any transaction; returns (sent, failed)."""
    sent = failed = 0
    for delivery in deliveries_claim(limit=limit):
        body = json.dumps(delivery.activity, ensure_ascii=False).encode()
        try:
            headers = signed_headers(delivery.actor, method="POST", url=delivery.inbox, body=body)
            headers["Content-Type"] = ACTIVITY_JSON
            headers["Accept"] = ACCEPT
            status = http_post(delivery.inbox, headers=headers, body=body)
        except RemoteError as error:
            failed += 1
            _delivery_failed(delivery, error.message, permanent=error.code == "private_address")
            continue
        if 200 <= status < 300:
            sent += 1
            _delivery_done(delivery)
        else:
            failed += 1
            # A refusal (4xx but a timeout or a rate limit) will not change by retrying.
            permanent = 400 <= status < 500 and status not in (408, 429)
            _delivery_failed(delivery, f"HTTP {status}", permanent=permanent)
    return sent, failed


def _delivery_done(delivery: Delivery) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
            status=Delivery.Status.SENT,
            sent_at=timezone.now(),
            attempts=delivery.attempts + 1,
            last_error="",
            claimed_until=None,
            claim_token="",
        )


def _delivery_failed(delivery: Delivery, error: str, *, permanent: bool) -> None:
    attempts = delivery.attempts + 1
    dead = permanent or attempts >= settings.PARVIS_FEDERATION_MAX_ATTEMPTS
    logger.warning(
        "federation delivery failed",
        extra={"delivery_id": delivery.pk, "attempts": attempts, "error": error[:100]},
    )
    if dead:
        logger.error("federation delivery dead-lettered", extra={"delivery_id": delivery.pk})
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
            status=Delivery.Status.FAILED if dead else Delivery.Status.PENDING,
            attempts=attempts,
            last_error=error[:250],
            next_attempt_at=None if dead else timezone.now() + delivery_backoff(attempts),
            claimed_until=None,
            claim_token="",
        )


def deliveries_purge(*, days: int = 30) -> int:
    """Forget sent and dead deliveries older than ``days`` (they hold followers' inboxes)."""
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        return Delivery.objects.filter(
            status__in=[Delivery.Status.SENT, Delivery.Status.FAILED], created_at__lt=cutoff
        ).delete()[0]
