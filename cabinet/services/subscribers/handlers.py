"""The worker's handlers of the one-subscriber operations (S2–S8), which the list operations B1–B4 use item by
item too, and of the large «Выгрузка в Excel» (S1); `locked_subscriber`, `item_params` and `record_change` serve
the handlers of the other domains as well.

Concurrency (two supervisors on one subscriber):
- every handler locks the subscriber row (SELECT … FOR UPDATE on PostgreSQL; SQLite writes one at a time) and
  checks every rule again against the row as it is now, so the result is always allowed by the rules and is
  what one of the requests asked for; every change bumps `Subscriber.version`;
- the worker takes requests oldest first (`created_at`, `id`), so with one worker the orders on a subscriber are
  done in the order they were placed;
- orders that replace one value with another carry what they were decided on (`expected_tariff_id`,
  `expected_number`, `expected_iccid` in the item's params); if another request changed it meanwhile (or
  several workers took them out of order), the handler refuses with «Состояние абонента изменилось, повторите
  операцию» rather than apply a choice made on a state that no longer exists. Services, rename, forwarding and
  activation need no such guard: their rules alone decide (e.g. a second conflicting service is refused).

Parameters are read from the request and then the item (the item's win), so the list operations (B1–B4) may put
them in either place.
"""

from __future__ import annotations

import os

from sqlalchemy import delete, select, update
from sqlmodel import Session

from cabinet import clock
from cabinet.models import (
    CallForwarding,
    NumberPool,
    PersonalAccount,
    PoolState,
    Request,
    RequestItem,
    RequestKind,
    SimCard,
    SimState,
    Subscriber,
    SubscriberService,
    SubscriberStatus,
    Tariff,
)
from cabinet.services import audit
from cabinet.services.errors import ItemRefused
from cabinet.services.requests.handling import Prepared
from cabinet.services.subscribers import lines, rules
from cabinet.services.subscribers.excel import export_path, progress_path, write_export
from cabinet.services.subscribers.numbers import (
    NUMBER_CHANGE_OFF,
    SELF_SIM_OFF,
    SIM_OFF,
    WRONG_POOL_FIXED,
    WRONG_POOL_MOBILE,
)

GONE = "Абонент больше не обслуживается на этом лицевом счете."


def item_params(request: Request, item: RequestItem) -> dict:
    return {**(request.params or {}), **(item.params or {})}


def locked_subscriber(session: Session, request: Request, item: RequestItem) -> Subscriber:
    """The item's subscriber, locked for this transaction and read afresh; refused when the operation does not
    apply to the account's kind of line (`lines.APPLIES`: e.g. «Замена SIM» for a fixed line)."""
    if request.kind in lines.APPLIES:
        account = session.get(PersonalAccount, request.account_id)
        reason = lines.refusal(account.kind, request.kind) if account is not None else GONE
        if reason is not None:
            raise ItemRefused(reason)
    subscriber = session.execute(
        select(Subscriber).where(Subscriber.id == item.subscriber_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none() if item.subscriber_id else None
    if subscriber is None or subscriber.account_id != request.account_id:
        raise ItemRefused(GONE)
    return subscriber


def _expect(current, expected) -> None:
    if expected is not None and str(current) != str(expected):
        raise ItemRefused(rules.STALE)


def record_change(session: Session, subscriber: Subscriber, request: Request, action: str, **details) -> None:
    subscriber.version += 1
    session.add(subscriber)
    audit.record(session, action=action, user_id=request.author_id, organization_id=request.organization_id,
                 account_id=request.account_id, object_kind="subscriber", object_id=subscriber.id,
                 request_id=request.id, **details)


def _connect(session: Session, subscriber_id: int, service_ids) -> None:
    today = clock.today()
    for service_id in sorted(service_ids):
        session.add(SubscriberService(subscriber_id=subscriber_id, service_id=service_id, connected_on=today))


def _disconnect(session: Session, subscriber_id: int, service_ids) -> None:
    if service_ids:
        session.execute(delete(SubscriberService).where(SubscriberService.subscriber_id == subscriber_id,
                                                        SubscriberService.service_id.in_(list(service_ids))))


# --- S2 -------------------------------------------------------------------------------------------------------

def change_service(session: Session, request: Request, item: RequestItem) -> str:
    params = item_params(request, item)
    subscriber = locked_subscriber(session, request, item)
    service = rules.service_for(session, params.get("service_id"), session.get(Tariff, subscriber.tariff_id))
    connect = bool(params.get("connect"))
    rules.check_service_change(session, subscriber, service, connect)
    if connect:
        _connect(session, subscriber.id, [service.id])
    else:
        _disconnect(session, subscriber.id, [service.id])
    record_change(session, subscriber, request, "subscriber.service_" + ("connected" if connect else "disconnected"),
             service_id=service.id)
    return f"Услуга «{service.name}» {'подключена' if connect else 'отключена'}"


# --- S3 -------------------------------------------------------------------------------------------------------

def change_tariff(session: Session, request: Request, item: RequestItem) -> str:
    """Switch the tariff: the new tariff's included services and the chosen ones are connected; of the others
    connected now, those the new tariff forbids, those the old tariff included and those conflicting with the
    new set are dropped, the rest kept."""
    params = item_params(request, item)
    subscriber = locked_subscriber(session, request, item)
    _expect(subscriber.tariff_id, params.get("expected_tariff_id"))
    old_tariff_id = subscriber.tariff_id
    tariff = rules.check_new_tariff(session, subscriber, params.get("tariff_id"))
    chosen = rules.check_service_set(session, tariff, params.get("service_ids") or [])
    new_modes = rules.tariff_modes(session, tariff.id)
    wanted = {i for i, mode in new_modes.items() if mode == "included"} | set(chosen)
    connected = rules.connected_ids(session, subscriber.id)
    final = wanted | rules.kept_services(session, subscriber.id, old_tariff_id, tariff.id, wanted)
    _disconnect(session, subscriber.id, connected - final)
    _connect(session, subscriber.id, final - connected)
    subscriber.tariff_id = tariff.id  # type: ignore[assignment]  # a stored tariff has its id
    record_change(session, subscriber, request, "subscriber.tariff_changed", old_tariff_id=old_tariff_id,
             tariff_id=tariff.id)
    return f"Тарифный план «{tariff.name}» подключен"


# --- S4, S5, S6 -------------------------------------------------------------------------------------------------

def activate(session: Session, request: Request, item: RequestItem) -> str:
    subscriber = locked_subscriber(session, request, item)
    rules.require_waiting(subscriber)
    subscriber.status = SubscriberStatus.ACTIVE.value
    subscriber.connected_on = subscriber.connected_on or clock.today()
    included = {i for i, mode in rules.tariff_modes(session, subscriber.tariff_id).items() if mode == "included"}
    _connect(session, subscriber.id, included - rules.connected_ids(session, subscriber.id))
    record_change(session, subscriber, request, "subscriber.activated")
    return "Абонент активирован"


def rename(session: Session, request: Request, item: RequestItem) -> str:
    subscriber = locked_subscriber(session, request, item)
    rules.require_not_terminated(subscriber, "переименование недоступно")
    name = rules.clean_name(item_params(request, item).get("name") or "", current="")
    if name != subscriber.name:
        subscriber.name = name
        record_change(session, subscriber, request, "subscriber.renamed")
    return f"Новое имя: «{name}»"



def set_forwarding(session: Session, request: Request, item: RequestItem) -> str:
    params = item_params(request, item)
    subscriber = locked_subscriber(session, request, item)
    kind = str(params.get("kind") or "")
    target, delay = rules.check_forwarding(subscriber, kind, params.get("target"), params.get("delay_seconds"))
    title = rules.FORWARDING_TITLES[kind]
    current = session.get(CallForwarding, (subscriber.id, kind))
    if target is None:
        if current is not None:
            session.delete(current)
        result = f"Переадресация «{title}» отключена"
    else:
        if current is None:
            current = CallForwarding(subscriber_id=subscriber.id, kind=kind, target=target)
        current.target, current.delay_seconds = target, delay
        session.add(current)
        result = f"Переадресация «{title}» на {target}" + (f" через {delay} с" if delay else "") + " настроена"
    record_change(session, subscriber, request, "subscriber.forwarding", kind=kind, target=target, delay=delay)
    return result


# --- S7, S8 ------------------------------------------------------------------------------------------------------

def change_number(session: Session, request: Request, item: RequestItem) -> str:
    params = item_params(request, item)
    subscriber = locked_subscriber(session, request, item)
    rules.require_active(subscriber, NUMBER_CHANGE_OFF)
    _expect(subscriber.number, params.get("expected_number"))
    number = str(params.get("number") or "")
    if not lines.in_pool_of(subscriber.number, number):
        raise ItemRefused(WRONG_POOL_MOBILE if lines.is_mobile(subscriber.number) else WRONG_POOL_FIXED)
    pool = session.execute(
        select(NumberPool).where(NumberPool.number == number).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if pool is None or pool.state != PoolState.RESERVED or pool.reserved_by_subscriber_id != subscriber.id:
        raise ItemRefused(f"Номер {number} больше не зарезервирован за абонентом. Выберите номер снова.")
    if session.execute(select(Subscriber.id).where(Subscriber.number == number)).first() is not None:
        raise ItemRefused(f"Номер {number} уже занят. Выберите другой номер.")
    old = subscriber.number
    subscriber.number = number
    pool.state, pool.reserved_until = PoolState.TAKEN, None
    session.add(pool)
    record_change(session, subscriber, request, "subscriber.number_changed", old_number=old, number=number)
    return f"Номер {old} заменен на {number}"


def replace_sim(session: Session, request: Request, item: RequestItem) -> str:
    params = item_params(request, item)
    subscriber = locked_subscriber(session, request, item)
    rules.require_not_terminated(subscriber, SIM_OFF)
    if not subscriber.self_sim_replacement:
        raise ItemRefused(SELF_SIM_OFF)
    _expect(subscriber.sim_iccid, params.get("expected_iccid"))
    iccid = str(params.get("iccid") or "")
    taken = session.execute(
        update(SimCard.__table__)
        .where(SimCard.iccid == iccid, SimCard.organization_id == request.organization_id, SimCard.state == SimState.FREE)
        .values(state=SimState.IN_USE)
    )
    if taken.rowcount != 1:
        raise ItemRefused(f"SIM-карта {iccid} больше не свободна. Выберите другую SIM-карту.")
    old = subscriber.sim_iccid
    if old:
        session.execute(update(SimCard.__table__)
                        .where(SimCard.iccid == old, SimCard.organization_id == request.organization_id)
                        .values(state=SimState.RETIRED))
    subscriber.sim_iccid = iccid
    record_change(session, subscriber, request, "subscriber.sim_replaced", old_iccid=old, iccid=iccid)
    return f"SIM-карта заменена на {iccid}"



# --- S1: a large export ---------------------------------------------------------------------------------------

def write_exported(session: Session, request: Request, item: RequestItem) -> int:
    """Write the xlsx under data/exports/{request id}.xlsx (through a temporary name, so a half-written file is
    never served), reporting rows written every few thousand for the progress bar; returns the rows written. Slow,
    and only reads: it runs before the item's write transaction."""
    params = item_params(request, item)
    path = export_path(request.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.part")
    total = params.get("total", 0)

    def report(done: int) -> None:
        progress_path(request.id).write_text(f"{done} {total}")

    try:
        report(0)
        count = write_export(session, account_id=request.account_id, search=params.get("search") or "",
                             tariff_id=params.get("tariff_id"), status=params.get("status"), out=partial,
                             progress=report)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def record_export(session: Session, request: Request, item: RequestItem, count: int) -> str:
    request.summary = f"Выгрузка в Excel: абонентов — {count}"
    session.add(request)
    return f"Выгружено абонентов: {count}"


HANDLERS = {
    RequestKind.SERVICES: change_service,  # S2, B1, P12
    RequestKind.TARIFF: change_tariff,  # S3, B2
    RequestKind.ACTIVATION: activate,  # S4, B4
    RequestKind.RENAME: rename,  # S5, B3
    RequestKind.FORWARDING: set_forwarding,  # S6
    RequestKind.NUMBER_CHANGE: change_number,  # S7
    RequestKind.SIM_REPLACEMENT: replace_sim,  # S8
    RequestKind.EXPORT: Prepared(prepare=write_exported, record=record_export),  # S1
}
FINISH_HOOKS: dict = {}
