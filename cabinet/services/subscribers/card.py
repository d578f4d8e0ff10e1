"""The subscriber's card: who it is, its tariff, SIM, services (connected and available, with the reason a service
cannot be connected), call forwarding and the unfinished requests touching it. A handful of small queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import exists, select
from sqlmodel import Session

from cabinet.models import (
    CallForwarding,
    ItemStatus,
    Request,
    RequestItem,
    RequestKind,
    RequestStatus,
    Service,
    Subscriber,
    SubscriberStatus,
    Tariff,
)
from cabinet.models.request import REQUEST_KIND_TITLES, REQUEST_STATUS_TITLES
from cabinet.services import access
from cabinet.services.access import EVERY_CABINET, Actor, serves
from cabinet.services.subscribers import lines
from cabinet.services.subscribers.rules import (
    BY_APPLICATION,
    FORWARDING_TITLES,
    conflicts_among,
    connected_ids,
    status_title,
    tariff_modes,
)


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    category: str
    monthly_fee: Decimal
    included: bool = False  # comes with the tariff (cannot be switched off)
    mode: str = "allowed"  # allowed | included | forbidden, on the tariff in question
    self_service: bool = True  # False: only by written application
    description: str = ""
    reason_unavailable: str | None = None  # None: «Подключить» may be offered


@dataclass(frozen=True)
class ForwardingRow:
    kind: str  # unconditional | busy | no_answer | unreachable
    title: str
    target: str | None  # None: switched off
    delay_seconds: int | None


@dataclass(frozen=True)
class PendingRequest:
    id: int
    kind: str
    kind_title: str
    status_title: str
    created_at: dt.datetime


@dataclass(frozen=True)
class SubscriberCard:
    id: int
    account_id: int
    number: str
    name: str
    status: str
    status_title: str
    tariff_id: int
    tariff_name: str
    sim_iccid: str | None
    self_sim_replacement: bool
    connected_on: dt.date | None
    version: int
    connected_services: list[ServiceRow]
    available_services: list[ServiceRow]
    forwarding: list[ForwardingRow]
    pending: list[PendingRequest]
    operations: tuple[str, ...] = ()  # the RequestKinds that apply to this kind of line (see `lines.APPLIES`)

    @property
    def has_sim(self) -> bool:
        """A mobile line, with a SIM card and «Замена SIM»; a fixed line has neither."""
        return RequestKind.SIM_REPLACEMENT.value in self.operations

    @property
    def is_active(self) -> bool:
        return self.status == SubscriberStatus.ACTIVE.value

    @property
    def is_waiting(self) -> bool:
        return self.status == SubscriberStatus.WAITING.value


def service_row(service: Service, mode: str, reason: str | None = None) -> ServiceRow:
    return ServiceRow(id=service.id, name=service.name, category=service.category, monthly_fee=service.monthly_fee,
                      included=mode == "included", mode=mode, self_service=service.self_service,
                      description=service.description, reason_unavailable=reason)


def _services(session: Session, subscriber: Subscriber, tariff: Tariff) -> tuple[list[ServiceRow], list[ServiceRow]]:
    modes = tariff_modes(session, tariff.id)
    connected = connected_ids(session, subscriber.id)
    catalogue = session.execute(
        select(Service).where(Service.kind == tariff.kind).order_by(Service.category, Service.name)
    ).scalars().all()
    names = {s.id: s.name for s in catalogue}
    blocking: dict[int, str] = {}
    for service_id, other_id in conflicts_among(session, connected):
        blocking.setdefault(other_id, names.get(service_id, ""))
    inactive: str | None = None
    if subscriber.status != SubscriberStatus.ACTIVE.value:
        inactive = f"Абонент в статусе «{status_title(subscriber.status)}»: операции с услугами недоступны"
    on, off = [], []
    for service in catalogue:
        mode = modes.get(service.id, "forbidden")
        if service.id in connected:
            on.append(service_row(service, mode))
            continue
        reason: str | None
        if mode == "forbidden":
            reason = f"Услуга «{service.name}» недоступна на тарифном плане «{tariff.name}»"
        elif not service.self_service:
            reason = BY_APPLICATION
        elif service.id in blocking:
            reason = f"Услуга «{service.name}» несовместима с подключенной услугой «{blocking[service.id]}»"
        else:
            reason = inactive
        off.append(service_row(service, mode, reason))
    return on, off


def _forwarding(session: Session, subscriber_id: int) -> list[ForwardingRow]:
    stored = {
        f.kind: f for f in session.execute(
            select(CallForwarding).where(CallForwarding.subscriber_id == subscriber_id)
        ).scalars().all()
    }
    rows = []
    for kind, title in FORWARDING_TITLES.items():
        f = stored.get(kind)
        rows.append(ForwardingRow(kind=kind, title=title, target=f.target if f else None,
                                  delay_seconds=f.delay_seconds if f else None))
    return rows


def pending_requests(session: Session, account_id: int, subscriber_id: int) -> list[PendingRequest]:
    """Unfinished requests of the account with a waiting item for this subscriber, oldest first.

    Starts from the account's unfinished requests (few), then their waiting items (ix_requestitem_request_status)."""
    touching = exists().where(
        RequestItem.request_id == Request.id,
        RequestItem.status == ItemStatus.WAITING.value,
        RequestItem.subscriber_id == subscriber_id,
    )
    found = session.execute(
        select(Request.id, Request.kind, Request.status, Request.created_at)
        .where(Request.account_id == account_id,
               Request.status.in_((RequestStatus.NEW.value, RequestStatus.IN_PROGRESS.value)),
               touching)
        .order_by(Request.created_at, Request.id)
    ).all()
    return [PendingRequest(id=i, kind=k, kind_title=REQUEST_KIND_TITLES.get(k, k),
                           status_title=REQUEST_STATUS_TITLES.get(s, s), created_at=at)
            for i, k, s, at in found]


@serves(EVERY_CABINET)
def subscriber_card(session: Session, *, actor: Actor, subscriber_id: int) -> SubscriberCard:
    """The card of one subscriber of an account the actor may act on."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    tariff = session.get(Tariff, subscriber.tariff_id)
    connected, available = _services(session, subscriber, tariff)
    return SubscriberCard(
        id=subscriber.id,
        account_id=subscriber.account_id,
        number=subscriber.number,
        name=subscriber.name or "",
        status=str(subscriber.status),
        status_title=status_title(subscriber.status),
        tariff_id=tariff.id,
        tariff_name=tariff.name,
        sim_iccid=subscriber.sim_iccid,
        self_sim_replacement=subscriber.self_sim_replacement,
        connected_on=subscriber.connected_on,
        version=subscriber.version,
        connected_services=connected,
        available_services=available,
        forwarding=_forwarding(session, subscriber.id),
        pending=pending_requests(session, subscriber.account_id, subscriber.id),
        operations=tuple(str(kind) for kind, kinds in lines.APPLIES.items()
                         if dict(actor.accounts)[subscriber.account_id] in kinds),
    )
