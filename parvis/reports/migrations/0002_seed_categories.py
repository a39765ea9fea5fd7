"""Seed the report categories and the services they are routed to (FixMyStreet-like list).

Services are matched by slug, so a city whose services already exist keeps them; categories
can then be edited in the back office.
"""

from django.db import migrations

SERVICES = {
    "voirie": "Voirie et déplacements",
    "proprete-dechets": "Propreté et déchets",
    "eclairage-public": "Éclairage public",
    "espaces-verts": "Espaces verts",
    "tranquillite-publique": "Tranquillité publique",
}
CATEGORIES = [
    # code, name, group, service slug, keywords
    ("nid-de-poule", "Nid-de-poule, chaussée abîmée", "voirie", "voirie", "trou,route"),
    ("trottoir", "Trottoir abîmé ou encombré", "voirie", "voirie", "pavé,bordure"),
    ("signalisation", "Panneau ou feu tricolore", "voirie", "voirie", "feu,panneau"),
    ("depot-sauvage", "Dépôt sauvage, encombrants", "proprete", "proprete-dechets", "ordures"),
    ("poubelle-pleine", "Corbeille ou conteneur plein", "proprete", "proprete-dechets", "bac"),
    ("salete", "Saleté, déjections, verre cassé", "proprete", "proprete-dechets", "crotte"),
    ("lampadaire", "Lampadaire éteint ou clignotant", "eclairage", "eclairage-public", "lumière"),
    ("arbre", "Arbre ou branche dangereux", "espaces_verts", "espaces-verts", "branche"),
    ("parc", "Parc, pelouse, aire de jeux", "espaces_verts", "espaces-verts", "jardin,jeux"),
    ("banc", "Banc, abri, potelet endommagé", "mobilier", "voirie", "mobilier"),
    ("tag", "Tag ou graffiti", "tags", "proprete-dechets", "graffiti"),
    ("affichage", "Affichage sauvage", "tags", "proprete-dechets", "affiche"),
    ("stationnement", "Véhicule gênant ou abandonné", "stationnement", "tranquillite-publique", "voiture"),
]


def seed(apps, schema_editor):
    Service = apps.get_model("content", "Service")
    Category = apps.get_model("reports", "Category")
    services = {
        slug: Service.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in SERVICES.items()
    }
    for order, (code, name, group, service, keywords) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "service": services[service],
                "keywords": keywords,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("content", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
