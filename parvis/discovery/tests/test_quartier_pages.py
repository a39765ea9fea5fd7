"""Quartier pages: one per quartier, assembled from every app's blocks, with a server-drawn map."""

import re

import pytest
from django.test import RequestFactory

from parvis.content.models import LieuPage, Quartier
from parvis.discovery.blocks import QuartierBlock, blocks, blocks_render

pytestmark = pytest.mark.django_db


def test_every_demo_quartier_has_a_page_a_newcomer_can_use(client):
    """Each quartier page shows its story, first steps, its places on a map and a discovery list."""
    for quartier in Quartier.objects.all():
        response = client.get(f"/quartiers/{quartier.slug}/")
        html = response.content.decode()
        assert response.status_code == 200, quartier.slug
        assert f'<h1 class="pv-title">{quartier.name}</h1>' in html.replace("&#x27;", "'")
        assert "Premiers pas" in html, quartier.slug
        assert "<svg" in html and "pv-map__area--current" in html, quartier.slug
        assert "À découvrir aussi" in html, quartier.slug
        for lieu in LieuPage.objects.live().filter(quartier=quartier):
            assert f'href="{lieu.url}"' in html, (quartier.slug, lieu.slug)


def test_map_markers_link_to_the_places_of_the_quartier(client):
    """Every marker of the SVG is a link to a place of the quartier, numbered like the list."""
    quartier = Quartier.objects.get(slug="centre-ville")
    html = client.get("/quartiers/centre-ville/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    marker_links = re.findall(r'<a href="([^"]+)" aria-label="(\d+)\. ', svg)
    urls = {lieu.url for lieu in LieuPage.objects.live().filter(quartier=quartier)}
    assert marker_links and {url for url, _ in marker_links} == urls
    assert [int(n) for _, n in marker_links] == list(range(1, len(marker_links) + 1))
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_quartier_index_links_every_quartier_and_draws_the_city(client):
    """/quartiers/ lists the eleven quartiers, each outline of the plan linking to its page."""
    html = client.get("/quartiers/").content.decode()
    for quartier in Quartier.objects.all():
        assert html.count(f'href="/quartiers/{quartier.slug}/"') >= 2, quartier.slug


def test_an_unknown_quartier_is_a_404(client):
    """A misspelt quartier address gives the site's 404 page, not an error."""
    assert client.get("/quartiers/nulle-part/").status_code == 404


def test_the_english_quartier_page_is_served_under_en(client):
    """/en/quartiers/<slug>/ renders the same page with the interface in English."""
    response = client.get("/en/quartiers/ile-de-nantes/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_blocks_come_from_every_app_that_declares_them():
    """The content blocks and the reports' outcomes block are found without being imported."""
    keys = [block.key for block in blocks()]
    assert {"discovery.places", "discovery.first_steps", "reports.outcomes"} <= set(keys)
    assert all(isinstance(block, QuartierBlock) for block in blocks())
    orders = [block.order for block in blocks()]
    assert orders == sorted(orders)


def test_a_block_with_nothing_to_say_adds_no_empty_heading():
    """A quartier without places, outline, stories or steps gets no empty section."""
    quartier = Quartier.objects.create(name="Quartier vide", slug="quartier-vide")
    request = RequestFactory().get("/quartiers/quartier-vide/")
    rendered = blocks_render(quartier=quartier, request=request)
    assert all("Les lieux du quartier" not in html for html in rendered)
    assert all("Premiers pas" not in html for html in rendered)


def test_city_projects_with_a_point_are_drawn_as_lettered_diamonds_with_a_legend(client):
    """A city project placed in the quartier is a dark lettered diamond on the map, a link to
    its page, told from the numbered places by its shape; the legend lists it by its letter.
    A project placed outside the quartier's outline is not drawn there."""
    from decimal import Decimal

    from parvis.content.models import CityProjectPage

    quartier = Quartier.objects.get(slug="centre-ville")
    placed = list(
        CityProjectPage.objects.live()
        .filter(quartiers=quartier, latitude__isnull=False)
        .order_by("title")
    )
    assert placed  # the demo places "Place de la Petite-Hollande" in the centre
    html = client.get("/quartiers/centre-ville/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    diamonds = re.findall(
        r'<a href="([^"]+)" aria-label="Projet ([A-Z]) : [^"]+" '
        r'class="pv-map__marker pv-map__marker--project">\s*<title>[^<]+</title>\s*'
        r"<polygon points=\"[^\"]+\"/>",
        svg,
    )
    assert [url for url, _ in diamonds] == [p.url for p in placed]
    assert [letter for _, letter in diamonds] == [chr(65 + i) for i in range(len(placed))]
    legend = html[html.index('class="pv-map__legend"') :].split("</div>", 1)[0]
    for (url, letter), project in zip(diamonds, placed, strict=True):
        assert f'<li>{letter}. <a href="{url}">{project.title}</a></li>' in legend
    # The same project moved outside the outline leaves the map and the legend.
    project = placed[0]
    project.latitude, project.longitude = Decimal("47.3"), Decimal("-1.4")  # north-east
    project.save_revision().publish()
    html = client.get("/quartiers/centre-ville/").content.decode()
    assert project.url not in html[html.index("<svg") : html.index("</svg>")]
    if len(placed) == 1:
        assert 'class="pv-map__legend"' not in html
