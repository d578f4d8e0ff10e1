"""The one clock for "today" and "now", in Minsk time; tests set it. And the month arithmetic every date rule uses."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from cabinet import settings

MINSK = ZoneInfo("Europe/Minsk")

_frozen: dt.datetime | None = None


def _real_now() -> dt.datetime:
    return dt.datetime.now(MINSK).replace(tzinfo=None, microsecond=0)


_offset_of: tuple[object, dt.timedelta] | None = None  # (the settings it was taken from, the offset)


def _offset() -> dt.timedelta:
    """CABINET_TODAY=YYYY-MM-DD (settings.today) runs a whole process on another day (browser tests of date
    rules); the time of day still flows. Taken from the settings at the first reading of the clock, and again
    after `settings.reset()`, never at import."""
    global _offset_of
    current = settings.get()
    if _offset_of is None or _offset_of[0] is not current:
        wanted = current.today
        days = (wanted - _real_now().date()).days if wanted else 0
        _offset_of = (current, dt.timedelta(days=days))
    return _offset_of[1]


def now() -> dt.datetime:
    """Current moment as a naive Minsk wall-clock datetime (how every timestamp is stored)."""
    if _frozen is not None:
        return _frozen
    return _real_now() + _offset()


def today() -> dt.date:
    return now().date()


def set_now(moment: dt.datetime | dt.date | None) -> None:
    """Freeze the clock at a moment (a date means its midnight); None lets it run again."""
    global _frozen
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    _frozen = moment


def advance(**delta: float) -> None:
    """Move a frozen clock forward, e.g. advance(minutes=5)."""
    global _frozen
    _frozen = now() + dt.timedelta(**delta)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number `months` later (or earlier, when negative); the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
