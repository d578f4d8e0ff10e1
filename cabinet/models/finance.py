"""Invoices and their charge lines, payments, guarantee payments, call records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cabinet.models.base import money, now_field


class Invoice(SQLModel, table=True):
    __table_args__ = (Index("ix_invoice_account_period", "account_id", "period", "is_regular"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="personalaccount.id")
    number: str = Field(unique=True, max_length=30)
    period: dt.date  # first day of the billed month
    issued_on: dt.date
    due_on: dt.date
    amount: Decimal = money()  # with VAT
    vat: Decimal = money()
    paid_amount: Decimal = money()
    is_regular: bool = True  # False: a preliminary invoice for the current period

    @property
    def is_paid(self) -> bool:
        return self.paid_amount >= self.amount


class ChargeLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id", index=True)
    number: str | None = Field(default=None, max_length=12)
    description: str
    amount: Decimal = money()  # with VAT
    vat: Decimal = money()


class Payment(SQLModel, table=True):
    __table_args__ = (Index("ix_payment_account_date", "account_id", "paid_on"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="personalaccount.id")
    paid_on: dt.date
    amount: Decimal = money()
    method: str = Field(default="Банковский перевод", max_length=60)
    reference: str = Field(default="", max_length=60)


class GuaranteePayment(SQLModel, table=True):
    """A registered payment («Регистрация оплаты»): the client vouches it has paid or will pay."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="personalaccount.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    user_id: int = Field(foreign_key="user.id")
    amount: Decimal = money()
    registered_at: NaiveDatetime = now_field()
    status: str = Field(default="registered", max_length=12)  # registered | confirmed | expired


class CallRecord(SQLModel, table=True):
    __table_args__ = (Index("ix_callrecord_subscriber_start", "subscriber_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id")
    started_at: NaiveDatetime
    direction: str = Field(max_length=3)  # in | out
    other_number: str = Field(max_length=20)
    kind: str = Field(default="voice", max_length=10)  # voice | sms | data
    network: str = Field(default="own", max_length=10)  # own | other | intl | fixed
    duration_seconds: int = 0
    cost: Decimal = money()
