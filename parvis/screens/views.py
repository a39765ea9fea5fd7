"""``/ecran/``: what the city's screens are, and the list of those in service (French and
English). ``/ecran/<slug>/``: a screen's full-screen display, one slide per request.

Without JavaScript the page refreshes itself to the next slide (``<meta http-equiv=refresh>`` to
``?slide=N+1``, inside ``<noscript>``). With JavaScript, ``screen.js`` fetches the slides as
fragments (``?slide=N&fragment=1``), keeps the last good copy of each in memory and turns them
itself: when the network drops, the screen keeps turning through what it already has.
Every request records the screen's last contact. No cookie is ever set (no session, no CSRF
token: the page has no form), and nothing is cached on the way, so each request reaches us.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from parvis.screens.selectors import screen_get_active, screen_slides, screens_active
from parvis.screens.services import screen_check_in


def _index(value: str, total: int) -> int:
    try:
        number = int(value[:9])
    except ValueError:
        number = 0
    return number % total if total else 0


def screen_index(request: HttpRequest) -> HttpResponse:
    """``/ecran/``: the screens' prefix explained, with a link to each screen in service."""
    context = {"screens": screens_active(), "sms_number": settings.PARVIS_SMS_NUMBER}
    return render(request, "screens/index.html", context)


@never_cache
def screen_display(request: HttpRequest, slug: str) -> HttpResponse:
    screen = screen_get_active(slug=slug)
    if screen is None:
        raise Http404
    screen_check_in(screen=screen)
    with translation.override(settings.LANGUAGE_CODE):
        slides = screen_slides(screen)
        index = _index(request.GET.get("slide", "0"), len(slides))
        context = {
            "screen": screen,
            "slide": slides[index] if slides else None,
            "index": index,
            "next_index": (index + 1) % len(slides) if slides else 0,
            "total": len(slides),
            "sms_number": settings.PARVIS_SMS_NUMBER,
        }
        template = "screens/_slide.html" if request.GET.get("fragment") else "screens/screen.html"
        response = render(request, template, context)
    response["X-Robots-Tag"] = "noindex"
    return response
