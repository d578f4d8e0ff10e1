"""Requests («заявки»): stored first, then done item by item by the worker (the history of B6 is in `history`).

Every operation the operator would process becomes a Request with one RequestItem per subscriber (or one item
for a whole-account document). `submit_request` stores it in the caller's unit of work; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from cabinet.models import ItemStatus, Request, RequestItem, RequestKind, RequestStatus, Subscriber, User
from cabinet.models.request import REQUEST_KIND_TITLES, REQUEST_STATUS_TITLES
from cabinet.services import access, audit
from cabinet.services.access import EVERY_CABINET, Actor, serves
from cabinet.services.errors import AccessDenied, DomainError

_INSERT_CHUNK = 5000
_IN_LIST_LIMIT = 900  # ids looked up with IN (...) up to this many; above it, the account's list is read


@dataclass(frozen=True)
class ItemDraft:
    """One item of a request being submitted: usually one subscriber, with its own parameters."""

    subscriber_id: int | None = None
    number: str | None = None
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OrderResult:
    """What an order tells the user: the request stored and, in words, what will happen."""

    request_id: int
    recipients: list[str]
    message: str  # what to tell the user, e.g. «Счет за октябрь 2026 будет отправлен на …»
    expected_on: dt.date | None = None


@dataclass(frozen=True)
class RequestDTO:
    id: int
    account_id: int
    kind: str
    kind_title: str
    status: str
    status_title: str
    author: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    expected_on: dt.date | None
    total_items: int
    done_items: int
    refused_items: int
    waiting_items: int
    summary: str

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


def _author(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.login


def to_dto(request: Request, author: str) -> RequestDTO:
    kind = request.kind
    status = request.status
    return RequestDTO(
        id=request.id,
        account_id=request.account_id,
        kind=str(kind),
        kind_title=REQUEST_KIND_TITLES.get(kind, str(kind)),
        status=str(status),
        status_title=REQUEST_STATUS_TITLES.get(status, str(status)),
        author=author,
        created_at=request.created_at,
        started_at=request.started_at,
        finished_at=request.finished_at,
        expected_on=request.expected_on,
        total_items=request.total_items,
        done_items=request.done_items,
        refused_items=request.refused_items,
        waiting_items=max(request.total_items - request.done_items - request.refused_items, 0),
        summary=request.summary,
    )


def request_dto(session: Session, request: Request) -> RequestDTO:
    return to_dto(request, _author(session.get(User, request.author_id)))


def _find_by_key(session: Session, idempotency_key: str) -> Request | None:
    return session.execute(select(Request).where(Request.idempotency_key == idempotency_key)).scalars().first()


def _existing(session: Session, actor: Actor, request: Request, kind: str, account_id: int) -> RequestDTO:
    """The request a repeated submission (double click, resent event) refers to."""
    if request.organization_id != actor.organization_id or request.account_id not in actor.account_ids:
        raise AccessDenied()
    if request.kind != kind or request.account_id != account_id:
        raise DomainError("Эта заявка уже отправлена с другими данными. Обновите страницу и повторите.")
    return request_dto(session, request)


def _item_rows(session: Session, account_id: int, request_id: int, items: Sequence[ItemDraft]) -> list[dict]:
    """The items as rows to insert; every subscriber named must be on the request's account."""
    ids = {item.subscriber_id for item in items if item.subscriber_id is not None}
    numbers: dict[int, str] = {}
    if ids:
        query = select(Subscriber.id, Subscriber.number).where(Subscriber.account_id == account_id)
        if len(ids) <= _IN_LIST_LIMIT:
            query = query.where(Subscriber.id.in_(ids))
        numbers = dict(session.execute(query).all())
        if not ids.issubset(numbers):
            raise AccessDenied("Абонент не найден на этом лицевом счете.")
    return [
        {
            "request_id": request_id,
            "position": position,
            "subscriber_id": item.subscriber_id,
            "number": item.number if item.number is not None else numbers.get(item.subscriber_id),
            "params": dict(item.params),
            "status": ItemStatus.WAITING.value,
            "result": "",
            "claimed_by": None,
            "lease_until": None,
            "attempts": 0,
            "processed_at": None,
        }
        for position, item in enumerate(items, start=1)
    ]


@serves(EVERY_CABINET)
def submit_request(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    kind: RequestKind | str,
    params: dict,
    items: Sequence[ItemDraft],
    idempotency_key: str,
    expected_on: dt.date | None = None,
    summary: str = "",
) -> RequestDTO:
    """Store a request and all its items in the caller's transaction (not committed here).

    Submitting again with the same idempotency key (a double click) returns the request already stored.
    """
    account = access.account_for(session, actor, account_id)
    try:
        kind = RequestKind(kind)
    except ValueError:
        raise DomainError("Неизвестный вид заявки.") from None
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > 80:
        raise DomainError("Заявка не может быть отправлена: обновите страницу и повторите.")

    found = _find_by_key(session, idempotency_key)
    if found is not None:
        return _existing(session, actor, found, kind.value, account_id)

    request = Request(
        organization_id=account.organization_id,
        account_id=account.id,
        author_id=actor.user_id,
        kind=kind.value,
        status=RequestStatus.NEW.value,
        params=dict(params or {}),
        idempotency_key=idempotency_key,
        expected_on=expected_on,
        total_items=len(items),
        summary=summary,
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        # Another submission with this key was committed after our look-up: that one is the request.
        found = _find_by_key(session, idempotency_key)
        if found is None:
            raise
        return _existing(session, actor, found, kind.value, account_id)

    rows = _item_rows(session, account.id, request.id, items)
    table = RequestItem.__table__
    for start in range(0, len(rows), _INSERT_CHUNK):
        session.execute(insert(table), rows[start:start + _INSERT_CHUNK])
    audit.record(
        session,
        action="request.submitted",
        actor=actor,
        account_id=account.id,
        object_kind="request",
        object_id=request.id,
        kind=kind.value,
        items=len(rows),
    )
    session.flush()
    return request_dto(session, request)
