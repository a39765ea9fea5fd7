"""Public endpoints of the transparency log, the key history, and the verify page.

Machine endpoints answer JSON (or text/plain for checkpoints); bad parameters get
``{"error": …}`` with 400, unknown entries 404 — never a 500.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parvis.certification import selectors, tree
from parvis.certification.canonical import b64
from parvis.certification.models import LogEntry
from parvis.certification.pagecheck import origin_check, page_verify
from parvis.certification.quotes import MAX_TOKENS, QuoteTooLong, quote_search
from parvis.certification.verify import VerificationError, bundle_verify
from parvis.core.ratelimit import ratelimit_request
from parvis.core.writes import public_write

CORS = {"Access-Control-Allow-Origin": "*"}  # public data: any verifier may fetch it


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, headers=CORS)


def _int_param(request: HttpRequest, name: str) -> int:
    value = request.GET.get(name, "")
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ValueError(f"'{name}' doit être un entier positif.")
    return int(value)


@require_GET
def keys_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.keys_document(), headers=CORS)


@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    latest = selectors.checkpoint_latest()
    if latest is None:
        return HttpResponse("", status=404, content_type="text/plain; charset=utf-8")
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8", headers=CORS)


@require_GET
def entry(request: HttpRequest, index: int) -> JsonResponse:
    found = LogEntry.objects.filter(index=index).first()
    if found is None:
        return _error("Entrée inconnue.", 404)
    return JsonResponse(selectors.entry_json(found), headers=CORS)


@require_GET
def bundle(request: HttpRequest, index: int) -> JsonResponse:
    found = LogEntry.objects.filter(index=index).first()
    if found is None:
        return _error("Entrée inconnue.", 404)
    try:
        data = selectors.bundle_for(found)
    except LookupError:
        return _error("Aucun point de contrôle ne couvre encore cette entrée.", 404)
    return JsonResponse(data, headers=CORS, json_dumps_params={"ensure_ascii": False})


@require_GET
def inclusion_proof(request: HttpRequest) -> JsonResponse:
    try:
        index, size = _int_param(request, "index"), _int_param(request, "tree_size")
    except ValueError as exc:
        return _error(str(exc))
    if not 0 <= index < size:
        return _error("Il faut 0 ≤ index < tree_size.")
    if size > selectors.log_size():
        return _error("Le journal n'a pas encore cette taille.", 404)
    hashes = tree.inclusion_proof(index, size)
    return JsonResponse(
        {"leaf_index": index, "tree_size": size, "hashes": [b64(h) for h in hashes]},
        headers=CORS,
    )


@require_GET
def consistency_proof(request: HttpRequest) -> JsonResponse:
    try:
        first, second = _int_param(request, "first"), _int_param(request, "second")
    except ValueError as exc:
        return _error(str(exc))
    if not 0 < first <= second:
        return _error("Il faut 0 < first ≤ second.")
    if second > selectors.log_size():
        return _error("Le journal n'a pas encore cette taille.", 404)
    hashes = tree.consistency_proof(first, second)
    return JsonResponse(
        {"first": first, "second": second, "hashes": [b64(h) for h in hashes]}, headers=CORS
    )


@require_GET
def lookup(request: HttpRequest) -> JsonResponse:
    """Indices of the export entries whose file has this SHA-256."""
    digest = request.GET.get("sha256", "").lower()
    if len(digest) != 64 or not all(ch in "0123456789abcdef" for ch in digest):
        return _error("'sha256' doit être une empreinte hexadécimale de 64 caractères.")
    entries = selectors.entries_for_file(sha256=digest)
    return JsonResponse({"sha256": digest, "entries": [e.index for e in entries]}, headers=CORS)


def _path_of(url: str) -> str:
    """The portal path of a pasted address (a path alone is one of ours).

    ValueError with a French message when it is unreadable or on another origin than the
    city's (``PARVIS_CERTIFIED_ORIGINS``): the same rule as ``parvis verify``.
    """
    url = url.strip()
    scheme = urlsplit(settings.BASE_URL).scheme
    if url.startswith("//"):
        url = f"{scheme}:{url}"
    if not url.startswith("/"):
        url = url if "://" in url else f"{scheme}://{url}"
        try:
            origin_check(url, list(settings.PARVIS_CERTIFIED_ORIGINS))
        except VerificationError as exc:
            raise ValueError(str(exc)) from exc
    try:
        path = urlsplit(url).path or "/"
    except ValueError as exc:
        raise ValueError(_("Cette adresse est illisible.")) from exc
    return path if path.endswith("/") else path + "/"


def _versions(path: str) -> list[dict[str, Any]]:
    keys = selectors.keys_document()
    versions = []
    for found in selectors.entries_for_path(path=path, other_sites=False)[:50]:
        try:
            bundle_verify(selectors.bundle_for(found), keys)
            valid = True
        except (VerificationError, LookupError):
            valid = False
        versions.append({"entry": found, "valid": valid})
    return versions


def _served_html(request: HttpRequest, path: str) -> str | None:
    """The page the portal serves at ``path``, rendered in this process (no HTTP to itself)."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    sub = HttpRequest()
    sub.method = "GET"
    sub.path = sub.path_info = path
    sub.META = {
        key: value
        for key, value in request.META.items()
        if key in ("SERVER_NAME", "SERVER_PORT", "HTTP_HOST", "wsgi.url_scheme", "REMOTE_ADDR")
    }
    sub.META["PATH_INFO"] = path
    sub.user = AnonymousUser()
    with translation.override(language):
        try:
            match = resolve(path)
            response = match.func(sub, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
        except (Http404, PermissionDenied):
            return None
    if response.status_code != 200:
        return None
    return response.content.decode(response.charset or "utf-8", "replace")


def _served_verdict(request: HttpRequest, path: str, versions: list[dict[str, Any]]) -> str:
    """Apply the rules of ``parvis verify`` to the page served at ``path`` (keys: our own)."""
    latest = versions[0]["entry"] if versions else None
    if latest is None:
        return ""
    if latest.kind != "publication":
        return _("Cette page a été retirée par la Ville (dernière version certifiée).")
    html = _served_html(request, path)
    if html is None:
        return _("La page n'est plus servie à cette adresse.")
    try:
        page_verify(
            url=f"{settings.PARVIS_CERTIFIED_ORIGINS[0]}{path}",
            html=html,
            bundle=selectors.bundle_for(latest),
            keys=selectors.keys_document(),
            origins=list(settings.PARVIS_CERTIFIED_ORIGINS),
        )
    except (VerificationError, LookupError) as exc:
        return _("La page servie ne correspond pas à sa version certifiée : %(reason)s") % {
            "reason": exc
        }
    return ""


def _certified_elsewhere(path: str) -> str:
    """For an address with no certified version, the address the proof is about, if any.

    (``/en/demarches/`` shows the French page ``/demarches/``: the proof does not cover it.)
    """
    language = translation.get_language_from_path(path)
    if language and language != settings.LANGUAGE_CODE:
        original = path.removeprefix(f"/{language}")
        if selectors.entries_for_path(path=original, other_sites=False):
            return original
    return ""


@require_http_methods(["GET", "POST"])
@public_write("certification.verify")  # the file upload: body cap before reading, limits
def verify_page(request: HttpRequest) -> HttpResponse:
    """Residents check a URL, a quoted sentence, or a file against the certified log."""
    context: dict[str, Any] = {"url": request.GET.get("url", ""), "q": request.GET.get("q", "")}
    if context["url"]:
        try:
            path = _path_of(context["url"][:2000])
        except ValueError as exc:
            context["url_error"] = _("Cette adresse n'est pas une page du portail de la Ville.")
            context["url_reason"] = str(exc)
        else:
            context["versions"] = _versions(path)
            if context["versions"]:
                context["served_problem"] = _served_verdict(request, path, context["versions"])
                context["served_ok"] = not context["served_problem"]
            else:
                context["elsewhere"] = _certified_elsewhere(path)
    if context["q"]:
        wait = ratelimit_request(request, scope="certification.quote")
        if wait is not None:
            response = render(
                request,
                "certification/verify.html",
                {**context, "q_error": _("Trop de recherches : réessayez dans un instant.")},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        try:
            context["matches"] = quote_search(text=context["q"])
            context["quote_done"] = True
        except QuoteTooLong:
            context["q_error"] = _(
                "Collez un extrait d'au plus %(count)s mots : une phrase ou un paragraphe."
            ) % {"count": MAX_TOKENS}
        except ValueError:
            context["q_error"] = _("Collez une phrase d'au moins trois mots.")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choisissez un fichier.")
        elif upload.size > settings.PARVIS_VERIFY_MAX_UPLOAD:
            context["file_error"] = _("Ce fichier est trop volumineux.")
        else:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            context["file_name"] = upload.name
            context["file_digest"] = digest.hexdigest()
            context["file_entries"] = selectors.entries_for_file(sha256=digest.hexdigest())
    status = 400 if any(k in context for k in ("url_error", "q_error", "file_error")) else 200
    return render(request, "certification/verify.html", context, status=status)
