""" "Mes données" without an account: ask for a link or code, see, export, erase."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parvis.core.personal_data import categories, holders
from parvis.core.ratelimit import ratelimit_request
from parvis.core.storage import private_storage
from parvis.core.writes import public_write
from parvis.mydata import services
from parvis.mydata.errors import AccessInvalid, ExportGone
from parvis.mydata.forms import CodeForm, EraseForm, IdentityForm
from parvis.mydata.selectors import SESSION_KEY, accesses, held_sections, session_identity

PENDING_KEY = "mydata_pending"


def _minutes() -> int:
    return int(services.link_lifetime().total_seconds() // 60)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link's token must not leak onwards
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@public_write("mydata.request")
def start(request: HttpRequest) -> HttpResponse:
    """The form: an email or a phone; the same answer whether anything is held or not."""
    if request.method == "GET" and session_identity(request) is not None:
        return redirect("mydata:home")
    form = IdentityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        identity = form.cleaned_data["identity"]
        wait = ratelimit_request(
            request, scope="mydata.request.address", extra=identity.digest(), per_ip=False
        )
        if wait:
            form.add_error(
                "identity",
                _("Trop de demandes pour cette adresse : réessayez dans %(minutes)d minutes.")
                % {"minutes": max(1, (wait + 59) // 60)},
            )
        elif not identity.is_email and not services.sms_available():
            form.add_error(
                "identity",
                _(
                    "L'envoi de codes par SMS n'est pas encore proposé sur ce site : indiquez "
                    "l'adresse électronique que vous nous avez donnée, ou écrivez au délégué "
                    "à la protection des données."
                ),
            )
        else:
            _access, token = services.access_request(identity=identity)
            if identity.is_email:
                return redirect("mydata:sent")
            request.session[PENDING_KEY] = token
            return redirect("mydata:code")
    return _no_store(render(request, "mydata/start.html", {"form": form, "minutes": _minutes()}))


def sent(request: HttpRequest) -> HttpResponse:
    context = {"minutes": _minutes()}
    return render(request, "mydata/sent.html", context)


def _enter(request: HttpRequest, access_pk: int) -> HttpResponse:
    request.session.cycle_key()
    request.session[SESSION_KEY] = access_pk
    request.session.pop(PENDING_KEY, None)
    return redirect("mydata:home")


@never_cache
@require_http_methods(["GET", "POST"])
@public_write("mydata.verify")
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Opening it shows a button (mail scanners follow links without using
    them); the button uses it, once."""
    try:
        if request.method == "POST":
            access = services.access_open(token=token)
            return _enter(request, access.pk)
        services.access_check(token=token)
    except AccessInvalid as error:
        return _no_store(
            render(request, "mydata/invalid.html", {"error": error.message}, status=410)
        )
    return _no_store(render(request, "mydata/open.html", {"minutes": _minutes()}))


@never_cache
@require_http_methods(["GET", "POST"])
@public_write("mydata.verify")
def code(request: HttpRequest) -> HttpResponse:
    token = request.session.get(PENDING_KEY, "")
    if not token:
        return redirect("mydata:start")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.access_code_check(token=token, code=form.cleaned_data["code"])
        except AccessInvalid as error:
            if error.code != "bad_code":
                request.session.pop(PENDING_KEY, None)
                return render(request, "mydata/invalid.html", {"error": error.message}, status=410)
            form.add_error("code", error.message)
        else:
            return _enter(request, access.pk)
    return _no_store(render(request, "mydata/code.html", {"form": form, "minutes": _minutes()}))


def _closed(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Votre accès à « Mes données » a expiré : demandez un nouveau lien."))
    return redirect("mydata:start")


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """Everything held, by category: why, until when, who can see it, what it produced."""
    identity = session_identity(request)
    if identity is None:
        return _closed(request)
    sections = held_sections(identity)
    context = {
        "identity": identity,
        "sections": sections,
        "accesses": accesses(identity),
        "count": sum(len(s.items) for s in sections),
    }
    return _no_store(render(request, "mydata/home.html", context))


@never_cache
@require_http_methods(["POST"])
@public_write("mydata.act")
def export(request: HttpRequest) -> HttpResponse:
    identity = session_identity(request)
    if identity is None:
        return _closed(request)
    archive, token = services.export_create(identity=identity)
    context = {"archive": archive, "token": token, "days": services.export_lifetime().days}
    return _no_store(render(request, "mydata/exported.html", context))


@never_cache
def export_download(request: HttpRequest, token: str) -> HttpResponse:
    try:
        archive = services.export_get(token=token)
    except ExportGone as error:
        return render(request, "mydata/invalid.html", {"error": error.message}, status=410)
    response = FileResponse(
        private_storage.open(archive.file_name, "rb"),
        as_attachment=True,
        filename="mes-donnees.zip",
        content_type="application/zip",
    )
    return _no_store(response)


@never_cache
@require_http_methods(["GET", "POST"])
@public_write("mydata.act")
def erase(request: HttpRequest) -> HttpResponse:
    """A confirmation step, then erase everywhere; say what was done and what the law keeps."""
    identity = session_identity(request)
    if identity is None:
        return _closed(request)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = services.data_erase(identity=identity)
        request.session.flush()
        labels = {c.key: c.label for c in categories()}
        context = {
            "deleted": [(labels.get(k, k), n) for k, n in report.deleted.items()],
            "anonymised": [(labels.get(k, k), n) for k, n in report.anonymised.items()],
            "kept": report.kept,
        }
        return _no_store(render(request, "mydata/erased.html", context))
    context = {"form": form, "identity": identity, "sections": held_sections(identity)}
    return _no_store(render(request, "mydata/erase.html", context))


@require_http_methods(["POST"])
def leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("mydata:start")


def register(request: HttpRequest) -> HttpResponse:
    """The register of processing activities (GDPR art. 30), generated from the declarations."""
    context = {"holders": holders()}
    return render(request, "mydata/register.html", context)


def register_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registre-des-traitements.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "traitement",
            "categorie",
            "donnees",
            "finalite",
            "base_legale",
            "duree_de_conservation",
            "qui_peut_voir",
            "contributions_publiques_anonymisees",
            "destinataires_externes",
        ]
    )
    for holder in holders():
        for category in holder.categories:
            writer.writerow(
                [
                    str(holder.label),
                    category.key,
                    str(category.label),
                    str(category.purpose),
                    str(category.legal_basis),
                    category.retention_text(),
                    str(category.audience),
                    "oui" if category.public_anonymised else "non",
                    str(category.recipients),
                ]
            )
    return response
