"""Residents propose groups, the proposer confirms, moderators publish, the contact updates."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.core import signing

from parvis.answers.selectors import answer_query
from parvis.answers.sources import source_refresh
from parvis.core.models import AddressConfirmation, OutboxMessage
from parvis.core.notifications import address_confirm, confirmation_url
from parvis.core.roles import MODERATORS
from parvis.networks.models import Group
from parvis.networks.services import group_edit_url

pytestmark = pytest.mark.django_db


def _proposal(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Étoile sportive du Vieux-Doulon",
        "kind": "association",
        "description": "Club de foot de quartier : entraînements pour les 6-15 ans le mercredi.",
        "join_url": "https://esvd.example/inscriptions",
        "quartiers": [],
        "themes": [],
        "feeds": "",
        "contact_email": "bureau@esvd.example",
    }
    data.update(overrides)
    return data


@pytest.fixture
def moderator() -> User:
    user = User.objects.create_user("moderatrice", "mod@ville.example", "x")
    user.groups.add(Role.objects.get(name=MODERATORS))
    return user


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_a_proposal_is_stored_unpublished_and_asks_for_confirmation(client, doulon, sport) -> None:
    data = _proposal(
        quartiers=[doulon.pk], themes=[sport.pk], feeds="https://esvd.example/agenda.ics"
    )
    response = client.post("/groupes/proposer/", data)
    assert response.status_code == 302 and response["Location"] == "/groupes/proposer/merci/"
    group = Group.objects.get()
    assert group.status == Group.Status.PROPOSED
    assert list(group.feeds.values_list("url", "kind")) == [
        ("https://esvd.example/agenda.ics", "ical")
    ]
    # One confirmation email; the acknowledgement waits for it.
    assert (
        OutboxMessage.objects.filter(topic="confirmation", recipient="bureau@esvd.example").count()
        == 1
    )
    held = OutboxMessage.objects.get(topic="networks")
    assert held.status == OutboxMessage.Status.HELD
    # Nothing public before moderation.
    assert client.get(f"/groupes/{group.slug}/").status_code == 404
    assert group.name not in client.get("/groupes/").content.decode()


@pytest.mark.parametrize(
    "feed",
    [
        "http://127.0.0.1:8000/admin/",
        "http://[::1]/x.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/agenda.ics",
        "http://localhost/agenda.ics",
        "file:///etc/passwd",
    ],
)
def test_a_feed_aimed_inside_is_refused_with_a_message(client, settings, feed: str) -> None:
    settings.PARVIS_FETCH_ALLOW_LOOPBACK = False
    response = client.post("/groupes/proposer/", _proposal(feeds=feed))
    assert response.status_code == 400
    assert "refusé" in response.content.decode() or "valable" in response.content.decode()
    assert not Group.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"join_url": "javascript:alert(1)"},
        {"contact_email": "pas-une-adresse"},
        {"kind": "secte"},
        {"description": "x" * 2001},
        {"feeds": "\n".join(f"https://f{n}.example/a.ics" for n in range(6))},
        {"name": "nul\x00"},
    ],
)
def test_bad_input_is_a_form_message_never_a_500(client, overrides: dict[str, str]) -> None:
    response = client.post("/groupes/proposer/", _proposal(**overrides))
    assert response.status_code == 400
    assert "erreurs" in response.content.decode()
    assert not Group.objects.exists()


def test_the_form_page_renders_with_the_taxonomy(client) -> None:
    page = client.get("/groupes/proposer/").content.decode()
    assert "Doulon – Bottière" in page and 'name="contact_email"' in page


def test_a_proposal_is_published_only_after_confirmation_and_moderation(
    client, moderator: User
) -> None:
    client.post("/groupes/proposer/", _proposal())
    group = Group.objects.get()
    client.force_login(moderator)
    response = client.post(f"/admin/groupes/{group.pk}/approve/", follow=True)
    assert "pas encore confirmé" in response.content.decode()
    assert Group.objects.get().status == Group.Status.PROPOSED

    confirmation = AddressConfirmation.objects.get(subject=group.confirmation_subject)
    address_confirm(token=_token(confirmation_url(confirmation)))
    assert OutboxMessage.objects.get(topic="networks").status == OutboxMessage.Status.PENDING
    listing = client.get("/admin/groupes/").content.decode()
    assert group.name in listing
    client.post(f"/admin/groupes/{group.pk}/approve/")
    group.refresh_from_db()
    assert group.status == Group.Status.APPROVED and group.moderated_by == moderator
    client.logout()
    page = client.get(f"/groupes/{group.slug}/").content.decode()
    assert group.name in page and '"@type": "Organization"' in page
    assert "bureau@esvd.example" not in page  # the contact address is never shown
    assert group.name in client.get("/groupes/").content.decode()
    published = OutboxMessage.objects.filter(topic="networks").latest("pk")
    assert "publié" in published.subject


def test_only_moderators_reach_the_back_office_screens(client) -> None:
    user = User.objects.create_user("editeur", "e@ville.example", "x", is_staff=True)
    client.force_login(user)
    for path in ("/admin/groupes/", "/admin/groupes/flux/", "/admin/groupes/evenements/"):
        assert client.get(path).status_code in (302, 403)


def test_a_rejected_group_stays_private(client, make_group, moderator: User) -> None:
    group = make_group(status=Group.Status.PROPOSED)
    client.force_login(moderator)
    client.post(f"/admin/groupes/{group.pk}/reject/", {"note": "Entreprise commerciale"})
    group.refresh_from_db()
    assert group.status == Group.Status.REJECTED
    client.logout()
    assert client.get(f"/groupes/{group.slug}/").status_code == 404


def test_the_contact_updates_the_group_through_a_link_used_once(client, make_group) -> None:
    group = make_group(name="Jardin partagé des Bourderies")
    # A stranger's address gets nothing; the answer is the same.
    wrong = client.post(f"/groupes/{group.slug}/lien-de-modification/", {"email": "x@y.example"})
    right = client.post(
        f"/groupes/{group.slug}/lien-de-modification/", {"email": group.contact_email.upper()}
    )
    assert wrong.status_code == right.status_code == 200
    assert wrong.content == right.content
    [message] = OutboxMessage.objects.filter(topic="networks", recipient=group.contact_email)
    url = re.search(r"https?://\S+/groupes/modifier/\S+/", message.body_text).group(0)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    form = client.get(path)
    assert form.status_code == 200 and form["Cache-Control"] == "no-store"
    assert "Jardin partagé des Bourderies" in form.content.decode()
    response = client.post(
        path,
        {
            "name": "Jardin partagé des Bourderies",
            "kind": "collectif",
            "description": "Un jardin partagé ouvert le samedi matin.",
            "join_url": "https://bourderies.example/",
            "quartiers": [],
            "themes": [],
            "feeds": "https://bourderies.example/feed.rss",
        },
    )
    assert response.status_code == 200 and "mise à jour" in response.content.decode()
    group.refresh_from_db()
    assert group.kind == "collectif" and group.status == Group.Status.APPROVED
    assert list(group.feeds.values_list("kind", flat=True)) == ["rss"]
    # The link is spent once used.
    again = client.get(path)
    assert again.status_code == 400 and "déjà servi" in again.content.decode()


def test_an_altered_or_expired_update_link_changes_nothing(client, make_group, settings) -> None:
    group = make_group()
    path = "/" + group_edit_url(group).split("://", 1)[1].split("/", 1)[1]
    assert client.get(path[:-5] + "xxxx/").status_code == 400
    settings.PARVIS_NETWORKS_EDIT_LINK_DAYS = -1
    assert client.get(path).status_code == 400
    forged = signing.dumps({"g": group.pk, "v": group.updated_at.isoformat()}, salt="other")
    assert client.get(f"/groupes/modifier/{forged}/").status_code == 400


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("club de foot Doulon", "Étoile sportive du Vieux-Doulon"),
        ("jardin partagé Bellevue", "Jardin partagé des Bourderies"),
    ],
)
def test_the_answer_engine_answers_with_groups(make_group, query: str, name: str) -> None:
    from parvis.content.models import Quartier

    make_group(
        name="Étoile sportive du Vieux-Doulon",
        description="Club de foot du quartier de Doulon : entraînements des 6-15 ans.",
    )
    jardin = make_group(
        name="Jardin partagé des Bourderies",
        kind=Group.Kind.COLLECTIF,
        description="Un jardin partagé cultivé par les habitants, ouvert le samedi matin.",
    )
    jardin.quartiers.set([Quartier.objects.get(slug="bellevue-chantenay-sainte-anne")])
    make_group(name="Chorale du Breil", description="On chante le jeudi soir.")
    source_refresh("groupe")
    results = answer_query(query=query).results
    assert results and results[0].title == name and results[0].type == "groupe"


def test_an_approved_group_is_indexed_after_the_commit(
    client, make_group, moderator, django_capture_on_commit_callbacks
) -> None:
    group = make_group(
        name="Les Fourmis de la Bottière",
        description="Collectif d'entraide entre voisins de la Bottière.",
        status=Group.Status.PROPOSED,
    )
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/groupes/{group.pk}/approve/")
    assert answer_query(query="fourmis bottière").results[0].title == group.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/groupes/{group.pk}/reject/")
    assert not any(r.title == group.name for r in answer_query(query="fourmis bottière").results)


def test_directory_pages_by_quartier_and_theme_with_empty_states(client, make_group) -> None:
    group = make_group(name="Pétanque de la Halvêque")
    assert group.name in client.get("/groupes/quartier/doulon-bottiere/").content.decode()
    assert group.name in client.get("/groupes/theme/sport/").content.decode()
    empty = client.get("/groupes/quartier/nantes-sud/").content.decode()
    assert "Aucun groupe n'est encore signalé ici" in empty
    assert client.get("/groupes/quartier/inconnu/").status_code == 404
    assert "Aucun groupe ne correspond" in client.get("/groupes/?q=zzzz").content.decode()
    for n in range(25):
        make_group(name=f"Groupe {n:02d}")
    page2 = client.get("/groupes/?page=2").content.decode()
    assert "Page 2 sur 2" in page2


def test_plain_text_emails_carry_apostrophes_and_ampersands_as_typed(client, doulon) -> None:
    # Plain-text emails are not HTML: "L'Atelier & Co" must not arrive as "L&#x27;Atelier &amp; Co".
    client.post("/groupes/proposer/", _proposal(name="L'Atelier & Co", quartiers=[doulon.pk]))
    held = OutboxMessage.objects.get(topic="networks")
    assert "« L'Atelier & Co »" in held.subject
    assert "« L'Atelier & Co »" in held.body_text
    assert "&#x27;" not in held.body_text and "&amp;" not in held.body_text
    confirmation = OutboxMessage.objects.get(topic="confirmation")
    assert "« L'Atelier & Co »" in confirmation.body_text
