"""«Управление абонентами SIP»: «Выбор SIP-абонента» (P10), the subscriber's information (P11) and services
(P12, through the card of `subscriber_card` and the orders of `subscriber_ops`), «Параметры для настройки SIP»
(P14), «Начисления за период» (P15) and «Просмотр детализации» (P16). «SIP-многоканальность» (P13) is in
`sip_channels`. Every function checks that the actor may act on the subscriber's account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from cabinet import clock
from cabinet.clock import add_months
from cabinet.models import (
    CallRecord,
    ChannelPackage,
    ChargeLine,
    Invoice,
    Service,
    Subscriber,
    SubscriberService,
    Tariff,
)
from cabinet.services import access, audit, validation
from cabinet.services.access import SIP, Actor, serves
from cabinet.services.errors import DomainError
from cabinet.services.paging import Page, bounds
from cabinet.services.subscribers.card import SubscriberCard, subscriber_card
from cabinet.text import month_words

CHARGE_MONTHS = 2  # P15: the current month and two before it
CALL_MONTHS = 6  # P16: the current month and six before it
CALL_DIRECTIONS = {"out": "Исходящие", "in": "Входящие"}
# What a SIP client configures (P14): the operator's platform, the same for every subscriber.
SIP_PLATFORM = {"registrar": "sip.cabinet-telecom.by", "proxy": "proxy.sip.cabinet-telecom.by", "port": "5060",
                "transport": "UDP", "codecs": "G.711 A-law (PCMA), G.711 µ-law (PCMU), G.729"}


@dataclass(frozen=True)
class SipRow:
    id: int
    number: str
    name: str
    tariff_name: str


@dataclass(frozen=True)
class SipSubscriber:
    card: SubscriberCard
    is_connection: bool  # «SIP-соединение» (else «SIP-номер»)
    free_minutes_left: int | None  # to other networks, for «SIP-соединение» only
    free_minutes_total: int | None
    channel_package: str  # «5 каналов», "" when none
    by_application: frozenset[int]  # the services shown but switched on or off only by written application (P12)


@dataclass(frozen=True)
class SipSettings:
    registrar: str
    proxy: str
    port: str
    transport: str
    login: str
    auth_name: str
    codecs: str


@dataclass(frozen=True)
class ChargeRow:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class MonthCharges:
    title: str  # «ноябрь 2026»
    preliminary: bool  # the current month: charged so far, not yet invoiced
    rows: list[ChargeRow]
    total: Decimal


@dataclass(frozen=True)
class CallRow:
    started_at: dt.datetime
    other_number: str
    duration_seconds: int
    cost: Decimal


# --- P10 ------------------------------------------------------------------------------------------------------------

def _sip_rows(account_id: int):
    return (select(Subscriber.id, Subscriber.number, Subscriber.name, Tariff.name)
            .join(Tariff, Tariff.id == Subscriber.tariff_id).where(Subscriber.account_id == account_id))


@serves(SIP)
def find_sip_subscriber(session: Session, *, actor: Actor, account_id: int, number: str) -> int:
    """«Выбор SIP-абонента» by number: the subscriber's id, or a refusal naming the number."""
    account = access.account_for(session, actor, account_id)
    wanted = validation.phone_number(number)
    found = session.exec(select(Subscriber.id).where(Subscriber.account_id == account.id,
                                                      Subscriber.number == wanted)).first()
    if found is None:
        raise DomainError(f"Абонент {wanted} не найден на этом лицевом счете.")
    return found


@serves(SIP)
def list_sip_subscribers(
    session: Session, *, actor: Actor, account_id: int, page: int = 1, page_size: int = 20
) -> Page[SipRow]:
    """«Показать все»: the account's subscribers, one page, «SIP-соединение» first, then by number."""
    account = access.account_for(session, actor, account_id)
    page, page_size = bounds(page, page_size)
    total = session.exec(select(func.count()).select_from(Subscriber).where(Subscriber.account_id == account.id)).one()
    rows = session.exec(_sip_rows(account.id).order_by(Tariff.is_sip_connection.desc(), Subscriber.number)
                        .offset((page - 1) * page_size).limit(page_size)).all()
    return Page(rows=[SipRow(i, number, name or "", tariff) for i, number, name, tariff in rows], total=total,
                page=page, page_size=page_size)


# --- P11, P12, P14 ----------------------------------------------------------------------------------------------------

def _tariff(session: Session, subscriber: Subscriber) -> Tariff:
    tariff = session.get(Tariff, subscriber.tariff_id)
    assert tariff is not None  # a subscriber always wears a tariff (foreign key)
    return tariff


def is_connection(session: Session, subscriber: Subscriber) -> bool:
    return _tariff(session, subscriber).is_sip_connection


def _by_application(card: SubscriberCard) -> frozenset[int]:
    """The packages of minutes to other networks and the like: switched on or off only by written application,
    so never offered to «Удалить» or «Добавить» (the order refuses them too, `rules.check_service_change`). One
    the tariff forbids, or includes, is not a matter of an application."""
    return frozenset(
        [s.id for s in card.connected_services if not s.self_service and not s.included]
        + [s.id for s in card.available_services if not s.self_service and s.mode == "allowed"])


@serves(SIP)
def sip_subscriber(session: Session, *, actor: Actor, subscriber_id: int) -> SipSubscriber:
    """P11 and P12: the card (services connected and available, each with why not, and those only by application)
    and the SIP figures; the free minutes only for «SIP-соединение»."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    card = subscriber_card(session, actor=actor, subscriber_id=subscriber.id)
    connection = is_connection(session, subscriber)
    package = session.get(ChannelPackage, subscriber.channel_package_id) if subscriber.channel_package_id else None
    return SipSubscriber(
        card=card, is_connection=connection,
        free_minutes_left=(subscriber.free_minutes_left or 0) if connection else None,
        free_minutes_total=_tariff(session, subscriber).free_minutes_other if connection else None,
        channel_package=package.name if package and connection else "",
        by_application=_by_application(card),
    )


@serves(SIP)
def sip_settings(session: Session, *, actor: Actor, subscriber_id: int) -> SipSettings:
    """P14: what a SIP phone or PBX needs to register; the password apart (`sip_password`)."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    return SipSettings(login=subscriber.number, auth_name=subscriber.number, **SIP_PLATFORM)


@serves(SIP)
def sip_password(session: Session, *, actor: Actor, subscriber_id: int) -> str:
    """P14 «Показать пароль»: shown on demand only, and every showing is in the audit log."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    if not subscriber.sip_password:
        raise DomainError("Пароль SIP не задан. Обратитесь к вашему менеджеру.")
    audit.record(session, action="sip.password_shown", actor=actor, account_id=subscriber.account_id,
                 object_kind="subscriber", object_id=subscriber.id)
    return subscriber.sip_password


# --- P15 ------------------------------------------------------------------------------------------------------------

def charge_months() -> list[dt.date]:
    """The current month and the two before it, newest first (first days)."""
    current = clock.today().replace(day=1)
    return [add_months(current, -back) for back in range(CHARGE_MONTHS + 1)]


def _month(year, month, allowed: list[dt.date], refusal: str) -> dt.date:
    try:
        period = dt.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        raise DomainError("Выберите месяц из предложенных.") from None
    if period not in allowed:
        raise DomainError(refusal)
    return period


@serves(SIP)
def subscriber_charges(
    session: Session, *, actor: Actor, subscriber_id: int, year: int, month: int
) -> MonthCharges:
    """P15: a past month from its regular invoice; the current one as charged so far (the monthly fees of the
    tariff, the channel package and the connected services, and the calls until now)."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    current = clock.today().replace(day=1)
    period = _month(year, month, charge_months(), "Начисления доступны за текущий и два предыдущих месяца.")
    if period == current:
        rows = charged_so_far(session, subscriber, period)
    else:
        lines = session.exec(
            select(ChargeLine.description, ChargeLine.amount).join(Invoice, Invoice.id == ChargeLine.invoice_id)
            .where(Invoice.account_id == subscriber.account_id, Invoice.period == period,
                   Invoice.is_regular.is_(True), ChargeLine.subscriber_id == subscriber.id)
            .order_by(ChargeLine.id)
        ).all()
        rows = [ChargeRow(description, Decimal(amount)) for description, amount in lines]
    return MonthCharges(title=month_words(period), preliminary=period == current, rows=rows,
                        total=sum((r.amount for r in rows), Decimal("0.00")))


def charged_so_far(session: Session, subscriber: Subscriber, period: dt.date) -> list[ChargeRow]:
    """The current month's charges until now (P15, and P9's preliminary invoice)."""
    tariff = _tariff(session, subscriber)
    rows = [ChargeRow(f"Абонентская плата по тарифному плану «{tariff.name}»", tariff.monthly_fee)]
    if subscriber.channel_package_id:
        package = session.get(ChannelPackage, subscriber.channel_package_id)
        rows.append(ChargeRow(f"SIP-многоканальность: {package.name}", package.monthly_fee))
    services = session.exec(
        select(Service.name, Service.monthly_fee).join(SubscriberService, SubscriberService.service_id == Service.id)
        .where(SubscriberService.subscriber_id == subscriber.id, Service.monthly_fee > 0).order_by(Service.name)
    ).all()
    rows += [ChargeRow(f"Услуга «{name}»", fee) for name, fee in services]
    calls = session.exec(
        select(func.coalesce(func.sum(CallRecord.cost), 0)).where(
            CallRecord.subscriber_id == subscriber.id, CallRecord.started_at >= dt.datetime.combine(period, dt.time()),
            CallRecord.started_at < clock.now())
    ).one()
    rows.append(ChargeRow("Звонки на текущую дату", Decimal(calls).quantize(Decimal("0.01"))))
    return rows


# --- P16 ------------------------------------------------------------------------------------------------------------

def call_months() -> list[dt.date]:
    current = clock.today().replace(day=1)
    return [add_months(current, -back) for back in range(CALL_MONTHS + 1)]


@serves(SIP)
def subscriber_calls(
    session: Session, *, actor: Actor, subscriber_id: int, year: int, month: int, direction: str, page: int = 1,
    page_size: int = 50,
) -> Page[CallRow]:
    """P16: incoming or outgoing calls of a month (the current one or six before it), one page, oldest first."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    period = _month(year, month, call_months(), "Детализация доступна за текущий и шесть предыдущих месяцев.")
    if direction not in CALL_DIRECTIONS:
        raise DomainError("Выберите вид детализации: входящие или исходящие.")
    page, page_size = bounds(page, page_size)
    start = dt.datetime.combine(period, dt.time())
    end = dt.datetime.combine(add_months(period, 1), dt.time())
    where = (CallRecord.subscriber_id == subscriber.id, CallRecord.direction == direction,
             CallRecord.started_at >= start, CallRecord.started_at < end)
    total = session.exec(select(func.count()).select_from(CallRecord).where(*where)).one()
    rows = session.exec(
        select(CallRecord.started_at, CallRecord.other_number, CallRecord.duration_seconds, CallRecord.cost)
        .where(*where).order_by(CallRecord.started_at, CallRecord.id).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return Page(rows=[CallRow(*row) for row in rows], total=total, page=page, page_size=page_size)
