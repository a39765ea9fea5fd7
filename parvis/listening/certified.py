"""What a follow-up's signed statement must carry for the results page to be verifiable.

Certification's verifier (``certification/served.py``) compares the page's ``data-certified``
region with the statement's ``title`` and text ``fields``. The results page keeps in that region
only the question and the latest certified follow-up (everything else is ``data-uncertified``),
so the statement of a follow-up must sign exactly these texts. ``followup_signed_fields`` gives
them in the verifier's format; ``services.followup_statement`` merges them into the statement.
"""

from __future__ import annotations

from typing import Any

from parvis.listening.models import FollowUp


def _text(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "kind": "text", "value": value, "text": value}


def followup_signed_fields(followup: FollowUp) -> dict[str, Any]:
    """``{"title", "fields"}`` of the follow-up's statement, in the order the page shows them."""
    question = followup.question
    published = followup.published_at.date().isoformat() if followup.published_at else None
    return {
        "title": question.text,
        "fields": [
            _text("question", question.text),
            _text("body", followup.body),
            _text("author_name", followup.author_name),
            _text("service", followup.service.name),
            {"name": "published_at", "kind": "value", "value": published, "text": published or ""},
        ],
    }


def followup_certified_latest(followups: list[FollowUp]) -> FollowUp | None:
    """The follow-up whose statement is the latest for the results page's address, if any."""
    signed = [f for f in followups if f.entry_index is not None]
    return max(signed, key=lambda f: f.entry_index) if signed else None
