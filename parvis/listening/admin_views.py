"""Back office of "Une minute pour…": the moderation queue of remarks, and publishing what the
city did ("vous avez dit, nous avons fait")."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.core.privacy import personal_data_mask
from parvis.listening.models import FieldAnswer, FollowUp
from parvis.listening.roles import can_lead
from parvis.listening.selectors import remarks_pending
from parvis.listening.services import followup_publish, remark_approve, remark_reject


def _require_lead(request: HttpRequest) -> None:
    if not can_lead(request.user):
        raise PermissionDenied


def moderation(request: HttpRequest) -> HttpResponse:
    """Remarks waiting for a moderator (oldest first), each with its redacted proposal."""
    _require_lead(request)
    page = Paginator(remarks_pending(), 20).get_page(request.GET.get("p"))
    for answer in page:
        answer.proposal = personal_data_mask(answer.remark)
    followups = FollowUp.objects.filter(published_at__isnull=True).select_related("question")
    context = {"page_obj": page, "followups": followups}
    return render(request, "listening/admin/moderation.html", context)


@require_POST
def remark_act(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(request)
    answer = get_object_or_404(FieldAnswer, pk=pk, remark_status=FieldAnswer.RemarkStatus.PENDING)
    if request.POST.get("action") == "approve":
        remark_approve(answer=answer, public_text=request.POST.get("public_text", "")[:1000])
        messages.success(request, _("Remarque publiée (données personnelles masquées)."))
    else:
        remark_reject(answer=answer)
        messages.success(request, _("Remarque refusée : elle ne sera jamais publiée."))
    return redirect("listening_admin:moderation")


@require_POST
def followup_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(request)
    followup = get_object_or_404(FollowUp, pk=pk)
    followup_publish(followup=followup)
    messages.success(
        request,
        _("Publié et certifié ; les personnes qui l'ont demandé vont le recevoir."),
    )
    return redirect("listening_admin:moderation")
