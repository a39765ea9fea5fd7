"""City projects: pages with a status and dates, on quartier pages, in the discovery feed and
found by the answer engine; their quartiers, place and image are signed with them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from parvis.content.models import CityProjectIndexPage, CityProjectPage, Quartier

pytestmark = pytest.mark.django_db


def _project(slug: str) -> CityProjectPage:
    return CityProjectPage.objects.live().get(slug=slug)


def test_the_demo_has_projects_in_every_state():
    projects = CityProjectPage.objects.live()
    assert projects.count() >= 3
    assert {p.status for p in projects} == {"planned", "in_progress", "done"}


def test_a_project_page_says_where_it_stands_and_links_its_place(client):
    project = _project("renovation-piscine-leo-lagrange")
    html = client.get(project.url).content.decode()
    assert "Terminé" in html and "De septembre 2023 à juin 2025" in html
    assert f'href="{project.place.url}"' in html
    assert f'href="{project.more_page.specific.url}"' in html


def test_the_index_filters_by_state_and_ignores_a_forged_filter(client):
    index = CityProjectIndexPage.objects.live().get()
    done = client.get(index.url, {"etat": "done"}).content.decode()
    assert "La piscine Léo-Lagrange rénovée" in done
    assert "Deux nouvelles lignes de tramway" not in done
    forged = client.get(index.url, {"etat": "<script>", "page": "999"})
    assert forged.status_code == 200
    assert "Deux nouvelles lignes de tramway" in forged.content.decode()


def test_a_quartier_page_shows_its_projects_under_way_first(client):
    html = client.get("/quartiers/ile-de-nantes/").content.decode()
    assert "Les projets de la ville" in html
    tram = _project("nouvelles-lignes-de-tramway")
    pool = _project("renovation-piscine-leo-lagrange")
    assert f'href="{tram.url}"' in html and f'href="{pool.url}"' in html
    assert html.index(tram.url) < html.index(pool.url)  # in progress before done


def test_a_quartier_without_projects_has_no_empty_heading(client):
    with_projects = CityProjectPage.objects.live().values("quartiers")
    quartier = Quartier.objects.exclude(pk__in=with_projects).first()
    html = client.get(f"/quartiers/{quartier.slug}/").content.decode()
    assert "Les projets de la ville" not in html


def test_the_answer_engine_and_the_feed_know_the_projects():
    from parvis.answers.selectors import answer_query
    from parvis.discovery.selectors import catalogue

    found = [r.id for r in answer_query(query="travaux du tramway").results[:5]]
    assert "projet:nouvelles-lignes-de-tramway" in found, found
    projects = [i for i in catalogue() if i.kind == "projet"]
    assert len(projects) == CityProjectPage.objects.live().count()
    assert all(i.quartiers and i.summary for i in projects)


def test_dates_in_the_wrong_order_or_half_a_point_are_form_errors():
    project = _project("place-de-la-petite-hollande")
    project.end_date = project.start_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "end_date" in error.value.message_dict
    project = _project("place-de-la-petite-hollande")
    project.latitude = None
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "longitude" in error.value.message_dict


def test_what_a_project_page_shows_of_other_objects_is_signed():
    """Its quartiers, themes, place and linked page are in its certified statement."""
    from parvis.certification.statements import page_related

    project = _project("grand-bellevue")
    related = {entry["name"]: entry for entry in page_related(project)}
    assert related["place"]["value"]["fields"][0]["text"] == project.place.title
    assert related["more_page"]["value"]["fields"][0]["text"] == project.more_page.title
    assert [q["fields"][0]["text"] for q in related["quartiers"]["value"]] == [
        q.name for q in project.quartiers.all()
    ]
