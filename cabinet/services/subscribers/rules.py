"""The rules of the one-subscriber operations (S2–S8), shared by the orders (checked when the user asks) and the
worker's handlers (checked again against the current row when the request is processed: things change).

Every check raises a DomainError with the Russian reason the user reads; in a handler that refuses the item.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import or_, select
from sqlmodel import Session

from cabinet import clock
from cabinet.models import (
    Request,
    RequestKind,
    Service,
    ServiceConflict,
    Subscriber,
    SubscriberService,
    SubscriberStatus,
    Tariff,
    TariffService,
)
from cabinet.models.subscriber import STATUS_TITLES
from cabinet.services import access
from cabinet.services.access import EVERY_CABINET, Actor, serves
from cabinet.services.errors import DomainError
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft, OrderResult
from cabinet.services.subscribers import lines
from cabinet.services.validation import clean_digits

STALE = "Состояние абонента изменилось, повторите операцию"
BY_APPLICATION = "Подключается только по письменному заявлению"
BY_APPLICATION_OFF = "Отключается только по письменному заявлению"

FORWARDING_TITLES = {
    "unconditional": "Безусловная",
    "busy": "Если занято",
    "no_answer": "Если нет ответа",
    "unreachable": "Если недоступен",
}
NO_ANSWER_DELAYS = tuple(range(5, 31, 5))  # 5, 10, … 30 seconds
DEFAULT_NO_ANSWER_DELAY = 20
NAME_MAX = 100
FORMULA_STARTS = "=+-@"  # a cell starting so is a formula to a spreadsheet
_TARGET = re.compile(r"375\d{9}")


def status_title(status: str) -> str:
    return STATUS_TITLES.get(status, str(status))


def require_status(subscriber: Subscriber, allowed: tuple[str, ...], what: str) -> None:
    """Refuse unless the subscriber is in one of the `allowed` statuses: «Абонент в статусе «…»: {what}»."""
    if subscriber.status not in allowed:
        raise DomainError(f"Абонент в статусе «{status_title(subscriber.status)}»: {what}")


def require_active(subscriber: Subscriber, what: str = "операции с услугами недоступны") -> None:
    require_status(subscriber, (SubscriberStatus.ACTIVE.value,), what)


def require_waiting(subscriber: Subscriber) -> None:
    require_status(subscriber, (SubscriberStatus.WAITING.value,),
                   "активировать можно только абонента в статусе «Ожидание активации»")


def require_not_terminated(subscriber: Subscriber, what: str) -> None:
    if subscriber.status == SubscriberStatus.TERMINATED.value:
        raise DomainError(f"Абонент в статусе «{status_title(subscriber.status)}»: {what}")


def subscriber_for(session: Session, actor: Actor, subscriber_id: int, kind: RequestKind) -> Subscriber:
    """The subscriber, if the actor may act on it and the operation applies to its kind of line."""
    subscriber = access.subscriber_for(session, actor, subscriber_id)
    lines.require_applies(dict(actor.accounts)[subscriber.account_id], kind)
    return subscriber


# --- the request of one operation -------------------------------------------------------------------------

def repeated(session: Session, actor: Actor, subscriber: Subscriber, kind: RequestKind,
              idempotency_key: str) -> OrderResult | None:
    """A repeated submission (double click, resent event) gets the request already stored, rules not re-run."""
    key = (idempotency_key or "").strip()
    found = session.execute(select(Request.id).where(Request.idempotency_key == key)).first() if key else None
    if found is None:
        return None
    dto = store.submit_request(session, actor=actor, account_id=subscriber.account_id, kind=kind, params={},
                                  items=[], idempotency_key=key)
    return OrderResult(request_id=dto.id, recipients=[], expected_on=dto.expected_on,
                       message=f"Заявка №{dto.id} принята: {dto.summary}")


@serves(EVERY_CABINET)
def submit_one(
    session: Session, *, actor: Actor, subscriber: Subscriber, kind: RequestKind, params: dict, expected: dict,
    what: str, idempotency_key: str,
) -> OrderResult:
    """Store a request with one item for the subscriber; the message says what will happen."""
    dto = store.submit_request(
        session,
        actor=actor,
        account_id=subscriber.account_id,
        kind=kind,
        params=params,
        items=[ItemDraft(subscriber_id=subscriber.id, number=subscriber.number, params=expected)],
        idempotency_key=idempotency_key,
        expected_on=clock.today(),
        summary=f"{what} для {subscriber.number}",
    )
    return OrderResult(request_id=dto.id, recipients=[], expected_on=dto.expected_on,
                       message=f"Заявка №{dto.id} принята: {dto.summary}")



# --- services -----------------------------------------------------------------------------------------------

def tariff_modes(session: Session, tariff_id: int) -> dict[int, str]:
    """service id -> allowed | included | forbidden, for one tariff (a service without a row is forbidden)."""
    return dict(session.execute(
        select(TariffService.service_id, TariffService.mode).where(TariffService.tariff_id == tariff_id)
    ).all())


def connected_ids(session: Session, subscriber_id: int) -> set[int]:
    return set(session.execute(
        select(SubscriberService.service_id).where(SubscriberService.subscriber_id == subscriber_id)
    ).scalars().all())


def conflicts_among(session: Session, service_ids: set[int]) -> list[tuple[int, int]]:
    """Conflicting pairs (a, b) with a in service_ids and b anywhere in the catalogue."""
    if not service_ids:
        return []
    rows = session.execute(
        select(ServiceConflict.service_id, ServiceConflict.other_service_id).where(
            or_(ServiceConflict.service_id.in_(service_ids), ServiceConflict.other_service_id.in_(service_ids))
        )
    ).all()
    pairs = []
    for a, b in rows:
        if a in service_ids:
            pairs.append((a, b))
        if b in service_ids:
            pairs.append((b, a))
    return pairs


def service_for(session: Session, service_id: int, tariff: Tariff) -> Service:
    try:
        service = session.get(Service, int(service_id))
    except (TypeError, ValueError):
        service = None
    if service is None or service.kind != tariff.kind:
        raise DomainError("Услуга не найдена.")
    return service


def check_service_change(session: Session, subscriber: Subscriber, service: Service, connect: bool) -> None:
    """S2: may this service be connected (or disconnected) for the subscriber as it is now?"""
    require_active(subscriber)
    tariff = session.get(Tariff, subscriber.tariff_id)
    mode = tariff_modes(session, tariff.id).get(service.id, "forbidden")
    connected = connected_ids(session, subscriber.id)
    if connect:
        if service.id in connected:
            raise DomainError(f"Услуга «{service.name}» уже подключена.")
        if mode == "forbidden":
            raise DomainError(f"Услуга «{service.name}» недоступна на тарифном плане «{tariff.name}»")
        if not service.self_service:
            raise DomainError(BY_APPLICATION)
        for _, other_id in conflicts_among(session, {service.id}):
            if other_id in connected:
                other = session.get(Service, other_id)
                raise DomainError(f"Услуга «{service.name}» несовместима с подключенной услугой «{other.name}»")
    else:
        if service.id not in connected:
            raise DomainError(f"Услуга «{service.name}» не подключена.")
        if mode == "included":
            raise DomainError(f"Услуга «{service.name}» входит в тарифный план «{tariff.name}» и не отключается.")
        if not service.self_service:
            raise DomainError(BY_APPLICATION_OFF)


# --- tariff -------------------------------------------------------------------------------------------------

def check_new_tariff(session: Session, subscriber: Subscriber, tariff_id: int) -> Tariff:
    require_active(subscriber, "смена тарифного плана недоступна")
    current = session.get(Tariff, subscriber.tariff_id)
    try:
        tariff = session.get(Tariff, int(tariff_id))
    except (TypeError, ValueError):
        tariff = None
    if tariff is None or tariff.kind != current.kind or tariff.is_archived:
        raise DomainError("Тарифный план недоступен для подключения.")
    if tariff.id == current.id:
        raise DomainError(f"Тарифный план «{tariff.name}» уже подключен.")
    return tariff


def kept_services(session: Session, subscriber_id: int, old_tariff_id: int, new_tariff_id: int,
                  wanted: set[int]) -> set[int]:
    """Of the services connected now, those a move to the new tariff keeps besides `wanted`: not forbidden there,
    not included in the old tariff, not conflicting with the new set."""
    old_modes, new_modes = tariff_modes(session, old_tariff_id), tariff_modes(session, new_tariff_id)
    keep = {i for i in connected_ids(session, subscriber_id) - wanted
            if new_modes.get(i, "forbidden") != "forbidden" and old_modes.get(i) != "included"}
    return keep - {a for a, b in conflicts_among(session, keep) if b in wanted}


def check_service_set(session: Session, tariff: Tariff, service_ids) -> list[int]:
    """S3: the chosen services, which must be allowed on the new tariff, switchable by the user, and together
    with the tariff's included services free of conflicts. Returns the ids (included ones not repeated)."""
    try:
        chosen = list(dict.fromkeys(int(i) for i in (service_ids or [])))
    except (TypeError, ValueError):
        raise DomainError("Услуга не найдена.") from None
    modes = tariff_modes(session, tariff.id)
    included = {i for i, mode in modes.items() if mode == "included"}
    names: dict[int, str] = {}
    for service_id in chosen:
        service = service_for(session, service_id, tariff)
        names[service_id] = service.name
        mode = modes.get(service.id, "forbidden")
        if mode == "forbidden":
            raise DomainError(f"Услуга «{service.name}» недоступна на тарифном плане «{tariff.name}»")
        if mode == "allowed" and not service.self_service:
            raise DomainError(f"Услуга «{service.name}»: {BY_APPLICATION.lower()}")
    chosen = [i for i in chosen if i not in included]
    wanted = set(chosen) | included
    for a, b in conflicts_among(session, set(chosen)):
        if b in wanted:
            other = names.get(b) or session.get(Service, b).name
            raise DomainError(f"Услуги «{names[a]}» и «{other}» несовместимы: выберите одну из них.")
    return chosen


# --- rename, forwarding ---------------------------------------------------------------------------------------

def clean_name(name: str, current: str) -> str:
    """S5 and B3: the name as companies write it («Склад №2 — Брест», «ООО "Ромашка"», Latin, digits, dashes,
    apostrophes…), trimmed, spaces collapsed, and a change. Refused only: control characters, a first character
    a spreadsheet would run as a formula (FORMULA_STARTS), more than NAME_MAX characters."""
    if any(unicodedata.category(ch).startswith("C") for ch in str(name or "")):
        raise DomainError("Имя абонента не может содержать управляющие символы (табуляция, перевод строки и т. п.).")
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError("Введите имя абонента.")
    if len(name) > NAME_MAX:
        raise DomainError(f"Имя абонента — не длиннее {NAME_MAX} символов, сейчас {len(name)}.")
    if name[0] in FORMULA_STARTS:
        raise DomainError(f"Имя абонента не может начинаться со знака «{name[0]}»: в таблице Excel это начало "
                          "формулы.")
    if name == (current or ""):
        raise DomainError("Новое имя совпадает с текущим.")
    return name


def check_forwarding(
    subscriber: Subscriber, kind: str, target: str | None, delay_seconds: int | None
) -> tuple[str | None, int | None]:
    """S6: the forwarding as it will be stored: (target, delay) — target None switches it off."""
    if kind not in FORWARDING_TITLES:
        raise DomainError("Выберите тип переадресации.")
    require_active(subscriber, "управление номером недоступно")
    if target is None or not str(target).strip():
        return None, None
    number = clean_digits(str(target))
    if not _TARGET.fullmatch(number):
        raise DomainError("Номер переадресации — 12 цифр, начиная с 375.")
    if number == subscriber.number:
        raise DomainError("Нельзя переадресовать вызовы на номер самого абонента.")
    if kind != "no_answer":
        if delay_seconds not in (None, ""):
            raise DomainError("Время ожидания задается только для переадресации «Если нет ответа».")
        return number, None
    if delay_seconds in (None, ""):
        return number, DEFAULT_NO_ANSWER_DELAY
    try:
        delay = int(delay_seconds)
    except (TypeError, ValueError):
        delay = -1
    if delay not in NO_ANSWER_DELAYS:
        raise DomainError("Время ожидания ответа — от 5 до 30 секунд с шагом 5 секунд.")
    return number, delay
