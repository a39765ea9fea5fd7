"""The whole métropole: 24 communes as data, a site per commune with its own editors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from wagtail.models import Site

from parvis.content.communes import commune_editors_name, commune_site_ensure, metropole_home
from parvis.content.geography import Position, commune_at, quartier_at, zone_for
from parvis.content.models import Commune, FichePage, LieuPage

pytestmark = pytest.mark.django_db


def test_the_24_communes_of_the_metropole_are_seeded_with_their_insee_codes():
    codes = dict(Commune.objects.values_list("slug", "insee_code"))
    assert len(codes) == 24
    assert codes["nantes"] == "44109"
    assert codes["reze"] == "44143"
    assert codes["saint-herblain"] == "44162"
    assert codes["orvault"] == "44114"
    assert codes["vertou"] == "44215"


def test_a_second_communes_site_has_its_own_home_and_editors(client):
    reze = Commune.objects.get(slug="reze")
    assert reze.site is not None and not reze.site.is_default_site
    home = reze.site.root_page.specific
    assert home.pk != metropole_home().pk
    editor = User.objects.create_user("editeur-reze")
    editor.groups.add(_group(reze))
    town_hall = LieuPage.objects.get(slug="hotel-de-ville-reze")
    assert town_hall.get_site().pk == reze.site.pk
    assert town_hall.permissions_for_user(editor).can_edit()
    assert home.permissions_for_user(editor).can_add_subpage()
    # An editor of Rezé cannot edit Nantes pages.
    assert not metropole_home().permissions_for_user(editor).can_edit()
    nantes_fiche = FichePage.objects.get(slug="refaire-carte-identite")
    assert not nantes_fiche.permissions_for_user(editor).can_edit()
    # The site answers on its own host name with its own home.
    response = client.get("/", HTTP_HOST=f"{reze.site.hostname}:{reze.site.port}")
    assert response.status_code == 200
    assert "Ville de Rezé" in response.content.decode()


def _group(commune):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=commune_editors_name(commune))


def test_an_administrator_creates_the_site_of_another_commune():
    call_command("commune_site", "44215", hostname="vertou.example.test")
    vertou = Commune.objects.get(slug="vertou")
    assert vertou.site.hostname == "vertou.example.test"
    assert vertou.site.root_page.title == "Ville de Vertou"
    again = commune_site_ensure(commune=vertou)
    assert not again.created and again.site.pk == vertou.site.pk
    assert Site.objects.filter(root_page=vertou.site.root_page).count() == 1


def test_positions_fall_in_their_commune_quartier_and_zone():
    assert commune_at(Position(47.1906, -1.5697)).slug == "reze"
    assert commune_at(Position(47.2185, -1.5536)).slug == "nantes"
    assert commune_at(Position(48.85, 2.35)) is None
    assert quartier_at(Position(47.2180, -1.5520)).slug == "centre-ville"
    zone = zone_for(zone_set="collecte", street="Rue de Strasbourg")
    assert zone.values["jaune"] == "le mardi matin"
    by_outline = zone_for(
        zone_set="collecte", street="rue inconnue", position=Position(47.18, -1.56)
    )
    assert by_outline.name == "Rezé"
    assert zone_for(zone_set="collecte", street="rue inconnue") is None


def test_a_fiche_fills_its_per_address_answer_with_the_zone_values():
    fiche = FichePage.objects.get(slug="jour-de-collecte")
    assert fiche.needs_address
    text = fiche.answer_for_zone({"jaune": "le mardi matin", "bleu": "le lundi matin"})
    assert text.startswith("bac jaune le mardi matin, bac bleu le lundi matin")
    assert "?" in fiche.answer_for_zone({})


def test_zones_are_imported_from_geojson_and_from_street_lists(tmp_path):
    from django.core.management import CommandError

    from parvis.content.models import Zone

    geo = tmp_path / "secteurs.geojson"
    geo.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"name": "Nord", "jaune": "le lundi"}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[-1.6, 47.25], [-1.5, 47.25], [-1.5, 47.3], [-1.6, 47.3], [-1.6, 47.25]]]}}]}",
        encoding="utf-8",
    )
    call_command("import_zones", "essai", str(geo))
    assert zone_for(zone_set="essai", position=Position(47.27, -1.55)).values == {
        "jaune": "le lundi"
    }
    streets = tmp_path / "rues.csv"
    streets.write_text("zone;rue;jaune\nSud;rue des Lilas;le jeudi\nSud;rue des Roses;\n")
    call_command("import_zones", "essai", str(streets))
    assert zone_for(zone_set="essai", street="Rue des roses").values == {"jaune": "le jeudi"}
    assert Zone.objects.filter(zone_set="essai").count() == 2
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"properties": {"name": "X"}}]}')
    with pytest.raises(CommandError, match="Polygon"):
        call_command("import_zones", "essai", str(bad))
