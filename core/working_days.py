"""Working days: the days the center works, to count how long an answer may take.

A complaint is due within a number of working days (`[feedback] answer_days`), which skip the
center's holidays and the weekdays it does not open. The weekdays are those the switched-on
services' weekly hours open; a center whose services keep the same hours every day (or none)
says nothing of its week, and works Monday to Friday, the week of a public office. Pure: it
reads the services and the holidays, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from core.center import list_services
from core.schedule import holiday_dates

OFFICE_WEEK = frozenset(range(5))  # Monday (0) to Friday (4)
LONGEST_SEARCH = 3660  # days looked ahead at most: ten years of holidays cannot hide them all


@dataclass(frozen=True)
class WorkingCalendar:
    """The weekdays the center works (0 = Monday) and its holidays (YYYY-MM-DD)."""

    weekdays: frozenset[int]
    holidays: frozenset[str]

    def works_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day.isoformat() not in self.holidays

    def after(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself when `days` is 0)."""
        day, counted = start, 0
        for _step in range(LONGEST_SEARCH):
            if counted >= days:
                return day
            day += timedelta(days=1)
            counted += self.works_on(day)
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start`, up to and including `end` (0 when `end` <= `start`)."""
        span = (end - start).days
        if span <= 0:
            return 0
        return sum(self.works_on(start + timedelta(days=n)) for n in range(1, span + 1))


def working_calendar(db: Database) -> WorkingCalendar:
    """The center's working week and holidays, as its services and holiday list say."""
    weekdays: set[int] = set()
    for service in list_services(db):
        if service.enabled and service.week is not None:
            weekdays |= {index for index, spans in enumerate(service.week) if spans}
    return WorkingCalendar(frozenset(weekdays) or OFFICE_WEEK, holiday_dates(db))
