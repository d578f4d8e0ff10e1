"""The worker's handlers of the finance orders: the invoice (C2, P5), call detail (C6, P8), the reconciliation act
(C7); `mail_document` serves the SIP preliminary invoice (P9) too.

Each renders its document with `cabinet.documents` first, in a session that only reads (rendering is slow, and
no one's write may wait for it), and then queues the e-mail in the worker's write transaction, so the e-mail
exists if and only if the item (or, for call detail, the whole request) is recorded as done; what became of the
e-mail is told to that item (or request) by `cabinet.services.requests.letters`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from cabinet.delivery.outbox import Attachment, enqueue_email
from cabinet.delivery.outcome import queued
from cabinet.documents.call_detail import render_call_detail
from cabinet.documents.common import RenderedDocument
from cabinet.documents.invoice import DEFAULT_FORMAT, load_invoice, render_invoice
from cabinet.documents.reconciliation import render_reconciliation
from cabinet.models import (
    GuaranteePayment,
    Invoice,
    ItemStatus,
    PersonalAccount,
    Request,
    RequestItem,
    RequestKind,
    Subscriber,
)
from cabinet.services.errors import ItemRefused
from cabinet.services.requests.handling import Prepared, PreparedHook
from cabinet.text import ddmmyyyy, money, month_words

SIGNATURE = ("\n\nПисьмо отправлено из Личного кабинета корпоративного клиента по вашей заявке "
             "№ {request_id}. Отвечать на него не нужно.")


@dataclass(frozen=True)
class Letter:
    """A rendered document and the words of its e-mail; `sent` is what the item (or the request's summary) says
    once the server has taken it, before «на <addresses>» (`mail_document`)."""

    document: RenderedDocument
    subject: str
    text: str
    sent: str


def mail_letter(session: Session, request: Request, letter: Letter, item: RequestItem | None = None) -> str:
    """Queue the letter (the quick part, in the write transaction) as the result of `item` (or of the whole
    request); returns what that says until the server takes it."""
    return mail_document(session, request, letter.document, subject=letter.subject, text=letter.text,
                         sent_text=letter.sent, item=item)


def mailed_item(render) -> Prepared:
    """An item handler that renders `render(session, request, item) -> Letter`, then queues it."""
    return Prepared(prepare=render, record=lambda session, request, item, letter: mail_letter(session, request,
                                                                                                letter, item))


def mailed_summary(render) -> PreparedHook:
    """A finish hook that renders `render(session, request) -> Letter | None` (None: nothing to send), then queues
    it and says so in the request's summary."""

    def record(session: Session, request: Request, letter: Letter | None) -> None:
        if letter is not None:
            request.summary = mail_letter(session, request, letter)
            session.add(request)

    return PreparedHook(prepare=render, record=record)


def mail_document(session: Session, request: Request, rendered: RenderedDocument, *, subject: str, text: str,
                  sent_text: str, item: RequestItem | None = None) -> str:
    """Queue the document to the request's recipients, in the item's transaction, as the result of `item` (or of
    the whole request); returns what that says until the server takes the letter (`requests.letters` tells the
    rest, ending with `sent_text` «на <addresses>»)."""
    if not rendered.content:
        raise RuntimeError(f"document {rendered.filename!r} came out empty")
    recipients = _recipients(request)
    account = account_of(session, request)
    enqueue_email(
        session,
        recipients=recipients,
        subject=f"{subject} по лицевому счету {account.number}",
        body=f"Здравствуйте!\n\nВо вложении {text} по лицевому счету {account.number}."
             + SIGNATURE.format(request_id=request.id),
        attachments=[Attachment(filename=rendered.filename, content_type=rendered.content_type,
                                content=rendered.content)],
        request_id=request.id,
        request_item_id=item.id if item is not None else None,
        sent_text=sent_text,
    )
    return queued(recipients)


def _recipients(request: Request) -> list[str]:
    recipients = [r for r in request.params.get("recipients", []) if r]
    if not recipients:
        raise ItemRefused("Не указан адрес доставки.")
    return recipients


def account_of(session: Session, request: Request) -> PersonalAccount:
    account = session.get(PersonalAccount, request.account_id)
    assert account is not None  # a request's account is never deleted
    return account


# --- C2: the invoice ------------------------------------------------------------------------------------------

def invoice_letter(session: Session, request: Request, item: RequestItem) -> Letter:
    invoice = session.get(Invoice, int(request.params.get("invoice_id") or 0))
    if invoice is None or invoice.account_id != request.account_id:
        raise ItemRefused("Счет не найден на этом лицевом счете.")
    rendered = render_invoice(load_invoice(session, invoice.id), request.params.get("format") or DEFAULT_FORMAT)
    period = month_words(invoice.period)
    return Letter(rendered, subject=f"Счет за {period}", text=f"счет № {invoice.number} за {period}",
                  sent="Счет отправлен")


# --- C6: call detail: items are only checked, the one document is built when all are done -----------------------

def still_on_account(session: Session, request: Request, item: RequestItem) -> None:
    subscriber = session.get(Subscriber, item.subscriber_id) if item.subscriber_id else None
    if subscriber is None or subscriber.account_id != request.account_id:
        raise ItemRefused("Абонент больше не обслуживается на этом лицевом счете.")


def done_subscribers(session: Session, request: Request) -> list[Subscriber]:
    """The subscribers of the request's done items, in the order they were submitted."""
    return list(session.exec(
        select(Subscriber).join(RequestItem, RequestItem.subscriber_id == Subscriber.id)
        .where(RequestItem.request_id == request.id, RequestItem.status == ItemStatus.DONE.value)
        .order_by(RequestItem.position, RequestItem.id)
    ).all())


def include_in_detail(session: Session, request: Request, item: RequestItem) -> str:
    still_on_account(session, request, item)
    return "Включен в детализацию"


def call_detail_letter(session: Session, request: Request) -> Letter | None:
    subscriber_ids = [s.id for s in done_subscribers(session, request)]
    if not subscriber_ids:
        return None  # every item refused: nothing to send
    year, month = int(request.params["year"]), int(request.params["month"])
    rendered = render_call_detail(
        session,
        account_id=request.account_id,
        subscriber_ids=subscriber_ids,
        year=year,
        month=month,
        layout=request.params.get("layout") or "sheet_per_subscriber",
    )
    period = month_words(dt.date(year, month, 1))
    return Letter(rendered, subject=f"Детализация за {period}",
                  text=f"детализация звонков за {period} (абонентов: {len(subscriber_ids)})",
                  sent=f"Детализация за {period} (абонентов: {len(subscriber_ids)}) отправлена")



# --- C7: the reconciliation act ------------------------------------------------------------------------------

def reconciliation_letter(session: Session, request: Request, item: RequestItem) -> Letter:
    date_from = dt.date.fromisoformat(request.params["date_from"])
    date_to = dt.date.fromisoformat(request.params["date_to"])
    rendered = render_reconciliation(session, account_id=request.account_id, date_from=date_from, date_to=date_to)
    period = f"{ddmmyyyy(date_from)}–{ddmmyyyy(date_to)}"
    return Letter(rendered, subject=f"Акт сверки за {period}", text=f"акт сверки взаиморасчетов за {period}",
                  sent="Акт сверки отправлен")


# --- C5, P4: a registered payment, passed to the operator ---------------------------------------------------------

def pass_payment_registration(session: Session, request: Request, item: RequestItem) -> str:
    guarantee = session.get(GuaranteePayment, int(item.params.get("guarantee_id", 0)))
    if guarantee is None or guarantee.account_id != request.account_id:
        raise ItemRefused("Регистрация оплаты не найдена.")
    return f"Оплата {money(guarantee.amount)} передана оператору"


HANDLERS = {
    RequestKind.PAYMENT_REGISTRATION: pass_payment_registration,  # C5, P4
    RequestKind.INVOICE_EMAIL: mailed_item(invoice_letter),  # C2, P5
    RequestKind.CALL_DETAIL: include_in_detail,  # C6, P8
    RequestKind.RECONCILIATION: mailed_item(reconciliation_letter),  # C7
}
FINISH_HOOKS = {RequestKind.CALL_DETAIL: mailed_summary(call_detail_letter)}
