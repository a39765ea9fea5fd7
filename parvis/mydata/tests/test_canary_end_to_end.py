"""Done means: a canary's report, conversation, support, street answers (on the web with an
email to follow, by SMS with a phone) and group proposal, seen in "Mes données" (by an emailed
link and by a texted code) with their outcomes and who looked at them, exported, then erased
until the canary is found nowhere: not in any table, file, outbox message, log line or public
output (a crawl); the public report, the published group and the answers' counts stay."""

from __future__ import annotations

import html
import io
import json
import logging
import random
import re
import zipfile
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone, translation

from parvis.content.models import Quartier
from parvis.conversation.models import Conversation
from parvis.conversation.services import conversation_ask_agent, conversation_contact_set
from parvis.conversation.services.agents import conversation_reply
from parvis.core.models import AddressConfirmation, AgentProfile
from parvis.listening.models import FieldAnswer, FieldQuestion, FollowUp, OutcomeSubscription
from parvis.listening.services import followup_publish, remark_approve
from parvis.listening.sms.twilio import twilio_signature
from parvis.listening.tests.conftest import make_question
from parvis.listening.tests.fakes import TWILIO_SID, TWILIO_TOKEN
from parvis.mydata.tests.conftest import link_from_outbox
from parvis.networks.models import Group
from parvis.networks.services import group_moderate, group_propose
from parvis.reports.models import Photo, Report
from parvis.reports.photos import photo_prepare
from parvis.reports.services import report_create, report_support, report_update_publish
from parvis.reports.tests.factories import agent_for, category, jpeg_bytes

pytestmark = pytest.mark.django_db
CRAWL_LIMIT = 150
_HREF = re.compile(r'(?:href|src)="([^"#]+)')
_SKIP = ("/admin", "/static/", "/documents/", "/media/", "/code-source/", "/mes-donnees/")


def _canary() -> dict[str, str]:
    tag = f"{random.randrange(16**8):08x}"
    digits = [random.randrange(10, 60)] + [random.randrange(100) for _ in range(3)]
    national = "06 " + " ".join(f"{d:02d}" for d in digits)
    return {
        "email": f"canari.{tag}@example.test",
        "phone": national,
        "e164": "+336" + "".join(f"{d:02d}" for d in digits),
        "digits": "06" + "".join(f"{d:02d}" for d in digits),
        "intl": "+33 6 " + " ".join(f"{d:02d}" for d in digits),
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
        "/m/CANARI/",
        "/m/CANARI/merci/",
        "/questions/",
        "/questions/CANARI/",
        "/questions/donnees.csv",
        "/questions/donnees.json",
        "/api/v1/questions",
        "/api/v1/questions/CANARI",
        "/api/v1/questions/CANARI/resultats",
        "/groupes/",
        "/groupes/les-canaris-de-doulon/",
        "/agenda/",
    ]
    return urls


def _crawl(client, seeds: list[str], limit: int = CRAWL_LIMIT) -> dict[str, str]:  # noqa: ANN001
    """Every public page reachable from the seeds (same site, no back office), ``limit`` at
    most: path → body."""
    seen: dict[str, str] = {}
    queue = list(seeds)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(_SKIP):
            continue
        response = client.get(path, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[path] = body.decode("utf-8", "replace")
        if "html" not in response.get("Content-Type", ""):
            continue
        base = "http://testserver"
        for link in _HREF.findall(seen[path]):
            parts = urlsplit(urljoin(base + path, link.replace("&amp;", "&")))
            if f"{parts.scheme}://{parts.netloc}" in (base, django_settings.BASE_URL):
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in seen:
                    queue.append(target)
    return seen


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


def _twilio(client, params: dict[str, str]) -> None:  # noqa: ANN001
    """An inbound SMS as Twilio posts it: signed with the account's token."""
    path = "/sms/twilio/"
    signature = twilio_signature(
        auth_token=TWILIO_TOKEN, url=django_settings.BASE_URL + path, params=list(params.items())
    )
    response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200


def _seed_street(canary: dict[str, str], client):  # noqa: ANN001, ANN202
    """A street question answered on the web (with a remark quoting the phone, and the email to
    be told the outcome) and by SMS (then SUIVI); the remark approved, the outcome published."""
    question = make_question(
        code="CANARI",
        text="Un banc sous le tilleul : bonne idée ?",
        kind=FieldQuestion.Kind.CHOICE_REMARK,
        choices=["Oui", "Non"],
    )
    web = client.post(
        "/m/CANARI/",
        {
            "choice": "0",
            "remark": f"Oui ! Rappelez-moi au {canary['phone']}",
            "follow_email": canary["email"],
        },
    )
    assert web.status_code == 302, web.content.decode()[:2000]
    sms = {"AccountSid": TWILIO_SID, "To": "+33757000000", "From": canary["intl"]}
    _twilio(client, {**sms, "MessageSid": "SMcanari1", "Body": "CANARI 2"})
    _twilio(client, {**sms, "MessageSid": "SMcanari2", "Body": "CANARI SUIVI"})
    for answer in FieldAnswer.objects.filter(question=question, remark_status="pending"):
        remark_approve(answer=answer)
    followup = FollowUp.objects.create(
        question=question,
        body="Deux bancs seront posés en mars.",
        author_name="Karim",
        service=question.service,
    )
    followup_publish(followup=followup)
    return question


def _seed_group(canary: dict[str, str], agent) -> Group:  # noqa: ANN001
    """A group proposed with the canary email, its address confirmed, published."""
    group = group_propose(
        name="Les Canaris de Doulon",
        description=f"Chorale du quartier. Contact : {canary['phone']}.",
        kind=Group.Kind.COLLECTIF,
        join_url="https://chorale.example.test/",
        contact_email=canary["email"],
    )
    AddressConfirmation.objects.filter(subject=group.confirmation_subject).update(
        confirmed_at=timezone.now()
    )
    return group_moderate(group=group, approve=True, user=agent)


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
        question = _seed_street(canary, client.__class__())
        group = _seed_group(canary, agent)
    # The worker sends what the outbox holds: the SMS replies reach the canary's phone.
    assert any(to == canary["e164"] and "CANARI" in text for to, text in sms.deliver())
    photo = Photo.objects.get(report=report)
    assert (folders / "private" / photo.image.name).exists()
    counts_before = (
        FieldAnswer.objects.filter(question=question).count(),
        list(
            FieldAnswer.objects.filter(question=question)
            .order_by("pk")
            .values_list("choice", "channel", "remark_status")
        ),
    )
    assert counts_before[0] == 2

    # A staff view of the canary's report (the reporter's email shows there).
    staff = client.__class__()
    staff.force_login(agent)
    assert canary["email"] in staff.get(f"/admin/signalements/{report.pk}/").content.decode()

    # "Mes données" by email: one link, through the outbox; it works once.
    assert client.post("/mes-donnees/", {"identity": canary["email"].upper()}).status_code == 302
    link = link_from_outbox(canary["email"])
    assert client.post(link).status_code == 302
    assert client.__class__().post(link).status_code == 410  # used: never again
    page = _text(client.get("/mes-donnees/consulter/"))
    assert f"Signalement n° {report.pk}" in page
    assert "Planifié — Sophie, service Propreté" in page  # what it produced, signed
    assert "Enlèvement prévu mardi." in page
    assert "1 personne(s) ont dit" in page  # a support it gathered
    assert "Quand passe la collecte des encombrants" in page
    assert "Réponse de Sophie" in page
    assert "Transmise au service" in page
    seen = re.search(r"Consulté par Sophie, service Propreté[^<]*traitement du signalement", page)
    assert seen is not None and " le " in seen.group(0)
    # The street question the email follows, and what it produced.
    assert "Suivi demandé — Question de terrain CANARI" in page
    assert "Résultats en direct : 2 réponses" in page
    assert "« Vous avez dit, nous avons fait » (Karim, Service Stationnement" in page
    assert "vous attend : confirmez votre adresse" in page  # held: the address is unconfirmed
    assert "Deux bancs seront posés en mars." in page
    # The group proposed, and its moderation outcome.
    assert "Groupe proposé : Les Canaris de Doulon" in page
    assert "Publié dans l'annuaire des groupes" in page

    # By phone: a code texted through the outbox's SMS channel (the worker sends it to the
    # provider's double) finds the conversation, the SMS answer and the SMS follow-up.
    other = client.__class__()
    assert other.post("/mes-donnees/", {"identity": canary["phone"]}).status_code == 302
    code = sms.code_for(canary["e164"])
    pending = other.session["mydata_pending"]
    assert other.post("/mes-donnees/code/", {"code": code}).status_code == 302
    by_phone = _text(other.get("/mes-donnees/consulter/"))
    assert "Quand passe la collecte des encombrants" in by_phone
    assert "Réponse par SMS — Question de terrain CANARI" in by_phone
    assert "Comptée dans les résultats de la question CANARI" in by_phone
    assert "Deux bancs seront posés en mars." in by_phone
    assert "« Vous avez dit, nous avons fait » vous a été envoyé" in by_phone
    assert "Suivi demandé — Question de terrain CANARI" in by_phone
    # The code worked once: typed again (another browser, the same request), refused.
    replay = client.__class__()
    session = replay.session
    session["mydata_pending"] = pending
    session.save()
    assert replay.post("/mes-donnees/code/", {"code": code}).status_code == 410
    assert replay.get("/mes-donnees/consulter/").status_code == 302

    # The phone's export holds the SMS answer and subscription.
    phone_zip = _export(other)
    answers = json.loads(phone_zip["listening.answers.json"])
    assert answers[0]["question"] == "CANARI" and answers[0]["reponse"] == "Non"
    assert json.loads(phone_zip["listening.subscriptions.json"])[0]["telephone"] == canary["e164"]
    assert "conversation.contact.json" in phone_zip

    # The email's export: a ZIP with every canary item, JSON and CSV per category, a README.
    contents = _export(client)
    names = set(contents)
    assert {"README.txt", "reports.reporter_email.json", "reports.reporter_email.csv"} <= names
    assert {"conversation.contact.json", "conversation.messages.csv", "core.outbox.json"} <= names
    assert {"core.access_log.csv", "reports.contribution.photos.json"} <= names
    assert {"listening.subscriptions.json", "networks.contact.json"} <= names
    reports_json = json.loads(contents["reports.reporter_email.json"])
    assert reports_json[0]["numero"] == report.pk and reports_json[0]["courriel"] == canary["email"]
    assert canary["phone"] in reports_json[0]["description"]
    assert json.loads(contents["reports.contribution.photos.json"])[0]["photo"] == photo.token
    contacts = json.loads(contents["conversation.contact.json"])
    assert contacts[0]["telephone"] == canary["phone"]
    assert "Le premier lundi du mois." in contents["conversation.messages.csv"]
    assert "Sophie" in contents["core.access_log.csv"]
    followed = json.loads(contents["listening.subscriptions.json"])
    assert followed[0]["question"] == "CANARI" and followed[0]["courriel"] == canary["email"]
    proposed = json.loads(contents["networks.contact.json"])
    assert proposed[0]["groupe"] == "Les Canaris de Doulon" and proposed[0]["statut"] == "approved"
    assert "Vos données sur le site de la Ville" in contents["README.txt"]
    # The README explains each file with its declared category.
    assert (
        "reports.contribution.photos.json / reports.contribution.photos.csv : Signalement"
        in (contents["README.txt"])
    )
    exports_dir = folders / "private" / "mydata"
    assert any(exports_dir.rglob("*.zip"))

    # The search below does find the canary while it is held (so its silence later means
    # something): in the reports', conversations', street answers', groups', outbox's and
    # links' tables.
    before = {table for table, _needle in _database_hits(canary)}
    assert {"reports_report", "conversation_conversation", "core_outboxmessage"} <= before
    assert {"mydata_accessrequest", "listening_fieldanswer", "listening_outcomesubscription"} <= (
        before
    )
    assert "networks_group" in before

    dates_before = Report.objects.filter(pk=report.pk).values_list("created_at", "updated_at").get()

    # Erasure: a confirmation step, then everywhere; the person is told what was done.
    assert "Effacer définitivement" in client.get("/mes-donnees/effacer/").content.decode()
    refused = client.post("/mes-donnees/effacer/", {})
    assert refused.status_code == 200 and "Cochez la case" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/mes-donnees/effacer/", {"confirm": "on"})
    told = _text(done)
    assert "Vos données sont effacées" in told
    assert "Ce que la loi nous demande de garder" in told
    assert "journal des consultations" in told.lower()
    assert "restent comptées dans les résultats publiés" in told
    assert "restent dans l'annuaire, sans votre adresse" in told

    # Nowhere: every table, every stored file, the outbox, the logs, every public output.
    tables = connection.introspection.table_names(include_views=False)
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
    crawled = _crawl(public, ["/", *_public_urls(report, quartier)])
    assert len(crawled) >= 60
    for path, body in crawled.items():
        assert _hits(body, canary) == [], path
    # The figures of the note (pytest -s shows them).
    print(f"canary: {len(tables)} tables scanned, {len(crawled)} public URLs crawled")  # noqa: T201

    # The public report stays, anonymised; statistics unchanged.
    report.refresh_from_db()
    assert report.reporter_email == "" and report.support_count == 1 and not report.hidden
    assert (report.created_at, report.updated_at) == dates_before  # delays unchanged
    assert "[masqué]" in report.description and canary["tag"] in report.description
    assert Photo.objects.filter(report=report).exists()
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED and conversation.messages.count() >= 3
    # The street answers still count, the same; nothing ties them to the phone any more.
    after = FieldAnswer.objects.filter(question=question)
    assert (
        after.count(),
        list(after.order_by("pk").values_list("choice", "channel", "remark_status")),
    ) == counts_before
    assert not after.exclude(phone_hash="").exists()
    assert not OutcomeSubscription.objects.filter(question=question).exists()
    assert "Deux bancs seront posés en mars." in public.get("/questions/CANARI/").content.decode()
    # The published group stays, without its contact; its page still answers.
    group.refresh_from_db()
    assert group.status == Group.Status.APPROVED and group.contact_email == ""
    assert public.get(group.get_absolute_url()).status_code == 200
    # The pages are closed: the sessions went with the data (the phone's too).
    assert client.get("/mes-donnees/consulter/").status_code == 302
    assert other.get("/mes-donnees/consulter/").status_code == 302


def _text(response) -> str:  # noqa: ANN001
    """A page's text as typed: entities decoded, French typography's thin spaces as spaces."""
    body = html.unescape(response.content.decode())
    return body.replace("\u202f", " ").replace("\u00a0", " ")


def _export(client) -> dict[str, str]:  # noqa: ANN001
    """Ask for the export of the open "Mes données" page; the ZIP's files by name."""
    response = client.post("/mes-donnees/export/")
    download = re.search(r'href="(/mes-donnees/export/[^"]+/)"', response.content.decode()).group(1)
    archive = client.get(download)
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as zipped:
        return {name: zipped.read(name).decode() for name in zipped.namelist()}
