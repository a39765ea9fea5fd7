"""Inside office hours the resident hears an agent is coming; outside, when one will answer."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from parvis.conversation.models import CalendarException, OfficeHours, ServiceCalendar
from parvis.conversation.services import conversation_ask, conversation_start

pytestmark = pytest.mark.django_db
PARIS = dt.timezone(dt.timedelta(hours=1))  # winter time


@pytest.fixture
def routed(engine, make_fiche, service_x):  # noqa: ANN001, ANN201
    """Questions about "mariage" go to service X, open Monday and Tuesday 9 h–12 h."""
    fiche = make_fiche("Se marier à Nantes", "Déposez un dossier en mairie.", service_x)
    engine.script["mariage"] = [(fiche, 0.2), (fiche, 0.19)]
    calendar = ServiceCalendar.objects.create(service=service_x)
    for weekday in (0, 1):
        OfficeHours.objects.create(
            calendar=calendar, weekday=weekday, opens=dt.time(9), closes=dt.time(12)
        )
    return calendar


def _hand_off_text() -> str:
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="mariage")
    return conversation_ask(conversation=conversation, text="je veux parler à un agent")[-1].text


def test_inside_hours_an_agent_is_coming(routed) -> None:  # noqa: ANN001
    """On Monday at 10 h the resident reads that an agent of the service answers."""
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=PARIS), tick=False):
        text = _hand_off_text()
    assert (
        text
        == "Je transmets votre conversation à l'équipe « État civil test » : un agent vous répond."
    )


def test_outside_hours_says_when_an_agent_answers(routed) -> None:  # noqa: ANN001
    """On Friday evening the resident reads "lundi à 9 h"."""
    with time_machine.travel(dt.datetime(2026, 11, 27, 18, 0, tzinfo=PARIS), tick=False):
        text = _hand_off_text()
    assert "à partir de lundi à 9 h" in text


def test_public_holidays_are_closed(routed) -> None:  # noqa: ANN001
    """Easter Monday 2026 (6 April) is a French public holiday: the next opening is Tuesday."""
    with time_machine.travel(dt.datetime(2026, 4, 6, 10, 0, tzinfo=dt.UTC), tick=False):
        text = _hand_off_text()
    assert "à partir de demain à 9 h" in text


def test_dated_exceptions_override_the_week(routed) -> None:  # noqa: ANN001
    """A closed Monday in the calendar's exceptions moves the answer to Tuesday."""
    CalendarException.objects.create(calendar=routed, date=dt.date(2026, 11, 30), closed=True)
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=PARIS), tick=False):
        text = _hand_off_text()
    assert "à partir de demain à 9 h" in text
