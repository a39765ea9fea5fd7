"""Counts page views on the server, within the CNIL's conditions for consent-free measurement.

The CNIL exempts audience measurement from consent (article 82 of the loi Informatique et
Libertés; its guidelines of 17 September 2020 and its recommendation updated 4 July 2025) when
it is strictly limited to measuring the site's own audience, for the publisher alone, produces
anonymous statistics only, is not cross-referenced with other processing nor passed to third
parties, does not follow a person across sites, is explained to users, and its data are kept no
more than 25 months (and any cookie lives no more than 13 months). Parvis goes further than the
exemption requires: it sets NO cookie and keeps NO identifier at all, so there is nothing to
follow. Each counted view is one ``+1`` on the row (day, page) of ``PageDayCount`` (held in
memory a few seconds, then written with the others: ``page_view_record``); the user
agent is read in memory to leave out robots and then forgotten; the IP address, cookies and
session are never read. Rows are deleted after ``PARVIS_AUDIENCE_RETENTION_DAYS`` (760 days,
25 months) by a daily task. The legal page's paragraph (``audience/_legal.html``) says this.

What is counted: a GET answered 200 with an HTML page, outside the back office and the APIs,
for a visitor who is not a logged-in agent, whose user agent does not look like a robot and who
is not a browser prefetch. Pages served by a front cache (nginx) in front of Python are not
seen, so the figures are a floor when one is configured.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from parvis.audience.services import page_view_record

logger = logging.getLogger(__name__)

# A simple rule, documented on the legal page: no user agent, or one that names itself a robot,
# a crawler, a link previewer, a command-line client or a monitoring probe.
_ROBOT = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|scan|monitor|preview|facebookexternalhit|"
    r"curl|wget|python|httpx|go-http|java/|libwww|headless|lighthouse|pingdom|uptime",
    re.IGNORECASE,
)


def is_robot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(_ROBOT.search(user_agent))


def _countable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if any(request.path.startswith(p) for p in settings.PARVIS_AUDIENCE_EXCLUDED_PREFIXES):
        return False
    if "prefetch" in request.META.get("HTTP_SEC_PURPOSE", "") + request.META.get(
        "HTTP_PURPOSE", ""
    ):
        return False
    if is_robot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def page_key(request: HttpRequest) -> str | None:
    """What a view is counted under: the page's address, or its route when the address carries
    an id or a token (never stored); None for an address no route matched."""
    match = request.resolver_match
    if match is None:
        return None
    if match.url_name == "wagtail_serve" or not (match.args or match.kwargs):
        return request.path[:300]
    return ("/" + match.route.lstrip("^").rstrip("$"))[:300]


class AudienceMiddleware:
    """Adds one to today's count of the page served; a failure is logged, never shown."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not settings.PARVIS_AUDIENCE_ENABLED:
            return response
        try:
            if _countable(request, response):
                key = page_key(request)
                if key:
                    page_view_record(path=key)
        except Exception:  # noqa: BLE001 — a count must never cost a resident their page
            logger.exception("audience: a page view could not be counted")
        return response
