"""What the conversation app reads: access-checked conversations, inboxes, the learning loop."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.db.models import QuerySet

from parvis.content.selectors import agent_services
from parvis.conversation.assistant import fold
from parvis.conversation.errors import ConversationLinkRevoked, ConversationNotFound
from parvis.conversation.models import Conversation, HandOff, Message
from parvis.conversation.services.agents import ACCESS_SALT
from parvis.conversation.services.retention import REMOVED
from parvis.core.privacy import personal_data_mask

ACCESS_MAX_AGE = 60 * 60 * 24 * 90
# Words that carry no meaning for grouping similar questions.
STOPWORDS = set(
    "a au aux avec c ce ces comment d dans de des du elle en est et faire faut il j je l la le "
    "les leur ma mais me mes mon ne nous on ou où par pas pour qu quand que quel quelle quels "
    "qui s sa se ses son sur t ta te tes ton tu un une vos votre vous y est-ce puis peut peux "
    "veux voudrais".split()
)


def conversation_get_public(*, public_id: str, token: str = "", key: str = "") -> Conversation:
    """The conversation behind a tracking link (token, or signed key from an email).

    ConversationNotFound (404) for a wrong link, which never confirms that the id exists;
    ConversationLinkRevoked (410) for a right link that was revoked or outlived retention.
    """
    conversation = Conversation.objects.filter(public_id=public_id).first()
    if conversation is None:
        raise ConversationNotFound()
    if not _link_matches(conversation, token=token, key=key):
        raise ConversationNotFound()
    if conversation.links_revoked_at is not None or conversation.anonymised_at is not None:
        raise ConversationLinkRevoked()
    return conversation


def _link_matches(conversation: Conversation, *, token: str, key: str) -> bool:
    if token and conversation.token_matches(token):
        return True
    if key:
        try:
            loaded = signing.loads(key, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
        except signing.BadSignature:
            return False
        return loaded == conversation.public_id
    return False


def conversations_for(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Conversation]:
    """Conversations of the services ``user`` may act on (none for anyone else)."""
    return Conversation.objects.filter(service__in=agent_services(user=user))


def conversation_get_for(*, user: AbstractBaseUser | AnonymousUser, public_id: str) -> Conversation:
    """One conversation the agent may act on, or ConversationNotFound (a 404)."""
    conversation = (
        conversations_for(user=user)
        .select_related("service", "assigned_to")
        .filter(public_id=public_id)
        .first()
    )
    if conversation is None:
        raise ConversationNotFound()
    return conversation


def inbox_list(
    *,
    user: AbstractBaseUser | AnonymousUser,
    service: str = "",
    status: str = "",
    mine: bool = False,
) -> QuerySet[Conversation]:
    """The agent's inbox: handed-off conversations, those waiting longest first."""
    conversations = conversations_for(user=user).exclude(status=Conversation.Status.OPEN)
    if mine:
        conversations = conversations.filter(assigned_to__user=user)
    if service:
        conversations = conversations.filter(service__slug=service)
    if status:
        conversations = conversations.filter(status=status)
    else:
        conversations = conversations.exclude(status=Conversation.Status.CLOSED)
    return conversations.select_related("service", "assigned_to").order_by(
        "waiting_since", "-updated_at"
    )


def thread(*, conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("agent", "agent__photo").order_by(
        "created_at", "pk"
    )


def wording_key(text: str) -> str:
    """A canonical form of a question: its meaningful words, folded and sorted."""
    words = {w for w in fold(text).split() if w not in STOPWORDS and len(w) > 1}
    return " ".join(sorted(words))


@dataclass(frozen=True)
class UnansweredGroup:
    key: str
    example: str
    count: int
    handoffs: int
    said_no: int


def unanswered_questions(*, limit: int = 100) -> list[UnansweredGroup]:
    """Questions that ended in a hand-off or a "non", grouped by similar wording, most first."""
    texts: list[tuple[str, str]] = []
    for text in HandOff.objects.filter(question__author=Message.Author.RESIDENT).values_list(
        "question__text", flat=True
    ):
        texts.append((text, "handoff"))
    for text in Message.objects.filter(
        feedback=Message.Feedback.NO, reply_to__isnull=False
    ).values_list("reply_to__text", flat=True):
        texts.append((text, "no"))
    counts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, str] = {}
    for text, kind in texts:
        if not text or text == REMOVED:
            continue
        # Editors learn what to write, not who wrote: contact details typed in it are masked.
        text = personal_data_mask(text)
        key = wording_key(text) or fold(text)
        counts[key] += 1
        kinds[key][kind] += 1
        examples.setdefault(key, text)
    return [
        UnansweredGroup(key, examples[key], count, kinds[key]["handoff"], kinds[key]["no"])
        for key, count in counts.most_common(limit)
    ]


def conversations_answer_times(*, since: datetime) -> list[tuple[int, datetime, datetime | None]]:
    """For each conversation first handed to a service since ``since``: its service, when it
    was handed off, and the first agent message after that (None when not yet). What the
    commitments page measures; no personal data."""
    from django.db.models import OuterRef, Subquery

    first_handoff = (
        HandOff.objects.filter(conversation=OuterRef("pk"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    first_answer = (
        Message.objects.filter(
            conversation=OuterRef("pk"),
            author=Message.Author.AGENT,
            created_at__gte=OuterRef("first_handoff"),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    rows = (
        Conversation.objects.filter(service__isnull=False)
        .annotate(first_handoff=Subquery(first_handoff))
        .filter(first_handoff__gte=since)
        .annotate(first_answer=Subquery(first_answer))
        .values_list("service_id", "first_handoff", "first_answer")
        .order_by("first_handoff", "pk")
    )
    return list(rows)
