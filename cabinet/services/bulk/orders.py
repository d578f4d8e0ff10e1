"""«Операции со списком абонентов» (B1–B5): one request («заявка») per confirmation, one item per subscriber.

Every order checks the actor's right to the account and to each chosen subscriber (`bulk_choice`), checks now
what is the same for the whole list (the service, the tariff and its service set), and stores ONE Request with
all its items inserted in bulk (`store.submit_request`, chunked executemany), in the caller's unit of work
(flushed, not committed). The worker then does the items one by one with the handlers of `subscriber_handlers`
(SERVICES, TARIFF, RENAME, ACTIVATION, TERMINATION), which check every rule again against each subscriber as it
is then; a subscriber a rule refuses (a conflicting service, a service the tariff forbids, the tariff already
connected, an archived tariff, a terminated subscriber…) becomes a refused item with that reason, the others are
done. The results are read in «История заявок» (B6, `requests`).

Refused whole at order time, nothing stored:
- B3: each confirmed name is validated like S5 (`rules.clean_name`, not terminated); any bad one refuses the
  order with `ListRejected` naming every subscriber and reason (the user fixes the fields and continues);
- B4: only subscribers in «Ожидание активации», B5: only active ones. The tabs list only those; a ticked subscriber in another status
  (the list is stale, or the payload forged) refuses the order with `ListRejected` naming their numbers. With
  `all_matching` the tab's status is applied as the filter. An uploaded list (a file, or numbers) is taken as it
  is: a row the operation does not apply to becomes an item the worker refuses with the reason, the others are
  done (the confirmation counts them first, `catalogue.choice_preview`). A status that changes after the order is
  the handler's business too: that item is refused with the reason.

B5 over TYPED_COUNT_OVER subscribers needs their count typed in the confirmation window (`typed_count`): the order
refuses any other value, whatever the page did. Every order first checks that the operation applies to the
account's kind of line (`lines.APPLIES`); the handlers check it again for each item.

A repeated confirmation (same idempotency key: double click, resent event) returns the request already stored,
with the same message, without resolving the choice again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from cabinet import clock
from cabinet.models import Request, RequestKind, Service, SubscriberStatus, Tariff
from cabinet.services import access
from cabinet.services.access import COMPANY, Actor, serves
from cabinet.services.errors import DomainError
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft
from cabinet.services.subscribers import lines, rules
from cabinet.services.subscribers.choice import (
    MAX_CHOICE,
    Choice,
    Chosen,
    ListRejected,
    RowProblem,
    chosen_subscribers,
    named,
    resolve_choice,
)
from cabinet.services.subscribers.listing import SubscriberPage, list_subscribers
from cabinet.text import abonents, thousands

__all__ = [
    "MAX_CHOICE",
    "BulkResult",
    "Choice",
    "ListRejected",
    "TYPED_COUNT_OVER",
    "RowProblem",
    "list_active",
    "list_inactive",
    "order_bulk_activation",
    "order_bulk_rename",
    "order_bulk_services",
    "order_bulk_tariff",
    "order_bulk_termination",
    "resolve_choice",
]

TYPED_COUNT_OVER = 50  # a longer list is shown with its first numbers, and B5 needs its count typed
WAITING = SubscriberStatus.WAITING.value
ACTIVE = SubscriberStatus.ACTIVE.value


@dataclass(frozen=True)
class BulkResult:
    request_id: int
    total: int  # items (subscribers) in the request
    message: str  # the confirmation shown: «Заявка №12 принята: …»


def _account(session: Session, actor: Actor, account_id: int, kind: RequestKind):
    """The account, if the actor may act on it and the operation applies to its kind of line."""
    account = access.account_for(session, actor, account_id)
    lines.require_applies(account.kind, kind)
    return account


def _result(dto: store.RequestDTO) -> BulkResult:
    return BulkResult(request_id=dto.id, total=dto.total_items,
                      message=f"Заявка №{dto.id} принята: {dto.summary}. "
                              "Результат по каждому абоненту — в разделе «История заявок».")


def _repeated(session: Session, actor: Actor, account_id: int, kind: RequestKind, key: str) -> BulkResult | None:
    """The request already stored under this key (its account and kind checked), or None."""
    key = (key or "").strip()
    if not key or session.execute(select(Request.id).where(Request.idempotency_key == key)).first() is None:
        return None
    dto = store.submit_request(session, actor=actor, account_id=account_id, kind=kind, params={}, items=[],
                                  idempotency_key=key)
    return _result(dto)


def _submit(session: Session, actor: Actor, account_id: int, kind: RequestKind, params: dict,
            items: list[ItemDraft], key: str, summary: str) -> BulkResult:
    dto = store.submit_request(session, actor=actor, account_id=account_id, kind=kind, params=params,
                                  items=items, idempotency_key=key, expected_on=clock.today(), summary=summary)
    return _result(dto)


def _plain(chosen: list[Chosen], params=None) -> list[ItemDraft]:
    return [ItemDraft(subscriber_id=c.id, number=c.number, params=params(c) if params else {}) for c in chosen]


# --- B1: «Услуги» -----------------------------------------------------------------------------------------------

@serves(COMPANY)
def order_bulk_services(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, service_id: int, connect: bool,
    idempotency_key: str, status: str | None = None,
) -> BulkResult:
    """Connect (or disconnect) one service for every chosen subscriber. The service must exist for the account's
    kind and be switchable by the user; the rest is checked per subscriber by the worker."""
    account = _account(session, actor, account_id, RequestKind.SERVICES)
    if (again := _repeated(session, actor, account.id, RequestKind.SERVICES, idempotency_key)) is not None:
        return again
    connect = bool(connect)
    try:
        service = session.get(Service, int(service_id))
    except (TypeError, ValueError):
        service = None
    if service is None or service.kind != account.kind:
        raise DomainError("Услуга не найдена.")
    if not service.self_service:
        raise DomainError(f"Услуга «{service.name}»: "
                          f"{(rules.BY_APPLICATION if connect else rules.BY_APPLICATION_OFF).lower()}")
    chosen = chosen_subscribers(session, actor=actor, account_id=account.id, choice=choice, status=status)
    what = f"{'подключение' if connect else 'отключение'} услуги «{service.name}»"
    return _submit(session, actor, account.id, RequestKind.SERVICES,
                   {"service_id": service.id, "connect": connect, "list": True}, _plain(chosen),
                   idempotency_key, f"{what} — {abonents(len(chosen))}")


# --- B2: «Изменение тарифа» ---------------------------------------------------------------------------------------

@serves(COMPANY)
def order_bulk_tariff(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, tariff_id: int,
    service_ids: list[int] | None = None, idempotency_key: str, status: str | None = None,
) -> BulkResult:
    """Move every chosen subscriber to a tariff with a service set. The tariff (of the account's kind, not
    archived) and the set (allowed on it, switchable, no conflicts) are checked now; each item carries the
    subscriber's current tariff, so a tariff changed meanwhile refuses that item («Состояние абонента
    изменилось…»)."""
    account = _account(session, actor, account_id, RequestKind.TARIFF)
    if (again := _repeated(session, actor, account.id, RequestKind.TARIFF, idempotency_key)) is not None:
        return again
    try:
        tariff = session.get(Tariff, int(tariff_id))
    except (TypeError, ValueError):
        tariff = None
    if tariff is None or tariff.kind != account.kind or tariff.is_archived:
        raise DomainError("Тарифный план недоступен для подключения.")
    services = rules.check_service_set(session, tariff, service_ids or [])
    chosen = chosen_subscribers(session, actor=actor, account_id=account.id, choice=choice, status=status)
    items = _plain(chosen, lambda c: {"expected_tariff_id": c.tariff_id})
    return _submit(session, actor, account.id, RequestKind.TARIFF,
                   {"tariff_id": tariff.id, "service_ids": services, "list": True}, items, idempotency_key,
                   f"смена тарифного плана на «{tariff.name}» — {abonents(len(chosen))}")


# --- B3: «Операции с абонентом» — rename a list -------------------------------------------------------------------

@serves(COMPANY)
def order_bulk_rename(
    session: Session, *, actor: Actor, account_id: int, names: dict[int, str], idempotency_key: str,
    choice: Choice | None = None,
) -> BulkResult:
    """Rename the subscribers whose field was confirmed (✓): `names` maps subscriber id -> new name, only those.
    With `choice` (the list being edited), every renamed subscriber must be in it. Each name is checked like S5;
    any bad one refuses the whole order (ListRejected, each subscriber with its reason)."""
    account = _account(session, actor, account_id, RequestKind.RENAME)
    if (again := _repeated(session, actor, account.id, RequestKind.RENAME, idempotency_key)) is not None:
        return again
    if not names:
        raise DomainError("Измените имя хотя бы одного абонента и подтвердите поле значком ✓.")
    try:
        wanted = {int(i): name for i, name in names.items()}
    except (TypeError, ValueError):
        raise DomainError("Абонент не найден на этом лицевом счете.") from None
    chosen = chosen_subscribers(session, actor=actor, account_id=account.id,
                                choice=Choice(subscriber_ids=list(wanted)))
    if choice is not None:
        listed = set(resolve_choice(session, actor=actor, account_id=account.id, choice=choice))
        if any(c.id not in listed for c in chosen):
            raise DomainError("Переименовать можно только абонентов из выбранного списка. Обновите страницу.")
    clean: dict[int, str] = {}
    problems: list[RowProblem] = []
    for c in chosen:
        try:
            rules.require_not_terminated(c, "переименование недоступно")
            clean[c.id] = rules.clean_name(wanted[c.id], c.name)
        except DomainError as refusal:
            problems.append(RowProblem(c.id, c.number, refusal.message))
    if problems:
        first = problems[0]
        raise ListRejected(f"Имена не сохранены: ошибок — {len(problems)}. Первая: {first.number} — "
                           f"{first.reason}. Исправьте и нажмите «Продолжить» снова.", problems)
    items = _plain(chosen, lambda c: {"name": clean[c.id]})
    return _submit(session, actor, account.id, RequestKind.RENAME, {"list": True}, items, idempotency_key,
                   f"переименование — {abonents(len(chosen))}")


# --- B4: «Активация», B5: «Прекращение обслуживания» -------------------------------------------------------------

def _only(chosen: list[Chosen], status: str, message: str) -> None:
    wrong = [c for c in chosen if c.status != status]
    if wrong:
        rows = [RowProblem(c.id, c.number, f"в статусе «{rules.status_title(c.status)}»") for c in wrong]
        raise ListRejected(f"{message} Не подходят: {named([c.number for c in wrong])}. "
                           "Обновите список и выберите снова.", rows)


def _order_in_status(
    session: Session, actor: Actor, account_id: int, choice: Choice, idempotency_key: str, *, kind: RequestKind,
    status: str, refusal: str, what: str, typed_count=None,
) -> BulkResult:
    """B4 and B5: one request over the chosen subscribers, every one of them in `status` (others refuse it).
    `typed_count`: for B5, the count the user typed to confirm a long list (see `require_typed_count`)."""
    account = _account(session, actor, account_id, kind)
    if (again := _repeated(session, actor, account.id, kind, idempotency_key)) is not None:
        return again
    chosen = chosen_subscribers(session, actor=actor, account_id=account.id, choice=choice, status=status)
    if choice.subscriber_ids:  # ticked in the tab's list: a stale list, refused whole
        _only(chosen, status, refusal)
    if kind == RequestKind.TERMINATION:
        require_typed_count(len(chosen), typed_count)
    return _submit(session, actor, account.id, kind, {"list": True}, _plain(chosen), idempotency_key,
                   f"{what} — {abonents(len(chosen))}")


@serves(COMPANY)
def order_bulk_activation(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, idempotency_key: str
) -> BulkResult:
    """Activate the chosen subscribers, all of them in «Ожидание активации» (others refuse the order)."""
    return _order_in_status(session, actor, account_id, choice, idempotency_key, kind=RequestKind.ACTIVATION,
                            status=WAITING, what="активация",
                            refusal="Активировать можно только абонентов в статусе «Ожидание активации».")


@serves(COMPANY)
def order_bulk_termination(
    session: Session, *, actor: Actor, account_id: int, choice: Choice, idempotency_key: str,
    typed_count: str | int | None = None,
) -> BulkResult:
    """End the service of the chosen subscribers, all of them active (others refuse the order). Called by the
    confirmation window's confirm: the statuses change only when the worker does the items. Over
    TYPED_COUNT_OVER subscribers, `typed_count` must be their count, typed by the user in the window."""
    return _order_in_status(session, actor, account_id, choice, idempotency_key, kind=RequestKind.TERMINATION,
                            status=ACTIVE, what="прекращение обслуживания",
                            refusal="Прекратить обслуживание можно только активных абонентов.",
                            typed_count=typed_count)


def require_typed_count(count: int, typed) -> None:
    """B5 over TYPED_COUNT_OVER subscribers: the user types their count before the confirm is enabled; the browser
    can send anything, so the order checks it again."""
    if count <= TYPED_COUNT_OVER:
        return
    typed = "".join(str(typed if typed is not None else "").split())
    if typed != str(count):
        raise DomainError(f"Выбрано абонентов: {thousands(count)}. Чтобы прекратить их обслуживание, введите это "
                          "число в поле подтверждения.")


# --- the lists of the B4 and B5 tabs --------------------------------------------------------------------------------

@serves(COMPANY)
def list_inactive(
    session: Session, *, actor: Actor, account_id: int, search: str = "", page: int = 1, page_size: int = 25
) -> SubscriberPage:
    """The «Активация» tab: the account's subscribers in «Ожидание активации», one page, by number."""
    return list_subscribers(session, actor=actor, account_id=account_id, search=search, status=WAITING,
                            page=page, page_size=page_size)


@serves(COMPANY)
def list_active(
    session: Session, *, actor: Actor, account_id: int, search: str = "", page: int = 1, page_size: int = 25
) -> SubscriberPage:
    """The «Прекращение обслуживания» tab: the account's active subscribers, one page, by number."""
    return list_subscribers(session, actor=actor, account_id=account_id, search=search, status=ACTIVE,
                            page=page, page_size=page_size)
