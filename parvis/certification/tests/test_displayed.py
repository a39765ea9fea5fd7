"""A certified page's statement covers every value the page displays, related objects included."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models
from modelcluster.models import get_all_child_relations
from wagtail.models import Page

from parvis.certification.models import LogEntry
from parvis.certification.selectors import page_entry_latest

pytestmark = pytest.mark.django_db


def _statement(page: Page) -> dict:
    return json.loads(bytes(page_entry_latest(page_id=page.pk).statement))


def _related(statement: dict, name: str) -> dict:
    return next(item for item in statement["related"] if item["name"] == name)


def _values(entry: dict) -> dict:
    return {field["name"]: field["value"] for field in entry["fields"]}


def _fiche_with_service_and_place():
    from parvis.content.models import FichePage

    for fiche in FichePage.objects.live().filter(service__isnull=False):
        if fiche.lieux and fiche.lieux[0].opening_rules.exists():
            return fiche
    raise AssertionError("the demo has a Fiche with a service and a place with hours")


def test_a_fiche_statement_signs_its_service_contact_places_hours_and_terms():
    """Service phone and e-mail, the places' addresses and hours, themes: all in the signature."""
    fiche = _fiche_with_service_and_place()
    fiche.save_revision().publish()
    statement = _statement(fiche)
    service = _values(_related(statement, "service")["value"])
    assert service["phone"] == fiche.service.phone and service["email"] == fiche.service.email
    places = {
        item["related"][0]["value"]["id"]: item["related"][0]["value"]
        for item in _related(statement, "places")["value"]
    }
    lieu = fiche.lieux[0]
    place = places[lieu.pk]
    assert _values(place)["street"] == lieu.street
    rules = next(r for r in place["related"] if r["name"] == "opening_rules")["value"]
    first = lieu.opening_rules.first()
    assert _values(rules[0]) == {
        "weekday": first.weekday,
        "opens": first.opens.isoformat(),
        "closes": first.closes.isoformat(),
    }
    assert isinstance(_values(rules[0])["weekday"], int)
    themes = [_values(t)["name"] for t in _related(statement, "themes")["value"]]
    assert themes == [theme.name for theme in fiche.themes.all()]
    fields = {field["name"]: field for field in statement["fields"]}
    assert fields["last_reviewed"]["value"] == fiche.last_reviewed.isoformat()
    assert fields["service"] == {
        "name": "service",
        "kind": "ref",
        "value": fiche.service.pk,
        "text": fiche.service.name,
    }


def test_a_lieu_statement_signs_coordinates_as_strings_kind_and_quartier():
    """Decimals are strings (never floats), choices carry their French label."""
    from parvis.content.models import LieuPage

    lieu = LieuPage.objects.live().filter(latitude__isnull=False, quartier__isnull=False).first()
    lieu.save_revision().publish()
    statement = _statement(lieu)
    fields = {field["name"]: field for field in statement["fields"]}
    assert fields["latitude"]["value"] == str(lieu.latitude)
    assert fields["kind"]["value"] == lieu.kind
    assert fields["kind"]["text"] == str(dict(LieuPage._meta.get_field("kind").choices)[lieu.kind])
    assert fields["closed_on_public_holidays"]["value"] is lieu.closed_on_public_holidays
    assert _values(_related(statement, "quartier")["value"])["name"] == lieu.quartier.name
    assert "float" not in {type(v).__name__ for v in _values({"fields": statement["fields"]})}


def test_a_parcours_statement_signs_its_steps_and_the_answers_they_show():
    from parvis.content.models import ParcoursPage

    parcours = ParcoursPage.objects.live().first()
    parcours.save_revision().publish()
    steps = _related(_statement(parcours), "parcours_steps")["value"]
    assert [_values(step)["title"] for step in steps] == [
        step.title for step in parcours.parcours_steps.all()
    ]
    shown = next(step for step in parcours.parcours_steps.all() if step.fiche and step.fiche.live)
    fiche = next(s for s in steps if s["id"] == shown.pk)["related"][0]["value"]
    assert _values(fiche)["short_answer"] == shown.fiche.short_answer


def _page_models() -> list[type[Page]]:
    return [
        model
        for model in apps.get_app_config("content").get_models()
        if issubclass(model, Page) and model is not Page
    ]


def test_every_relation_of_every_page_type_is_declared_as_displayed():
    """A new relation (snippet, inline objects, tags) cannot be forgotten by the signature:
    each page type's ``certified_display`` names every relation of its own model."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    media = {get_image_model(), get_document_model()}
    missing = []
    for model in _page_models():
        declared = {name for name, _spec in getattr(model, "certified_display", ())}
        relations = [
            field.name
            for field in model._meta.get_fields(include_parents=False)
            if field.concrete
            and field.is_relation
            and not field.remote_field.parent_link
            and field.related_model not in media
        ]
        relations += [
            relation.get_accessor_name()
            for relation in get_all_child_relations(model)
            if relation.field.remote_field.model is model
        ]
        missing += [f"{model.__name__}.{name}" for name in relations if name not in declared]
    assert missing == []


def test_every_non_empty_own_field_of_every_demo_page_is_signed():
    """Walk every live page of the demo: each own non-empty field value is in its statement."""
    checked = 0
    for page in Page.objects.live().filter(depth__gt=1).specific():
        entry = page_entry_latest(page_id=page.pk)
        assert entry is not None and entry.kind == LogEntry.Kind.PUBLICATION
        statement = json.loads(bytes(entry.statement))
        signed = {field["name"] for field in statement["fields"]}
        for field in type(page)._meta.concrete_fields:
            if field.model is Page or isinstance(field, models.OneToOneField):
                continue
            if getattr(page, field.attname) not in (None, ""):
                assert field.name in signed, f"{type(page).__name__}.{field.name}"
                checked += 1
    assert checked > 100
