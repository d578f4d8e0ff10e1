"""Subscribers («абоненты»), SIM cards, their services, forwarding and the number pool."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from cabinet.models.base import json_field, now_field


class SubscriberStatus(StrEnum):
    ACTIVE = "active"
    WAITING = "waiting"  # «Ожидание активации»
    BLOCKED = "blocked"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


STATUS_TITLES = {
    SubscriberStatus.ACTIVE: "Активен",
    SubscriberStatus.WAITING: "Ожидание активации",
    SubscriberStatus.BLOCKED: "Заблокирован",
    SubscriberStatus.SUSPENDED: "Приостановлен",
    SubscriberStatus.TERMINATED: "Обслуживание прекращено",
}


class SimState(StrEnum):
    FREE = "free"  # the company's, in no subscriber's phone: «Замена SIM» (S8) offers it
    IN_USE = "in_use"
    RETIRED = "retired"  # replaced, or its subscriber's service ended


SIM_STATE_TITLES = {
    SimState.FREE: "Свободна",
    SimState.IN_USE: "Используется",
    SimState.RETIRED: "Выведена из обращения",
}


class PoolState(StrEnum):
    FREE = "free"
    RESERVED = "reserved"  # drawn for one subscriber's «Смена номера» (S7) until `reserved_until`
    TAKEN = "taken"


POOL_STATE_TITLES = {
    PoolState.FREE: "Свободен",
    PoolState.RESERVED: "Зарезервирован",
    PoolState.TAKEN: "Занят",
}


class Subscriber(SQLModel, table=True):
    __table_args__ = (
        Index("ix_subscriber_account_number", "account_id", "number"),
        Index("ix_subscriber_account_status", "account_id", "status"),
        Index("ix_subscriber_account_tariff", "account_id", "tariff_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="personalaccount.id")
    number: str = Field(unique=True, max_length=12)
    name: str = ""
    tariff_id: int = Field(foreign_key="tariff.id")
    status: str = Field(default=SubscriberStatus.ACTIVE, max_length=12)
    sim_iccid: str | None = Field(default=None, index=True, max_length=20)
    self_sim_replacement: bool = True
    sip_kind: str | None = Field(default=None, max_length=12)  # connection | number, SIP only
    sip_password: str | None = Field(default=None, max_length=40)  # shown on demand (P14)
    free_minutes_left: int | None = None  # to other networks, «SIP-соединение» only
    channel_package_id: int | None = Field(default=None, foreign_key="channelpackage.id")
    channel_changed_at: NaiveDatetime | None = None
    connected_on: dt.date | None = None
    version: int = 0  # bumped by every change, so concurrent edits are detected


class SimCard(SQLModel, table=True):
    iccid: str = Field(primary_key=True, max_length=20)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    state: str = Field(default=SimState.FREE, max_length=10)  # a SimState


class SubscriberService(SQLModel, table=True):
    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    connected_on: dt.date


class CallForwarding(SQLModel, table=True):
    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True)
    kind: str = Field(primary_key=True, max_length=20)  # unconditional | busy | no_answer | unreachable
    target: str = Field(max_length=12)
    delay_seconds: int | None = None  # no_answer only


class NumberPool(SQLModel, table=True):
    number: str = Field(primary_key=True, max_length=12)
    category: str = Field(index=True, max_length=30)
    price: int = 0
    state: str = Field(default=PoolState.FREE, max_length=10)  # a PoolState
    reserved_by_subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id")
    reserved_until: NaiveDatetime | None = None


class NumberDraw(SQLModel, table=True):
    """One draw of candidate numbers for «Смена номера»; at most five per subscriber and request."""

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    category: str = Field(max_length=30)
    numbers: list[str] = json_field(list)
    created_at: NaiveDatetime = now_field()
