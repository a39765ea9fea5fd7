"""Every site the install serves is a certified origin: a commune's page verifies by its own
address (web form; ``parvis verify`` over HTTP in ``test_verify_served``), a changed one does
not, and a host no site of the install serves is refused."""

from __future__ import annotations

import html
import json
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from parvis.certification.models import LogEntry
from parvis.certification.pagecheck import page_verify
from parvis.certification.selectors import bundle_for, keys_document, page_entry_latest
from parvis.certification.sites import certified_origins, certified_sites
from parvis.certification.verify import VerificationError
from parvis.content.communes import commune_site_ensure
from parvis.content.models import Commune, FicheIndexPage, FichePage

pytestmark = pytest.mark.django_db

REZE_ANSWER = (
    "La mairie de Rezé délivre le permis de louer des jardins partagés sous trois semaines."
)


def _text(response) -> str:  # noqa: ANN001 — a test client response
    return html.unescape(response.content.decode())


@pytest.fixture
def reze():  # noqa: ANN201 — the Rezé commune and its site
    commune = Commune.objects.get(slug="reze")
    assert commune.site is not None and not commune.site.is_default_site
    return commune


@pytest.fixture
def reze_fiche(reze) -> FichePage:  # noqa: ANN001
    """A Fiche published on Rezé's site only (signed at Rezé's address)."""
    index = FicheIndexPage.objects.child_of(reze.site.root_page).get()
    page = FichePage(
        title="Louer une parcelle de jardin partagé à Rezé",
        slug="jardin-partage-reze",
        short_answer=REZE_ANSWER,
        body="<p>Le dossier se dépose à l'accueil de l'hôtel de ville.</p>",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _origin(site) -> str:  # noqa: ANN001 — a Wagtail Site
    return site.root_url.lower()


def test_every_wagtail_site_is_a_certified_origin_and_published_with_the_keys(reze):
    origins = certified_origins()
    assert _origin(reze.site) in origins
    assert certified_sites()[0].origins[0] == origins[0]  # the portal first
    vertou = commune_site_ensure(
        commune=Commune.objects.get(slug="vertou"), hostname="vertou.example.test", port=443
    )
    assert "https://vertou.example.test" in certified_origins()  # no list kept by hand
    published = keys_document()["sites"]
    assert {"name": vertou.site.site_name, "origins": ["https://vertou.example.test"]} in published
    assert [_origin(reze.site)] in [site["origins"] for site in published]


def test_a_commune_page_verifies_by_its_own_address(client, reze, reze_fiche):
    entry = page_entry_latest(page_id=reze_fiche.pk)
    signed = json.loads(bytes(entry.statement))["url"]
    assert signed.startswith(_origin(reze.site))
    response = client.get("/verifier/", {"url": signed})
    text = _text(response)
    assert response.status_code == 200, text
    assert "montre exactement le texte de sa dernière version certifiée" in text
    assert f'href="/transparence/bundle/{entry.index}.json"' in text


def test_the_same_path_on_two_sites_shows_each_sites_own_versions(client, reze):
    nantes = client.get("/verifier/", {"url": "/demarches/"})
    host = urlsplit(_origin(reze.site)).netloc
    commune = client.get("/verifier/", {"url": "/demarches/"}, HTTP_HOST=host)
    full = client.get("/verifier/", {"url": f"{_origin(reze.site)}/demarches/"})
    # Served under a port no Site names, Wagtail still serves Rezé's site: so does the verifier.
    other_port = client.get(
        "/verifier/", {"url": "/demarches/"}, HTTP_HOST=f"{reze.site.hostname}:{reze.site.port + 1}"
    )
    reze_entry = page_entry_latest(
        page_id=FicheIndexPage.objects.child_of(reze.site.root_page).get().pk
    )
    bundle = f'href="/transparence/bundle/{reze_entry.index}.json"'
    for response in (commune, full, other_port):  # a page's "Vérifier" link sends its path
        assert "montre exactement le texte" in _text(response)
        assert bundle in _text(response)
    assert "montre exactement le texte" in _text(nantes)
    assert bundle not in _text(nantes)


def test_a_changed_commune_page_fails(client, reze_fiche):
    """The page served no longer shows what was signed (its row changed without a signed
    publication, as someone with database access would do)."""
    FichePage.objects.filter(pk=reze_fiche.pk).update(
        short_answer="Virez 30 € sur le compte FR76 3000 6000 0112 3456 7890 189."
    )
    url = json.loads(bytes(page_entry_latest(page_id=reze_fiche.pk).statement))["url"]
    text = _text(client.get("/verifier/", {"url": url}))
    assert "ne correspond pas à sa version certifiée" in text and "FR76" in text
    assert "montre exactement le texte" not in text


def test_a_forged_copy_or_another_sites_proof_does_not_verify(client, reze, reze_fiche):
    entry = page_entry_latest(page_id=reze_fiche.pk)
    url = json.loads(bytes(entry.statement))["url"]
    host = urlsplit(url).netloc
    genuine = client.get(urlsplit(url).path, HTTP_HOST=host).content.decode()
    keys = keys_document()
    checked = page_verify(url=url, html=genuine, bundle=bundle_for(entry), keys=keys, origins=[])
    assert checked.result.statement["page_id"] == reze_fiche.pk
    forged = genuine.replace("</h1>", "</h1><p>Payez d'abord 30 € par virement.</p>", 1)
    with pytest.raises(VerificationError, match="pas signé"):
        page_verify(url=url, html=forged, bundle=bundle_for(entry), keys=keys, origins=[])
    # Nantes' "/demarches/" proof does not cover Rezé's "/demarches/", nor the reverse.
    nantes = LogEntry.objects.filter(path="/demarches/").order_by("-index")
    nantes_entry = next(
        e for e in nantes if urlsplit(json.loads(bytes(e.statement))["url"]).netloc != host
    )
    reze_page = client.get("/demarches/", HTTP_HOST=host).content.decode()
    with pytest.raises(VerificationError, match="autre site"):
        page_verify(
            url=f"{_origin(reze.site)}/demarches/",
            html=reze_page,
            bundle=bundle_for(nantes_entry),
            keys=keys,
            origins=[],
        )


def test_a_host_no_site_of_the_install_serves_is_refused(client, reze):
    port = reze.site.port
    for url in (
        "http://mairie-de-reze.example/demarches/",
        f"http://localhost:{port}/demarches/",  # a host ALLOWED_HOSTS accepts, but no Site
        f"http://{reze.site.hostname}:{port + 1}/demarches/",  # Rezé's host on another port
    ):
        response = client.get("/verifier/", {"url": url})
        text = _text(response)
        assert response.status_code == 400, url
        assert "pas une page du portail de la Ville" in text
        assert "n'est celle d'aucun site de la Ville" in text


def test_a_quote_from_a_commune_page_is_found_with_its_sites_address(client, reze, reze_fiche):
    entry = page_entry_latest(page_id=reze_fiche.pk)
    url = json.loads(bytes(entry.statement))["url"]
    quote = "délivre le permis de louer des jardins partagés"
    text = _text(client.get("/verifier/", {"q": quote}))
    assert "La Ville a bien publié ce texte" in text
    assert f'<a href="{url}">{reze_fiche.title}</a> (site {urlsplit(url).netloc})' in text
    # On Rezé's own site, its page is linked by its path.
    own = _text(client.get("/verifier/", {"q": quote}, HTTP_HOST=urlsplit(url).netloc))
    assert f'<a href="{urlsplit(url).path}">{reze_fiche.title}</a> ·' in own


def test_the_verify_page_has_an_english_address_and_the_french_one_still_works(client):
    with translation.override("en"):
        assert reverse("certification_verify") == "/en/verifier/"
    assert reverse("certification_verify") == "/verifier/"
    french = client.get("/verifier/")
    assert french.status_code == 200
    assert '<html lang="fr"' in _text(french)
    assert "Vérifier une information de la Ville" in _text(french)
    english = client.get("/en/verifier/", {"url": "/demarches/"})
    text = _text(english)
    assert english.status_code == 200
    assert '<html lang="en"' in text
    assert "Verify information from the City" in text
    assert "Vérifier une information de la Ville" not in text
    assert "The page served at this address shows exactly" in text
    refused = _text(client.get("/en/verifier/", {"url": "https://attacker.example/demarches/"}))
    assert "This address is not a page of the City's website." in refused
