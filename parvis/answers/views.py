"""Search page. Placeholder over Wagtail's database search until the answer engine lands."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Page

from parvis.content.models.pages import paginate

MAX_QUERY_LENGTH = 200


def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = None
    if query:
        results = paginate(request, Page.objects.live().public().specific().search(query))
    return render(request, "answers/search.html", {"query": query, "results": results})
