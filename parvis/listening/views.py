"""Answering a question of the street on a phone: ``/m/``, ``/m/<code>/``; SMS webhooks.

No JavaScript, no cookie: the answer form carries no CSRF token (an answer is anonymous and
counted per the write policy's limits, it changes nothing of anyone's), and nothing is stored
on the phone. A person who asks to be told the outcome gets a confirmation first.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from parvis.core.writes import public_write
from parvis.listening.forms import AnswerForm, CodeForm
from parvis.listening.models import FieldQuestion
from parvis.listening.phones import PhoneInvalid
from parvis.listening.selectors import answers_count, question_public_get
from parvis.listening.services import (
    DUPLICATE,
    AnswerInvalid,
    answer_web_record,
    follow_request,
    sms_receive,
)
from parvis.listening.sms.base import InboundRefused, adapter_get

logger = logging.getLogger(__name__)


def code_enter(request: HttpRequest) -> HttpResponse:
    """``/m/``: type the code seen on a sign."""
    form = CodeForm(request.GET or None)
    status = 200
    if form.is_bound and form.is_valid():
        question = question_public_get(form.cleaned_data["code"])
        if question is not None:
            return redirect("listening:answer", code=question.code)
        form.add_error("code", _("Aucune question ne porte ce code. Vérifiez-le sur le panneau."))
        status = 404
    return render(request, "listening/code.html", {"form": form}, status=status)


def _question_or_404(code: str) -> FieldQuestion:
    question = question_public_get(code)
    if question is None:
        raise Http404(_("Aucune question ne porte ce code."))
    return question


@csrf_exempt
@public_write("listening.answer")
def answer(request: HttpRequest, code: str) -> HttpResponse:
    """``/m/<code>/``: the question and its answers on one screen, or a closed page."""
    question = _question_or_404(code)
    if question.code != code:
        return redirect("listening:answer", code=question.code)
    sms = bool(settings.PARVIS_SMS_NUMBER)
    if not question.is_open:
        context = {"question": question, "total": answers_count(question)}
        return render(request, "listening/closed.html", context, status=200)
    data = request.POST if request.method == "POST" else None
    form = AnswerForm(data, question=question, sms=sms)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                answer_web_record(
                    question=question,
                    choice=data.get("choice"),
                    rating=data.get("rating"),
                    remark=data.get("remark", ""),
                    quartier=data.get("quartier"),
                    age_band=data.get("age_band", ""),
                )
                if data.get("follow_email") or data.get("follow_phone"):
                    follow_request(
                        question=question,
                        email=data.get("follow_email", ""),
                        phone=data.get("follow_phone", ""),
                    )
            except (AnswerInvalid, PhoneInvalid) as error:
                form.add_error(None, str(getattr(error, "message", error)))
            else:
                follow = "courriel" if data.get("follow_email") else ""
                follow = "sms" if data.get("follow_phone") else follow
                target = f"/m/{question.code}/merci/" + (f"?suivi={follow}" if follow else "")
                return redirect(target)
        context = {"question": question, "form": form, "sms_number": settings.PARVIS_SMS_NUMBER}
        return render(request, "listening/answer.html", context, status=400)
    context = {"question": question, "form": form, "sms_number": settings.PARVIS_SMS_NUMBER}
    return render(request, "listening/answer.html", context)


def thanks(request: HttpRequest, code: str) -> HttpResponse:
    """After answering: "merci, votre réponse est comptée", the count and the results."""
    question = _question_or_404(code)
    context = {
        "question": question,
        "total": answers_count(question),
        "follow": request.GET.get("suivi", ""),
    }
    return render(request, "listening/thanks.html", context)


@csrf_exempt
@public_write("listening.sms", style="json")
def sms_webhook(request: HttpRequest, provider: str, token: str = "") -> HttpResponse:
    """An SMS provider's inbound webhook: authenticated by the adapter, or 403 and nothing."""
    adapter = adapter_get(provider)
    if adapter is None:
        raise Http404("unknown SMS provider")
    try:
        inbound = adapter.inbound(request, token=token)
    except InboundRefused as refused:
        logger.warning("sms webhook refused", extra={"provider": provider, "why": str(refused)})
        return HttpResponse("Forbidden", status=403, content_type="text/plain")
    outcome = sms_receive(inbound=inbound)
    if outcome == DUPLICATE:
        logger.info("sms replay ignored", extra={"provider": provider})
    return adapter.acknowledge()
