"""What the conversation app does: the resident's side and the agents' side."""

from parvis.conversation.services.agents import (
    conversation_assign,
    conversation_close,
    conversation_link_revoke_by_agent,
    conversation_reply,
    conversation_suggest_fiche,
    conversation_transfer,
)
from parvis.conversation.services.resident import (
    conversation_ask,
    conversation_ask_agent,
    conversation_contact_set,
    conversation_feedback,
    conversation_hand_off,
    conversation_link_revoke,
    conversation_start,
)

__all__ = [
    "conversation_ask",
    "conversation_ask_agent",
    "conversation_assign",
    "conversation_close",
    "conversation_contact_set",
    "conversation_feedback",
    "conversation_hand_off",
    "conversation_link_revoke",
    "conversation_link_revoke_by_agent",
    "conversation_reply",
    "conversation_start",
    "conversation_suggest_fiche",
    "conversation_transfer",
]
