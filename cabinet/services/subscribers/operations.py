"""Operations on one subscriber (S2–S8), each ordered as a request («заявка») with one item, done by the worker.

Every order checks the actor's right to the subscriber and every rule now, then stores the request in the
caller's unit of work (flushed, not committed); the handlers in `subscriber_handlers` check every rule again
against the current row when they process it. S7 «Смена номера» and S8 «Замена SIM» live in
`subscriber_numbers` and are re-exported here.

Each order's item carries the state it was decided on (`expected_*`: the tariff, the number, the SIM); a handler
finding that changed refuses with «Состояние абонента изменилось, повторите операцию». See subscriber_handlers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from cabinet.models import (
    CallForwarding,
    RequestKind,
    Service,
    Tariff,
    TariffService,
)
from cabinet.services.access import COMPANY, EVERY_CABINET, Actor, serves
from cabinet.services.errors import DomainError
from cabinet.services.requests.store import OrderResult
from cabinet.services.subscribers import rules
from cabinet.services.subscribers.card import ServiceRow, service_row
from cabinet.services.subscribers.numbers import (
    DAILY_DRAWS,
    Draw,
    NumberCategory,
    NumberChangePreview,
    check_replacement_sim,
    draw_numbers,
    draws_left,
    free_sims,
    number_categories,
    order_number_change,
    order_sim_replacement,
    preview_number_change,
)
from cabinet.services.subscribers.rules import FORWARDING_TITLES

__all__ = [
    "DAILY_DRAWS",
    "FORWARDING_TITLES",
    "Draw",
    "NumberCategory",
    "NumberChangePreview",
    "OrderResult",
    "TariffOption",
    "allowed_tariffs",
    "check_replacement_sim",
    "draw_numbers",
    "draws_left",
    "free_sims",
    "number_categories",
    "order_activation",
    "order_forwarding",
    "order_number_change",
    "order_rename",
    "order_service_change",
    "order_sim_replacement",
    "order_tariff_change",
    "preview_number_change",
    "tariff_options",
]


# --- S2: «Услуги» -----------------------------------------------------------------------------------------------

@serves(EVERY_CABINET)
def order_service_change(
    session: Session, *, actor: Actor, subscriber_id: int, service_id: int, connect: bool, idempotency_key: str
) -> OrderResult:
    """«Подключить» an available service or «Отключить» a connected one."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.SERVICES)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.SERVICES, idempotency_key)) is not None:
        return again
    service = rules.service_for(session, service_id, session.get(Tariff, subscriber.tariff_id))
    rules.check_service_change(session, subscriber, service, bool(connect))
    what = f"{'подключение' if connect else 'отключение'} услуги «{service.name}»"
    return rules.submit_one(session, actor=actor, subscriber=subscriber, kind=RequestKind.SERVICES,
                      params={"service_id": service.id, "connect": bool(connect)}, expected={}, what=what,
                      idempotency_key=idempotency_key)


# --- S3: «Тарифный план» ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TariffOption:
    id: int
    name: str
    description: str
    monthly_fee: Decimal
    switch_fee: Decimal
    services: list[ServiceRow]  # mode included (always on) or allowed (may be chosen), by category and name
    kept: tuple[int, ...] = ()  # of the offered ones, those the subscriber has now and keeps: ticked at first


@serves(COMPANY)
def allowed_tariffs(session: Session, *, actor: Actor, subscriber_id: int) -> list[TariffOption]:
    """The tariffs the subscriber may move to: the account's kind, not archived, not the current one; each with
    the subscriber's own services that it would keep (`rules.kept_services`)."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.TARIFF)
    current = session.get(Tariff, subscriber.tariff_id)
    options = tariff_options(session, current.kind, except_id=current.id)
    return [replace(t, kept=tuple(sorted(
        rules.kept_services(session, subscriber.id, current.id, t.id, {s.id for s in t.services if s.included})
        & {s.id for s in t.services if not s.included})))
        for t in options]


def tariff_options(session: Session, kind: str, *, except_id: int | None = None) -> list[TariffOption]:
    """The tariffs of one account kind open for connection, cheapest first, each with the services it offers:
    included ones and the allowed ones a user may switch."""
    conditions = [Tariff.kind == kind, Tariff.is_archived.is_(False)]
    if except_id is not None:
        conditions.append(Tariff.id != except_id)
    tariffs = session.execute(
        select(Tariff).where(*conditions).order_by(Tariff.monthly_fee, Tariff.name)
    ).scalars().all()
    ids = [t.id for t in tariffs]
    offered: dict[int, list[ServiceRow]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            select(TariffService.tariff_id, TariffService.mode, Service)
            .join(Service, Service.id == TariffService.service_id)
            .where(TariffService.tariff_id.in_(ids), TariffService.mode.in_(("allowed", "included")))
            .order_by(Service.category, Service.name)
        ).all()
        for tariff_id, mode, service in rows:
            if mode == "included" or service.self_service:
                offered[tariff_id].append(service_row(service, mode))
    return [TariffOption(id=t.id, name=t.name, description=t.description, monthly_fee=t.monthly_fee,
                         switch_fee=t.switch_fee, services=offered[t.id]) for t in tariffs]


@serves(COMPANY)
def order_tariff_change(
    session: Session, *, actor: Actor, subscriber_id: int, tariff_id: int, service_ids: list[int],
    idempotency_key: str,
) -> OrderResult:
    """«Подключить» a new tariff with the chosen services (the tariff's included ones come with it)."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.TARIFF)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.TARIFF, idempotency_key)) is not None:
        return again
    tariff = rules.check_new_tariff(session, subscriber, tariff_id)
    chosen = rules.check_service_set(session, tariff, service_ids)
    return rules.submit_one(session, actor=actor, subscriber=subscriber, kind=RequestKind.TARIFF,
                      params={"tariff_id": tariff.id, "service_ids": chosen},
                      expected={"expected_tariff_id": subscriber.tariff_id},
                      what=f"смена тарифного плана на «{tariff.name}»", idempotency_key=idempotency_key)


# --- S4, S5 -----------------------------------------------------------------------------------------------------

@serves(COMPANY)
def order_activation(session: Session, *, actor: Actor, subscriber_id: int, idempotency_key: str) -> OrderResult:
    """«Активировать» a subscriber in «Ожидание активации»."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.ACTIVATION)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.ACTIVATION, idempotency_key)) is not None:
        return again
    rules.require_waiting(subscriber)
    return rules.submit_one(session, actor=actor, subscriber=subscriber, kind=RequestKind.ACTIVATION, params={},
                      expected={}, what="активация абонента", idempotency_key=idempotency_key)


@serves(COMPANY)
def order_rename(
    session: Session, *, actor: Actor, subscriber_id: int, name: str, idempotency_key: str
) -> OrderResult:
    """Edit the subscriber's name → «Сохранить»."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.RENAME)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.RENAME, idempotency_key)) is not None:
        return again
    rules.require_not_terminated(subscriber, "переименование недоступно")
    name = rules.clean_name(name, subscriber.name)
    return rules.submit_one(session, actor=actor, subscriber=subscriber, kind=RequestKind.RENAME, params={"name": name},
                      expected={}, what=f"переименование в «{name}»", idempotency_key=idempotency_key)


# --- S6: «Переадресация вызовов» ---------------------------------------------------------------------------------

@serves(COMPANY)
def order_forwarding(
    session: Session, *, actor: Actor, subscriber_id: int, kind: str, target: str | None,
    delay_seconds: int | None = None, idempotency_key: str,
) -> OrderResult:
    """Set one kind of call forwarding to a 375… number, or switch it off (target None or empty).
    «Если нет ответа» waits 5–30 s in steps of 5 (20 s when not given)."""
    subscriber = rules.subscriber_for(session, actor, subscriber_id, RequestKind.FORWARDING)
    if (again := rules.repeated(session, actor, subscriber, RequestKind.FORWARDING, idempotency_key)) is not None:
        return again
    target, delay = rules.check_forwarding(subscriber, kind, target, delay_seconds)
    title = FORWARDING_TITLES[kind]
    current = session.get(CallForwarding, (subscriber.id, kind))
    if target is None and current is None:
        raise DomainError(f"Переадресация «{title}» не настроена.")
    if current is not None and (current.target, current.delay_seconds) == (target, delay):
        raise DomainError(f"Переадресация «{title}» уже настроена так.")
    what = (f"отключение переадресации «{title}»" if target is None
            else f"переадресация «{title}» на {target}" + (f" через {delay} с" if delay else ""))
    return rules.submit_one(session, actor=actor, subscriber=subscriber, kind=RequestKind.FORWARDING,
                      params={"kind": kind, "target": target, "delay_seconds": delay}, expected={}, what=what,
                      idempotency_key=idempotency_key)
