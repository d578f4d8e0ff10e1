"""The worker's handlers of the finance orders: the invoice (C2, P5), call detail (C6, P8), the reconciliation act
(C7); `mail_document` serves the SIP preliminary invoice (P9) too.

Each renders its document with `cabinet.documents` first, in a session that only reads (rendering is slow, and
no one's write may wait for it), and then queues the e-mail in the worker's write transaction, so the e-mail
exists if and only if the item (or, for call detail, the whole request) is recorded as done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from cabinet.delivery.outbox import Attachment, enqueue_email
from cabinet.documents.call_detail import render_call_detail
from cabinet.documents.common import RenderedDocument
from cabinet.documents.invoice import DEFAULT_FORMAT, load_invoice, render_invoice
from cabinet.documents.reconciliation import render_reconciliation
from cabinet.models import (
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
from cabinet.text import ddmmyyyy, month_words

SIGNATURE = ("\n\nПисьмо отправлено из Личного кабинета корпоративного клиента по вашей заявке "
             "№ {request_id}. Отвечать на него не нужно.")


@dataclass(frozen=True)
class Letter:
    """A rendered document and the words of its e-mail; `done` is what the item (or the request's summary) says
    once it is queued, with `{recipients}` in it."""

    document: RenderedDocument
    subject: str
    text: str
    done: str


def mail_letter(session: Session, request: Request, letter: Letter) -> str:
    """Queue the letter (the quick part, in the write transaction); returns what it says it did."""
    recipients = mail_document(session, request, letter.document, subject=letter.subject, text=letter.text)
    return letter.done.format(recipients=", ".join(recipients))


def mailed_item(render) -> Prepared:
    """An item handler that renders `render(session, request, item) -> Letter`, then queues it."""
    return Prepared(prepare=render, record=lambda session, request, item, letter: mail_letter(session, request,
                                                                                                letter))


def mailed_summary(render) -> PreparedHook:
    """A finish hook that renders `render(session, request) -> Letter | None` (None: nothing to send), then queues
    it and says so in the request's summary."""

    def record(session: Session, request: Request, letter: Letter | None) -> None:
        if letter is not None:
            request.summary = mail_letter(session, request, letter)
            session.add(request)

    return PreparedHook(prepare=render, record=record)


def mail_document(session: Session, request: Request, rendered: RenderedDocument, *, subject: str, text: str) -> list[str]:
    """Queue the document to the request's recipients, in the item's transaction; returns the recipients."""
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
    )
    return recipients


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
                  done="Счет отправлен на {recipients}")


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
                  done=f"Детализация за {period} (абонентов: {len(subscriber_ids)}) отправлена на {{recipients}}")



# --- C7: the reconciliation act ------------------------------------------------------------------------------

def reconciliation_letter(session: Session, request: Request, item: RequestItem) -> Letter:
    date_from = dt.date.fromisoformat(request.params["date_from"])
    date_to = dt.date.fromisoformat(request.params["date_to"])
    rendered = render_reconciliation(session, account_id=request.account_id, date_from=date_from, date_to=date_to)
    period = f"{ddmmyyyy(date_from)}–{ddmmyyyy(date_to)}"
    return Letter(rendered, subject=f"Акт сверки за {period}", text=f"акт сверки взаиморасчетов за {period}",
                  done="Акт сверки отправлен на {recipients}")


HANDLERS = {
    RequestKind.INVOICE_EMAIL: mailed_item(invoice_letter),  # C2, P5
    RequestKind.CALL_DETAIL: include_in_detail,  # C6, P8
    RequestKind.RECONCILIATION: mailed_item(reconciliation_letter),  # C7
}
FINISH_HOOKS = {RequestKind.CALL_DETAIL: mailed_summary(call_detail_letter)}
