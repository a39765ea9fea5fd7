"""Optional phrasing by an OpenAI-compatible chat endpoint the city hosts itself (off by default).

The model only ever receives the resident's question and published passages; it must quote
its sources as [1], [2]… and answer exactly ``REFUSAL`` when the passages do not answer.
Any failure (timeout, HTTP error, malformed reply) returns ``None``: the caller falls back to
the plain extractive answer.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)
REFUSAL = "JE NE SAIS PAS"
SYSTEM_PROMPT = (
    "Tu es l'assistant du site de la ville. Réponds en français, en trois phrases au plus, "
    "UNIQUEMENT à partir des extraits numérotés fournis, et cite chaque extrait utilisé sous "
    f"la forme [1]. Si les extraits ne répondent pas à la question, réponds exactement : {REFUSAL}"
)


@dataclass(frozen=True)
class Passage:
    """A published passage: its title, text and public URL."""

    title: str
    text: str
    url: str


@dataclass(frozen=True)
class Phrasing:
    text: str
    refused: bool


def llm_enabled() -> bool:
    return bool(settings.PARVIS_LLM_URL and settings.PARVIS_LLM_MODEL)


def llm_phrase(*, question: str, passages: list[Passage]) -> Phrasing | None:
    """Ask the endpoint to phrase an answer from ``passages`` only; None on any failure."""
    if not llm_enabled() or not passages:
        return None
    numbered = "\n\n".join(
        f"[{i}] {p.title}\n{p.text}\nSource : {p.url}" for i, p in enumerate(passages, 1)
    )
    body = {
        "model": settings.PARVIS_LLM_MODEL,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Extraits :\n{numbered}\n\nQuestion : {question}"},
        ],
    }
    headers = {"Content-Type": "application/json"}
    if settings.PARVIS_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.PARVIS_LLM_API_KEY}"
    request = urllib.request.Request(  # noqa: S310 — the URL is the city's own setting
        settings.PARVIS_LLM_URL.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.PARVIS_LLM_TIMEOUT) as reply:  # noqa: S310
            data = json.loads(reply.read())
        text = str(data["choices"][0]["message"]["content"]).strip()
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        logger.warning("llm phrasing failed, falling back to the extractive answer")
        return None
    if not text or REFUSAL.lower() in text.lower():
        return Phrasing("", refused=True)
    if not re.search(r"\[\d+\]", text) or SYSTEM_PROMPT[:60].lower() in text.lower():
        # No quoted source, or the instructions echoed back (injection): not trusted.
        logger.warning("llm phrasing rejected, falling back to the extractive answer")
        return None
    return Phrasing(text[:1500], refused=False)
