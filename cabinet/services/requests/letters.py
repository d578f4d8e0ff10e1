"""What a request says of the letters it sends: the mailer's outcome of each attempt told to the item (or the
request) the letter was queued for, in the transaction that records it on the outbox row.

The letter of one item (an invoice, a reconciliation act) tells that item's result: «Письмо на … ставится в
очередь» when queued, «Письмо не отправлено: …, следующая попытка в 14:05» while it is tried again, «Счет
отправлен на …» once the server took it. The letter of the whole request, queued when it is closed (call detail,
the preliminary invoice), tells the request's summary the same way.

A letter refused for good (a 5xx reply, or the last of MAX_ATTEMPTS) refuses its item, or every done item of its
request, with the reason; the request's counters follow, and a request already closed gets its final status
again. A letter the server took for some recipients and refused for others leaves its item done: the document
reached the company; the result names each address it did not reach, with the server's reply.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from cabinet.delivery import outcome
from cabinet.delivery.outcome import Outcome
from cabinet.models import ItemStatus, Request, RequestItem
from cabinet.services import audit
from cabinet.services.requests.handling import final_status

REFUSED_ACTION = "request.letter_refused"


def tell(session: Session, result: Outcome) -> None:
    """Tell `result` to what its letter was sent for (nothing, for a letter of no request); in the caller's
    transaction."""
    letter = result.letter
    if letter.request_id is None:
        return
    of_one_item = letter.request_item_id is not None
    if not of_one_item:  # a letter of the whole request: its summary says it
        session.execute(update(Request.__table__).where(Request.id == letter.request_id).values(summary=result.text))
    done = (RequestItem.id == letter.request_item_id if of_one_item else RequestItem.request_id == letter.request_id,
            RequestItem.status == ItemStatus.DONE.value)
    if result.status == outcome.FAILED:
        refused = session.execute(update(RequestItem.__table__).where(*done)
                                  .values(status=ItemStatus.REFUSED.value, result=result.text)).rowcount
        _count_refused(session, letter.request_id, refused)
    elif of_one_item:
        session.execute(update(RequestItem.__table__).where(*done).values(result=result.text))
    if result.status == outcome.FAILED or result.refused:
        _record(session, result)


def _count_refused(session: Session, request_id: int, refused: int) -> None:
    """Move `refused` items from the request's done count to its refused one; a closed request's status follows.
    Added to the counters as the worker's batches do, so the two never overwrite each other."""
    if not refused:
        return
    counts = session.execute(
        update(Request.__table__).where(Request.id == request_id)
        .values(done_items=Request.done_items - refused, refused_items=Request.refused_items + refused)
        .returning(Request.done_items, Request.refused_items, Request.finished_at)
    ).one()
    if counts.finished_at is not None:
        session.execute(update(Request.__table__).where(Request.id == request_id)
                        .values(status=final_status(counts.done_items, counts.refused_items).value))


def _record(session: Session, result: Outcome) -> None:
    letter = result.letter
    request = session.get(Request, letter.request_id)
    assert request is not None  # a letter's request is never deleted
    audit.record(session, action=REFUSED_ACTION, organization_id=request.organization_id,
                 account_id=request.account_id, object_kind="request", object_id=request.id,
                 item_id=letter.request_item_id, email_id=letter.id, partly=result.status == outcome.SENT,
                 refused=", ".join(result.refused) or ", ".join(letter.recipients), reason=result.reason)
