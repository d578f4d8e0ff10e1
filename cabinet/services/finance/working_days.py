"""Belarusian working days: the processing term of a reconciliation act (C7) is counted in them."""

from __future__ import annotations

import datetime as dt

import holidays

# Public holidays of Belarus, with the days off the government moves onto weekdays («перенесенные выходные»),
# which the `holidays` package lists too. Belarus also makes some Saturdays working days in exchange
# («рабочая суббота»); those are ignored here: every Saturday and Sunday counts as a day off, so a processing
# term can only come out a little later than the official calendar's, never earlier.
_BY_HOLIDAYS = holidays.country_holidays("BY")


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _BY_HOLIDAYS


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself not counted)."""
    if days < 1:
        raise ValueError("days must be positive")
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
