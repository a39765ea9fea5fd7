"""The printable sign, served to the agents of the question's service (and superusers)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parvis.content.selectors import agent_services
from parvis.listening.models import FieldQuestion
from parvis.listening.sign import PAPER, SignContent, sign_pdf


def sign_content(question: FieldQuestion) -> SignContent:
    """What the sign of ``question`` prints: its text, code, answers and addresses."""
    url = f"{settings.BASE_URL}{question.get_absolute_url()}"
    return SignContent(
        question=question.text,
        code=question.code,
        url=url,
        short_url=url.split("://", 1)[-1].rstrip("/"),
        sms_number=settings.PARVIS_SMS_NUMBER,
        closes_at=timezone.localtime(question.closes_at),
        choices=list(question.choices) if question.has_choices else [],
    )


def question_sign(request: HttpRequest, code: str, paper: str) -> HttpResponse:
    """``/questions/<code>/affiche-a4.pdf``: the sign, for the agents who lead the question.

    Anyone else gets 404 (a draft question's text is not public yet).
    """
    if paper not in PAPER:
        raise Http404
    question = get_object_or_404(FieldQuestion, code=code.upper()[:12])
    if not agent_services(user=request.user).filter(pk=question.service_id).exists():
        raise Http404
    response = HttpResponse(sign_pdf(sign_content(question), paper=paper), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="affiche-{question.code}-{paper}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
