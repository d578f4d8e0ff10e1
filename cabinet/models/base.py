"""Shared column helpers for the tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Column, Numeric
from sqlmodel import Field

from cabinet import clock


def money(default: Decimal | None = Decimal("0.00"), **kwargs) -> Decimal:
    """A money column: exact decimal, two places."""
    nullable = default is None
    return Field(default=default, sa_column=Column(Numeric(14, 2), nullable=nullable), **kwargs)


def json_field(default_factory=dict):
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


def now_field() -> dt.datetime:
    return Field(default_factory=clock.now, nullable=False)


class AccountKind(StrEnum):
    MOBILE = "mobile"
    FIXED = "fixed"
    SIP = "sip"


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SUPERVISOR = "supervisor"
    SIP_ADMIN = "sip_admin"


ROLE_TITLES: dict[str, str] = {
    Role.ADMINISTRATOR: "Администратор",
    Role.SUPERVISOR: "Супервайзер",
    Role.SIP_ADMIN: "Администратор SIP",
}

ACCOUNT_KIND_TITLES: dict[str, str] = {
    AccountKind.MOBILE: "Мобильная связь",
    AccountKind.FIXED: "Фиксированная связь",
    AccountKind.SIP: "SIP-телефония",
}
