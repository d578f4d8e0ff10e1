"""Limits on what one personal account may have e-mailed: the documents ordered by e-mail (invoices C2/P5, call
detail C6/P8, reconciliation acts C7, preliminary invoices P9) and the letters that confirm a delivery address
(C3/P7). Counted in SQL from what is stored: the requests (`Request.account_id, created_at`, indexed together)
and the audit events of the letters sent.

The numbers are far above what a company needs and low enough that a stolen or misused session cannot turn the
cabinet into a mailer:

- documents: DOCUMENTS_PER_HOUR = 30 and DOCUMENTS_PER_DAY = 100 per account. One call-detail order already
  covers up to 10,000 subscribers of a month, and an account gets one invoice a month; the busiest honest sitting
  we know of — an audit asking for a year of invoices and a year of call detail at once — is about 25 orders.
- address confirmations: CONFIRMATIONS_PER_HOUR = 5 and CONFIRMATIONS_PER_DAY = 10 per account. A delivery
  address changes a few times a year; a mistyped address and a second try fit many times over.

And one pending order per identical order: a second order of the same kind, period, choice of subscribers and
recipients while the first is still waiting for the worker is refused, naming the first and when it was made.
It is refused rather than answered with the first request because the user would read «будет отправлен» as a
second letter on its way; the refusal says the first one is still coming and where to watch it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from cabinet import clock
from cabinet.models import AuditEvent, PersonalAccount, Request, RequestKind, RequestStatus
from cabinet.services.access import EVERY_CABINET, Actor, account_for, serves
from cabinet.services.errors import DomainError
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft, RequestDTO
from cabinet.text import ddmmyyyy, next_minute, plural_word

ORDERED_DOCUMENTS = (RequestKind.INVOICE_EMAIL, RequestKind.CALL_DETAIL, RequestKind.RECONCILIATION,
                     RequestKind.PRELIMINARY_INVOICE)
PENDING = (RequestStatus.NEW, RequestStatus.IN_PROGRESS)
IDENTITY = "order_identity"  # the params key holding what makes two orders the same order
CONFIRMATION_SENT = "delivery.confirmation_sent"  # the audit action of a letter asking to confirm an address


@dataclass(frozen=True)
class Quota:
    limit: int
    window: dt.timedelta
    period: str  # «за последний час»


DOCUMENTS_PER_HOUR = Quota(30, dt.timedelta(hours=1), "за последний час")
DOCUMENTS_PER_DAY = Quota(100, dt.timedelta(days=1), "за последние сутки")
CONFIRMATIONS_PER_HOUR = Quota(5, dt.timedelta(hours=1), "за последний час")
CONFIRMATIONS_PER_DAY = Quota(10, dt.timedelta(days=1), "за последние сутки")


def moment_words(moment: dt.datetime) -> str:
    """«16.11.2026 в 11:05», rounded up to the minute: at the moment named the action is allowed."""
    moment = next_minute(moment)
    return f"{ddmmyyyy(moment.date())} в {moment:%H:%M}"


def free_again_at(session: Session, moment, conditions: Sequence[ColumnElement[bool]], quota: Quota
                  ) -> dt.datetime | None:
    """When the quota has room again, if it is used up now: the `limit`-th newest row of the window leaves it
    then. None while there is room."""
    since = clock.now() - quota.window
    newest = session.exec(
        select(moment).where(*conditions, moment > since).order_by(col(moment).desc()).offset(quota.limit - 1).limit(1)
    ).first()
    return None if newest is None else newest + quota.window


def _used_up(session: Session, moment, conditions: Sequence[ColumnElement[bool]],
             quotas: Sequence[Quota]) -> tuple[Quota, dt.datetime] | None:
    """The quota used up that has room again last (the hour's and the day's may both be), and when."""
    used_up = [(quota, when) for quota in quotas
               if (when := free_again_at(session, moment, conditions, quota)) is not None]
    return max(used_up, key=lambda found: found[1], default=None)


def refuse_too_many_documents(session: Session, account_id: int) -> None:
    """DomainError when the account has ordered DOCUMENTS_PER_HOUR documents in the last hour or DOCUMENTS_PER_DAY
    in the last day, saying when it may order again."""
    used_up = _used_up(session, Request.created_at,
                       [col(Request.account_id) == account_id, col(Request.kind).in_(ORDERED_DOCUMENTS)],
                       (DOCUMENTS_PER_HOUR, DOCUMENTS_PER_DAY))
    if used_up:
        quota, when = used_up
        documents = plural_word(quota.limit, "документ", "документа", "документов")
        raise DomainError(f"По этому лицевому счету {quota.period} заказано {quota.limit} {documents} на E-mail — "
                          f"больше заказать нельзя. Следующий документ можно будет заказать {moment_words(when)}.")


def refuse_too_many_confirmations(session: Session, account: PersonalAccount) -> None:
    """DomainError when the account has sent CONFIRMATIONS_PER_HOUR letters confirming an address in the last hour
    or CONFIRMATIONS_PER_DAY in the last day, saying when it may send one again."""
    used_up = _used_up(session, AuditEvent.at,
                       [col(AuditEvent.organization_id) == account.organization_id,
                        col(AuditEvent.account_id) == account.id, col(AuditEvent.action) == CONFIRMATION_SENT],
                       (CONFIRMATIONS_PER_HOUR, CONFIRMATIONS_PER_DAY))
    if used_up:
        quota, when = used_up
        letters = plural_word(quota.limit, "письмо", "письма", "писем")
        raise DomainError(f"По этому лицевому счету {quota.period} уже отправлено {quota.limit} {letters} для "
                          "подтверждения адреса доставки. Новый адрес можно будет указать "
                          f"{moment_words(when)}.")


def order_identity(kind: str, params: dict, items: Sequence[ItemDraft]) -> str:
    """What makes two orders the same: the kind, the parameters (period, format, recipients...) and the items
    (subscribers), in any order."""
    described = json.dumps(
        {"kind": str(kind), "params": params,
         "items": sorted(json.dumps([item.subscriber_id, item.number, item.params], sort_keys=True, default=str)
                         for item in items)},
        sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(described.encode()).hexdigest()


def refuse_identical_pending(session: Session, account_id: int, kind: str, identity: str) -> None:
    """DomainError when the same order is stored and not yet done, naming it and when it was made."""
    same = session.exec(
        select(Request).where(Request.account_id == account_id, Request.kind == str(kind),
                              col(Request.status).in_(PENDING),
                              col(Request.params)[IDENTITY].as_string() == identity)
        .order_by(col(Request.created_at))
    ).first()
    if same is not None:
        raise DomainError(f"Такая же заявка № {same.id} принята {moment_words(same.created_at)} и еще выполняется. "
                          "Повторить заказ можно будет после ее выполнения — следите за ней в «История заявок».")


def _already_submitted(session: Session, idempotency_key: str) -> bool:
    key = (idempotency_key or "").strip()
    return bool(key) and session.exec(select(Request.id).where(Request.idempotency_key == key)).first() is not None


@serves(EVERY_CABINET)
def submit_document_order(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    kind: RequestKind,
    params: dict,
    items: Sequence[ItemDraft],
    idempotency_key: str,
    expected_on: dt.date | None = None,
    summary: str = "",
) -> RequestDTO:
    """`store.submit_request` for a document ordered by e-mail, within the quotas and refused while the identical
    order is pending. A repeated submission of one order (the same idempotency key) is answered as it was."""
    account_for(session, actor, account_id)
    identity = order_identity(kind, params, items)
    if not _already_submitted(session, idempotency_key):
        refuse_identical_pending(session, account_id, kind, identity)
        refuse_too_many_documents(session, account_id)
    return store.submit_request(session, actor=actor, account_id=account_id, kind=kind,
                                params={**params, IDENTITY: identity}, items=items,
                                idempotency_key=idempotency_key, expected_on=expected_on, summary=summary)

