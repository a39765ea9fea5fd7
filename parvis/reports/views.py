"""Residents' pages: file a report, follow it, support it, browse reports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.content.models import Quartier
from parvis.core import geocoding
from parvis.core.errors import ParvisError
from parvis.core.idempotency import IdempotencyKeyReused
from parvis.core.ratelimit import client_hash
from parvis.core.views import secret_link_page
from parvis.core.writes import public_write
from parvis.reports.errors import ReportInvalid, ReportNotFound
from parvis.reports.forms import DetailsForm, PlaceForm
from parvis.reports.models import Category, Photo, Report
from parvis.reports.photos import photo_check_size, photo_prepare
from parvis.reports.selectors import (
    categories_active,
    report_get_by_reference,
    report_get_public,
    reports_near,
    reports_public,
)
from parvis.reports.services import report_create, report_flag, report_support
from parvis.reports.timeline import report_timeline

PAGE_SIZE = 20


def _map_context() -> dict[str, str]:
    return {
        "tiles_url": settings.PARVIS_MAP_TILES_URL,
        "tiles_attribution": settings.PARVIS_MAP_ATTRIBUTION,
    }


ADDRESS_CLEAR = 0.6  # an addok score from which the address places the report without asking


@public_write("reports.create")
def report_new(request: HttpRequest) -> HttpResponse:
    """Step 1 chooses the category and place (GET); step 2 shows nearby reports and details."""
    if request.method == "POST":
        return _report_submit(request)
    place = PlaceForm(request.GET or None)
    if not place.is_bound or not place.is_valid():
        return render(request, "reports/new_place.html", {"form": place, **_map_context()})
    choices = _address_place(request, place.cleaned_data)
    if choices:  # the address is unclear: propose the matches (a round trip, no script needed)
        context = {"form": place, "address_choices": choices, **_map_context()}
        return render(request, "reports/new_place.html", context)
    details = DetailsForm(initial=place.cleaned_data | {"category": place.cleaned_data["category"]})
    return _render_details(request, details, place.cleaned_data)


def _address_place(request: HttpRequest, data: dict[str, object]) -> list[tuple[str, str]]:
    """Place an address typed without a position: a clear match gives ``data`` its
    coordinates; an unclear one gives the matches to choose from, each as the query string
    of step 1 with that address (and one keeping the address as typed)."""
    address = str(data.get("address") or "")
    if data.get("lat") is not None or not address or request.GET.get("tel_quel") == "1":
        return []
    found = geocoding.geocode(address, limit=5, autocomplete=False)
    if not found:
        return []
    if found[0].score >= ADDRESS_CLEAR:
        data["lat"], data["long"] = found[0].latitude, found[0].longitude
        data["address"] = found[0].label
        return []
    choices = []
    for label, extra in [*((a.label, {}) for a in found), (address, {"tel_quel": "1"})]:
        params = request.GET.copy()
        params["address"] = label
        params.update(extra)
        choices.append((label, params.urlencode()))
    return choices


def _render_details(
    request: HttpRequest, form: DetailsForm, place: dict[str, object], status: int = 200
) -> HttpResponse:
    category: Category = place["category"]
    nearby = reports_near(
        category=category,
        latitude=place.get("lat"),
        longitude=place.get("long"),
        address=place.get("address") or "",
    )
    context = {
        "form": form,
        "place": place,
        "category": category,
        "nearby": nearby,
        # The form says what will be public: the photos at once, or after an agent's approval.
        "photo_moderation": settings.PARVIS_REPORTS_PHOTO_MODERATION,
    }
    return render(request, "reports/new_details.html", context, status=status)


def _report_submit(request: HttpRequest) -> HttpResponse:
    form = DetailsForm(request.POST, request.FILES)
    if form.data.get("site_web"):
        return redirect("reports:thanks")  # a robot: pretend, store nothing
    if not form.is_valid():
        place = {k: form.cleaned_data.get(k) for k in ("category", "address", "lat", "long")}
        if not place["category"]:
            return render(request, "reports/new_place.html", {"form": form}, status=400)
        return _render_details(request, form, place, status=400)
    data = form.cleaned_data
    photos = []
    try:
        for name in ("photo1", "photo2", "photo3"):
            if data.get(name):
                photo_check_size(size=data[name].size)  # before reading a byte of it
                photos.append(photo_prepare(data=data[name].read()))
        report, _replayed = report_create(
            category=data["category"],
            description=data["description"],
            latitude=data.get("lat"),
            longitude=data.get("long"),
            address=data.get("address") or "",
            quartier=data.get("quartier"),
            email=data.get("email") or None,
            photos=photos,
            idempotency_key=data["idempotency_key"],
            idempotency_scope="web",
            channel=Report.Channel.WEB,
        )
    except ParvisError as error:
        form.add_error(None, error.message)
        if isinstance(error, IdempotencyKeyReused):
            form.data = form.data.copy()
            form.data["idempotency_key"] = str(uuid.uuid4())
        return _render_details(request, form, data, status=error.status_code)
    return redirect("reports:track", reference=report.reference)


def report_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/thanks.html")


@secret_link_page
def report_track(request: HttpRequest, reference: str) -> HttpResponse:
    """The tracking page of the tracking link: no account needed."""
    try:
        report = report_get_by_reference(reference=reference)
    except ReportNotFound:
        raise Http404 from None
    return render(request, "reports/detail.html", _detail_context(report, tracking=True))


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = report_get_public(pk=pk)
    except ReportNotFound:
        raise Http404 from None
    return render(request, "reports/detail.html", _detail_context(report, tracking=False))


def _detail_context(report: Report, *, tracking: bool) -> dict[str, object]:
    updates = list(report.updates.filter(public=True))
    return {
        "report": report,
        "updates": updates,
        "timeline": report_timeline(report=report, updates=updates),
        "photos": [] if report.hidden else list(report.photos.public()),
        # The reporter (and only the reporter) is told their photos wait for an agent.
        "photos_held": report.photos.filter(held=True).count() if tracking else 0,
        "tracking": tracking,
    }


@require_POST
@public_write("reports.support")
def report_support_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = report_get_public(pk=pk)
        added = report_support(report=report, supporter=client_hash(request))
    except ReportNotFound:
        raise Http404 from None
    except ReportInvalid as error:
        messages.error(request, error.message)
        return redirect(report)
    messages.success(
        request,
        _("Merci, votre soutien est enregistré.") if added else _("Vous l'aviez déjà soutenu."),
    )
    return redirect(report)


@require_POST
@public_write("reports.flag")
def report_flag_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = report_get_public(pk=pk)
    except ReportNotFound:
        raise Http404 from None
    report_flag(report=report, flagger=client_hash(request), reason=request.POST.get("reason", ""))
    messages.success(request, _("Merci, un agent va examiner ce signalement."))
    return redirect("reports:list")


def reports_list(request: HttpRequest) -> HttpResponse:
    """Public list with filters by quartier, category and status."""
    # No NUL: PostgreSQL cannot compare text holding one (the filter would crash the page).
    filters = {
        k: request.GET.get(k, "")[:60].replace("\x00", "")
        for k in ("quartier", "category", "status")
    }
    qs = reports_public(**filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": filters,
        # The quartier's feeds are offered only for a quartier that exists (any text may come in).
        "quartier": Quartier.objects.filter(slug=filters["quartier"]).first(),
        "quartiers": Quartier.objects.all(),
        "categories": categories_active(),
        "statuses": Report.Status.choices,
        **_map_context(),
    }
    return render(request, "reports/list.html", context)


def photo_serve(request: HttpRequest, token: str, size: str) -> FileResponse:
    """A re-encoded photo of a public report (never the upload, never a hidden report's, never
    one held for moderation)."""
    photo = Photo.objects.select_related("report").filter(token=token).first()
    if photo is None or photo.report.hidden or photo.held or size not in ("grande", "vignette"):
        raise Http404
    field = photo.image if size == "grande" else photo.thumbnail
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="signalement-{photo.report_id}.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "public, max-age=3600"
    return response
