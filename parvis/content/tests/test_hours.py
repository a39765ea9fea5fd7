import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from parvis.content.hours import (
    PARIS,
    DatedException,
    WeeklyRule,
    is_public_holiday,
    status_at,
    status_label,
)

# A mairie annexe: weekdays 8:30–12:30 and 13:30–17:00, Saturday morning.
MAIRIE = [
    *(WeeklyRule(day, dt.time(8, 30), dt.time(12, 30)) for day in range(5)),
    *(WeeklyRule(day, dt.time(13, 30), dt.time(17, 0)) for day in range(5)),
    WeeklyRule(5, dt.time(9, 0), dt.time(12, 0)),
]


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def test_open_during_opening_hours_says_when_it_closes():
    """A place open now says it is open and when it closes, in French hours."""
    status = status_at(paris(2026, 11, 24, 10, 0), MAIRIE)  # a Tuesday
    assert status.is_open
    assert status.next_change == paris(2026, 11, 24, 12, 30)
    assert status.label == "Ouvert · ferme à 12 h 30"


def test_closed_at_lunch_says_it_reopens_today():
    """Between two spans of the same day, the place reopens "à 13 h 30"."""
    status = status_at(paris(2026, 11, 24, 12, 45), MAIRIE)
    assert not status.is_open
    assert status.label == "Fermé · ouvre à 13 h 30"


def test_closed_on_sunday_says_it_opens_on_monday():
    """On Sunday the next opening is Monday morning, named by its weekday."""
    status = status_at(paris(2026, 11, 29, 15, 0), MAIRIE)  # a Sunday
    assert status.next_change == paris(2026, 11, 30, 8, 30)
    assert status.label == "Fermé · ouvre demain à 8 h 30"
    saturday_evening = status_at(paris(2026, 11, 28, 18, 0), MAIRIE)
    assert saturday_evening.label == "Fermé · ouvre lundi à 8 h 30"


def test_public_holidays_close_the_place_and_are_named():
    """11 November is a French public holiday: closed, and the reason is given."""
    assert is_public_holiday(dt.date(2026, 11, 11))
    status = status_at(paris(2026, 11, 11, 10, 0), MAIRIE)
    assert not status.is_open
    assert "11 novembre" in status.reason.lower() or "armistice" in status.reason.lower()
    assert status.next_change == paris(2026, 11, 12, 8, 30)


def test_a_place_can_open_on_public_holidays():
    """A pool that opens on public holidays follows its weekly rules on those days."""
    pool = [WeeklyRule(2, dt.time(10, 0), dt.time(20, 0))]
    status = status_at(paris(2026, 11, 11, 11, 0), pool, closed_on_public_holidays=False)
    assert status.is_open


def test_dated_exception_overrides_the_weekly_rules():
    """A shortened Christmas Eve and a closure both win over the usual week."""
    exceptions = [
        DatedException(
            dt.date(2026, 12, 24),
            closed=False,
            opens=dt.time(8, 30),
            closes=dt.time(12, 0),
            label="Veille de Noël",
        ),
        DatedException(dt.date(2026, 12, 26), closed=True, label="Inventaire"),
    ]
    assert not status_at(paris(2026, 12, 24, 14, 0), MAIRIE, exceptions).is_open
    assert status_at(paris(2026, 12, 24, 11, 0), MAIRIE, exceptions).is_open
    closed = status_at(paris(2026, 12, 26, 10, 0), MAIRIE, exceptions)
    assert not closed.is_open and closed.reason == "Inventaire"


def test_daylight_saving_change_keeps_local_opening_time():
    """Hours are wall-clock times in Paris, on both sides of the October time change."""
    sunday_pool = [WeeklyRule(6, dt.time(9, 0), dt.time(13, 0))]
    status = status_at(paris(2026, 10, 25, 9, 30), sunday_pool)  # DST ends that night
    assert status.is_open
    assert status.next_change.utcoffset() == dt.timedelta(hours=1)


def test_a_place_without_hours_is_closed_with_no_next_opening():
    status = status_at(paris(2026, 11, 24, 10, 0), [])
    assert not status.is_open and status.next_change is None
    assert status_label(status) == "Fermé"


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31)))
def test_next_change_is_always_in_the_future_and_flips_the_status(moment):
    """Whatever the moment, the next change is later, and just after it the status flips."""
    at = moment.replace(tzinfo=PARIS)
    status = status_at(at, MAIRIE)
    assert status.next_change is not None and status.next_change > at
    after = status_at(status.next_change + dt.timedelta(seconds=1), MAIRIE)
    if status.is_open:
        assert not after.is_open
    else:
        assert after.is_open
