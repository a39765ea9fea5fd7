"""Opening hours: weekly rules, dated exceptions and French public holidays, in Europe/Paris.

Pure functions over plain data, so the answer engine, the place pages and the urban screens all
say the same thing: "Ouvert · ferme à 19 h", "Fermé · ouvre lundi à 9 h".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils.formats import date_format
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class WeeklyRule:
    """Open from ``opens`` to ``closes`` every ``weekday`` (0 = Monday)."""

    weekday: int
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class DatedException:
    """A day that does not follow the weekly rules: closed, or open on other hours."""

    date: dt.date
    closed: bool
    opens: dt.time | None = None
    closes: dt.time | None = None
    label: str = ""


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    # The moment the status changes next (closing time when open, opening time when closed).
    next_change: dt.datetime | None
    reason: str = ""
    at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return status_label(self, now=self.at)


@lru_cache(maxsize=8)
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FR", years=year)


def is_public_holiday(day: dt.date) -> bool:
    return day in _french_holidays(day.year)


def public_holiday_name(day: dt.date) -> str:
    return _french_holidays(day.year).get(day, "")


def intervals_on(
    day: dt.date,
    rules: Sequence[WeeklyRule],
    exceptions: Sequence[DatedException],
    *,
    closed_on_public_holidays: bool = True,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The opening intervals of one calendar day, as aware datetimes in Europe/Paris."""
    exception = next((e for e in exceptions if e.date == day), None)
    if exception is not None:
        if exception.closed or exception.opens is None or exception.closes is None:
            return []
        spans: Iterable[tuple[dt.time, dt.time]] = [(exception.opens, exception.closes)]
    elif closed_on_public_holidays and is_public_holiday(day):
        return []
    else:
        spans = sorted((r.opens, r.closes) for r in rules if r.weekday == day.weekday())
    return [
        (dt.datetime.combine(day, opens, PARIS), dt.datetime.combine(day, closes, PARIS))
        for opens, closes in spans
        if closes > opens
    ]


def status_at(
    at: dt.datetime,
    rules: Sequence[WeeklyRule],
    exceptions: Sequence[DatedException] = (),
    *,
    closed_on_public_holidays: bool = True,
) -> OpeningStatus:
    """Whether the place is open at ``at`` and when that changes, looking two weeks ahead."""
    at = at.astimezone(PARIS)
    today = at.date()
    kwargs = {"closed_on_public_holidays": closed_on_public_holidays}
    for opens, closes in intervals_on(today, rules, exceptions, **kwargs):
        if opens <= at < closes:
            return OpeningStatus(True, closes, at=at)
    reason = ""
    exception = next((e for e in exceptions if e.date == today), None)
    if exception is not None and exception.label:
        reason = exception.label
    elif closed_on_public_holidays and is_public_holiday(today):
        reason = public_holiday_name(today)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        for opens, _closes in intervals_on(day, rules, exceptions, **kwargs):
            if opens > at:
                return OpeningStatus(False, opens, reason, at=at)
    return OpeningStatus(False, None, reason, at=at)


def format_hour(moment: dt.datetime | dt.time) -> str:
    """A time of day in the reader's typography: "9 h", "19 h 30" in French."""
    if moment.minute:
        return _("%(hour)s h %(minute)02d") % {"hour": moment.hour, "minute": moment.minute}
    return _("%(hour)s h") % {"hour": moment.hour}


def status_label(status: OpeningStatus, *, now: dt.datetime | None = None) -> str:
    """A short French sentence: "Ouvert · ferme à 19 h", "Fermé · ouvre lundi à 9 h"."""
    if status.next_change is None:
        return _("Ouvert") if status.is_open else _("Fermé")
    change = status.next_change.astimezone(PARIS)
    if status.is_open:
        return _("Ouvert · ferme à %(hour)s") % {"hour": format_hour(change)}
    today = (now or dt.datetime.now(PARIS)).astimezone(PARIS).date()
    if change.date() == today:
        when = _("ouvre à %(hour)s") % {"hour": format_hour(change)}
    elif change.date() == today + dt.timedelta(days=1):
        when = _("ouvre demain à %(hour)s") % {"hour": format_hour(change)}
    elif change.date() < today + dt.timedelta(days=7):
        when = _("ouvre %(day)s à %(hour)s") % {
            "day": date_format(change, "l"),  # French day names are already lower case
            "hour": format_hour(change),
        }
    else:
        when = _("ouvre le %(date)s à %(hour)s") % {
            "date": date_format(change, "j F"),
            "hour": format_hour(change),
        }
    return _("Fermé · %(when)s") % {"when": when}


def week_table(
    rules: Sequence[WeeklyRule],
) -> list[tuple[int, list[tuple[dt.time, dt.time]]]]:
    """The usual week as (weekday, [(opens, closes)…]) rows, Monday first, for display."""
    return [
        (weekday, sorted((r.opens, r.closes) for r in rules if r.weekday == weekday))
        for weekday in range(7)
    ]
