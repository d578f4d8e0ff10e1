"""Checks of what users type: numbers, account numbers, e-mails, passwords, and how long any text may be."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from cabinet.services.errors import DomainError
from cabinet.text import ddmmyyyy

_PHONE = re.compile(r"375\d{9}")
_ACCOUNT = re.compile(r"\d{8,16}")
_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[A-Za-zА-Яа-я]{2,}")


def clean_digits(value: str) -> str:
    """Drop the spaces, dashes, brackets and a leading plus people type around numbers."""
    return re.sub(r"[\s\-()+]", "", value or "")


def phone_number(value: str) -> str:
    number = clean_digits(value)
    if not _PHONE.fullmatch(number):
        raise DomainError("Введите номер телефона: 12 цифр, начиная с 375.")
    return number


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def iccid_number(value: str) -> str:
    """A SIM card's number (ICCID): 19 or 20 digits, the last one the Luhn check digit of the others."""
    iccid = clean_digits(value)
    if not (iccid.isdigit() and 19 <= len(iccid) <= 20):
        raise DomainError("Номер SIM-карты (ICCID) — 19 или 20 цифр.")
    if not _luhn_ok(iccid):
        raise DomainError("Номер SIM-карты (ICCID) набран с ошибкой: проверьте цифры.")
    return iccid


def account_number(value: str) -> str:
    number = clean_digits(value)
    if not _ACCOUNT.fullmatch(number):
        raise DomainError("Введите номер лицевого счета: только цифры, от 8 до 16.")
    return number


def email(value: str) -> str:
    address = (value or "").strip()
    if not _EMAIL.fullmatch(address) or len(address) > 254:
        raise DomainError(f"Адрес электронной почты «{address}» указан неверно.")
    return address.lower()


def period_errors(date_from: dt.date | None, date_to: dt.date | None, *, earliest: dt.date, today: dt.date,
                  too_early: str) -> dict[str, str]:
    """What is wrong with a period typed as two dates, by field ("date_from", "date_to"); empty when it is right:
    both dates given, none before `earliest` (then `too_early` is the refusal) or after `today`, the start not after
    the end. A form's step of a period is left only when this is empty."""
    errors: dict[str, str] = {}
    for field, date, missing, name in (("date_from", date_from, "начальную", "начала"),
                                       ("date_to", date_to, "конечную", "окончания")):
        if date is None:
            errors[field] = f"Укажите {missing} дату периода."
        elif date > today:
            errors[field] = f"Дата {name} периода не может быть позже сегодняшней ({ddmmyyyy(today)})."
        elif date < earliest:
            errors[field] = too_early
    if not errors and date_from is not None and date_to is not None and date_from > date_to:
        errors["date_from"] = "Дата начала периода позже даты окончания."
    return errors


PASSWORD_RULES = "Пароль: от 8 до 64 символов, хотя бы одна буква и одна цифра."


def new_password(value: str, *, login: str) -> str:
    if not 8 <= len(value) <= 64:
        raise DomainError(PASSWORD_RULES)
    if not re.search(r"[A-Za-zА-Яа-яЁё]", value) or not re.search(r"\d", value):
        raise DomainError(PASSWORD_RULES)
    if login in value:
        raise DomainError("Пароль не должен содержать номер, по которому вы входите.")
    return value


# --- how much text a service takes ---------------------------------------------------------------------------------

# Each text argument's longest sensible value, by the argument's name; any other text gets TEXT_LIMIT. The pages
# set the same `max_length` on their fields (see cabinet.components.forms.LIMITS), so only a hand-made event
# meets these refusals.
TEXT_LIMITS = {
    "login": 32, "number": 32, "target": 32, "code": 12, "iccid": 32, "search": 60, "all_matching": 60,
    "name": 200, "password": 128, "new_password": 128, "current_password": 128, "emails": 1_300,
    "numbers": 8_000,  # 500 typed numbers with their separators
    "token": 20_000, "link": 20_000,  # beyond the links' own bound, which answers first
}
TEXT_LIMIT = 200


def too_long(limit: int) -> DomainError:
    return DomainError(f"Введено слишком много текста: не более {limit} знаков.")


def bounded(arguments: dict) -> None:
    """Refuse any text argument (or text in a list, a dict's values, a dataclass's fields) longer than its limit,
    before a service reads it."""
    for name, value in arguments.items():
        _check(value, TEXT_LIMITS.get(name, TEXT_LIMIT), depth=0)


def _check(value, limit: int, *, depth: int) -> None:
    if isinstance(value, str):
        if len(value) > limit:
            raise too_long(limit)
    elif depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _check(item, limit, depth=depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            _check(item, limit, depth=depth + 1)
    elif depth < 2 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        bounded({field.name: getattr(value, field.name) for field in dataclasses.fields(value)})
