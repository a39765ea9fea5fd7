"""Search page, answer feedback, OpenSearch description. Thin views.

The search page shows the form of a question to an agent; ``parvis.conversation`` receives it
(``conversation.views.ask_agent``) and opens a conversation handed straight to a service.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Site

from parvis.answers.forms import AgentQuestionForm, FeedbackForm
from parvis.answers.ranking import FACETS
from parvis.answers.selectors import CONFIDENT, answer_query
from parvis.answers.services import feedback_record, query_log_record
from parvis.answers.text import MAX_QUERY_LENGTH
from parvis.content.models import Audience, Commune, ParcoursPage, Quartier, Theme
from parvis.core.writes import public_write

PER_PAGE = 10
# The address a resident asked this device to remember, for answers that depend on it. Set
# only on explicit request (the "retenir" box), never server-side, removed by "oublier".
ADDRESS_COOKIE = "parvis_adresse"
ADDRESS_COOKIE_AGE = 365 * 24 * 3600
ADDRESS_MAX = 200
# Labels of the search filters, in the visitor's language (the values of theme, audience,
# quartier and commune are the editors' French names, marked lang="fr" in another interface).
FACET_LABELS = {
    "type": pgettext_lazy("search filter", "Type"),
    "theme": pgettext_lazy("search filter", "Thème"),
    "audience": pgettext_lazy("search filter", "Public"),
    "quartier": pgettext_lazy("search filter", "Quartier"),
    "commune": pgettext_lazy("search filter", "Commune"),
}
TYPE_NAMES = {
    "fiche": pgettext_lazy("search result type", "Démarches"),
    "lieu": pgettext_lazy("search result type", "Lieux"),
    "parcours": pgettext_lazy("search result type", "Parcours"),
    "recit": pgettext_lazy("search result type", "Récits"),
    "actualite": pgettext_lazy("search result type", "Actualités"),
    "page": pgettext_lazy("search result type", "Pages"),
    "knowledge": "Service-Public.fr",
}


def _first(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    return value if isinstance(value, str) else ""


def _facets(counts: dict[str, dict[str, int]]) -> list[dict]:
    names = {
        "theme": dict(Theme.objects.values_list("slug", "name")),
        "audience": dict(Audience.objects.values_list("slug", "name")),
        "quartier": dict(Quartier.objects.values_list("slug", "name")),
        "commune": dict(Commune.objects.values_list("slug", "name")),
        "type": TYPE_NAMES,
    }
    return [
        {
            "name": name,
            "label": FACET_LABELS[name],
            # Type names are the interface's words; the other values are French names.
            "translated": name == "type",
            "values": [(v, names[name].get(v, v), n) for v, n in counts[name].items()][:12],
        }
        for name in FACETS
        if name in counts and len(counts[name]) > 1
    ]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    raw = _first(request, "q")
    too_long = len(raw) > MAX_QUERY_LENGTH
    query = " ".join(raw.split())[:MAX_QUERY_LENGTH]
    filters = {name: _first(request, name) for name in FACETS if _first(request, name)}
    forget = _first(request, "oublier") == "1"
    typed = " ".join(_first(request, "adresse").split())[:ADDRESS_MAX]
    remembered = "" if forget else request.COOKIES.get(ADDRESS_COOKIE, "")[:ADDRESS_MAX]
    address = typed or remembered
    context: dict = {
        "query": query,
        "too_long": too_long,
        "filters": filters,
        "address": address,
        "address_remembered": bool(remembered) and not typed,
    }
    # The engine parses the question once; an empty one (punctuation only) comes back empty.
    response = (
        answer_query(
            query=query,
            limit=50,
            filters=filters or None,
            address=address,
            commune=_site_commune(request),
        )
        if query
        else None
    )
    if response is not None and response.parsed is not None and response.parsed.text:
        if not request.GET.get("page") and not filters:
            query_log_record(
                query=response.parsed,
                result_count=len(response.results),
                confidence=response.confidence,
            )
        low = response.answer is None or response.confidence < CONFIDENT
        context.update(
            response=response,
            results=Paginator(response.results, PER_PAGE).get_page(request.GET.get("page")),
            facets=_facets(response.facets),
            low_confidence=low,
            related_parcours=_related_parcours(response) if low else [],
            agent_form=AgentQuestionForm(initial={"question": query}),
            feedback_sent=request.GET.get("avis") == "merci",
        )
    elif query:
        context["empty_query"] = True
    page = render(request, "answers/search.html", context)
    if forget:
        page.delete_cookie(ADDRESS_COOKIE, samesite="Lax")
    elif typed and _first(request, "retenir") == "1":
        page.set_cookie(
            ADDRESS_COOKIE,
            typed,
            max_age=ADDRESS_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    if address or forget:  # an answer for one person's address: never shared by a cache
        patch_cache_control(page, private=True)
    patch_vary_headers(page, ["Cookie"])
    return page


def _site_commune(request: HttpRequest) -> str | None:
    """On a commune's own site, its slug: a question naming no commune is about it."""
    site = Site.find_for_request(request)
    if site is None or site.is_default_site:
        return None
    commune = Commune.objects.filter(site=site).values_list("slug", flat=True).first()
    return commune


def _related_parcours(response) -> list[ParcoursPage]:  # noqa: ANN001
    keys = [item.page_id for item in response.results if item.type == "parcours"]
    found = list(ParcoursPage.objects.live().public().filter(pk__in=keys)[:3])
    return found or list(ParcoursPage.objects.live().public().order_by("title")[:3])


@require_POST
@public_write("answers.feedback")
def feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if form.is_valid():
        feedback_record(
            query=form.cleaned_data["q"],
            document_key=form.cleaned_data["id"],
            helpful=form.cleaned_data["helpful"] == "oui",
        )
        params = {"q": form.cleaned_data["q"], "avis": "merci"}
        return HttpResponseRedirect(f"{reverse('search')}?{urlencode(params)}#avis", status=303)
    return render(request, "answers/feedback_error.html", status=400)


@require_GET
def opensearch(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "answers/opensearch.xml",
        {"search_url": request.build_absolute_uri(reverse("search"))},
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
