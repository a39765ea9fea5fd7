"""Demo reports for `parvis demo`: a few realistic reports in Nantes, some already answered."""

from __future__ import annotations

from django.contrib.auth.models import User

from parvis.content.models import Commune, Quartier, Service
from parvis.core.roles import AGENTS, role_grant
from parvis.reports.models import Category, CategoryRoute, Report
from parvis.reports.services import report_create, report_update_publish

DEMO_REPORTS = [
    # category, description, lat, long, address, quartier slug, (status, message) or None
    (
        "nid-de-poule",
        "Nid-de-poule profond sur la piste cyclable.",
        47.2133,
        -1.5567,
        "",
        "centre-ville",
        None,
    ),
    (
        "lampadaire",
        "Lampadaire éteint depuis une semaine au coin de la rue.",
        47.2206,
        -1.5436,
        "",
        "",
        ("planifie", "Remplacement de l'ampoule prévu mardi."),
    ),
    (
        "depot-sauvage",
        "Matelas et cartons déposés au pied du conteneur.",
        None,
        None,
        "12 rue de Strasbourg",
        "",
        ("resolu", "Enlevé ce matin, merci du signalement."),
    ),
    (
        "tag",
        "Grand tag sur le mur de l'école.",
        47.2051,
        -1.5390,
        "",
        "malakoff-saint-donatien",
        None,
    ),
    (
        "banc",
        "Banc cassé devant l'Hôtel de Ville, une latte manque.",
        None,
        None,
        "3 place Jean-Baptiste Daviais, Rezé",
        "",
        None,
    ),
    (
        "arbre",
        "Branche cassée qui pend au-dessus du trottoir.",
        47.2254,
        -1.5702,
        "",
        "",
        ("pris_en_compte", ""),
    ),
]


def reports_demo_load() -> int:
    """Grant agents the inbox and create the demo reports once; returns how many were created."""
    role_grant(group_name=AGENTS, app_label="reports", codenames=["view_report", "change_report"])
    # In Rezé, street furniture is the commune's: its reports go to Rezé's public spaces.
    reze = Commune.objects.filter(slug="reze").first()
    reze_service = Service.objects.filter(slug="espaces-publics-reze").first()
    if reze is not None and reze_service is not None:
        CategoryRoute.objects.get_or_create(
            category=Category.objects.get(code="banc"),
            commune=reze,
            defaults={"service": reze_service},
        )
    created = 0
    agent = User.objects.filter(is_superuser=True).order_by("pk").first()
    for code, text, lat, lon, address, quartier, answer in DEMO_REPORTS:
        if Report.objects.filter(description=text).exists():
            continue
        report, _ = report_create(
            category=Category.objects.get(code=code),
            description=text,
            latitude=lat,
            longitude=lon,
            address=address,
            quartier=Quartier.objects.filter(slug=quartier).first() if quartier else None,
        )
        if answer and agent:
            report_update_publish(report=report, agent=agent, status=answer[0], message=answer[1])
        created += 1
    return created
