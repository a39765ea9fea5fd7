"""A city's first run (``parvis setup``): the site, roles, services and categories, the signing
key and the first administrator, without any of the Nantes demo.

Every step only adds what is missing and says what it did; nothing existing is changed, so
running it again on an installed portal changes nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Workflow

from parvis.certification.keyring import keys_init
from parvis.certification.keys import key_configured
from parvis.content.communes import metropole_home, metropole_site_link
from parvis.content.demo import ensure_site
from parvis.content.models import HomePage, Service
from parvis.core.roles import AGENTS, EDITORS, MODERATORS, WORKFLOW_NAME, roles_ensure
from parvis.federation.services import actors_ensure
from parvis.reports.models import Category

DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "setup.toml"
TOTP_NAME = "Application d'authentification"


@dataclass
class SetupReport:
    """What a run did, step by step, in the words printed to the operator."""

    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    otpauth_uri: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.done)


@dataclass(frozen=True)
class AdminAccount:
    username: str
    email: str
    password: str


def admin_check(*, username: str, email: str, password: str, password_again: str) -> AdminAccount:
    """The first administrator's details, or a ValidationError listing every problem."""
    errors: list[str] = []
    username = username.strip()
    email = email.strip()
    user_model = get_user_model()
    if not username:
        errors.append(_("Indiquez un identifiant pour l'administrateur."))
    else:
        try:
            user_model._meta.get_field(user_model.USERNAME_FIELD).run_validators(username)
        except ValidationError as exc:
            errors.extend(exc.messages)
    try:
        validate_email(email)
    except ValidationError:
        errors.append(_("Indiquez une adresse électronique valide pour l'administrateur."))
    if password != password_again:
        errors.append(_("Les deux mots de passe ne sont pas identiques."))
    else:
        try:
            password_validation.validate_password(
                password, user=user_model(username=username, email=email)
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return AdminAccount(username=username, email=email, password=password)


def administrator_exists() -> bool:
    return get_user_model().objects.filter(is_superuser=True, is_active=True).exists()


def defaults_read(path: Path = DEFAULTS_FILE) -> dict[str, list[dict[str, Any]]]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _home_ensure(report: SetupReport) -> HomePage:
    home = metropole_home()
    if home is not None:
        report.kept.append(_("Site : « %(title)s » déjà en place.") % {"title": home.title})
        home = ensure_site()
        metropole_site_link()
        return home
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    home = HomePage(
        title=settings.WAGTAIL_SITE_NAME,
        slug="accueil",
        intro=_("Une question ? La Ville vous répond."),
        locale=locale,
    )
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    home = ensure_site()
    metropole_site_link()
    report.done.append(_("Site créé : « %(title)s ».") % {"title": home.title})
    return home


def _roles_ensure(report: SetupReport, home: HomePage) -> None:
    names = [EDITORS, MODERATORS, AGENTS]
    before = Group.objects.filter(name__in=names).count()
    had_workflow = Workflow.objects.filter(name=WORKFLOW_NAME).exists()
    roles_ensure(root=home)
    if before == len(names) and had_workflow:
        report.kept.append(_("Rôles et circuit de validation : déjà en place."))
    else:
        report.done.append(
            _("Rôles créés (%(names)s) et circuit de validation « %(workflow)s ».")
            % {"names": ", ".join(names), "workflow": WORKFLOW_NAME}
        )


def _taxonomy_ensure(report: SetupReport, defaults: dict[str, list[dict[str, Any]]]) -> None:
    services_new = 0
    for item in defaults.get("service", []):
        _obj, created = Service.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "description": item.get("description", "")},
        )
        services_new += created
    categories_new = 0
    for order, item in enumerate(defaults.get("category", [])):
        _obj, created = Category.objects.get_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "group": item["group"],
                "service": Service.objects.get(slug=item["service"]),
                "keywords": item.get("keywords", ""),
                "order": order,
            },
        )
        categories_new += created
    if services_new or categories_new:
        report.done.append(
            _("Services ajoutés : %(services)d ; catégories de signalement ajoutées : %(cats)d.")
            % {"services": services_new, "cats": categories_new}
        )
    else:
        report.kept.append(_("Services et catégories de signalement : déjà en place."))


def _admin_ensure(report: SetupReport, account: AdminAccount | None) -> AbstractBaseUser | None:
    user_model = get_user_model()
    if account is None:
        report.kept.append(_("Administrateur : déjà en place."))
        return None
    user = user_model.objects.filter(username=account.username).first()
    if user is not None:
        report.kept.append(
            _("Administrateur « %(username)s » : déjà en place (mot de passe inchangé).")
            % {"username": user.username}
        )
        return user
    user = user_model.objects.create_superuser(
        username=account.username, email=account.email, password=account.password
    )
    report.done.append(_("Administrateur créé : « %(username)s ».") % {"username": user.username})
    return user


def _second_factor_ensure(report: SetupReport, user: AbstractBaseUser | None) -> None:
    """A TOTP device awaiting its first code, when the second factor (django-otp) is installed.

    The administrator adds it to an authenticator app now (the printed URI or QR code) and
    confirms it with a first code at the first login to the back office.
    """
    if user is None or not apps.is_installed("django_otp.plugins.otp_totp"):
        return
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        report.kept.append(_("Second facteur de l'administrateur : déjà en place."))
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
        report.done.append(_("Second facteur de l'administrateur préparé (TOTP)."))
    else:
        report.kept.append(
            _("Second facteur de l'administrateur : en attente de son premier code.")
        )
    report.otpauth_uri = device.config_url


def setup_run(
    *, account: AdminAccount | None, defaults: dict[str, list[dict[str, Any]]]
) -> SetupReport:
    """The key, then site, roles, services and categories and administrator in one transaction.

    The key comes first: publishing the home page signs it. Its file is written outside the
    transaction (it is not in the database) and never replaced.
    """
    report = SetupReport()
    if key_configured():
        report.kept.append(_("Clé de signature : déjà en place (jamais remplacée ici)."))
    else:
        kid = keys_init()
        report.done.append(_("Clé de signature créée : %(kid)s.") % {"kid": kid})
    with transaction.atomic():
        home = _home_ensure(report)
        _roles_ensure(report, home)
        _taxonomy_ensure(report, defaults)
        user = _admin_ensure(report, account)
        _second_factor_ensure(report, user)
    # The fediverse actors of the city and of each quartier, each with its own key pair.
    created = actors_ensure()
    if created:
        report.done.append(
            _("Comptes du fédivers créés (ville et quartiers) : %(count)d.") % {"count": created}
        )
    return report
