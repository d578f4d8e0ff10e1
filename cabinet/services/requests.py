"""Requests («заявки»): stored first, then done item by item by the worker; the history of B6.

Every operation the operator would process becomes a Request with one RequestItem per subscriber (or one item
for a whole-account document). `submit_request` stores it in the caller's unit of work; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from cabinet.models import ItemStatus, Request, RequestItem, RequestKind, RequestStatus, Subscriber, User
from cabinet.models.request import REQUEST_KIND_TITLES, REQUEST_STATUS_TITLES
from cabinet.services import access, audit
from cabinet.documents.common import table_sheet
from cabinet.services.paging import Page, bounds
from cabinet.services.access import Actor
from cabinet.services.errors import AccessDenied, DomainError

ITEM_STATUS_TITLES = {
    ItemStatus.WAITING: "В обработке",
    ItemStatus.DONE: "Выполнено",
    ItemStatus.REFUSED: "Отказано",
}

_INSERT_CHUNK = 5000
_IN_LIST_LIMIT = 900  # ids looked up with IN (...) up to this many; above it, the account's list is read


@dataclass(frozen=True)
class ItemDraft:
    """One item of a request being submitted: usually one subscriber, with its own parameters."""

    subscriber_id: int | None = None
    number: str | None = None
    params: dict = field(default_factory=dict)


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


RequestPage = Page  # rows, total, page, page_size, .pages


@dataclass(frozen=True)
class RequestItemDTO:
    id: int
    position: int
    number: str
    status: str
    status_title: str
    result: str
    processed_at: dt.datetime | None


RequestItemPage = Page  # rows, total, page, page_size, .pages


def _author(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.login


def _dto(request: Request, author: str) -> RequestDTO:
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


def _dto_with_author(session: Session, request: Request) -> RequestDTO:
    return _dto(request, _author(session.get(User, request.author_id)))


def _find_by_key(session: Session, idempotency_key: str) -> Request | None:
    return session.execute(select(Request).where(Request.idempotency_key == idempotency_key)).scalars().first()


def _existing(session: Session, actor: Actor, request: Request, kind: str, account_id: int) -> RequestDTO:
    """The request a repeated submission (double click, resent event) refers to."""
    if request.organization_id != actor.organization_id or request.account_id not in actor.account_ids:
        raise AccessDenied()
    if request.kind != kind or request.account_id != account_id:
        raise DomainError("Эта заявка уже отправлена с другими данными. Обновите страницу и повторите.")
    return _dto_with_author(session, request)


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
    return _dto_with_author(session, request)




def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _history_conditions(
    account_id: int,
    kind: str | None,
    status: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    author_id: int | None,
) -> list:
    """The WHERE conditions of «История заявок»: the account, then each filter given (None or "" = any)."""
    conditions = [Request.account_id == account_id]
    if kind:
        if kind not in REQUEST_KIND_TITLES:
            raise DomainError("Выберите вид заявки из списка.")
        conditions.append(Request.kind == str(kind))
    if status:
        if status not in REQUEST_STATUS_TITLES:
            raise DomainError("Выберите статус заявки из списка.")
        conditions.append(Request.status == str(status))
    if date_from is not None and date_to is not None and date_from > date_to:
        raise DomainError("Дата начала периода позже даты окончания.")
    if date_from is not None:
        conditions.append(Request.created_at >= _day_start(date_from))
    if date_to is not None:
        conditions.append(Request.created_at < _day_start(date_to + dt.timedelta(days=1)))
    if author_id not in (None, ""):
        try:
            conditions.append(Request.author_id == int(author_id))
        except (TypeError, ValueError):
            raise DomainError("Выберите автора заявки из списка.") from None
    return conditions


def list_requests(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    page: int = 1,
    page_size: int = 20,
    kind: str | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    author_id: int | None = None,
) -> RequestPage:
    """«История заявок» of one account, newest first, one page; optionally only one kind, one status, one
    author, or those created from `date_from` to `date_to` (both days included)."""
    access.account_for(session, actor, account_id)
    page, page_size = bounds(page, page_size)
    conditions = _history_conditions(account_id, kind, status, date_from, date_to, author_id)
    total = session.execute(select(func.count()).select_from(Request).where(*conditions)).scalar_one()
    result = session.execute(
        select(Request, User.full_name, User.login)
        .join(User, User.id == Request.author_id)
        .where(*conditions)
        .order_by(Request.created_at.desc(), Request.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    rows = tuple(_dto(request, full_name or login) for request, full_name, login in result)
    return RequestPage(rows=rows, total=total, page=page, page_size=page_size)


def list_authors(session: Session, *, actor: Actor, account_id: int) -> list[tuple[int, str]]:
    """The authors of the account's requests, (user id, name) by name: the choices of the history's filter."""
    access.account_for(session, actor, account_id)
    authors = select(Request.author_id).where(Request.account_id == account_id).distinct()
    found = session.execute(select(User.id, User.full_name, User.login).where(User.id.in_(authors))).all()
    return sorted(((i, full_name or login) for i, full_name, login in found), key=lambda row: (row[1], row[0]))


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    refused: int
    waiting: int
    status_title: str
    finished: bool


def request_progress(session: Session, *, actor: Actor, request_id: int) -> Progress:
    """How far the worker is with a request: from the counters it keeps on the request row (no item scan)."""
    request = access.request_for(session, actor, request_id)
    session.refresh(request)
    done, refused = request.done_items, request.refused_items
    return Progress(total=request.total_items, done=done, refused=refused,
                    waiting=max(request.total_items - done - refused, 0),
                    status_title=REQUEST_STATUS_TITLES.get(request.status, str(request.status)),
                    finished=request.finished_at is not None)


def get_request(session: Session, *, actor: Actor, request_id: int) -> RequestDTO:
    request = access.request_for(session, actor, request_id)
    return _dto_with_author(session, request)


def list_request_items(
    session: Session, *, actor: Actor, request_id: int, page: int = 1, page_size: int = 50
) -> RequestItemPage:
    """The per-subscriber results of one request, in the order they were submitted."""
    access.request_for(session, actor, request_id)
    page, page_size = bounds(page, page_size)
    total = session.execute(
        select(func.count()).select_from(RequestItem).where(RequestItem.request_id == request_id)
    ).scalar_one()
    items = session.execute(
        select(RequestItem)
        .where(RequestItem.request_id == request_id)
        .order_by(RequestItem.position, RequestItem.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).scalars().all()
    rows = tuple(
        RequestItemDTO(
            id=item.id,
            position=item.position,
            number=item.number or "",
            status=str(item.status),
            status_title=ITEM_STATUS_TITLES.get(item.status, str(item.status)),
            result=item.result,
            processed_at=item.processed_at,
        )
        for item in items
    )
    return RequestItemPage(rows=rows, total=total, page=page, page_size=page_size)


ITEM_EXPORT_COLUMNS = ("Номер", "Статус", "Результат", "Обработан")
_ITEM_EXPORT_WIDTHS = (15, 14, 70, 17)
_YIELD_PER = 2_000


def export_request_items(session: Session, *, actor: Actor, request_id: int, out: BinaryIO | str | Path) -> int:
    """The per-subscriber results of one request streamed into a write-only xlsx (Номер, Статус, Результат,
    Обработан), in submission order; returns the number of rows written."""
    access.request_for(session, actor, request_id)
    workbook = Workbook(write_only=True)
    sheet = table_sheet(workbook, "Заявка", ITEM_EXPORT_COLUMNS, _ITEM_EXPORT_WIDTHS)
    count = 0
    result = session.execute(
        select(RequestItem.number, RequestItem.status, RequestItem.result, RequestItem.processed_at)
        .where(RequestItem.request_id == request_id)
        .order_by(RequestItem.position, RequestItem.id)
        .execution_options(yield_per=_YIELD_PER)
    )
    for number, status, outcome, processed_at in result:
        when = WriteOnlyCell(sheet, value=processed_at)
        if processed_at is not None:
            when.number_format = "DD.MM.YYYY HH:MM"
        sheet.append([number or "", ITEM_STATUS_TITLES.get(status, str(status)), outcome or "", when])
        count += 1
    result.close()
    workbook.save(out)
    return count
