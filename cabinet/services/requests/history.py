"""«История заявок» (B6): the account's requests, newest first, filtered and paged in SQL; one request with its
progress and the result of every item, and their export to xlsx."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import exists, func, select
from sqlmodel import Session

from cabinet.delivery.outcome import PENDING
from cabinet.documents.common import XLSX, RenderedDocument, table_sheet
from cabinet.models import ItemStatus, OutboxEmail, Request, RequestItem, RequestKind, User
from cabinet.models.request import REQUEST_KIND_TITLES, REQUEST_STATUS_TITLES
from cabinet.services import access
from cabinet.services.access import BY_LINK, COMPANY, EVERY_CABINET, Actor, serves
from cabinet.services.auth import links
from cabinet.services.errors import DomainError
from cabinet.services.paging import Page, bounds
from cabinet.services.requests.store import RequestDTO, request_dto, to_dto

ITEM_STATUS_TITLES = {
    ItemStatus.WAITING: "В обработке",
    ItemStatus.DONE: "Выполнено",
    ItemStatus.REFUSED: "Отказано",
}


@dataclass(frozen=True)
class RequestItemDTO:
    id: int
    position: int
    number: str
    status: str
    status_title: str
    result: str
    processed_at: dt.datetime | None




@dataclass(frozen=True)
class HistoryFilters:
    """The choices of the history's filters: (value, title) of every request kind and status."""

    kinds: list[tuple[str, str]]
    statuses: list[tuple[str, str]]


# Ordered in the SIP administrator's cabinet only (P13, P9): never on an account of the company's history.
SIP_ONLY_KINDS = frozenset({RequestKind.CHANNELS, RequestKind.PRELIMINARY_INVOICE})
# The kinds of request an account of «История заявок» can have, each once, in the order of the catalogue.
HISTORY_KINDS = {kind: title for kind, title in REQUEST_KIND_TITLES.items() if kind not in SIP_ONLY_KINDS}


def history_filters() -> HistoryFilters:
    return HistoryFilters(kinds=[(k.value, t) for k, t in HISTORY_KINDS.items()],
                          statuses=[(s.value, t) for s, t in REQUEST_STATUS_TITLES.items()])


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
        if kind not in HISTORY_KINDS:
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


@serves(COMPANY)
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
) -> Page[RequestDTO]:
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
    rows = tuple(to_dto(request, full_name or login) for request, full_name, login in result)
    return Page(rows=rows, total=total, page=page, page_size=page_size)


@serves(COMPANY)
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


@serves(COMPANY)
def request_progress(session: Session, *, actor: Actor, request_id: int) -> Progress:
    """How far the worker is with a request: from the counters it keeps on the request row (no item scan)."""
    request = access.request_for(session, actor, request_id)
    session.refresh(request)
    done, refused = request.done_items, request.refused_items
    return Progress(total=request.total_items, done=done, refused=refused,
                    waiting=max(request.total_items - done - refused, 0),
                    status_title=REQUEST_STATUS_TITLES.get(request.status, str(request.status)),
                    finished=request.finished_at is not None)


@serves(EVERY_CABINET)
def get_request(session: Session, *, actor: Actor, request_id: int) -> RequestDTO:
    request = access.request_for(session, actor, request_id)
    return request_dto(session, request)


@serves(COMPANY)
def list_request_items(
    session: Session, *, actor: Actor, request_id: int, page: int = 1, page_size: int = 50
) -> Page[RequestItemDTO]:
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
    return Page(rows=rows, total=total, page=page, page_size=page_size)


ITEM_EXPORT_COLUMNS = ("Номер", "Статус", "Результат", "Обработан")
_ITEM_EXPORT_WIDTHS = (15, 14, 70, 17)
_YIELD_PER = 2_000


@serves(COMPANY)
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


# --- page views: what one page load shows, in one unit of work -------------------------------------------------

@dataclass(frozen=True)
class HistoryPage:
    """«История заявок» as it opens: the authors to filter by and the first page, newest first."""

    authors: list[tuple[int, str]]
    requests: Page[RequestDTO]


@serves(COMPANY)
def history_page(session: Session, *, actor: Actor, account_id: int, page_size: int = 20) -> HistoryPage:
    return HistoryPage(authors=list_authors(session, actor=actor, account_id=account_id),
                       requests=list_requests(session, actor=actor, account_id=account_id, page_size=page_size))


@dataclass(frozen=True)
class RequestView:
    """One request's page: the request with its counts, one page of its items, and whether a letter of it is still
    to be sent (its outcome will change what the items or the summary say)."""

    request: RequestDTO
    items: Page[RequestItemDTO]
    sending: bool = False


@serves(COMPANY)
def request_view(session: Session, *, actor: Actor, request_id: int, page: int = 1, page_size: int = 50) -> RequestView:
    request = get_request(session, actor=actor, request_id=request_id)
    sending = session.execute(select(exists().where(OutboxEmail.request_id == request.id,
                                                    OutboxEmail.status == PENDING))).scalar()
    return RequestView(request=request, sending=bool(sending),
                       items=list_request_items(session, actor=actor, request_id=request_id, page=page,
                                                page_size=page_size))


# --- the results as a file, fetched over HTTP -------------------------------------------------------------------

ITEMS_PATH = "/api/download/request"
_ITEMS_LINK = "request-items"


@serves(COMPANY)
def items_link(session: Session, *, actor: Actor, request_id: int) -> str:
    """Where the browser fetches the per-subscriber results of a request the actor may see (a signed link)."""
    request = access.request_for(session, actor, request_id)
    return f"{ITEMS_PATH}?link={links.session_link(actor, _ITEMS_LINK, request_id=request.id)}"


@serves(BY_LINK)
def items_file(session: Session, *, link: str) -> RenderedDocument:
    """The results a link names, written now as its session's actor may see them."""
    actor, params = links.redeem(session, token=link, purpose=_ITEMS_LINK)
    request_id = int(params.get("request_id") or 0)
    out = io.BytesIO()
    export_request_items(session, actor=actor, request_id=request_id, out=out)
    return RenderedDocument(filename=f"Заявка_{request_id}.xlsx", content_type=XLSX, content=out.getvalue())
