"""Call detail («Детализация») of a month for chosen subscribers, as xlsx (C6; P8 reuses it).

    render_call_detail(session, account_id=..., subscriber_ids=[...], year=2026, month=10,
                       layout="sheet_per_subscriber" | "single_sheet") -> RenderedDocument

No access check here: the caller has checked the actor's right to the account. Subscribers are taken only
from `account_id` (an id of another account is left out, never shown). The call records are streamed from
SQL, a few hundred subscribers per query, and written by openpyxl in write-only mode, so neither the records
nor the rows are ever all in memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, select
from sqlmodel import Session

from cabinet.documents.common import (
    DATETIME_FORMAT,
    XLSX,
    ZERO,
    RenderedDocument,
    cell,
    money_cell,
    month_bounds,
    new_workbook,
    set_widths,
    workbook_bytes,
)
from cabinet.models import CallRecord, Organization, PersonalAccount, Subscriber
from cabinet.text import CURRENCY, month_title, plural

SHEET_PER_SUBSCRIBER = "sheet_per_subscriber"
SINGLE_SHEET = "single_sheet"
LAYOUTS = (SHEET_PER_SUBSCRIBER, SINGLE_SHEET)

NO_CALLS = "Звонков за период не было"
DIRECTIONS = {"in": "Входящий", "out": "Исходящий"}
KINDS = {"voice": "Звонок", "sms": "SMS", "data": "Интернет"}
NETWORKS = {"own": "Внутри сети", "other": "Другие операторы", "fixed": "Фиксированная связь",
            "intl": "Международная связь"}
HEADERS = ("Дата и время", "Направление", "Номер", "Тип", "Сеть", "Длительность, мм:сс", f"Стоимость, {CURRENCY}")
WIDTHS = (20, 13, 18, 10, 21, 14, 15)
NUMBER_HEADER = "Номер абонента"

SUBSCRIBER_CHUNK = 500  # subscribers per query (SQLite allows a few thousand bound parameters)
STREAM_BATCH = 2_000


@dataclass(frozen=True)
class _Subscriber:
    id: int
    number: str
    name: str


@dataclass
class _Totals:
    count: int = 0
    seconds: int = 0
    cost: Decimal = ZERO


def duration_text(seconds: int) -> str:
    """«02:05»; minutes go past 59 («75:00») rather than into hours."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes:02d}:{rest:02d}"


def render_call_detail(
    session: Session, *, account_id: int, subscriber_ids: Sequence[int], year: int, month: int,
    layout: str = SHEET_PER_SUBSCRIBER,
) -> RenderedDocument:
    """The month's call records of the subscribers, ordered by subscriber number then time: a sheet per
    subscriber named by its number, or one sheet with a «Номер абонента» column; a totals row per
    subscriber; «Звонков за период не было» for a subscriber without any."""
    if layout not in LAYOUTS:
        raise ValueError(f"Неизвестный вид детализации: {layout!r} (возможны: {', '.join(LAYOUTS)})")
    if not 1 <= month <= 12:
        raise ValueError(f"Неверный месяц: {month}")
    account = session.get(PersonalAccount, account_id)
    if account is None:
        raise LookupError(f"Лицевой счет {account_id} не найден")
    organization = session.get(Organization, account.organization_id)
    start, end = month_bounds(year, month)
    title = month_title(start.date())
    facts = [("Организация:", organization.name), ("Лицевой счет:", account.number), ("Период:", title)]

    workbook = new_workbook()
    writer = (_SheetPerSubscriber if layout == SHEET_PER_SUBSCRIBER else _SingleSheet)(workbook, facts)
    for subscriber, calls in _calls_by_subscriber(session, account.id, subscriber_ids, start, end):
        writer.write(subscriber, calls)
    writer.finish()
    return RenderedDocument(f"Детализация_{account.number}_{year:04d}-{month:02d}.xlsx", XLSX,
                            workbook_bytes(workbook))


# --- reading ----------------------------------------------------------------------------------------------------


def _subscribers(session: Session, account_id: int, subscriber_ids: Iterable[int]) -> list[_Subscriber]:
    """The account's subscribers among the ids, by number (ids of other accounts are left out)."""
    table = Subscriber.__table__
    wanted = sorted(set(subscriber_ids))
    found: list[_Subscriber] = []
    connection = session.connection()
    for start in range(0, len(wanted), SUBSCRIBER_CHUNK):
        rows = connection.execute(
            select(table.c.id, table.c.number, table.c.name)
            .where(table.c.account_id == account_id, table.c.id.in_(wanted[start : start + SUBSCRIBER_CHUNK]))
        )
        found += [_Subscriber(*row) for row in rows]
    found.sort(key=lambda subscriber: subscriber.number)
    return found


def _calls_by_subscriber(session, account_id, subscriber_ids, start, end) -> Iterator[tuple[_Subscriber, Iterator]]:
    """(subscriber, its calls in time order) for every subscriber by number, the calls streamed. Each calls
    iterator must be used up before the next pair is taken (as itertools.groupby)."""
    calls = CallRecord.__table__
    subscribers = _subscribers(session, account_id, subscriber_ids)
    connection = session.connection()
    for first in range(0, len(subscribers), SUBSCRIBER_CHUNK):
        chunk = subscribers[first : first + SUBSCRIBER_CHUNK]
        # The subscribers' order is given to SQL as their position in the chunk, so the streamed groups come in
        # exactly the order of `chunk`, whatever the database's collation would make of the numbers.
        position = case({subscriber.id: index for index, subscriber in enumerate(chunk)}, value=calls.c.subscriber_id)
        statement = (
            select(calls.c.subscriber_id, calls.c.started_at, calls.c.direction, calls.c.other_number, calls.c.kind,
                   calls.c.network, calls.c.duration_seconds, calls.c.cost)
            .where(calls.c.subscriber_id.in_([s.id for s in chunk]), calls.c.started_at >= start,
                   calls.c.started_at < end)
            .order_by(position, calls.c.started_at, calls.c.id)
            .execution_options(stream_results=True, yield_per=STREAM_BATCH)
        )
        result = connection.execute(statement)
        try:
            groups = itertools.groupby(result, key=lambda row: row[0])
            group = next(groups, None)
            for subscriber in chunk:
                if group is not None and group[0] == subscriber.id:
                    yield subscriber, group[1]
                    group = next(groups, None)
                else:
                    yield subscriber, iter(())
        finally:
            result.close()


# --- writing ----------------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, workbook, facts: list[tuple[str, str]]):
        self.workbook = workbook
        self.facts = facts

    def _head(self, sheet, extra: Sequence[tuple[str, str]] = ()) -> None:
        sheet.append([cell(sheet, "Детализация звонков", bold=True)])
        for label, value in [*self.facts, *extra]:
            sheet.append([cell(sheet, label, bold=True), value])
        sheet.append([])

    @staticmethod
    def _row(sheet, call, prefix: tuple = ()) -> tuple:
        _, started_at, direction, other_number, kind, network, seconds, cost = call
        return (*prefix, cell(sheet, started_at, number_format=DATETIME_FORMAT), DIRECTIONS.get(direction, direction),
                other_number, KINDS.get(kind, kind), NETWORKS.get(network, network),
                duration_text(seconds) if kind == "voice" or seconds else "", money_cell(sheet, cost))

    def _calls(self, sheet, calls, prefix: tuple = ()) -> _Totals:
        totals = _Totals()
        append, row = sheet.append, self._row
        for call in calls:
            append(row(sheet, call, prefix))
            totals.count += 1
            totals.seconds += call[6]
            totals.cost += call[7]
        return totals

    @staticmethod
    def _totals_row(sheet, totals: _Totals, prefix: tuple, label: str) -> list:
        return [*prefix, cell(sheet, label, bold=True), plural(totals.count, "запись", "записи", "записей"),
                None, None, None, cell(sheet, duration_text(totals.seconds), bold=True),
                money_cell(sheet, totals.cost, bold=True)]


class _SheetPerSubscriber(_Writer):
    def __init__(self, workbook, facts):
        super().__init__(workbook, facts)
        self.written = 0

    def write(self, subscriber: _Subscriber, calls) -> None:
        sheet = self.workbook.create_sheet(subscriber.number[:31])
        set_widths(sheet, WIDTHS)
        shown = f"{subscriber.number} ({subscriber.name})" if subscriber.name else subscriber.number
        self._head(sheet, [("Абонент:", shown)])
        sheet.append([cell(sheet, caption, bold=True) for caption in HEADERS])
        totals = self._calls(sheet, calls)
        if totals.count:
            sheet.append(self._totals_row(sheet, totals, (), "Итого"))
        else:
            sheet.append([NO_CALLS])
        sheet.close()  # its temporary file is finished and closed now, not at save (one open file per sheet)
        self.written += 1

    def finish(self) -> None:
        if not self.written:
            sheet = self.workbook.create_sheet("Детализация")
            self._head(sheet)
            sheet.append(["Абоненты не выбраны"])


class _SingleSheet(_Writer):
    def __init__(self, workbook, facts):
        super().__init__(workbook, facts)
        self.sheet = workbook.create_sheet("Детализация")
        set_widths(self.sheet, (16, *WIDTHS))
        self._head(self.sheet)
        self.sheet.append([cell(self.sheet, caption, bold=True) for caption in (NUMBER_HEADER, *HEADERS)])

    def write(self, subscriber: _Subscriber, calls) -> None:
        totals = self._calls(self.sheet, calls, (subscriber.number,))
        if totals.count:
            self.sheet.append(self._totals_row(self.sheet, totals, (subscriber.number,), "Итого по абоненту"))
        else:
            self.sheet.append([subscriber.number, NO_CALLS])

    def finish(self) -> None:
        pass
