"""The students' audience ("J'étudie"): the fourth door needs an audience to tag contents with.
Created when absent (a city that already made its own "etudiant" keeps it), removed on the way
back only if nothing was changed since."""

from django.db import migrations

STUDENT = {
    "slug": "etudiant",
    "name": "Étudiant",
    "description": (
        "Vous faites vos études dans la ville : installation, aides au logement, "
        "bibliothèques, sport et sorties."
    ),
    "resident_words": "\n".join(
        [
            "étudiant",
            "étudiante",
            "étudiants",
            "je suis étudiant",
            "je suis étudiante",
            "je fais mes études",
        ]
    ),
}


def student_audience_add(apps, schema_editor):
    Audience = apps.get_model("content", "Audience")
    Audience.objects.get_or_create(
        slug=STUDENT["slug"], defaults={k: v for k, v in STUDENT.items() if k != "slug"}
    )


def student_audience_remove(apps, schema_editor):
    Audience = apps.get_model("content", "Audience")
    Audience.objects.filter(**STUDENT).delete()


class Migration(migrations.Migration):
    dependencies = [("content", "0007_discovery_doors_and_fields")]

    operations = [migrations.RunPython(student_audience_add, student_audience_remove)]
