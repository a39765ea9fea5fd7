"""Public endpoints of the transparency log, the key history, and the verify page.

Machine endpoints answer JSON (or text/plain for checkpoints); bad parameters get
``{"error": …}`` with 400, unknown entries 404 — never a 500.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Site

from parvis.certification import selectors, tree
from parvis.certification.canonical import b64
from parvis.certification.models import LogEntry
from parvis.certification.pagecheck import (
    origin_check,
    origin_of,
    page_verify,
    site_index,
    statement_site,
)
from parvis.certification.quotes import MAX_TOKENS, QuoteMatch, QuoteTooLong, quote_search
from parvis.certification.sites import certified_sites
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


@dataclass(frozen=True)
class Address:
    """A pasted address: the origin and path of a page, and which site serves it."""

    origin: str
    path: str
    site: int  # index in ``sites``
    sites: list[list[str]]


def _request_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}".lower()


def _address(request: HttpRequest, url: str) -> Address:
    """The page a pasted address names; a path alone is one of the site serving this request.

    ValueError with a message for the resident when it is unreadable or on an origin no site of
    the city serves (``certification.sites``): the same rule as ``parvis verify``.
    """
    sites = [list(site.origins) for site in certified_sites()]
    url = url.strip()
    scheme = request.scheme
    if url.startswith("//"):
        url = f"{scheme}:{url}"
    if url.startswith("/"):
        origin = _request_origin(request)
        site = site_index(origin, sites)
        if site is None:  # a name ALLOWED_HOSTS accepts that no site lists: Wagtail's choice
            served = Site.find_for_request(request)
            site = site_index(origin_of(served.root_url), sites) if served else None
            site = site or 0
            sites[site].append(origin)
        url = origin + url
    else:
        url = url if "://" in url else f"{scheme}://{url}"
        try:
            origin_check(url, [origin for group in sites for origin in group])
        except VerificationError as exc:
            raise ValueError(str(exc)) from exc
        origin = origin_of(url)
        site = site_index(origin, sites) or 0
    try:
        path = urlsplit(url).path or "/"
    except ValueError as exc:
        raise ValueError(_("Cette adresse est illisible.")) from exc
    path = path if path.endswith("/") else path + "/"
    return Address(origin=origin, path=path, site=site, sites=sites)


def _versions(address: Address) -> list[dict[str, Any]]:
    keys = selectors.keys_document()
    versions = []
    found_entries = selectors.entries_for_address(
        path=address.path, site=address.site, sites=address.sites
    )
    for found in found_entries[:50]:
        try:
            bundle_verify(selectors.bundle_for(found), keys)
            valid = True
        except (VerificationError, LookupError):
            valid = False
        versions.append({"entry": found, "valid": valid})
    return versions


def _served_html(request: HttpRequest, address: Address) -> str | None:
    """The page the portal serves at ``address`` (on its own site: the host name chooses the
    Wagtail Site), rendered in this process (no HTTP to itself)."""
    path = address.path
    parts = urlsplit(address.origin)
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    sub = HttpRequest()
    sub.method = "GET"
    sub.path = sub.path_info = path
    sub.META = {key: value for key, value in request.META.items() if key in ("REMOTE_ADDR",)}
    sub.META.update(
        {
            "PATH_INFO": path,
            "HTTP_HOST": parts.netloc,
            "SERVER_NAME": parts.hostname or "",
            "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
        }
    )
    sub.user = AnonymousUser()
    with translation.override(language):
        try:
            match = resolve(path)
            response = match.func(sub, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
        except (Http404, PermissionDenied, DisallowedHost):
            return None
    if response.status_code != 200:
        return None
    return response.content.decode(response.charset or "utf-8", "replace")


def _served_verdict(request: HttpRequest, address: Address, versions: list[dict[str, Any]]) -> str:
    """Apply the rules of ``parvis verify`` to the page served at ``address`` (keys: our own)."""
    latest = versions[0]["entry"] if versions else None
    if latest is None:
        return ""
    if latest.kind != "publication":
        return _("Cette page a été retirée par la Ville (dernière version certifiée).")
    html = _served_html(request, address)
    if html is None:
        return _("La page n'est plus servie à cette adresse.")
    try:
        page_verify(
            url=f"{address.origin}{address.path}",
            html=html,
            bundle=selectors.bundle_for(latest),
            keys=selectors.keys_document(),
            origins=[],
            sites=address.sites,
        )
    except (VerificationError, LookupError) as exc:
        return _("La page servie ne correspond pas à sa version certifiée : %(reason)s") % {
            "reason": exc
        }
    return ""


def _certified_elsewhere(address: Address) -> str:
    """For an address with no certified version, the address the proof is about, if any.

    (``/en/demarches/`` shows the French page ``/demarches/``: the proof does not cover it.)
    """
    language = translation.get_language_from_path(address.path)
    if language and language != settings.LANGUAGE_CODE:
        original = address.path.removeprefix(f"/{language}")
        if selectors.entries_for_address(path=original, site=address.site, sites=address.sites):
            return original if address.site == 0 else f"{address.origin}{original}"
    return ""


@dataclass(frozen=True)
class ShownMatch:
    """A quote found, with the signed address of its page (on another site: in full)."""

    match: QuoteMatch
    href: str
    host: str  # the signed address's host when it is another site's, else ""


def _shown(request: HttpRequest, matches: list[QuoteMatch]) -> list[ShownMatch]:
    sites = [list(site.origins) for site in certified_sites()]
    here = site_index(_request_origin(request), sites) or 0
    shown = []
    for match in matches:
        signed = match.url or match.entry.path
        if statement_site(signed, sites) == here:
            shown.append(ShownMatch(match, match.entry.path, ""))
        else:
            shown.append(ShownMatch(match, signed, urlsplit(signed).netloc))
    return shown


@require_http_methods(["GET", "POST"])
@public_write("certification.verify")  # the file upload: body cap before reading, limits
def verify_page(request: HttpRequest) -> HttpResponse:
    """Residents check a URL, a quoted sentence, or a file against the certified log."""
    context: dict[str, Any] = {"url": request.GET.get("url", ""), "q": request.GET.get("q", "")}
    if context["url"]:
        try:
            address = _address(request, context["url"][:2000])
        except ValueError as exc:
            context["url_error"] = _("Cette adresse n'est pas une page du portail de la Ville.")
            context["url_reason"] = str(exc)
        else:
            context["versions"] = _versions(address)
            if context["versions"]:
                context["served_problem"] = _served_verdict(request, address, context["versions"])
                context["served_ok"] = not context["served_problem"]
            else:
                context["elsewhere"] = _certified_elsewhere(address)
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
            context["matches"] = _shown(request, quote_search(text=context["q"]))
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
