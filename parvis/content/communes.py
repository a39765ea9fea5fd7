"""A site per commune: its home and sections, its Wagtail Site, and its own editors.

One install serves the metropolitan portal (the default site) and a site per commune. A
commune's site has its own home page tree; its editors' group has page permissions on that
tree only, so an editor of Rezé cannot edit the pages of Nantes. What is metropolitan (waste,
roads, water, transport) stays on the metropolitan portal and is answered on every site.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Locale, Page, Site

from parvis.content.models import Commune, FicheIndexPage, HomePage, LieuIndexPage

# Page permissions of a commune's editors on its own tree (they publish their own site).
COMMUNE_PAGE_PERMS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def city_title(commune: Commune) -> str:
    """« Ville de Rezé », « Ville d'Orvault » (elided before a vowel)."""
    if commune.name[:1].casefold() in "aeiouyéèêâîôûh":
        return _("Ville d'%(commune)s") % {"commune": commune.name}
    return _("Ville de %(commune)s") % {"commune": commune.name}


def commune_editors_name(commune: Commune) -> str:
    return _("Éditeurs — %(commune)s") % {"commune": commune.name}


def commune_hostname(commune: Commune) -> str:
    return settings.PARVIS_COMMUNE_HOSTNAME.format(slug=commune.slug)


@dataclass(frozen=True)
class CommuneSite:
    commune: Commune
    site: Site
    home: HomePage
    editors: Group
    created: bool


def metropole_home() -> HomePage:
    """The home page of the default site: the metropolitan portal."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        home = HomePage.objects.filter(pk=site.root_page_id).first()
        if home is not None:
            return home
    return HomePage.objects.filter(depth=2).order_by("path").first()


def _section(home: HomePage, model: type[Page], slug: str, title: str, intro: str) -> Page:
    page = model.objects.child_of(home).first()
    if page is None:
        page = model(title=title, slug=slug, intro=intro, show_in_menus=True)
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


@transaction.atomic
def commune_site_ensure(*, commune: Commune, hostname: str = "", port: int = 0) -> CommuneSite:
    """The commune's site, created when missing: home, Fiche and Lieu sections, Site, editors.

    Idempotent: an existing site keeps its pages, hostname and editors.
    """
    created = False
    site = commune.site
    if site is None:
        locale, _created = Locale.objects.get_or_create(language_code="fr")
        home = HomePage(
            title=city_title(commune),
            slug=f"accueil-{commune.slug}",
            intro=_("Une question ? La Ville vous répond."),
            locale=locale,
            live=False,
        )
        Page.get_first_root_node().add_child(instance=home)
        default = Site.objects.filter(is_default_site=True).first()
        site = Site.objects.create(
            hostname=hostname or commune_hostname(commune),
            port=port or (default.port if default else 80),
            root_page=home,
            site_name=home.title,
            is_default_site=False,
        )
        # Published once its Site exists, so that it is signed at the commune's address.
        home.save_revision().publish()
        commune.site = site
        commune.save(update_fields=["site"])
        created = True
    home = HomePage.objects.get(pk=site.root_page_id)
    _section(
        home,
        FicheIndexPage,
        "demarches",
        _("Vos démarches"),
        _("Les réponses de la mairie de %(commune)s.") % {"commune": commune.name},
    )
    _section(
        home,
        LieuIndexPage,
        "lieux",
        _("Lieux et horaires"),
        _("Mairie et équipements de %(commune)s : où aller et quand.") % {"commune": commune.name},
    )
    editors, _created = Group.objects.get_or_create(name=commune_editors_name(commune))
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in COMMUNE_PAGE_PERMS:
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=home,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    return CommuneSite(commune=commune, site=site, home=home, editors=editors, created=created)


def metropole_site_link() -> None:
    """The commune whose city runs the default site (``PARVIS_CITY_NAME``) is linked to it."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    commune = Commune.objects.filter(name=settings.PARVIS_CITY_NAME, site=None).first()
    if commune is not None and not Commune.objects.filter(site=site).exists():
        commune.site = site
        commune.save(update_fields=["site"])
