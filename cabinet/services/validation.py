"""Checks of what users type: numbers, account numbers, e-mails, passwords."""

from __future__ import annotations

import re

from cabinet.services.errors import DomainError

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


PASSWORD_RULES = "Пароль: от 8 до 64 символов, хотя бы одна буква и одна цифра."


def new_password(value: str, *, login: str) -> str:
    if not 8 <= len(value) <= 64:
        raise DomainError(PASSWORD_RULES)
    if not re.search(r"[A-Za-zА-Яа-яЁё]", value) or not re.search(r"\d", value):
        raise DomainError(PASSWORD_RULES)
    if login in value:
        raise DomainError("Пароль не должен содержать номер, по которому вы входите.")
    return value
