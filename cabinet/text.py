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


# --- money in words: «Сумма к оплате: одна тысяча двести тридцать четыре рубля 50 копеек» ------------------------

_UNITS = {"m": ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"],
          "f": ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]}
_TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
          "семнадцать", "восемнадцать", "девятнадцать"]
_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
         "девяносто"]
_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
             "девятьсот"]
# Each power of a thousand: its gender (for «одна тысяча», «два миллиона») and its three forms.
_SCALES = [("m", ("", "", "")), ("f", ("тысяча", "тысячи", "тысяч")), ("m", ("миллион", "миллиона", "миллионов")),
           ("m", ("миллиард", "миллиарда", "миллиардов"))]


def _triple(number: int, gender: str) -> list[str]:
    hundreds, rest = divmod(number, 100)
    words = [_HUNDREDS[hundreds]]
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words += [_TENS[rest // 10], _UNITS[gender][rest % 10]]
    return [word for word in words if word]


def number_in_words(number: int, gender: str = "m") -> str:
    """«двадцать один», «одна тысяча двести»; `gender` "f" for a feminine noun («одна», «две»)."""
    if number == 0:
        return "ноль"
    words: list[str] = []
    for power in range(len(_SCALES) - 1, -1, -1):
        part = number // 1000 ** power % 1000
        if part == 0:
            continue
        scale_gender, forms = _SCALES[power]
        words += _triple(part, gender if power == 0 else scale_gender)
        if power:
            words.append(plural_word(part, *forms))
    return " ".join(words)


def money_in_words(value) -> str:
    """«одна тысяча двести тридцать четыре рубля 50 копеек»: Belarusian roubles in words, kopecks in figures."""
    amount = to_money(value)
    rubles, kopecks = divmod(int(abs(amount) * 100), 100)
    sign = "минус " if amount < 0 else ""
    return (f"{sign}{number_in_words(rubles)} {plural_word(rubles, 'рубль', 'рубля', 'рублей')} "
            f"{kopecks:02d} {plural_word(kopecks, 'копейка', 'копейки', 'копеек')}")
