"""Words and figures as a Russian-speaking user reads them, the same on the pages, in messages and in the
documents: month names, dates, counts with their plural forms, money («1 234,50 BYN»)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь"]
MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]
MONTHS_SHORT = ["Янв", "Фев", "Мар", "Апр", "Май", "Июн", "Июл", "Авг", "Сен", "Окт", "Ноя", "Дек"]

CURRENCY = "BYN"
CENT = Decimal("0.01")


# --- months and days ------------------------------------------------------------------------------------------

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


def ddmmyyyy(day: dt.date) -> str:
    """«03.11.2026»"""
    return f"{day:%d.%m.%Y}"


def next_minute(moment: dt.datetime) -> dt.datetime:
    """The first whole minute not before `moment`: the time to name when something is allowed again."""
    shown = moment.replace(second=0, microsecond=0)
    return shown if shown == moment else shown + dt.timedelta(minutes=1)


# --- counts -----------------------------------------------------------------------------------------------------

def thousands(count: int) -> str:
    """«10 000»"""
    return f"{count:,}".replace(",", " ")


def plural_word(count: int, one: str, few: str, many: str) -> str:
    """The form of a word that goes with a count: one «звонок», few «звонка», many «звонков»."""
    tail = count % 100
    if 11 <= tail <= 14:
        return many
    if tail % 10 == 1:
        return one
    if 2 <= tail % 10 <= 4:
        return few
    return many


def plural(count: int, one: str, few: str, many: str) -> str:
    """«1 звонок», «3 звонка», «11 звонков»"""
    return f"{count} {plural_word(count, one, few, many)}"


def abonents(count: int) -> str:
    """«1 абонент», «3 абонента», «11 абонентов», «10 000 абонентов»"""
    return f"{thousands(count)} {plural_word(count, 'абонент', 'абонента', 'абонентов')}"


# --- money ------------------------------------------------------------------------------------------------------

def to_money(value) -> Decimal:
    """Rubles and kopecks: two places, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value) -> str:
    """«1 234,56»: thousands by a space, decimal comma, always two places; «-12,00» below zero."""
    return f"{to_money(value):,.2f}".replace(",", " ").replace(".", ",")


def money(value) -> str:
    """«1 234,56 BYN»: every sum the user reads, on a page or in a message."""
    return f"{money_text(value)} {CURRENCY}"
