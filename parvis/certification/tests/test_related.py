"""Snippets and pages that certified pages display change only by moderated publication, and
publishing them re-certifies every live page that shows them."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from parvis.certification.models import LogEntry
from parvis.certification.related import RELATED_REASON
from parvis.certification.selectors import page_entry_latest
from parvis.content.models import FichePage, Service
from parvis.core.roles import EDITORS, MODERATORS

pytestmark = pytest.mark.django_db
PREMIUM = "08 99 12 34 56"


def _user(django_user_model, group: str):
    user = django_user_model.objects.create_user(username=f"u-{group}", password="x")
    user.groups.add(Group.objects.get(name=group))
    return user


def _service_shown_on_a_live_fiche() -> tuple[Service, FichePage]:
    fiche = FichePage.objects.live().filter(service__isnull=False).order_by("pk").first()
    return fiche.service, fiche


def _form(service: Service, **changes: str) -> dict[str, str]:
    data = {
        "name": service.name,
        "slug": service.slug,
        "description": service.description,
        "email": service.email,
        "phone": service.phone,
    }
    return {**data, **changes}


def _signed_phone(fiche: FichePage) -> str:
    statement = json.loads(bytes(page_entry_latest(page_id=fiche.pk).statement))
    service = next(item for item in statement["related"] if item["name"] == "service")
    return next(f["value"] for f in service["value"]["fields"] if f["name"] == "phone")


def test_an_editor_cannot_change_a_service_live(client, django_user_model):
    """An Éditeur's change to a Service's phone is a draft: the certified Fiche, its statement
    and the log are unchanged, and e-mails still go to the published address."""
    service, fiche = _service_shown_on_a_live_fiche()
    old_phone, size = service.phone, LogEntry.objects.count()
    client.force_login(_user(django_user_model, EDITORS))
    url = reverse("wagtailsnippets_content_service:edit", args=[service.pk])
    response = client.post(url, _form(service, phone=PREMIUM, email="pirate@example.org"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.phone == old_phone and service.live and service.has_unpublished_changes
    assert LogEntry.objects.count() == size
    assert PREMIUM not in client.get(fiche.url).content.decode()
    assert _signed_phone(fiche) == old_phone
    # Publishing is refused to an Éditeur
    client.post(url, {**_form(service, phone=PREMIUM), "action-publish": "action-publish"})
    service.refresh_from_db()
    assert service.phone == old_phone and LogEntry.objects.count() == size


def test_publishing_a_service_recertifies_every_live_page_that_shows_it(client, django_user_model):
    """A Modérateur publishes: the new phone is live, and every live Fiche showing the service
    gets a new signed statement with it, reason "mise à jour d'une information liée"."""
    service, fiche = _service_shown_on_a_live_fiche()
    showing = set(FichePage.objects.live().filter(service=service).values_list("pk", flat=True))
    size = LogEntry.objects.count()
    client.force_login(_user(django_user_model, MODERATORS))
    url = reverse("wagtailsnippets_content_service:edit", args=[service.pk])
    response = client.post(url, {**_form(service, phone=PREMIUM), "action-publish": "publish"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.phone == PREMIUM and not service.has_unpublished_changes
    new = LogEntry.objects.filter(index__gte=size)
    assert {int(entry.subject.split(":")[1]) for entry in new} == showing
    for entry in new:
        assert json.loads(bytes(entry.statement))["reason"] == RELATED_REASON
    assert _signed_phone(fiche) == PREMIUM


def test_publishing_a_lieu_recertifies_the_fiches_that_list_it(publish_fiche):
    """A Fiche shows its places' hours: a new Lieu revision re-signs the Fiche too."""
    from parvis.content.models import FichePlace, LieuPage

    lieu = LieuPage.objects.live().first()
    fiche = publish_fiche(places=[FichePlace(lieu=lieu)])
    lieu.street = "3 rue Nouvelle"
    lieu.save_revision().publish()
    statement = json.loads(bytes(page_entry_latest(page_id=fiche.pk).statement))
    assert statement["reason"] == RELATED_REASON
    place = statement["related"][0]["value"][0]["related"][0]["value"]
    assert {f["name"]: f["value"] for f in place["fields"]}["street"] == "3 rue Nouvelle"


def test_snippet_roles_editors_draft_and_moderators_publish():
    editors, moderators = Group.objects.get(name=EDITORS), Group.objects.get(name=MODERATORS)
    for model in ("service", "theme", "quartier", "audience"):
        assert not editors.permissions.filter(codename=f"publish_{model}").exists()
        assert moderators.permissions.filter(codename=f"publish_{model}").exists()
