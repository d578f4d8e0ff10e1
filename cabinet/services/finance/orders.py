"""Orders that become requests («заявки») done by the worker: «Отправить счет» (C2), «Детализация на Email» (C6)
and «Акт сверки» (C7). Each is stored in the caller's unit of work (not committed here) and shows in
«История заявок» at once; the e-mails are written by the handlers in `handlers`. Call detail takes its
subscribers as every operation does: a `Choice` (`cabinet.services.subscribers.choice`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cabinet import clock
from cabinet.clock import add_months
from cabinet.documents.invoice import format_or_default
from cabinet.models import Invoice, PersonalAccount, Request, RequestKind, RequestStatus
from cabinet.services import validation
from cabinet.services.access import COMPANY, EVERY_CABINET, Actor, account_for, serves
from cabinet.services.errors import AccessDenied, DomainError
from cabinet.services.finance import quotas
from cabinet.services.finance.working_days import add_working_days
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft, OrderResult
from cabinet.services.subscribers.choice import Choice, chosen_subscribers
from cabinet.text import abonents, ddmmyyyy, month_genitive, month_title, month_words, plural_word

DETAIL_MONTHS = 36  # the current month and the 36 before it
DETAIL_LAYOUTS = {"sheet_per_subscriber": "Лист на каждого абонента", "single_sheet": "Все абоненты на одном листе"}
MAX_DETAIL_SUBSCRIBERS = 10_000
RECONCILIATION_YEARS = 3
RECONCILIATION_WORKING_DAYS = 10


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

@serves(COMPANY)
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


@serves(EVERY_CABINET)
def mail_invoice(session: Session, *, actor: Actor, account: PersonalAccount, invoice: Invoice,
                 recipients: list[str], idempotency_key: str) -> OrderResult:
    """Store the request that e-mails this invoice (checked by the caller) to these addresses."""
    fmt = format_or_default(account.invoice_format).code
    period = month_words(invoice.period)
    dto = quotas.submit_document_order(
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


@dataclass(frozen=True)
class PreviousSending:
    """The last time an invoice was ordered by e-mail: what a second «Отправить счет» tells before sending again."""

    request_id: int
    at: dt.datetime  # when it was sent (or, while it is being sent, ordered)
    recipients: list[str]
    sent: bool  # False: ordered and still being sent
    notice: str  # «Счет за октябрь 2026 уже отправлен 05.11.2026 в 10:15 на buh@example.by. …»


SENT_BEFORE = (RequestStatus.NEW.value, RequestStatus.IN_PROGRESS.value, RequestStatus.DONE.value,
               RequestStatus.PARTLY_DONE.value)


@serves(COMPANY)
def previous_invoice_sending(
    session: Session, *, actor: Actor, account_id: int, invoice_id: int
) -> PreviousSending | None:
    """The newest request that e-mailed this invoice of the account (not one refused), or None: from the stored
    requests, so it holds whoever ordered it and from whichever page."""
    account = account_for(session, actor, account_id)
    invoice = session.get(Invoice, int(invoice_id or 0))
    if invoice is None or invoice.account_id != account.id:
        raise AccessDenied("Счет не найден на этом лицевом счете.")
    request = session.exec(
        select(Request)
        .where(Request.account_id == account.id, Request.kind == RequestKind.INVOICE_EMAIL.value,
               col(Request.status).in_(SENT_BEFORE), col(Request.params)["invoice_id"].as_integer() == invoice.id)
        .order_by(col(Request.created_at).desc(), col(Request.id).desc())
    ).first()
    if request is None:
        return None
    recipients = list(request.params.get("recipients", []))
    sent = request.finished_at is not None
    at = request.finished_at or request.created_at
    moment = f"{ddmmyyyy(at.date())} в {at:%H:%M}"
    title = f"Счет за {month_words(invoice.period)}"
    notice = (f"{title} уже отправлен {moment} на {', '.join(recipients)}." if sent else
              f"{title} уже заказан {moment} и отправляется на {', '.join(recipients)}.")
    return PreviousSending(request_id=request.id, at=at, recipients=recipients, sent=sent,
                           notice=f"{notice} Если письмо не пришло, отправьте счет повторно.")


# --- C6: «Детализация на Email» ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodChoice:
    year: int
    month: int
    title: str  # «Октябрь 2026»


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


@serves(EVERY_CABINET)
def order_call_detail(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    year: int,
    month: int,
    choice: Choice,
    layout: str = "sheet_per_subscriber",
    idempotency_key: str,
    recipients: list[str] | None = None,
) -> OrderResult:
    """Order call detail for a month and a choice of subscribers (at most MAX_DETAIL_SUBSCRIBERS), e-mailed to the
    invoice delivery address (or to `recipients`, checked by the caller)."""
    account = account_for(session, actor, account_id)
    period = check_detail_period(year, month)
    if layout not in DETAIL_LAYOUTS:
        raise DomainError("Выберите вид детализации: лист на каждого абонента или все абоненты на одном листе.")
    recipients = recipients or delivery_recipients(account)
    chosen = chosen_subscribers(session, actor=actor, account_id=account.id, choice=choice,
                                limit=MAX_DETAIL_SUBSCRIBERS, what="В одной заявке на детализацию")
    words = month_words(period)
    dto = quotas.submit_document_order(
        session,
        actor=actor,
        account_id=account.id,
        kind=RequestKind.CALL_DETAIL,
        params={"year": period.year, "month": period.month, "layout": layout, "recipients": recipients},
        items=[ItemDraft(subscriber_id=c.id, number=c.number) for c in chosen],
        idempotency_key=idempotency_key,
        expected_on=clock.today(),
        summary=f"Детализация за {words}: {abonents(len(chosen))}",
    )

    def message(request, to):
        asked = dt.date(int(request.params["year"]), int(request.params["month"]), 1)
        count = request.total_items
        whom = plural_word(count, "абоненту", "абонентам", "абонентам")
        return (f"Детализация за {month_words(asked)} по {count} {whom} "
                f"будет отправлена на {', '.join(to)}.")

    return _result(session, dto, message)


# --- C7: «Акт сверки» --------------------------------------------------------------------------------------------

def reconciliation_limits() -> tuple[dt.date, dt.date]:
    """The earliest and latest day a reconciliation act may cover: 3 years back (same day) .. today."""
    today = clock.today()
    return add_months(today, -12 * RECONCILIATION_YEARS), today


def reconciliation_period_errors(date_from: dt.date | None, date_to: dt.date | None) -> dict[str, str]:
    """What is wrong with a reconciliation period, by field ("date_from", "date_to"); empty when it may be ordered:
    both dates given, within 3 years back, none in the future, the start not after the end."""
    earliest, today = reconciliation_limits()
    return validation.period_errors(date_from, date_to, earliest=earliest, today=today,
                                    too_early=f"Акт сверки доступен за {RECONCILIATION_YEARS} года: с {ddmmyyyy(earliest)}.")


@serves(COMPANY)
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
    _, today = reconciliation_limits()
    errors = reconciliation_period_errors(date_from, date_to)
    if errors:
        raise DomainError(next(iter(errors.values())))
    assert date_from is not None and date_to is not None
    if email is not None and email.strip():
        recipients = [validation.email(email)]
    else:
        recipients = delivery_recipients(account)
    expected_on = add_working_days(today, RECONCILIATION_WORKING_DAYS)
    dto = quotas.submit_document_order(
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
