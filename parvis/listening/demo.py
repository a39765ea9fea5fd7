"""Demo questions of the street for `parvis demo`: a crossing, a bike lane, a square."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from parvis.content.models import Quartier, Service
from parvis.listening.models import FieldAnswer, FieldQuestion, FollowUp
from parvis.listening.services import (
    answer_web_record,
    followup_publish,
    remark_approve,
)

DEMO_QUESTIONS = [
    # code, text, kind, choices, address, quartier, service, lead, days open (from, to), answers
    {
        "code": "PASSAGE3",
        "text": "Traverser ici à pied, boulevard des Poilus devant l'école : vous vous sentez "
        "en sécurité ?",
        "kind": FieldQuestion.Kind.CHOICE_REMARK,
        "choices": ["Oui", "Plutôt oui", "Plutôt non", "Non"],
        "address": "Boulevard des Poilus, devant l'école Louis Pergaud",
        "latitude": "47.228300",
        "longitude": "-1.530900",
        "quartier": "malakoff-saint-donatien",
        "service": "deplacements",
        "lead_name": "Karim",
        "days": (-12, 20),
        "answers": [3, 5, 14, 9],
        "remarks": [
            "Les voitures arrivent trop vite dans la descente, il faudrait un plateau.",
            "Le feu piéton est trop court pour les enfants.",
        ],
    },
    {
        "code": "VELO12",
        "text": "Une piste cyclable séparée rue de Strasbourg, à la place d'une file de "
        "voitures : vous êtes pour ?",
        "kind": FieldQuestion.Kind.YES_NO,
        "choices": [],
        "address": "Rue de Strasbourg",
        "latitude": "47.217700",
        "longitude": "-1.551600",
        "quartier": "centre-ville",
        "service": "deplacements",
        "lead_name": "Léa",
        "days": (-5, 25),
        "answers": [41, 17],
        "remarks": [],
    },
    {
        "code": "PLACE7",
        "text": "La place Mellinet rénovée : quelle note lui donnez-vous, de 1 à 5 ?",
        "kind": FieldQuestion.Kind.RATING,
        "choices": [],
        "address": "Place du Général Mellinet",
        "latitude": "47.209600",
        "longitude": "-1.575200",
        "quartier": "bellevue-chantenay-sainte-anne",
        "service": "deplacements",
        "lead_name": "Thomas",
        "days": (-60, -10),
        "answers": [2, 3, 8, 15, 11],
        "remarks": [],
        "followup": "Vous avez été nombreux à demander plus d'ombre : douze arbres seront "
        "plantés cet hiver côté nord de la place, et deux bancs ajoutés près de l'aire de jeux.",
    },
]


@transaction.atomic
def listening_demo_load() -> int:
    """Create the demo questions once, with answers; returns how many were created."""
    rng = random.Random(11)  # noqa: S311 — demo data, reproducible
    created = 0
    now = timezone.now()
    quartiers = list(Quartier.objects.all())
    for spec in DEMO_QUESTIONS:
        if FieldQuestion.objects.filter(code=spec["code"]).exists():
            continue
        opens, closes = spec["days"]
        question = FieldQuestion.objects.create(
            code=spec["code"],
            text=spec["text"],
            kind=spec["kind"],
            choices=spec["choices"],
            address=spec["address"],
            latitude=spec["latitude"],
            longitude=spec["longitude"],
            quartier=Quartier.objects.filter(slug=spec["quartier"]).first(),
            service=Service.objects.get(slug=spec["service"]),
            lead_name=spec["lead_name"],
            opens_at=now + dt.timedelta(days=opens),
            # Open while its answers are recorded; a past closing date is set afterwards.
            closes_at=now + dt.timedelta(days=max(closes, 1)),
            status=FieldQuestion.Status.PUBLISHED,
        )
        for index, count in enumerate(spec["answers"]):
            for _n in range(count):
                kwargs: dict[str, object] = {}
                if question.kind == FieldQuestion.Kind.RATING:
                    kwargs["rating"] = index + 1
                else:
                    kwargs["choice"] = index
                answer_web_record(
                    question=question,
                    quartier=rng.choice(quartiers) if rng.random() < 0.6 else None,
                    age_band=rng.choice(FieldAnswer.AgeBand.values) if rng.random() < 0.5 else "",
                    channel=rng.choice([FieldAnswer.Channel.WEB, FieldAnswer.Channel.SMS]),
                    **kwargs,
                )
        for text in spec["remarks"]:
            answer = answer_web_record(question=question, choice=2, remark=text)
            remark_approve(answer=answer)
        if closes <= 0:
            question.closes_at = now + dt.timedelta(days=closes)
            question.status = FieldQuestion.Status.CLOSED
            question.save(update_fields=["closes_at", "status"])
        if spec.get("followup"):
            followup = FollowUp.objects.create(
                question=question,
                body=spec["followup"],
                author_name=spec["lead_name"],
                service=question.service,
            )
            followup_publish(followup=followup)
        created += 1
    return created
