"""Loading the demo content (Nantes) from the TOML files in ``parvis/content/demo/``.

Idempotent: every object is keyed by its slug, so loading twice updates instead of duplicating.
Pages are published through revisions, exactly as an editor's publish, so every hook that
listens to publication (certification, search indexing) sees the demo content too.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Locale, Page, Site

from parvis.content.models import (
    ActualiteIndexPage,
    ActualitePage,
    Audience,
    CityProjectIndexPage,
    CityProjectPage,
    Commune,
    DoorLink,
    DoorPage,
    FicheIndexPage,
    FichePage,
    FichePlace,
    HomePage,
    LieuIndexPage,
    LieuPage,
    OpeningException,
    OpeningRule,
    ParcoursIndexPage,
    ParcoursPage,
    ParcoursStep,
    Quartier,
    RecitIndexPage,
    RecitPage,
    Service,
    StandardPage,
    Theme,
    Zone,
)

DEMO_DIR = Path(__file__).resolve().parent / "demo"
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
SECTIONS: list[tuple[type[Page], str, str, str]] = [
    (
        FicheIndexPage,
        "demarches",
        "Vos démarches",
        "Les réponses aux questions que vous posez le plus souvent à la Ville.",
    ),
    (
        ParcoursIndexPage,
        "parcours",
        "Parcours",
        "Les démarches d'un moment de vie, dans l'ordre où vous en aurez besoin.",
    ),
    (
        LieuIndexPage,
        "lieux",
        "Lieux et horaires",
        "Mairies, piscines, médiathèques, déchèteries : où aller et quand.",
    ),
    (
        RecitIndexPage,
        "decouvrir",
        "Découvrir Nantes",
        "Des histoires de quartiers, de lieux et de projets, pour mieux connaître la ville.",
    ),
    (ActualiteIndexPage, "actualites", "Actualités", "Ce qui se passe en ce moment à Nantes."),
    (
        CityProjectIndexPage,
        "projets",
        "Projets urbains",
        "Ce que la ville construit et transforme, quartier par quartier.",
    ),
]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated))
        return ", ".join(
            f"{kind}: {self.created.get(kind, 0)} créés, {self.updated.get(kind, 0)} mis à jour"
            for kind in kinds
        )


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def paragraphs_to_html(text: str) -> str:
    """Plain text with blank-line paragraphs → the rich-text HTML Wagtail stores."""
    blocks = [" ".join(part.split()) for part in text.strip().split("\n\n")]
    return "".join(f"<p>{escape(block)}</p>" for block in blocks if block)


def _coordinate(value: float | None) -> Decimal | None:
    """TOML floats → the 6-decimal Decimal the model stores (about 10 cm)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def _publish(page: Page, parent: Page, created: bool) -> Page:
    if created:
        parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _upsert_page(
    model: type[Page], parent: Page, slug: str, values: dict[str, Any]
) -> tuple[Page, bool]:
    page = model.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = model(slug=slug)
    for name, value in values.items():
        setattr(page, name, value)
    return page, created


def ensure_site() -> HomePage:
    """The site's root is a HomePage with the five section index pages under it."""
    Locale.objects.get_or_create(language_code="fr")
    Locale.objects.get_or_create(language_code="en")
    from parvis.content.communes import metropole_home

    home = metropole_home()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Ville de Nantes",
            slug="accueil",
            intro="Une question ? La Ville vous répond.",
            locale=Locale.objects.get(language_code="fr"),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    old_root = site.root_page if site.pk else None
    # Canonical URLs, the sitemap and signed statements use the site's public address.
    public = urlsplit(settings.BASE_URL)
    site.hostname = public.hostname or "localhost"
    site.port = public.port or (443 if public.scheme == "https" else 80)
    site.root_page = home
    site.site_name = settings.WAGTAIL_SITE_NAME
    site.save()
    if old_root is not None and old_root.pk != home.pk and not old_root.get_children().exists():
        old_root.delete()  # Wagtail's "Welcome" placeholder page
    for model, slug, title, intro in SECTIONS:
        page, created = _upsert_page(
            model, home, slug, {"title": title, "intro": intro, "show_in_menus": True}
        )
        if created:
            _publish(page, home, created)
    return home


def section(home: HomePage, model: type[Page]) -> Page:
    return model.objects.child_of(home).get()


def load_taxonomies(data: dict[str, Any], report: LoadReport) -> None:
    for key, model in (
        ("quartier", Quartier),
        ("audience", Audience),
        ("theme", Theme),
        ("service", Service),
    ):
        for item in data.get(key, []):
            values = {k: v for k, v in item.items() if k != "slug"}
            _obj, created = model.objects.update_or_create(slug=item["slug"], defaults=values)
            report.count(key, created)


def _by_slug(model: type[Any], slugs: Iterable[str]) -> list[Any]:
    return list(model.objects.filter(slug__in=list(slugs)))


def load_lieux(home: HomePage, data: dict[str, Any], report: LoadReport, update: bool) -> None:
    parent = section(home, LieuIndexPage)
    for item in data.get("lieu", []):
        page, created = _upsert_page(
            LieuPage,
            parent,
            item["slug"],
            {
                "title": item["title"],
                "kind": item["kind"],
                "description": item.get("description", ""),
                "street": item["street"],
                "postcode": item["postcode"],
                "city": item.get("city", "Nantes"),
                "commune": Commune.objects.filter(slug=item["commune"]).first()
                if item.get("commune")
                else Commune.objects.filter(name=item.get("city", "Nantes")).first(),
                "latitude": _coordinate(item.get("latitude")),
                "longitude": _coordinate(item.get("longitude")),
                "phone": item.get("phone", ""),
                "email": item.get("email", ""),
                "accessibility": item.get("accessibility", ""),
                "quartier": Quartier.objects.filter(slug=item.get("quartier", "")).first(),
                "closed_on_public_holidays": item.get("closed_on_public_holidays", True),
            },
        )
        if not (created or update):
            report.count("lieu", created=False)
            continue
        page.opening_rules = [
            OpeningRule(weekday=WEEKDAYS.index(day), opens=_time(a), closes=_time(b))
            for day, spans in item.get("hours", {}).items()
            for a, b in (span.split("-") for span in spans)
        ]
        page.opening_exceptions = [
            OpeningException(
                date=exc["date"],
                closed=exc.get("closed", True),
                opens=_time(exc["opens"]) if exc.get("opens") else None,
                closes=_time(exc["closes"]) if exc.get("closes") else None,
                label=exc.get("label", ""),
            )
            for exc in item.get("exceptions", [])
        ]
        _publish(page, parent, created)
        report.count("lieu", created)


def load_fiches(
    home: HomePage,
    data: dict[str, Any],
    report: LoadReport,
    update: bool,
    online: dict[str, str] | None = None,
) -> None:
    """Fiches of ``data``; ``online`` maps a Fiche's slug to its online procedure's address."""
    parent = section(home, FicheIndexPage)
    lieux = {p.slug: p for p in LieuPage.objects.all()}
    online = online or {}
    for item in data.get("fiche", []):
        page, created = _upsert_page(
            FichePage,
            parent,
            item["slug"],
            {
                "title": item["title"],
                "short_answer": item["short_answer"],
                "body": paragraphs_to_html(item.get("body", "")),
                "steps": [
                    ("step", {"title": s["title"], "detail": s.get("detail", "")})
                    for s in item.get("steps", [])
                ],
                "documents": [("document", d) for d in item.get("documents", [])],
                "cost": item.get("cost", ""),
                "delay": item.get("delay", ""),
                "alternative_questions": "\n".join(item.get("alternative_questions", [])),
                "service": Service.objects.filter(slug=item.get("service", "")).first(),
                "featured": item.get("featured", False),
                "zone_set": item.get("zone_set", ""),
                "zone_answer": item.get("zone_answer", ""),
                "online_procedure_url": item.get(
                    "online_procedure_url", online.get(item["slug"], "")
                ),
                "last_reviewed": item.get("last_reviewed", timezone.localdate()),
            },
        )
        if not (created or update):
            report.count("fiche", created=False)
            continue
        page.audiences = _by_slug(Audience, item.get("audiences", []))
        page.themes = _by_slug(Theme, item.get("themes", []))
        page.quartiers = _by_slug(Quartier, item.get("quartiers", []))
        page.communes = _by_slug(Commune, [item["commune"]] if item.get("commune") else [])
        page.places = [FichePlace(lieu=lieux[s]) for s in item.get("lieux", []) if s in lieux]
        _publish(page, parent, created)
        report.count("fiche", created)


def load_parcours(home: HomePage, data: dict[str, Any], report: LoadReport, update: bool) -> None:
    parent = section(home, ParcoursIndexPage)
    fiches = {p.slug: p for p in FichePage.objects.all()}
    for item in data.get("parcours", []):
        page, created = _upsert_page(
            ParcoursPage, parent, item["slug"], {"title": item["title"], "intro": item["intro"]}
        )
        if not (created or update):
            report.count("parcours", created=False)
            continue
        page.audiences = _by_slug(Audience, item.get("audiences", []))
        page.themes = _by_slug(Theme, item.get("themes", []))
        page.parcours_steps = [
            ParcoursStep(
                title=step["title"],
                context=step.get("context", ""),
                fiche=fiches.get(step.get("fiche", "")),
            )
            for step in item.get("steps", [])
        ]
        _publish(page, parent, created)
        report.count("parcours", created)


def _story_block(block: dict[str, Any]) -> tuple[str, Any]:
    if block["type"] == "quote":
        return ("quote", {"text": block["text"], "author": block.get("author", "")})
    if block["type"] == "paragraph":
        return ("paragraph", paragraphs_to_html(block["value"]))
    return ("heading", block["value"])


def load_recits(home: HomePage, data: dict[str, Any], report: LoadReport, update: bool) -> None:
    parent = section(home, RecitIndexPage)
    for item in data.get("recit", []):
        page, created = _upsert_page(
            RecitPage,
            parent,
            item["slug"],
            {
                "title": item["title"],
                "intro": item["intro"],
                "body": [_story_block(block) for block in item.get("body", [])],
            },
        )
        if not (created or update):
            report.count("recit", created=False)
            continue
        page.audiences = _by_slug(Audience, item.get("audiences", []))
        page.themes = _by_slug(Theme, item.get("themes", []))
        page.quartiers = _by_slug(Quartier, item.get("quartiers", []))
        _publish(page, parent, created)
        report.count("recit", created)


def load_actualites(home: HomePage, data: dict[str, Any], report: LoadReport, update: bool) -> None:
    parent = section(home, ActualiteIndexPage)
    for item in data.get("actualite", []):
        page, created = _upsert_page(
            ActualitePage,
            parent,
            item["slug"],
            {
                "title": item["title"],
                "date": item["date"],
                "intro": item["intro"],
                "body": paragraphs_to_html(item.get("body", "")),
            },
        )
        if not (created or update):
            report.count("actualite", created=False)
            continue
        page.themes = _by_slug(Theme, item.get("themes", []))
        page.quartiers = _by_slug(Quartier, item.get("quartiers", []))
        _publish(page, parent, created)
        report.count("actualite", created)


def load_standard_pages(
    home: HomePage, data: dict[str, Any], report: LoadReport, update: bool
) -> None:
    for item in data.get("page", []):
        page, created = _upsert_page(
            StandardPage,
            home,
            item["slug"],
            {"title": item["title"], "body": paragraphs_to_html(item["body"])},
        )
        if not (created or update):
            report.count("page", created=False)
            continue
        _publish(page, home, created)
        report.count("page", created)


def load_communes(data: dict[str, Any], report: LoadReport, update: bool) -> None:
    """Outlines, communal services, collection zones, and each demo commune's site with its
    town hall and communal Fiches."""
    from parvis.content.communes import commune_site_ensure, metropole_site_link

    metropole_site_link()
    for item in data.get("commune", []):
        commune = Commune.objects.get(slug=item["slug"])
        commune.outline = item.get("outline")
        commune.save(update_fields=["outline"])
    for item in data.get("quartier_outline", []):
        Quartier.objects.filter(slug=item["slug"]).update(outline=item["outline"])
    for item in data.get("service", []):
        values = {k: v for k, v in item.items() if k not in ("slug", "commune")}
        values["commune"] = Commune.objects.filter(slug=item.get("commune", "")).first()
        _obj, created = Service.objects.update_or_create(slug=item["slug"], defaults=values)
        report.count("service", created)
    for item in data.get("zone", []):
        _obj, created = Zone.objects.update_or_create(
            zone_set=item["zone_set"],
            name=item["name"],
            defaults={
                "values": item.get("values", {}),
                "streets": "\n".join(item.get("streets", [])),
                "outline": item.get("outline"),
            },
        )
        report.count("zone", created)
    for item in data.get("commune", []):
        if not item.get("site"):
            continue
        commune = Commune.objects.get(slug=item["slug"])
        home = commune_site_ensure(commune=commune).home
        mine = {"lieu": [], "fiche": []}
        for key in mine:
            mine[key] = [i for i in data.get(key, []) if i.get("commune") == commune.slug]
        load_lieux(home, {"lieu": mine["lieu"]}, report, update)
        load_fiches(home, {"fiche": mine["fiche"]}, report, update)


def load_doors(home: HomePage, data: dict[str, Any], report: LoadReport, update: bool) -> None:
    """Audience doors; each link names a page as ``<type>:<slug>`` (``fiche:jour-de-collecte``)."""
    models = {"parcours": ParcoursPage, "fiche": FichePage, "lieu": LieuPage, "recit": RecitPage}
    for item in data.get("porte", []):
        page, created = _upsert_page(
            DoorPage,
            home,
            item["slug"],
            {
                "title": item["title"],
                "intro": item["intro"],
                "audience": Audience.objects.filter(slug=item.get("audience", "")).first(),
            },
        )
        if not (created or update):
            report.count("porte", created=False)
            continue
        links = []
        for link in item.get("links", []):
            kind, _, slug = link["page"].partition(":")
            target = models[kind].objects.filter(slug=slug).first()
            if target is not None:
                links.append(DoorLink(target=target, note=link.get("note", "")))
        page.door_links = links
        _publish(page, home, created)
        report.count("porte", created)


def load_projets(home: HomePage, data: dict[str, Any], report: LoadReport, update: bool) -> None:
    """City projects (illustrative demo data, see projets.toml)."""
    parent = section(home, CityProjectIndexPage)
    models = {"fiche": FichePage, "recit": RecitPage, "lieu": LieuPage, "parcours": ParcoursPage}
    for item in data.get("projet", []):
        kind, _, slug = item.get("more", "").partition(":")
        more = models[kind].objects.filter(slug=slug).first() if kind in models else None
        page, created = _upsert_page(
            CityProjectPage,
            parent,
            item["slug"],
            {
                "title": item["title"],
                "summary": item["summary"],
                "body": paragraphs_to_html(item.get("body", "")),
                "status": item["status"],
                "start_date": dt.date.fromisoformat(item["start"]) if "start" in item else None,
                "end_date": dt.date.fromisoformat(item["end"]) if "end" in item else None,
                "place": LieuPage.objects.filter(slug=item.get("place", "")).first(),
                "latitude": _coordinate(item.get("latitude")),
                "longitude": _coordinate(item.get("longitude")),
                "more_page": more,
            },
        )
        if not (created or update):
            report.count("projet", created=False)
            continue
        page.themes = _by_slug(Theme, item.get("themes", []))
        page.quartiers = _by_slug(Quartier, item.get("quartiers", []))
        _publish(page, parent, created)
        report.count("projet", created)


def _translation(page: Page, locale: Locale) -> tuple[Page, bool]:
    """``page``'s translation into ``locale``: the existing one, or a new draft copy (the
    admin's "Translate" action); its parent must already be translated."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific, False
    return page.copy_for_translation(locale).specific, True


def load_translations(
    home: HomePage, data: dict[str, Any], report: LoadReport, update: bool
) -> None:
    """English versions of the home page, the journeys index, the doors and their journeys."""
    if not data:
        return
    english = Locale.objects.get(language_code="en")
    items: list[tuple[Page, dict[str, Any]]] = [(home, data["home"])]
    for item in data.get("section", []):
        items.append((home.get_children().get(slug=item["slug"]), item))
    for item in data.get("parcours", []):
        items.append((ParcoursPage.objects.get(slug=item["slug"], locale=home.locale), item))
    for item in data.get("porte", []):
        items.append((DoorPage.objects.get(slug=item["slug"], locale=home.locale), item))
    for original, item in items:
        page, created = _translation(original.specific, english)
        if not (created or update):
            report.count("traduction", created=False)
            continue
        page.title = item["title"]
        page.slug = item.get("en_slug", item["slug"])
        if "intro" in item:
            page.intro = item["intro"]
        if "steps" in item:  # a journey: the same steps and Fiches, in English
            steps = list(original.specific.parcours_steps.all())
            page.parcours_steps = [
                ParcoursStep(title=step["title"], context=step["context"], fiche=old.fiche)
                for step, old in zip(item["steps"], steps, strict=True)
            ]
        if "notes" in item:  # a door: the same pages (shown in English when translated)
            links = list(original.specific.door_links.all())
            page.door_links = [
                DoorLink(
                    target=link.target.get_translation_or_none(english) or link.target, note=note
                )
                for link, note in zip(links, item["notes"], strict=True)
            ]
        page.save_revision().publish()
        report.count("traduction", created)


@transaction.atomic
def demo_content_load(*, directory: Path = DEMO_DIR, update: bool = False) -> LoadReport:
    """Create the demo site from the TOML files in ``directory``.

    Pages that already exist are left as they are (no new revision) unless ``update``.
    """
    report = LoadReport()
    home = ensure_site()
    load_taxonomies(_read(directory, "taxonomy.toml"), report)
    communes = directory / "communes.toml"
    if communes.exists():
        load_communes(_read(directory, "communes.toml"), report, update)
    # Quartiers' story, first steps and outline; sensitive and extra themes (by slug).
    load_taxonomies(_read(directory, "quartiers.toml"), report)
    digital = _read(directory, "numerique.toml")  # digital help: places, a Fiche, a Parcours
    online = {item["fiche"]: item["url"] for item in digital.get("demarche_en_ligne", [])}
    load_lieux(home, _read(directory, "lieux.toml"), report, update)
    load_lieux(home, digital, report, update)
    load_fiches(home, _read(directory, "fiches.toml"), report, update, online)
    load_fiches(home, digital, report, update)
    load_parcours(home, _read(directory, "parcours.toml"), report, update)
    load_parcours(home, digital, report, update)
    load_recits(home, _read(directory, "recits.toml"), report, update)
    load_actualites(home, _read(directory, "actualites.toml"), report, update)
    load_standard_pages(home, _read(directory, "pages.toml"), report, update)
    load_projets(home, _read(directory, "projets.toml"), report, update)
    load_doors(home, _read(directory, "portes.toml"), report, update)
    load_translations(home, _read(directory, "english.toml"), report, update)
    return report
