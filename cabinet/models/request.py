"""Requests («заявки»): everything the operator would process, stored first, then done item by item."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cabinet.models.base import json_field, now_field


class RequestStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    PARTLY_DONE = "partly_done"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # taken back by the user before the worker claimed it


REQUEST_STATUS_TITLES = {
    RequestStatus.NEW: "Принята",
    RequestStatus.IN_PROGRESS: "Выполняется",
    RequestStatus.DONE: "Выполнена",
    RequestStatus.PARTLY_DONE: "Выполнена частично",
    RequestStatus.REFUSED: "Отклонена",
    RequestStatus.WITHDRAWN: "Отозвана",
}


class ItemStatus(StrEnum):
    WAITING = "waiting"
    DONE = "done"
    REFUSED = "refused"


class Request(SQLModel, table=True):
    __table_args__ = (
        Index("ix_request_account_created", "account_id", "created_at"),
        Index("ix_request_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    account_id: int = Field(foreign_key="personalaccount.id")
    author_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=40)
    status: str = Field(default=RequestStatus.NEW, max_length=12)
    params: dict = json_field(dict)
    idempotency_key: str = Field(unique=True, max_length=80)
    created_at: NaiveDatetime = now_field()
    started_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None
    expected_on: dt.date | None = None
    total_items: int = 0
    done_items: int = 0
    refused_items: int = 0
    summary: str = ""


class RequestItem(SQLModel, table=True):
    __table_args__ = (Index("ix_requestitem_request_status", "request_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id")
    position: int = 0
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id")
    number: str | None = Field(default=None, max_length=20)
    params: dict = json_field(dict)
    status: str = Field(default=ItemStatus.WAITING, max_length=10)
    result: str = ""
    claimed_by: str | None = Field(default=None, max_length=60)
    lease_until: NaiveDatetime | None = None
    attempts: int = 0
    processed_at: NaiveDatetime | None = None


class RequestKind(StrEnum):
    INVOICE_EMAIL = "invoice_email"  # C2 and P5
    CALL_DETAIL = "call_detail"  # C6 and P8
    RECONCILIATION = "reconciliation"  # C7
    SERVICES = "services"  # S2, B1, P12
    TARIFF = "tariff"  # S3, B2
    ACTIVATION = "activation"  # S4, B4
    RENAME = "rename"  # S5, B3
    FORWARDING = "forwarding"  # S6
    NUMBER_CHANGE = "number_change"  # S7
    SIM_REPLACEMENT = "sim_replacement"  # S8
    TERMINATION = "termination"  # B5
    CHANNELS = "channels"  # P13
    EXPORT = "export"  # S1 «Выгрузка в Excel» of a large list
    PRELIMINARY_INVOICE = "preliminary_invoice"  # P9
    PAYMENT_REGISTRATION = "payment_registration"  # C5, P4


REQUEST_KIND_TITLES = {
    RequestKind.INVOICE_EMAIL: "Отправка счета",
    RequestKind.CALL_DETAIL: "Детализация на Email",
    RequestKind.RECONCILIATION: "Акт сверки",
    RequestKind.SERVICES: "Услуги",
    RequestKind.TARIFF: "Изменение тарифа",
    RequestKind.ACTIVATION: "Активация",
    RequestKind.RENAME: "Переименование",
    RequestKind.FORWARDING: "Переадресация вызовов",
    RequestKind.NUMBER_CHANGE: "Смена номера",
    RequestKind.SIM_REPLACEMENT: "Замена SIM",
    RequestKind.TERMINATION: "Прекращение обслуживания",
    RequestKind.CHANNELS: "SIP-многоканальность",
    RequestKind.EXPORT: "Выгрузка в Excel",
    RequestKind.PRELIMINARY_INVOICE: "Начисления за текущий период",
    RequestKind.PAYMENT_REGISTRATION: "Регистрация оплаты",
}
