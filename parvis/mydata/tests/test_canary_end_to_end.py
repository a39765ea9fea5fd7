"""Done means: a canary's report, conversation and support, seen in "Mes données" with their
outcomes and who looked at them, exported, then erased until the canary is found nowhere:
not in any table, file, outbox message, log line or public output; the public report stays."""

from __future__ import annotations

import io
import json
import logging
import random
import re
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import translation

from parvis.content.models import Quartier
from parvis.conversation.models import Conversation
from parvis.conversation.services import conversation_ask_agent, conversation_contact_set
from parvis.conversation.services.agents import conversation_reply
from parvis.core.models import AgentProfile
from parvis.mydata.tests.conftest import link_from_outbox
from parvis.reports.models import Photo, Report
from parvis.reports.photos import photo_prepare
from parvis.reports.services import report_create, report_support, report_update_publish
from parvis.reports.tests.factories import agent_for, category, jpeg_bytes

pytestmark = pytest.mark.django_db


def _canary() -> dict[str, str]:
    tag = f"{random.randrange(16**8):08x}"
    digits = [random.randrange(10, 60)] + [random.randrange(100) for _ in range(3)]
    national = "06 " + " ".join(f"{d:02d}" for d in digits)
    return {
        "email": f"canari.{tag}@example.test",
        "phone": national,
        "e164": "+336" + "".join(f"{d:02d}" for d in digits),
        "digits": "06" + "".join(f"{d:02d}" for d in digits),
        "tag": tag,
    }


def _phone_pattern(canary: dict[str, str]) -> re.Pattern[str]:
    """The number however it is written: 06 12 34 56 78, 06.12…, 0612345678, +33 6 12…,
    +33 (0)6…, 33612345678 (separators between any digits), but not inside a longer number."""
    sep = r"[\s.\-/]*"
    rest = sep.join(canary["digits"][1:])  # "6", then the eight digits
    return re.compile(rf"(?<!\d)(?:\+?33{sep}(?:\(0\){sep})?|0{sep}){rest}(?!\d)")


def _hits(text: str, canary: dict[str, str]) -> list[str]:
    found = []
    if canary["email"].lower() in text.lower():
        found.append(canary["email"])
    if _phone_pattern(canary).search(text):
        found.append(canary["phone"])
    return found


def _database_hits(canary: dict[str, str]) -> list[tuple[str, str]]:
    """Every row of every table (raw SQL: models, m2m, Wagtail's, full-text indexes…)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if value is None or isinstance(value, (int, float)):
                        continue
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    for needle in _hits(str(value), canary):
                        found.append((table, needle))
    return found


def _file_hits(root, canary: dict[str, str]) -> list[tuple[str, str]]:  # noqa: ANN001
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            for needle in _hits(path.read_bytes().decode("utf-8", "replace"), canary):
                found.append((str(path), needle))
    return found


def _public_urls(report: Report, quartier: Quartier) -> list[str]:
    urls = [
        "/signalements/",
        "/signalements/carte.geojson",
        "/signalements/donnees.json",
        "/signalements/donnees.csv",
        f"/signalements/quartier/{quartier.slug}/rss/",
        "/open311/v2/requests.json",
        "/api/v1/reports",
        f"/signalements/{report.pk}/",
        f"/open311/v2/requests/{report.pk}.json",
        f"/api/v1/reports/{report.pk}",
        f"/signalements/suivi/{report.reference}/",
        "/donnees-personnelles/",
        "/donnees-personnelles/registre/",
        "/donnees-personnelles/registre/registre.csv",
        "/mes-donnees/",
    ]
    return urls


def _seed(canary: dict[str, str], quartier: Quartier):  # noqa: ANN202
    agent = agent_for("proprete-dechets", name="Sophie")
    agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    report, _replayed = report_create(
        category=category("depot-sauvage"),
        description=f"Sacs abandonnés {canary['tag']}. Rappelez-moi au {canary['phone']}.",
        latitude=47.2184,
        longitude=-1.5536,
        quartier=quartier,
        email=canary["email"],
        photos=[photo_prepare(data=jpeg_bytes())],
    )
    report_update_publish(
        report=report, agent=agent, status="planifie", message="Enlèvement prévu mardi."
    )
    report_support(report=report, supporter="f" * 64)
    conversation, _token = conversation_ask_agent(
        question="Quand passe la collecte des encombrants rue Canari ?", email=canary["email"]
    )
    conversation = conversation_contact_set(
        conversation=conversation, email=canary["email"], phone=canary["phone"]
    )
    profile = AgentProfile.objects.get(user=agent)
    profile.services.add(conversation.service)
    conversation_reply(conversation=conversation, agent=profile, text="Le premier lundi du mois.")
    return agent, report, conversation


def test_canary_listed_exported_then_erased_everywhere(
    client, folders, sms, caplog, django_capture_on_commit_callbacks, settings
):
    caplog.set_level(logging.DEBUG)
    settings.PARVIS_RATELIMITS = {}
    quartier = Quartier.objects.first()
    canary = _canary()
    # Services called outside a request speak the active language: French, whatever an
    # earlier test's request (/en/…) left active in this thread.
    with django_capture_on_commit_callbacks(execute=True), translation.override("fr"):
        agent, report, conversation = _seed(canary, quartier)
    photo = Photo.objects.get(report=report)
    assert (folders / "private" / photo.image.name).exists()

    # A staff view of the canary's report (the reporter's email shows there).
    staff = client.__class__()
    staff.force_login(agent)
    assert canary["email"] in staff.get(f"/admin/signalements/{report.pk}/").content.decode()

    # "Mes données" by email: one link, through the outbox.
    assert client.post("/mes-donnees/", {"identity": canary["email"].upper()}).status_code == 302
    link = link_from_outbox(canary["email"])
    assert client.post(link).status_code == 302
    page = client.get("/mes-donnees/consulter/").content.decode()
    assert f"Signalement n° {report.pk}" in page
    assert "Planifié — Sophie, service Propreté" in page  # what it produced, signed
    assert "Enlèvement prévu mardi." in page
    assert "1 personne(s) ont dit" in page  # a support it gathered
    assert "Quand passe la collecte des encombrants" in page
    assert "Réponse de Sophie" in page
    assert "Transmise au service" in page
    seen = re.search(r"Consulté par Sophie, service Propreté[^<]*traitement du signalement", page)
    assert seen is not None and " le " in seen.group(0)

    # By phone: a code by SMS finds the conversation whose contact is that number.
    other = client.__class__()
    assert other.post("/mes-donnees/", {"identity": canary["phone"]}).status_code == 302
    code = sms.code_for(canary["e164"])
    assert other.post("/mes-donnees/code/", {"code": code}).status_code == 302
    by_phone = other.get("/mes-donnees/consulter/").content.decode()
    assert "Quand passe la collecte des encombrants" in by_phone

    # The export: a ZIP with every canary item, JSON and CSV per category, a README.
    response = client.post("/mes-donnees/export/")
    download = re.search(r'href="(/mes-donnees/export/[^"]+/)"', response.content.decode()).group(1)
    archive = client.get(download)
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as zipped:
        names = set(zipped.namelist())
        contents = {name: zipped.read(name).decode() for name in names}
    assert {"README.txt", "reports.reporter_email.json", "reports.reporter_email.csv"} <= names
    assert {"conversation.contact.json", "conversation.messages.csv", "core.outbox.json"} <= names
    assert {"core.access_log.csv", "reports.contribution.photos.json"} <= names
    reports_json = json.loads(contents["reports.reporter_email.json"])
    assert reports_json[0]["numero"] == report.pk and reports_json[0]["courriel"] == canary["email"]
    assert canary["phone"] in reports_json[0]["description"]
    assert json.loads(contents["reports.contribution.photos.json"])[0]["photo"] == photo.token
    contacts = json.loads(contents["conversation.contact.json"])
    assert contacts[0]["telephone"] == canary["phone"]
    assert "Le premier lundi du mois." in contents["conversation.messages.csv"]
    assert "Sophie" in contents["core.access_log.csv"]
    assert "Vos données sur le site de la Ville" in contents["README.txt"]
    # The README explains each file with its declared category.
    assert (
        "reports.contribution.photos.json / reports.contribution.photos.csv : Signalement"
        in (contents["README.txt"])
    )
    exports_dir = folders / "private" / "mydata"
    assert any(exports_dir.rglob("*.zip"))

    # The search below does find the canary while it is held (so its silence later means
    # something): in the reports', conversations', outbox's and links' tables.
    before = {table for table, _needle in _database_hits(canary)}
    assert {"reports_report", "conversation_conversation", "core_outboxmessage"} <= before
    assert "mydata_accessrequest" in before

    dates_before = Report.objects.filter(pk=report.pk).values_list("created_at", "updated_at").get()

    # Erasure: a confirmation step, then everywhere; the person is told what was done.
    assert "Effacer définitivement" in client.get("/mes-donnees/effacer/").content.decode()
    refused = client.post("/mes-donnees/effacer/", {})
    assert refused.status_code == 200 and "Cochez la case" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/mes-donnees/effacer/", {"confirm": "on"})
    told = done.content.decode()
    assert "Vos données sont effacées" in told
    assert "Ce que la loi nous demande de garder" in told
    assert "journal des consultations" in told.lower()

    # Nowhere: every table, every stored file, the outbox, the logs, every public output.
    assert _database_hits(canary) == []
    assert _file_hits(folders, canary) == []
    assert not any(exports_dir.rglob("*.zip"))
    log_text = caplog.text + "\n".join(json.dumps(r.__dict__, default=str) for r in caplog.records)
    assert _hits(log_text, canary) == []
    public = client.__class__()
    for url in _public_urls(report, quartier):
        response = public.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert _hits(body.decode(), canary) == [], url

    # The public report stays, anonymised; statistics unchanged.
    report.refresh_from_db()
    assert report.reporter_email == "" and report.support_count == 1 and not report.hidden
    assert (report.created_at, report.updated_at) == dates_before  # delays unchanged
    assert "[masqué]" in report.description and canary["tag"] in report.description
    assert Photo.objects.filter(report=report).exists()
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED and conversation.messages.count() >= 3
    # The page is closed: the session went with the data.
    assert client.get("/mes-donnees/consulter/").status_code == 302
