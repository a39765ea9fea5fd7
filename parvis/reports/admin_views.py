"""The agents' inbox in the back office: list, filters and actions on their services' reports."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.content.selectors import agent_services
from parvis.core.access_log import access_record
from parvis.core.errors import ParvisError
from parvis.core.models import AccessRecord
from parvis.core.text import is_ascii_number
from parvis.reports import services
from parvis.reports.apikeys import api_key_create
from parvis.reports.errors import ReportNotFound
from parvis.reports.models import ApiKey, Category, Report
from parvis.reports.selectors import (
    report_get_for,
    reports_inbox,
    reports_moderation_count,
    reports_photos_held_count,
)

FILTERS = ("status", "category", "assigned", "hidden", "q", "flagged", "photos")


def agent_can_use_inbox(user: object) -> bool:
    """Agents bound to at least one service (and superusers) see the inbox."""
    return bool(getattr(user, "is_authenticated", False)) and agent_services(user=user).exists()


def _require_agent(request: HttpRequest) -> None:
    if not agent_can_use_inbox(request.user):
        raise PermissionDenied


def inbox(request: HttpRequest) -> HttpResponse:
    _require_agent(request)
    filters = {k: request.GET.get(k, "")[:100] for k in FILTERS}
    page = Paginator(reports_inbox(user=request.user, **filters), 30).get_page(request.GET.get("p"))
    context = {
        "page_obj": page,
        "filters": filters,
        "statuses": Report.Status.choices,
        "categories": Category.objects.filter(service__in=agent_services(user=request.user)),
        "moderation_count": reports_moderation_count(user=request.user),
        "photos_held_count": reports_photos_held_count(user=request.user),
    }
    return render(request, "reports/admin/inbox.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_agent(request)
    try:
        report = report_get_for(user=request.user, pk=pk)
    except ReportNotFound:
        raise Http404 from None
    colleagues = User.objects.filter(agent_profile__services=report.competent_service.pk).distinct()
    if report.reporter_email:  # the page shows it: the view goes in the access log
        access_record(
            user=request.user,
            identity_raw=report.reporter_email,
            subject=f"report:{report.pk}",
            purpose=AccessRecord.Purpose.REPORT,
            service=report.competent_service.name,
        )
    context = {
        "report": report,
        "updates": report.updates.select_related("agent"),
        "statuses": Report.Status.choices,
        "colleagues": colleagues,
        "duplicates": report.duplicates.all(),
        "open_flags": report.flags.filter(reviewed_at__isnull=True).order_by("created_at"),
        "photos": list(report.photos.all()),
    }
    return render(request, "reports/admin/detail.html", context)


def photo(request: HttpRequest, pk: int, token: str, size: str) -> FileResponse:
    """A report's photo for its agents, held for moderation or not (the public view refuses
    held ones)."""
    _require_agent(request)
    try:
        report = report_get_for(user=request.user, pk=pk)
    except ReportNotFound:
        raise Http404 from None
    found = report.photos.filter(token=token).first()
    if found is None or size not in ("grande", "vignette"):
        raise Http404
    field = found.image if size == "grande" else found.thumbnail
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def _act(request: HttpRequest, pk: int, action: Callable[[Report], object], done: str):
    _require_agent(request)
    try:
        report = report_get_for(user=request.user, pk=pk)
        action(report)
    except ReportNotFound:
        raise Http404 from None
    except ParvisError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("reports_admin:detail", pk=pk)


@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    post, user = request.POST, request.user
    handlers: dict[str, tuple[Callable[[Report], object], str]] = {
        "status": (
            lambda r: services.report_update_publish(
                report=r,
                agent=user,
                status=post.get("status", ""),
                message=post.get("message", ""),
                reason=post.get("reason", ""),
            ),
            _("Mise à jour publiée."),
        ),
        "note": (
            lambda r: services.report_note_add(report=r, agent=user, message=post.get("note", "")),
            _("Note ajoutée."),
        ),
        "assign": (
            lambda r: services.report_assign(
                report=r,
                agent=user,
                assignee=User.objects.filter(pk=post.get("assignee") or 0).first(),
            ),
            _("Attribution enregistrée."),
        ),
        "merge": (
            lambda r: services.report_merge(
                report=r, into=report_get_for(user=user, pk=_int(post.get("into"))), agent=user
            ),
            _("Signalement fusionné."),
        ),
        "hide": (
            lambda r: services.report_hide(
                report=r,
                agent=user,
                hidden=post.get("hidden") == "1",
                reason=post.get("reason", ""),
            ),
            _("Visibilité modifiée."),
        ),
        "flags_dismiss": (
            lambda r: services.report_flags_dismiss(report=r, agent=user),
            _("Signalements d'abus classés : le signalement reste public."),
        ),
        "photo_approve": (
            lambda r: services.report_photo_approve(
                report=r, agent=user, token=post.get("photo", "")
            ),
            _("Photo validée : elle est publiée avec le signalement."),
        ),
        "photo_refuse": (
            lambda r: services.report_photo_refuse(
                report=r, agent=user, token=post.get("photo", "")
            ),
            _("Photo refusée et supprimée."),
        ),
        "redact": (
            lambda r: services.report_redact(report=r, agent=user, text=post.get("text", "")),
            _("Passage masqué."),
        ),
    }
    if action not in handlers:
        raise Http404
    handler, done = handlers[action]
    return _act(request, pk, handler, done)


def _int(value: str | None) -> int:
    return int(value) if value and is_ascii_number(value) else 0


def api_keys(request: HttpRequest) -> HttpResponse:
    """Open311 keys: list, and create one (its value is shown once)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    created = None
    if request.method == "POST" and request.POST.get("name", "").strip():
        _key, created = api_key_create(name=request.POST["name"].strip()[:120])
    context = {"keys": ApiKey.objects.order_by("-created_at"), "created": created}
    return render(request, "reports/admin/api_keys.html", context)
