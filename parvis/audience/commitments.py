"""What residents can expect: each service's published delays beside the measured ones.

How a delay is counted (the page says it the same way): only the service's office hours count
(its calendar in the agents' desk, or Monday to Friday 9 h – 17 h; French public holidays off
unless the calendar says otherwise), and one day of office hours counts as one working day,
whatever its length. A report filed on Friday at 16 h and first answered on the Tuesday after
an Easter Monday at 13 h took 1/8 + 4/8 = 0.625 working day.

Figures per service and month of the request: the median (the middle value, or the mean of the
two middle ones) and the 90th percentile (nearest rank: the smallest delay that 90 % of the
answered requests did not exceed) of the answered requests; the share within the commitment
counts the answered requests within the delay and, as missed, the unanswered ones whose delay
has already run out (those still within it are "en cours" and left out).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from parvis.content.hours import PARIS, DatedException, WeeklyRule, intervals_on

Calendar = tuple[Sequence[WeeklyRule], Sequence[DatedException], bool]
DEFAULT_CALENDAR: Calendar = (
    tuple(WeeklyRule(day, dt.time(9), dt.time(17)) for day in range(5)),
    (),
    True,
)
MEASURES = ("report_ack", "report_resolution", "question")
# Longest delay ever measured, in calendar days: beyond, a request counts as this old.
_HORIZON_DAYS = 400


def working_days_between(start: dt.datetime, end: dt.datetime, calendar: Calendar) -> float:
    """Working days of the service elapsed from ``start`` to ``end`` (see the module)."""
    if end <= start:
        return 0.0
    rules, exceptions, closed_on_holidays = calendar
    first, last = start.astimezone(PARIS).date(), end.astimezone(PARIS).date()
    last = min(last, first + dt.timedelta(days=_HORIZON_DAYS))
    total = 0.0
    day = first
    while day <= last:
        spans = intervals_on(day, rules, exceptions, closed_on_public_holidays=closed_on_holidays)
        length = sum((close - open_).total_seconds() for open_, close in spans)
        if length:
            inside = sum(
                max(0.0, (min(close, end) - max(open_, start)).total_seconds())
                for open_, close in spans
            )
            total += inside / length
        day += dt.timedelta(days=1)
    return total


def percentile_nearest_rank(values: Sequence[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


@dataclass
class Figures:
    """One measure of one service in one month."""

    commitment: int | None
    delays: list[float] = field(default_factory=list)
    overdue: int = 0  # unanswered and already beyond the commitment
    pending: int = 0  # unanswered, still within it (or no commitment)

    @property
    def answered(self) -> int:
        return len(self.delays)

    @property
    def median(self) -> float | None:
        return statistics.median(self.delays) if self.delays else None

    @property
    def p90(self) -> float | None:
        return percentile_nearest_rank(self.delays, 90) if self.delays else None

    @property
    def within_share(self) -> float | None:
        """Share (0–100) of requests handled within the commitment, None without one."""
        if self.commitment is None:
            return None
        judged = self.answered + self.overdue
        if not judged:
            return None
        within = sum(1 for d in self.delays if d <= self.commitment)
        return 100 * within / judged

    def add(
        self, start: dt.datetime, end: dt.datetime | None, *, now: dt.datetime, calendar: Calendar
    ) -> None:
        if end is not None:
            self.delays.append(working_days_between(start, end, calendar))
        elif (
            self.commitment is not None
            and working_days_between(start, now, calendar) > self.commitment
        ):
            self.overdue += 1
        else:
            self.pending += 1


@dataclass
class ServiceMonth:
    service_id: int
    service_name: str
    month: str  # "2026-03"
    measures: dict[str, Figures]


def _month(moment: dt.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m")


def commitments_measure(
    *, months: int = 12, now: dt.datetime | None = None, service_id: int | None = None
) -> list[ServiceMonth]:
    """The measured figures of every service (or one), per month of the request, newest month
    first, over the last ``months`` months, beside each service's commitments."""
    from parvis.content.models import Service
    from parvis.conversation.office_hours import service_calendars
    from parvis.conversation.selectors import conversations_answer_times
    from parvis.reports.selectors import reports_response_times

    now = now or timezone.now()
    local = now.astimezone(PARIS)
    first_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(months - 1):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    services = {
        s.pk: s
        for s in Service.objects.filter(live=True).order_by("name")
        if service_id is None or s.pk == service_id
    }
    calendars = service_calendars()
    table: dict[tuple[int, str], dict[str, Figures]] = {}

    def figures(sid: int, start: dt.datetime, measure: str) -> Figures:
        service = services[sid]
        commitment = getattr(service, f"commitment_{measure}_days")
        row = table.setdefault((sid, _month(start)), {})
        return row.setdefault(measure, Figures(commitment=commitment))

    for sid, filed, changed, resolved in reports_response_times(since=first_month):
        if sid not in services:
            continue
        calendar = calendars.get(sid, DEFAULT_CALENDAR)
        figures(sid, filed, "report_ack").add(filed, changed, now=now, calendar=calendar)
        figures(sid, filed, "report_resolution").add(filed, resolved, now=now, calendar=calendar)
    for sid, handed, answered in conversations_answer_times(since=first_month):
        if sid not in services:
            continue
        calendar = calendars.get(sid, DEFAULT_CALENDAR)
        figures(sid, handed, "question").add(handed, answered, now=now, calendar=calendar)

    rows = [
        ServiceMonth(sid, services[sid].name, month, measures)
        for (sid, month), measures in table.items()
    ]
    rows.sort(key=lambda r: (r.service_name, r.service_id))
    rows.sort(key=lambda r: r.month, reverse=True)
    return rows


def commitments_of(service: object) -> dict[str, int | None]:
    """A service's published delays, in working days, by measure."""
    return {m: getattr(service, f"commitment_{m}_days") for m in MEASURES}


def services_with_commitments() -> list[object]:
    from django.db.models import Q

    from parvis.content.models import Service

    has_one = Q()
    for measure in MEASURES:
        has_one |= Q(**{f"commitment_{measure}_days__isnull": False})
    return list(Service.objects.filter(has_one, live=True).order_by("name"))


def commitments_open_data(*, now: dt.datetime | None = None) -> list[dict[str, object]]:
    """The figures as flat rows for CSV/JSON: one per service, month and measure."""
    rows = []
    for row in commitments_measure(now=now):
        for measure, fig in sorted(row.measures.items()):
            rows.append(
                {
                    "service": row.service_name,
                    "month": row.month,
                    "measure": measure,
                    "commitment_working_days": fig.commitment,
                    "answered": fig.answered,
                    "overdue": fig.overdue,
                    "pending": fig.pending,
                    "median_working_days": _round(fig.median),
                    "p90_working_days": _round(fig.p90),
                    "within_commitment_percent": _round(fig.within_share, 1),
                }
            )
    return rows


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
