"""«Абоненты» (S1): the account's subscribers found by number, SIM or name, filtered by tariff and status, sorted
and paged in SQL; the «Выгрузка в Excel» of what the filter shows, streamed into a write-only xlsx (inline up to
EXPORT_INLINE_LIMIT rows, else as a request done by the worker); and the subscriber's card (re-exported from
`subscriber_card`).

Built for 100,000 subscribers on one account: a 12-digit number is an exact match on (account_id, number); counts
and sorting run in the database; the export reads rows with `yield_per` (a server-side cursor on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import case, func, or_, select
from sqlmodel import Session

from cabinet import clock, settings
from cabinet.models import (
    RequestKind,
    RequestStatus,
    Subscriber,
    SubscriberStatus,
    Tariff,
)
from cabinet.models.request import REQUEST_STATUS_TITLES
from cabinet.models.subscriber import STATUS_TITLES
from cabinet.services import access, requests
from cabinet.documents.common import table_sheet
from cabinet.services.paging import Page, bounds
from cabinet.services.access import Actor
from cabinet.services.errors import DomainError
from cabinet.services.orders import OrderResult
from cabinet.services.requests import ItemDraft
from cabinet.services.subscriber_card import (  # noqa: F401 - the card is part of this module's API
    ForwardingRow,
    PendingRequest,
    ServiceRow,
    SubscriberCard,
    subscriber_card,
)
from cabinet.services.validation import clean_digits

SORTS = ("number", "name", "tariff", "status")
EXPORT_INLINE_LIMIT = 5_000
EXPORT_COLUMNS = ("Номер", "Имя", "Тарифный план", "Статус", "SIM-карта", "Подключен")
_EXPORT_WIDTHS = (15, 40, 22, 24, 23, 12)
_YIELD_PER = 2_000
_STATUS_ORDER = case({s.value: i for i, s in enumerate(SubscriberStatus)}, value=Subscriber.status, else_=99)


@dataclass(frozen=True)
class SubscriberRow:
    id: int
    number: str
    name: str
    tariff_name: str
    status: str
    status_title: str
    sim_iccid: str | None


SubscriberPage = Page  # rows, total, page, page_size, .pages


@dataclass(frozen=True)
class Filters:
    tariffs: list[tuple[int, str]]  # only the tariffs worn on the account
    statuses: list[tuple[str, str]]  # (value, title)


# --- the query ------------------------------------------------------------------------------------------------

def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(search: str):
    """A 12-digit 375… number: exact match (index). More digits: (a part of) an ICCID. Fewer: a part of the
    number or of the ICCID. Anything else: a part of the name, as typed, lower, upper and capitalised (SQLite
    and PostgreSQL in the C locale fold only Latin letters)."""
    text = (search or "").strip()[:60]
    if not text:
        return None
    digits = clean_digits(text)
    if digits.isdigit():
        if len(digits) == 12 and digits.startswith("375"):
            return Subscriber.number == digits
        if len(digits) == 20:
            return Subscriber.sim_iccid == digits
        if len(digits) > 12:
            return Subscriber.sim_iccid.like(f"%{digits}%")
        return or_(Subscriber.number.like(f"%{digits}%"), Subscriber.sim_iccid.like(f"%{digits}%"))
    variants = {text, text.lower(), text.upper(), text.capitalize(), text.title()}
    return or_(*(Subscriber.name.like(f"%{_escape_like(v)}%", escape="\\") for v in sorted(variants)))


def _conditions(account_id: int, search: str, tariff_id: int | None, status: str | None) -> list:
    conditions = [Subscriber.account_id == account_id]
    if tariff_id not in (None, ""):
        try:
            conditions.append(Subscriber.tariff_id == int(tariff_id))
        except (TypeError, ValueError):
            raise DomainError("Выберите тарифный план из списка.") from None
    if status:
        if status not in STATUS_TITLES:
            raise DomainError("Выберите статус из списка.")
        conditions.append(Subscriber.status == status)
    found = _search_condition(search)
    if found is not None:
        conditions.append(found)
    return conditions


def _order_by(sort: str, descending: bool) -> list:
    if sort not in SORTS:
        raise DomainError("Неизвестный порядок сортировки.")
    key = {"number": Subscriber.number, "name": Subscriber.name, "tariff": Tariff.name,
           "status": _STATUS_ORDER}[sort]
    keys = [key.desc() if descending else key.asc()]
    if sort != "number":
        keys.append(Subscriber.number.desc() if descending else Subscriber.number.asc())
    return keys


def _rows_query(conditions: list):
    return (select(Subscriber.id, Subscriber.number, Subscriber.name, Tariff.name, Subscriber.status,
                   Subscriber.sim_iccid, Subscriber.connected_on)
            .join(Tariff, Tariff.id == Subscriber.tariff_id)
            .where(*conditions))


def count_subscribers(
    session: Session, *, actor: Actor, account_id: int, search: str = "", tariff_id: int | None = None,
    status: str | None = None,
) -> int:
    account = access.account_for(session, actor, account_id)
    conditions = _conditions(account.id, search, tariff_id, status)
    return session.execute(select(func.count()).select_from(Subscriber).where(*conditions)).scalar_one()


def list_subscribers(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    search: str = "",
    tariff_id: int | None = None,
    status: str | None = None,
    sort: str = "number",
    descending: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> SubscriberPage:
    """One page of the account's subscribers matching the search and filters."""
    account = access.account_for(session, actor, account_id)
    page, page_size = bounds(page, page_size)
    conditions = _conditions(account.id, search, tariff_id, status)
    order = _order_by(sort, descending)
    total = session.execute(select(func.count()).select_from(Subscriber).where(*conditions)).scalar_one()
    found = session.execute(
        _rows_query(conditions).order_by(*order).offset((page - 1) * page_size).limit(page_size)
    ).all()
    rows = [SubscriberRow(id=i, number=n, name=name or "", tariff_name=t, status=s,
                          status_title=STATUS_TITLES.get(s, s), sim_iccid=iccid)
            for i, n, name, t, s, iccid, _ in found]
    return SubscriberPage(rows=rows, total=total, page=page, page_size=page_size)


def list_filters(session: Session, *, actor: Actor, account_id: int) -> Filters:
    """The choices of the filters: the tariffs worn on the account (by name) and every status."""
    account = access.account_for(session, actor, account_id)
    worn = select(Subscriber.tariff_id).where(Subscriber.account_id == account.id).distinct()
    tariffs = session.execute(
        select(Tariff.id, Tariff.name).where(Tariff.id.in_(worn)).order_by(Tariff.name)
    ).all()
    return Filters(tariffs=[(i, n) for i, n in tariffs],
                   statuses=[(s.value, STATUS_TITLES[s]) for s in SubscriberStatus])


# --- «Выгрузка в Excel» ---------------------------------------------------------------------------------------

def write_export(session: Session, *, account_id: int, search: str = "", tariff_id: int | None = None,
                 status: str | None = None, out: BinaryIO | str | Path,
                 progress: Callable[[int], None] | None = None) -> int:
    """Stream the matching subscribers (by number) into a write-only xlsx; the row count. No access check:
    callers check (export_subscribers) or act for a stored request (the worker)."""
    conditions = _conditions(account_id, search, tariff_id, status)
    workbook = Workbook(write_only=True)
    sheet = table_sheet(workbook, "Абоненты", EXPORT_COLUMNS, _EXPORT_WIDTHS)
    count = 0
    result = session.execute(
        _rows_query(conditions).order_by(Subscriber.number).execution_options(yield_per=_YIELD_PER)
    )
    for _, number, name, tariff, state, iccid, connected_on in result:
        day = WriteOnlyCell(sheet, value=connected_on)
        if connected_on is not None:
            day.number_format = "DD.MM.YYYY"
        sheet.append([number, name or "", tariff, STATUS_TITLES.get(state, state), iccid or "", day])
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    result.close()
    workbook.save(out)
    return count


def export_subscribers(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    search: str = "",
    tariff_id: int | None = None,
    status: str | None = None,
    out: BinaryIO | str | Path,
) -> int:
    """«Выгрузка в Excel» of every subscriber the filter shows, written to `out` now; returns the row count.
    Pages offer it inline up to EXPORT_INLINE_LIMIT rows and use `order_export` above that."""
    account = access.account_for(session, actor, account_id)
    return write_export(session, account_id=account.id, search=search, tariff_id=tariff_id, status=status,
                        out=out)


def export_path(request_id: int) -> Path:
    return settings.get().data_dir / "exports" / f"{int(request_id)}.xlsx"


PROGRESS_EVERY = 5_000


def progress_path(request_id: int) -> Path:
    """Rows written so far and rows in all, "40000 100000", beside the export: a file, so reporting progress
    never waits on the database row the worker holds."""
    return export_path(request_id).with_suffix(".progress")


@dataclass(frozen=True)
class ExportProgress:
    done: int
    total: int
    finished: bool
    ready: bool  # the file can be downloaded
    status_title: str


def export_progress(session: Session, *, actor: Actor, request_id: int) -> ExportProgress:
    request = access.request_for(session, actor, request_id)
    if request.kind != RequestKind.EXPORT.value:
        raise DomainError("Эта заявка — не выгрузка в Excel.")
    try:
        done, total = (int(part) for part in progress_path(request.id).read_text().split())
    except (FileNotFoundError, ValueError):
        done, total = 0, request.params.get("total", 0)
    ready = request.status == RequestStatus.DONE.value and export_path(request.id).is_file()
    return ExportProgress(done=total if ready else done, total=total, finished=request.finished_at is not None,
                          ready=ready, status_title=REQUEST_STATUS_TITLES.get(request.status, request.status))


def order_export(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    search: str = "",
    tariff_id: int | None = None,
    status: str | None = None,
    idempotency_key: str,
) -> OrderResult:
    """A large «Выгрузка в Excel» as a request with one item; the worker writes the file (see `export_file`)."""
    account = access.account_for(session, actor, account_id)
    conditions = _conditions(account.id, search, tariff_id, status)  # refuses a bad filter now
    total = session.execute(select(func.count()).select_from(Subscriber).where(*conditions)).scalar_one()
    if total == 0:
        raise DomainError("Нет абонентов, подходящих под условия отбора.")
    dto = requests.submit_request(
        session,
        actor=actor,
        account_id=account.id,
        kind=RequestKind.EXPORT,
        params={"search": (search or "").strip()[:60], "tariff_id": int(tariff_id) if tariff_id else None,
                "status": status or None, "total": total},
        items=[ItemDraft(params={})],
        idempotency_key=idempotency_key,
        expected_on=clock.today(),
        summary=f"Выгрузка в Excel: абонентов — {total}",
    )
    return OrderResult(request_id=dto.id, recipients=[], expected_on=dto.expected_on,
                       message=(f"Заявка №{dto.id} принята: выгрузка в Excel, абонентов — {total}. "
                                "Файл можно будет скачать в «Истории заявок»."))


def export_file(session: Session, *, actor: Actor, request_id: int) -> Path:
    """The file of a finished export request the actor may see."""
    request = access.request_for(session, actor, request_id)
    if request.kind != RequestKind.EXPORT.value:
        raise DomainError("Эта заявка — не выгрузка в Excel.")
    if request.status != RequestStatus.DONE.value:
        if request.finished_at is not None:
            raise DomainError(f"Выгрузка по заявке №{request.id} не выполнена.")
        title = REQUEST_STATUS_TITLES.get(request.status, request.status)
        raise DomainError(f"Файл еще формируется: заявка №{request.id} в статусе «{title}».")
    path = export_path(request.id)
    if not path.is_file():
        raise DomainError("Файл выгрузки не найден. Закажите выгрузку снова.")
    return path


def export_filename(moment: dt.datetime | None = None) -> str:
    """The name offered for download: «Абоненты_2026-11-16.xlsx»."""
    return f"Абоненты_{(moment or clock.now()):%Y-%m-%d}.xlsx"
