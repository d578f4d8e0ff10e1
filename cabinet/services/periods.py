"""Months, date limits and working days shared by the finance services; money and dates as the user reads them.

Every "today" comes from `cabinet.clock`, so tests set it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import holidays

MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь"]
MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]
MONTHS_SHORT = ["Янв", "Фев", "Мар", "Апр", "Май", "Июн", "Июл", "Авг", "Сен", "Окт", "Ноя", "Дек"]


def month_title(period: dt.date) -> str:
    """«Октябрь 2026»"""
    return f"{MONTHS[period.month - 1].capitalize()} {period.year}"


def month_words(period: dt.date) -> str:
    """«октябрь 2026», as in «Счет за октябрь 2026»."""
    return f"{MONTHS[period.month - 1]} {period.year}"


def month_genitive(period: dt.date) -> str:
    """«ноября 2023», as in «с ноября 2023»."""
    return f"{MONTHS_GENITIVE[period.month - 1]} {period.year}"


def month_short(period: dt.date) -> str:
    """«Окт 2026»"""
    return f"{MONTHS_SHORT[period.month - 1]} {period.year}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number `months` later (or earlier, when negative); the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def ddmmyyyy(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def thousands(count: int) -> str:
    """«10 000»"""
    return f"{count:,}".replace(",", " ")


def abonents(count: int) -> str:
    """«1 абонент», «3 абонента», «11 абонентов»"""
    if count % 10 == 1 and count % 100 != 11:
        word = "абонент"
    elif 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        word = "абонента"
    else:
        word = "абонентов"
    return f"{thousands(count)} {word}"


def rubles(value: Decimal) -> str:
    """«1 234,50 руб.»"""
    text = f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} руб."


# --- Belarusian working days --------------------------------------------------------------------------------

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
