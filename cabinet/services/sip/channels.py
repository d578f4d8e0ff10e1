"""«SIP-многоканальность» (P13): a package of channels on a «SIP-соединение» subscriber, changed at most once in
CHANGE_EVERY; before that the page says from when a change is possible. The order is a request the worker does
(`subscriber_handlers.change_channels`), which checks both rules again with `check_change`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from cabinet import clock
from cabinet.models import ChannelPackage, RequestKind, Subscriber
from cabinet.services import access
from cabinet.services.access import SIP, Actor, serves
from cabinet.services.errors import DomainError
from cabinet.services.requests.store import OrderResult
from cabinet.services.sip.subscribers import is_connection
from cabinet.services.subscribers import rules

CHANGE_EVERY = dt.timedelta(days=7)
ONLY_ON_CONNECTION = "Пакеты многоканальности подключаются только на абоненте «SIP-соединение»."


@dataclass(frozen=True)
class PackageOption:
    id: int
    name: str
    channels: int
    monthly_fee: Decimal


@dataclass(frozen=True)
class Channels:
    current: str  # «5 каналов», "" when none
    current_id: int | None
    packages: list[PackageOption]
    next_change_at: dt.datetime | None  # None: a change is possible now
    note: str  # «Смена пакета каналов доступна с 20.11.2026 11:20» when not now


@dataclass(frozen=True)
class ChannelChange:
    """What «Подтвердить» is about to do: the package ticked, its monthly fee, and the earliest day of the change
    after it (CHANGE_EVERY from now: the worker does the change at once or a little later)."""

    package_id: int
    package_name: str
    monthly_fee: Decimal
    next_change_on: dt.date


def next_change_at(subscriber: Subscriber) -> dt.datetime | None:
    """When the package may be changed again; None when it may be now."""
    if subscriber.channel_changed_at is None:
        return None
    due = subscriber.channel_changed_at + CHANGE_EVERY
    return due if clock.now() < due else None


def _wait_note(due: dt.datetime) -> str:
    return f"Смена пакета каналов доступна 1 раз в 7 дней. Следующая смена возможна с {due:%d.%m.%Y %H:%M}."


def check_change(session: Session, subscriber: Subscriber, package_id) -> ChannelPackage:
    """The rules of a change, now and again in the worker."""
    if not is_connection(session, subscriber):
        raise DomainError(ONLY_ON_CONNECTION)
    rules.require_active(subscriber, "смена пакета каналов недоступна")
    due = next_change_at(subscriber)
    if due is not None:
        raise DomainError(_wait_note(due))
    try:
        package = session.get(ChannelPackage, int(package_id))
    except (TypeError, ValueError):
        package = None
    if package is None:
        raise DomainError("Отметьте пакет каналов из списка.")
    if package.id == subscriber.channel_package_id:
        raise DomainError(f"Пакет «{package.name}» уже подключен.")
    return package


@serves(SIP)
def channels(session: Session, *, actor: Actor, subscriber_id: int) -> Channels:
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    if not is_connection(session, subscriber):
        raise DomainError(ONLY_ON_CONNECTION)
    packages = session.exec(select(ChannelPackage).order_by(ChannelPackage.channels)).all()
    current = next((p for p in packages if p.id == subscriber.channel_package_id), None)
    due = next_change_at(subscriber)
    return Channels(current=current.name if current else "", current_id=current.id if current else None,
                    packages=[PackageOption(p.id, p.name, p.channels, p.monthly_fee) for p in packages],
                    next_change_at=due, note=_wait_note(due) if due else "")


@serves(SIP)
def review_channel_change(session: Session, *, actor: Actor, subscriber_id: int, package_id: int) -> ChannelChange:
    """The confirmation of a change, refused as the order would be."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    package = check_change(session, subscriber, package_id)
    return ChannelChange(package_id=package.id, package_name=package.name, monthly_fee=package.monthly_fee,
                         next_change_on=(clock.now() + CHANGE_EVERY).date())


@serves(SIP)
def order_channel_change(
    session: Session, *, actor: Actor, subscriber_id: int, package_id: int, idempotency_key: str
) -> OrderResult:
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.CHANNELS, idempotency_key)) is not None:
        return again
    package = check_change(session, subscriber, package_id)
    return rules.submit_one(session, actor=actor, subscriber=subscriber, kind=RequestKind.CHANNELS,
                            params={"package_id": package.id}, expected={}, what=f"пакет каналов «{package.name}»",
                            idempotency_key=idempotency_key)
