"""When a service's agents answer: its calendar, or the default office hours."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parvis.content.hours import PARIS, DatedException, OpeningStatus, WeeklyRule, status_at
from parvis.content.models import Service

# Without a calendar of its own, a service answers Monday to Friday, 9 h to 17 h.
DEFAULT_RULES = tuple(WeeklyRule(day, dt.time(9), dt.time(17)) for day in range(5))


def service_availability(*, service: Service | None, at: dt.datetime) -> OpeningStatus:
    """Whether the service's agents answer at ``at`` (French public holidays off by default)."""
    from parvis.conversation.models import ServiceCalendar

    calendar = (
        ServiceCalendar.objects.filter(service=service)
        .prefetch_related("hours", "exceptions")
        .first()
        if service is not None
        else None
    )
    if calendar is None:
        return status_at(at, DEFAULT_RULES)
    rules = [WeeklyRule(h.weekday, h.opens, h.closes) for h in calendar.hours.all()]
    exceptions = [
        DatedException(e.date, e.closed, e.opens, e.closes, e.label)
        for e in calendar.exceptions.all()
    ]
    return status_at(
        at, rules, exceptions, closed_on_public_holidays=calendar.closed_on_public_holidays
    )


def _hour(moment: dt.datetime) -> str:
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def when_phrase(moment: dt.datetime, *, now: dt.datetime) -> str:
    """ "aujourd'hui à 14 h", "demain à 9 h", "lundi à 9 h", "le 2 janvier à 9 h"."""
    moment, today = moment.astimezone(PARIS), now.astimezone(PARIS).date()
    hour = _hour(moment)
    if moment.date() == today:
        return _("aujourd'hui à %(hour)s") % {"hour": hour}
    if moment.date() == today + dt.timedelta(days=1):
        return _("demain à %(hour)s") % {"hour": hour}
    if moment.date() < today + dt.timedelta(days=7):
        return _("%(day)s à %(hour)s") % {"day": date_format(moment, "l").lower(), "hour": hour}
    return _("le %(date)s à %(hour)s") % {"date": date_format(moment, "j F"), "hour": hour}


def service_calendars() -> dict[int, tuple[list[WeeklyRule], list[DatedException], bool]]:
    """Every service calendar, by service id: weekly rules, exceptions, closed on holidays.

    A service absent from the map answers on ``DEFAULT_RULES``, closed on public holidays.
    """
    from parvis.conversation.models import ServiceCalendar

    return {
        calendar.service_id: (
            [WeeklyRule(h.weekday, h.opens, h.closes) for h in calendar.hours.all()],
            [
                DatedException(e.date, e.closed, e.opens, e.closes, e.label)
                for e in calendar.exceptions.all()
            ],
            calendar.closed_on_public_holidays,
        )
        for calendar in ServiceCalendar.objects.prefetch_related("hours", "exceptions")
    }
