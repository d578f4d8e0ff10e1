"""The client company and its personal accounts («лицевые счета»)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlmodel import Field, SQLModel

from cabinet.models.base import json_field, money


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    unp: str = Field(index=True, unique=True, max_length=9)
    legal_address: str
    bank_details: str = ""
    contact_email: str  # the e-mail the company gave in its application for the cabinet
    contract_number: str = ""
    contract_date: dt.date


class PersonalAccount(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(index=True, unique=True, max_length=20)
    kind: str = Field(max_length=10)  # AccountKind
    status: str = Field(default="active", max_length=20)  # active | suspended | closed
    opened_on: dt.date
    payment_form: str = Field(default="Безналичный расчет", max_length=60)
    delivery_method: str = Field(default="email", max_length=10)  # email | self («Получает сам»)
    delivery_emails: list[str] = json_field(list)
    invoice_format: str = Field(default="pdf", max_length=5)  # pdf | xlsx | txt
    balance: Decimal = money()
