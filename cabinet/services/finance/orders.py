"""Orders that become requests («заявки») done by the worker: «Отправить счет» (C2), «Детализация на Email» (C6)
and «Акт сверки» (C7). Each is stored in the caller's unit of work (not committed here) and shows in
«История заявок» at once; the e-mails are written by the handlers in `finance_handlers`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, select

from cabinet import clock
from cabinet.clock import add_months
from cabinet.documents.invoice import format_or_default
from cabinet.models import Invoice, PersonalAccount, Request, RequestKind, Subscriber
from cabinet.models.subscriber import STATUS_TITLES
from cabinet.services import validation
from cabinet.services.access import Actor, account_for
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance.working_days import add_working_days
from cabinet.services.paging import Page, bounds
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft, OrderResult
from cabinet.services.subscribers import uploads
from cabinet.text import abonents, ddmmyyyy, month_genitive, month_title, month_words, thousands

DETAIL_MONTHS = 36  # the current month and the 36 before it
DETAIL_LAYOUTS = {"sheet_per_subscriber": "Лист на каждого абонента", "single_sheet": "Все абоненты на одном листе"}
MAX_DETAIL_SUBSCRIBERS = 10_000
RECONCILIATION_YEARS = 3
RECONCILIATION_WORKING_DAYS = 10
_IN_CHUNK = 900



def delivery_recipients(account: PersonalAccount) -> list[str]:
    """The invoice delivery address(es) of the account; refuses when invoices are not e-mailed or none is set."""
    if account.delivery_method == "self":
        raise DomainError("Способ доставки счетов — «Получает сам». Укажите адрес доставки счетов "
                          "(E-mail) в блоке «Лицевой счет».")
    emails = [e for e in (account.delivery_emails or []) if e and e.strip()]
    if not emails:
        raise DomainError("Укажите адрес доставки счетов в блоке «Лицевой счет».")
    return emails


def _result(session: Session, dto: store.RequestDTO, message_for) -> OrderResult:
    """The result of a stored request; from its own params, so a repeated submission says the same."""
    request = session.get(Request, dto.id)
    recipients = list(request.params.get("recipients", []))
    return OrderResult(request_id=request.id, recipients=recipients, message=message_for(request, recipients),
                       expected_on=request.expected_on)


# --- C2: «Отправить счет» ------------------------------------------------------------------------------------

def order_invoice(
    session: Session, *, actor: Actor, account_id: int, invoice_id: int, idempotency_key: str
) -> OrderResult:
    """E-mail a regular invoice of the account to its delivery address, in the account's format."""
    account = account_for(session, actor, account_id)
    try:
        invoice = session.get(Invoice, int(invoice_id)) if invoice_id else None
    except (TypeError, ValueError):
        invoice = None
    if invoice is None or invoice.account_id != account.id or not invoice.is_regular:
        raise AccessDenied("Счет не найден на этом лицевом счете.")
    return mail_invoice(session, actor=actor, account=account, invoice=invoice,
                        recipients=delivery_recipients(account), idempotency_key=idempotency_key)


def mail_invoice(session: Session, *, actor: Actor, account: PersonalAccount, invoice: Invoice,
                 recipients: list[str], idempotency_key: str) -> OrderResult:
    """Store the request that e-mails this invoice (checked by the caller) to these addresses."""
    fmt = format_or_default(account.invoice_format).code
    period = month_words(invoice.period)
    dto = store.submit_request(
        session,
        actor=actor,
        account_id=account.id,
        kind=RequestKind.INVOICE_EMAIL,
        params={"invoice_id": invoice.id, "format": fmt, "recipients": recipients, "period": period},
        items=[ItemDraft(params={"invoice_id": invoice.id})],
        idempotency_key=idempotency_key,
        expected_on=clock.today(),
        summary=f"Счет за {period} на {', '.join(recipients)}",
    )

    def message(request, to):
        return (f"Счет за {request.params.get('period', period)} будет отправлен на {', '.join(to)} "
                f"в формате {format_or_default(request.params.get('format')).title}.")

    return _result(session, dto, message)


# --- C6: «Детализация на Email» ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodChoice:
    year: int
    month: int
    title: str  # «Октябрь 2026»


@dataclass(frozen=True)
class SubscriberChoice:
    id: int
    number: str
    name: str
    status_title: str


SubscriberChoicePage = Page  # rows, total, page, page_size, .pages


def detail_periods() -> list[PeriodChoice]:
    """The months call detail may be ordered for, newest first: this month and 36 back."""
    current = clock.today().replace(day=1)
    return [PeriodChoice(p.year, p.month, month_title(p))
            for p in (add_months(current, -back) for back in range(DETAIL_MONTHS + 1))]


def check_detail_period(year: int, month: int) -> dt.date:
    """The first day of the month asked for, if call detail is available for it (within 3 years, not future)."""
    try:
        period = dt.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        raise DomainError("Выберите год и месяц детализации.") from None
    current = clock.today().replace(day=1)
    earliest = add_months(current, -DETAIL_MONTHS)
    if period > current:
        raise DomainError(f"Детализация за {month_words(period)} еще недоступна: выберите прошедший или текущий месяц.")
    if period < earliest:
        raise DomainError(f"Детализация доступна за 3 года: с {month_genitive(earliest)}.")
    return period


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching(account_id: int, search: str):
    """The WHERE conditions for the account's subscribers matching a part of the number or of the name.

    SQLite (and PostgreSQL in the C locale) fold only Latin letters, so the name is matched as typed, in lower
    case, capitalised and in upper case: «иванов», «Иванов» and «ИВАНОВ» all find «Иванов Иван»."""
    conditions = [Subscriber.account_id == account_id]
    search = (search or "").strip()[:60]
    if not search:
        return conditions
    variants = {search, search.lower(), search.upper(), search.capitalize(), search.title()}
    alternatives = [Subscriber.name.like(f"%{_escape_like(v)}%", escape="\\") for v in variants]
    digits = validation.clean_digits(search)
    if digits.isdigit():
        alternatives.append(Subscriber.number.like(f"%{digits}%"))
    conditions.append(or_(*alternatives))
    return conditions


def list_detail_candidates(
    session: Session, *, actor: Actor, account_id: int, search: str = "", page: int = 1, page_size: int = 20
) -> SubscriberChoicePage:
    """One page of the account's subscribers, found by a part of the number or the name, by number."""
    account = account_for(session, actor, account_id)
    page, page_size = bounds(page, page_size)
    conditions = _matching(account.id, search)
    total = session.exec(select(func.count(Subscriber.id)).where(*conditions)).one()
    found = session.exec(
        select(Subscriber.id, Subscriber.number, Subscriber.name, Subscriber.status)
        .where(*conditions)
        .order_by(Subscriber.number)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    rows = [SubscriberChoice(id=i, number=n, name=name or "", status_title=STATUS_TITLES.get(s, str(s)))
            for i, n, name, s in found]
    return SubscriberChoicePage(rows=rows, total=total, page=page, page_size=page_size)


def _too_many(count: int) -> DomainError:
    return DomainError(f"В одной заявке на детализацию — не более {thousands(MAX_DETAIL_SUBSCRIBERS)} абонентов, "
                       f"выбрано {thousands(count)}. Разделите список.")


def _chosen_by_ids(session: Session, account_id: int, subscriber_ids: Sequence[int]) -> list[tuple[int, str]]:
    try:
        ids = list(dict.fromkeys(int(i) for i in subscriber_ids))
    except (TypeError, ValueError):
        raise AccessDenied("Абонент не найден на этом лицевом счете.") from None
    if len(ids) > MAX_DETAIL_SUBSCRIBERS:
        raise _too_many(len(ids))
    numbers: dict[int, str] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        numbers.update(session.exec(
            select(Subscriber.id, Subscriber.number).where(
                Subscriber.account_id == account_id, Subscriber.id.in_(ids[start:start + _IN_CHUNK])
            )
        ).all())
    missing = [i for i in ids if i not in numbers]
    if missing:
        # Ids come from the browser: one that is not on this account says nothing about what it is.
        raise AccessDenied(f"Абоненты не найдены на этом лицевом счете: {len(missing)}. Обновите список и "
                           "выберите снова.")
    return [(i, numbers[i]) for i in ids]


def _chosen_by_search(session: Session, account_id: int, search: str) -> list[tuple[int, str]]:
    conditions = _matching(account_id, search)
    count = session.exec(select(func.count(Subscriber.id)).where(*conditions)).one()
    if count > MAX_DETAIL_SUBSCRIBERS:
        raise _too_many(count)
    return list(session.exec(
        select(Subscriber.id, Subscriber.number).where(*conditions).order_by(Subscriber.number)
    ).all())


def _chosen(
    session: Session,
    actor: Actor,
    account_id: int,
    subscriber_ids: Sequence[int] | None,
    all_matching: str | None,
    numbers: Sequence[str] | None,
) -> list[tuple[int, str]]:
    """(id, number) of the subscribers chosen one way: ticked ids, all matching a search, or uploaded numbers."""
    given = [choice is not None for choice in (subscriber_ids, all_matching, numbers)]
    if sum(given) > 1:
        raise DomainError("Выберите абонентов одним способом: отметьте в списке или загрузите файл.")
    if subscriber_ids is not None:
        chosen = _chosen_by_ids(session, account_id, subscriber_ids) if subscriber_ids else []
    elif all_matching is not None:
        chosen = _chosen_by_search(session, account_id, all_matching)
    elif numbers:
        if len(numbers) > MAX_DETAIL_SUBSCRIBERS:
            raise _too_many(len(numbers))
        ids = uploads.match_numbers(session, actor=actor, account_id=account_id, numbers=numbers)
        chosen = _chosen_by_ids(session, account_id, ids)
    else:
        chosen = []
    if not chosen:
        raise DomainError("Выберите хотя бы одного абонента.")
    return chosen


def _to_abonents(count: int) -> str:
    """«по 1 абоненту», «по 5 абонентам»"""
    return f"по {count} {'абоненту' if count % 10 == 1 and count % 100 != 11 else 'абонентам'}"


def order_call_detail(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    year: int,
    month: int,
    subscriber_ids: list[int] | None = None,
    all_matching: str | None = None,
    numbers: list[str] | None = None,
    layout: str = "sheet_per_subscriber",
    idempotency_key: str,
    recipients: list[str] | None = None,
) -> OrderResult:
    """Order call detail for a month and a choice of subscribers, e-mailed to the invoice delivery address (or to
    `recipients`, checked by the caller)."""
    account = account_for(session, actor, account_id)
    period = check_detail_period(year, month)
    if layout not in DETAIL_LAYOUTS:
        raise DomainError("Выберите вид детализации: лист на каждого абонента или все абоненты на одном листе.")
    recipients = recipients or delivery_recipients(account)
    chosen = _chosen(session, actor, account.id, subscriber_ids, all_matching, numbers)
    words = month_words(period)
    dto = store.submit_request(
        session,
        actor=actor,
        account_id=account.id,
        kind=RequestKind.CALL_DETAIL,
        params={"year": period.year, "month": period.month, "layout": layout, "recipients": recipients},
        items=[ItemDraft(subscriber_id=subscriber_id, number=number) for subscriber_id, number in chosen],
        idempotency_key=idempotency_key,
        expected_on=clock.today(),
        summary=f"Детализация за {words}: {abonents(len(chosen))}",
    )

    def message(request, to):
        asked = dt.date(int(request.params["year"]), int(request.params["month"]), 1)
        return (f"Детализация за {month_words(asked)} {_to_abonents(request.total_items)} "
                f"будет отправлена на {', '.join(to)}.")

    return _result(session, dto, message)


# --- C7: «Акт сверки» --------------------------------------------------------------------------------------------

def reconciliation_limits() -> tuple[dt.date, dt.date]:
    """The earliest and latest day a reconciliation act may cover: 3 years back (same day) .. today."""
    today = clock.today()
    return add_months(today, -12 * RECONCILIATION_YEARS), today


def order_reconciliation(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    date_from: dt.date | None,
    date_to: dt.date | None,
    email: str | None = None,
    idempotency_key: str,
) -> OrderResult:
    """Order a reconciliation act for a period within 3 years, to the delivery address or another one; it is
    processed within 10 working days (Belarusian calendar), the date stored on the request."""
    account = account_for(session, actor, account_id)
    earliest, today = reconciliation_limits()
    if date_from is None or date_to is None:
        raise DomainError("Укажите начальную и конечную даты периода.")
    if date_from < earliest:
        raise DomainError(f"Акт сверки доступен за {RECONCILIATION_YEARS} года: с {ddmmyyyy(earliest)}.")
    if date_to > today:
        raise DomainError(f"Дата окончания периода не может быть позже сегодняшней ({ddmmyyyy(today)}).")
    if date_from > date_to:
        raise DomainError("Дата начала периода позже даты окончания.")
    if email is not None and email.strip():
        recipients = [validation.email(email)]
    else:
        recipients = delivery_recipients(account)
    expected_on = add_working_days(today, RECONCILIATION_WORKING_DAYS)
    dto = store.submit_request(
        session,
        actor=actor,
        account_id=account.id,
        kind=RequestKind.RECONCILIATION,
        params={"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "recipients": recipients},
        items=[ItemDraft(params={})],
        idempotency_key=idempotency_key,
        expected_on=expected_on,
        summary=f"Акт сверки за {ddmmyyyy(date_from)}–{ddmmyyyy(date_to)} на {', '.join(recipients)}",
    )

    def message(request, to):
        return (f"Акт сверки будет отправлен на {', '.join(to)} не позднее {ddmmyyyy(request.expected_on)}.")

    return _result(session, dto, message)
