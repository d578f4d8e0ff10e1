"""The operator's catalogues: tariffs, services and which services a tariff allows."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Field, SQLModel

from cabinet.models.base import money


class Tariff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=40)
    name: str
    kind: str = Field(max_length=10)  # AccountKind it is sold on
    description: str = ""
    monthly_fee: Decimal = money()
    switch_fee: Decimal = money()
    free_minutes_other: int = 0  # free minutes to other networks per month
    is_archived: bool = False  # still worn by subscribers, no longer chosen
    # «SIP-соединение»: its numbers may be SIP administrators (A4), order call detail (P8), have free minutes to
    # other networks (P11) and packages of channels (P13); every other SIP tariff is a «SIP-номер»
    is_sip_connection: bool = False


class Service(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=40)
    name: str
    category: str = Field(max_length=60)
    kind: str = Field(max_length=10)  # AccountKind it applies to
    description: str = ""
    monthly_fee: Decimal = money()
    connect_fee: Decimal = money()
    self_service: bool = True  # False: only by written application («только по заявлению»)


class ServiceConflict(SQLModel, table=True):
    """Two services that cannot be connected together (stored once, lower id first)."""

    service_id: int = Field(foreign_key="service.id", primary_key=True)
    other_service_id: int = Field(foreign_key="service.id", primary_key=True)


class TariffService(SQLModel, table=True):
    """How a tariff treats a service: allowed (may be connected), included (comes with it), forbidden."""

    tariff_id: int = Field(foreign_key="tariff.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    mode: str = Field(default="allowed", max_length=10)  # allowed | included | forbidden


class ChannelPackage(SQLModel, table=True):
    """«SIP-многоканальность»: a package of simultaneous channels for a «SIP-соединение» subscriber."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str
    channels: int
    monthly_fee: Decimal = money()
