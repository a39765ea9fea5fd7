"""No phone number or email of a person who answered appears in any public output.

A canary number answers by SMS (with a remark that a moderator approves) and asks for the
outcome; a canary email answers on the web and asks for it too; the outcome is published. Then
every public page reachable from the home page, the app's pages, the API and its OpenAPI
document, feeds and open data are crawled: none may contain the canaries in any form.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import requests

from parvis.listening.tests.fakes import TWILIO_SID

CANARY_NUMBER = "+33699887766"
CANARY_FORMS = ["699887766", "6 99 88 77 66", "06 99 88 77 66", "0699887766", "99887766"]
CANARY_EMAIL = "canari.l1@example.org"
_HREF = re.compile(r'(?:href|src)="([^"#]+)')
_SKIP = ("/admin", "/static/", "/documents/", "/media/", "/code-source/parvis.tar.gz")


def _crawl(base: str, seeds: list[str], limit: int = 250) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = list(seeds)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(_SKIP):
            continue
        response = requests.get(base + path, timeout=60, allow_redirects=True)
        seen[path] = response.text
        kind = response.headers.get("Content-Type", "")
        if "html" not in kind:
            continue
        for link in _HREF.findall(response.text):
            absolute = urljoin(base + path, link.replace("&amp;", "&"))
            parts = urlsplit(absolute)
            if f"{parts.scheme}://{parts.netloc}" == base and parts.path not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_no_canary_in_any_public_output(sms_portal, providers):
    params = {
        "MessageSid": "SMcanary1",
        "AccountSid": TWILIO_SID,
        "From": CANARY_NUMBER,
        "To": "+33757000000",
        "Body": "PASSAGE3 plutôt non, rappelez-moi au 06 99 88 77 66",
    }
    assert sms_portal.twilio_post(params).status_code == 200
    follow = {**params, "MessageSid": "SMcanary2", "Body": "PASSAGE3 SUIVI"}
    assert sms_portal.twilio_post(follow).status_code == 200
    web = requests.post(
        f"{sms_portal.url}/m/PASSAGE3/",
        data={"choice": "1", "remark": f"écrivez-moi {CANARY_EMAIL}", "follow_email": CANARY_EMAIL},
        timeout=60,
        allow_redirects=False,
    )
    assert web.status_code == 302
    # A moderator approves both remarks as they were proposed; the outcome is published.
    sms_portal.python(
        "from parvis.listening.models import FieldAnswer, FollowUp, FieldQuestion;"
        "from parvis.listening.services import remark_approve, followup_publish;"
        "[remark_approve(answer=a) for a in FieldAnswer.objects.filter(remark_status='pending')];"
        "q = FieldQuestion.objects.get(code='PASSAGE3');"
        "f = FollowUp.objects.create(question=q, body='Un plateau sera posé.', author_name='Karim',"
        " service=q.service); followup_publish(followup=f)"
    )
    sms_portal.python("from parvis.core.notifications import outbox_deliver; outbox_deliver()")
    assert any(m["To"] == CANARY_NUMBER for m in providers.twilio)  # the person was answered

    seeds = [
        "/",
        "/m/",
        "/m/PASSAGE3/",
        "/m/PASSAGE3/merci/",
        "/questions/PASSAGE3/",
        "/questions/",
        "/api/v1/openapi.json",
        "/api/v1/questions",
        "/api/v1/questions/PASSAGE3",
        "/api/v1/questions/PASSAGE3/results",
        "/sitemap.xml",
        "/signalements/donnees.json",
    ]
    pages = _crawl(sms_portal.url, seeds)
    assert len(pages) > 20
    for path, text in pages.items():
        compact = re.sub(r"[\s.\-]", "", text)
        for form in CANARY_FORMS:
            assert form not in text, f"{form} in {path}"
        assert "699887766" not in compact, path
        assert CANARY_EMAIL not in text and "canari.l1" not in text, path
