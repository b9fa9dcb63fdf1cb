"""School days and school hours in the school's own time zone.

Deadlines in the plan ("snarest", "innen to timer") are counted while the school is open; a
report on Friday evening is not overdue on Saturday morning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SchoolCalendar:
    zone: ZoneInfo
    day_start: time = time(8, 0)
    day_end: time = time(16, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_school_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def school_day_on_or_after(self, day: date) -> date:
        """Where a date the bot proposes or promises lands: never a weekend or a holiday."""
        while not self.is_school_day(day):
            day += timedelta(days=1)
        return day

    def add_school_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of open school time have passed after `start`."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        remaining = timedelta(hours=hours)
        cursor = start.astimezone(self.zone)
        while True:
            day = cursor.date()
            if self.is_school_day(day):
                opens = datetime.combine(day, self.day_start, self.zone)
                closes = datetime.combine(day, self.day_end, self.zone)
                if cursor < opens:
                    cursor = opens
                if cursor < closes:
                    available = closes - cursor
                    if remaining <= available:
                        return cursor + remaining
                    remaining -= available
            next_day = day + timedelta(days=1)
            cursor = datetime.combine(next_day, time(0, 0), self.zone)

    def add_school_days(self, start: datetime, days: int) -> datetime:
        """The same local time `days` school days after `start` (skipping weekends, holidays)."""
        local = start.astimezone(self.zone)
        day = local.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_school_day(day):
                counted += 1
        return datetime.combine(day, local.timetz().replace(tzinfo=None), self.zone)
