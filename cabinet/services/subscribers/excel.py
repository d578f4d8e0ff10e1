"""«Выгрузка в Excel» (S1) of what the «Абоненты» filter shows, streamed into a write-only xlsx: at once up to
EXPORT_INLINE_LIMIT rows, else as a request done by the worker (its progress in a file beside the export, so
reporting it never waits on the row the worker holds). Rows are read with `yield_per` (a server-side cursor on
PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlmodel import Session

from cabinet import clock, settings
from cabinet.documents.common import XLSX, RenderedDocument, table_sheet
from cabinet.models import RequestKind, RequestStatus, Subscriber
from cabinet.models.request import REQUEST_STATUS_TITLES
from cabinet.models.subscriber import STATUS_TITLES
from cabinet.services import access
from cabinet.services.access import BY_LINK, COMPANY, Actor, serves
from cabinet.services.auth import links
from cabinet.services.errors import DomainError
from cabinet.services.requests import store
from cabinet.services.requests.store import ItemDraft, OrderResult
from cabinet.services.subscribers.listing import count_subscribers, kept_filter, matching, rows_query

EXPORT_INLINE_LIMIT = 5_000
EXPORT_COLUMNS = ("Номер", "Имя", "Тарифный план", "Статус", "SIM-карта", "Подключен")
_EXPORT_WIDTHS = (15, 40, 22, 24, 23, 12)
_YIELD_PER = 2_000
PROGRESS_EVERY = 5_000


def text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell that is text whatever it starts with: a name like «=1+1» is shown, never run as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_export(session: Session, *, account_id: int, search: str = "", tariff_id: int | None = None,
                 status: str | None = None, out: BinaryIO | str | Path,
                 progress: Callable[[int], None] | None = None) -> int:
    """Stream the matching subscribers (by number) into a write-only xlsx; the row count. No access check:
    callers check (export_subscribers) or act for a stored request (the worker)."""
    where = matching(account_id, search, tariff_id, status)
    workbook = Workbook(write_only=True)
    sheet = table_sheet(workbook, "Абоненты", EXPORT_COLUMNS, _EXPORT_WIDTHS)
    count = 0
    result = session.execute(
        rows_query(where).order_by(Subscriber.number).execution_options(yield_per=_YIELD_PER)
    )
    for _, number, name, tariff, state, iccid, connected_on in result:
        day = WriteOnlyCell(sheet, value=connected_on)
        if connected_on is not None:
            day.number_format = "DD.MM.YYYY"
        sheet.append([number, text_cell(sheet, name or ""), tariff, STATUS_TITLES.get(state, state), iccid or "", day])
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    result.close()
    workbook.save(out)
    return count


@serves(COMPANY)
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
    `start_export` offers it at once up to EXPORT_INLINE_LIMIT rows and orders it above that."""
    account = access.account_for(session, actor, account_id)
    return write_export(session, account_id=account.id, search=search, tariff_id=tariff_id, status=status,
                        out=out)


def export_path(request_id: int) -> Path:
    return settings.get().data_dir / "exports" / f"{int(request_id)}.xlsx"



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


@serves(COMPANY)
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


@serves(COMPANY)
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
    total = count_subscribers(session, actor=actor, account_id=account.id, search=search, tariff_id=tariff_id,
                              status=status)  # refuses a bad filter now
    return _order_export(session, actor, account.id, kept_filter(search, tariff_id, status), total,
                         idempotency_key)


def _order_export(session: Session, actor: Actor, account_id: int, kept: dict, total: int,
                  idempotency_key: str) -> OrderResult:
    """Store the export request of `total` subscribers matching the `kept` filter (counted by the caller)."""
    if total == 0:
        raise DomainError("Нет абонентов, подходящих под условия отбора.")
    dto = store.submit_request(
        session,
        actor=actor,
        account_id=account_id,
        kind=RequestKind.EXPORT,
        params={**kept, "total": total},
        items=[ItemDraft(params={})],
        idempotency_key=idempotency_key,
        expected_on=clock.today(),
        summary=f"Выгрузка в Excel: абонентов — {total}",
    )
    return OrderResult(request_id=dto.id, recipients=[], expected_on=dto.expected_on,
                       message=(f"Заявка №{dto.id} принята: выгрузка в Excel, абонентов — {total}. "
                                "Файл можно будет скачать в «Истории заявок»."))


@serves(COMPANY)
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


# --- the files, fetched over HTTP ---------------------------------------------------------------------------------

FILE_PATH = "/api/download/subscribers"  # what the filter shows, written when fetched
EXPORT_PATH = "/api/download/export"  # the file of an export request
FILENAME = "Абоненты.xlsx"
_FILE_LINK, _EXPORT_LINK = "subscribers", "subscribers-export"


@dataclass(frozen=True)
class ExportStart:
    """What «Выгрузка в Excel» did: a file to fetch at once (`url`), or a request the worker writes it for."""

    url: str = ""
    order: OrderResult | None = None


@serves(COMPANY)
def start_export(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    search: str = "",
    tariff_id: int | None = None,
    status: str | None = None,
    idempotency_key: str,
) -> ExportStart:
    """«Выгрузка в Excel» of what the filter shows: up to EXPORT_INLINE_LIMIT rows a link to the file, written
    when the browser fetches it; more, a request (as `order_export` stores it)."""
    total = count_subscribers(session, actor=actor, account_id=account_id, search=search, tariff_id=tariff_id,
                              status=status)  # refuses a bad filter now
    kept = kept_filter(search, tariff_id, status)
    if total > EXPORT_INLINE_LIMIT:  # counted once: the request takes this count
        return ExportStart(order=_order_export(session, actor, int(account_id), kept, total, idempotency_key))
    link = links.session_link(actor, _FILE_LINK, account_id=int(account_id), **kept)
    return ExportStart(url=f"{FILE_PATH}?link={link}")


@serves(BY_LINK)
def subscribers_file(session: Session, *, link: str) -> RenderedDocument:
    """The export a link names, written now as its session's actor may see it."""
    actor, params = links.redeem(session, token=link, purpose=_FILE_LINK)
    out = io.BytesIO()
    export_subscribers(session, actor=actor, account_id=int(params.get("account_id") or 0),
                       search=params.get("search") or "", tariff_id=params.get("tariff_id"),
                       status=params.get("status"), out=out)
    return RenderedDocument(filename=FILENAME, content_type=XLSX, content=out.getvalue())


@serves(COMPANY)
def export_link(session: Session, *, actor: Actor, request_id: int) -> str:
    """Where the browser fetches the file of a finished export request (refused while it is not ready)."""
    export_file(session, actor=actor, request_id=request_id)
    return f"{EXPORT_PATH}?link={links.session_link(actor, _EXPORT_LINK, request_id=int(request_id))}"


@serves(BY_LINK)
def exported_file(session: Session, *, link: str) -> RenderedDocument:
    actor, params = links.redeem(session, token=link, purpose=_EXPORT_LINK)
    path = export_file(session, actor=actor, request_id=int(params.get("request_id") or 0))
    return RenderedDocument(filename=FILENAME, content_type=XLSX, content=path.read_bytes())
