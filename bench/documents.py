"""Documents: the benchmark account's invoice rendered as PDF, xlsx and txt, and a call detail, each beside the
bare writer doing the same rows in the same run.

    python -m bench.documents [--subscribers N] [--lines N] [--calls N] [--no-memory] [--keep]

On a fresh SQLite file: the schema, the demo and the benchmark organisation (`seed_bench`, N subscribers). The
invoice is the account's latest one, which `seed_bench` itemises per subscriber and charge (a few lines per
subscriber); with --lines an invoice of exactly that many lines is inserted instead (Core bulk insert). The
call detail is of `--calls` records inserted for five of the account's subscribers in the previous month.

Measured: `render_invoice(load_invoice(...), fmt)`, lines streamed from SQL; `render_call_detail(...)`.
Baselines, the rows already fetched into a list before the clock starts:
  pdf  — fpdf2 alone, the same DejaVu font and size, one `text()` per cell at fixed positions, a new page when full;
  xlsx — openpyxl write-only `append` of the plain row tuples;
  txt  — one f-string per row, joined and encoded to UTF-8;
  call detail — openpyxl write-only `append` of the record tuples on one sheet.
Peak memory: tracemalloc around one more render of each format (tracing slows Python down, so those runs are not
the timed ones), beside the bare writer's peak the same way.

`run(args) -> list[dict]`: rows {name, value, unit, baseline, baseline_value, ratio}. For rates (lines/s,
records/s) ratio = measured ÷ baseline (1.0: as fast as the bare writer; 0.5: twice as slow); for memory (MiB)
ratio = measured ÷ baseline too (above 1: uses more). Benchmarks are not tests: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import text_table

CALL_SUBSCRIBERS = 5


# --- the database ---------------------------------------------------------------------------------------------


def _prepare(url: str, subscribers: int) -> None:
    """Schema (Alembic), the demo (its catalogue is what seed_bench needs) and, if missing, the benchmark account."""
    from sqlalchemy import select
    from sqlmodel import Session

    from cabinet import db
    from cabinet.models import PersonalAccount
    from cabinet.seed import ensure_demo, info, seed_bench

    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            ensure_demo(session)
            session.commit()
            found = session.connection().execute(
                select(PersonalAccount.id).where(PersonalAccount.number == info.BENCH_ACCOUNT)).scalar()
            if found is None:
                seed_bench(session, subscribers=subscribers)
                session.commit()
    finally:
        engine.dispose()


def _bench_data(url: str, *, lines: int | None, calls: int) -> dict[str, Any]:
    """The invoice to render (inserting one of `lines` lines when asked) and `calls` call records for five
    subscribers in the previous month; returns their ids and counts."""
    import random
    from decimal import Decimal

    from sqlalchemy import func, insert, select
    from sqlmodel import Session

    from cabinet import clock, db
    from cabinet.models import (
        CallRecord,
        ChargeLine,
        Invoice,
        PersonalAccount,
        Subscriber,
    )
    from cabinet.seed import info

    engine = db.make_engine(url)
    rng = random.Random(7)
    try:
        with Session(engine, expire_on_commit=False) as session:
            connection = session.connection()
            account_id = connection.execute(
                select(PersonalAccount.id).where(PersonalAccount.number == info.BENCH_ACCOUNT)).scalar_one()
            subscribers = connection.execute(
                select(Subscriber.id, Subscriber.number).where(Subscriber.account_id == account_id)
                .order_by(Subscriber.number)).all()
            invoice_id, period = connection.execute(
                select(Invoice.id, Invoice.period).where(Invoice.account_id == account_id, Invoice.is_regular.is_(True))
                .order_by(Invoice.period.desc()).limit(1)).one()
            if lines:
                amounts = [Decimal(rng.randint(50, 4500)) / 100 for _ in range(lines)]
                total = sum(amounts, Decimal("0.00"))
                invoice_id = connection.execute(insert(Invoice.__table__).values(
                    account_id=account_id, number=f"{info.BENCH_ACCOUNT}-BENCH-{lines}", period=period,
                    issued_on=clock.today(), due_on=clock.today() + dt.timedelta(days=20), amount=total,
                    vat=(total / 6).quantize(Decimal("0.01")), paid_amount=Decimal("0.00"), is_regular=False,
                )).inserted_primary_key[0]
                rows = [dict(invoice_id=invoice_id, subscriber_id=sub_id, number=number,
                             description="Абонентская плата, тарифный план «Бизнес Безлимит»", amount=amount,
                             vat=(amount / 6).quantize(Decimal("0.01")))
                        for (sub_id, number), amount in zip(
                            (subscribers[i % len(subscribers)] for i in range(lines)), amounts)]
                for start in range(0, len(rows), 5_000):
                    connection.execute(insert(ChargeLine.__table__), rows[start:start + 5_000])
                del rows
            line_count = connection.execute(
                select(func.count()).select_from(ChargeLine).where(ChargeLine.invoice_id == invoice_id)).scalar_one()

            chosen = [sub_id for sub_id, _ in subscribers[:: max(1, len(subscribers) // CALL_SUBSCRIBERS)]]
            chosen = chosen[:CALL_SUBSCRIBERS]
            first = (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            days = ((first + dt.timedelta(days=32)).replace(day=1) - first).days
            call_rows = []
            for index in range(calls):
                duration = rng.randint(0, 1800)
                call_rows.append(dict(
                    subscriber_id=chosen[index % len(chosen)],
                    started_at=dt.datetime.combine(first, dt.time()) + dt.timedelta(seconds=rng.randrange(days * 86400)),
                    direction=rng.choice(("in", "out")), other_number=f"37529{rng.randrange(10**7):07d}",
                    kind=rng.choice(("voice", "voice", "voice", "sms")), network=rng.choice(("own", "other", "fixed")),
                    duration_seconds=duration, cost=Decimal(duration // 60 * 3) / 100))
            for start in range(0, len(call_rows), 5_000):
                connection.execute(insert(CallRecord.__table__), call_rows[start:start + 5_000])
            session.commit()
            call_count = session.connection().execute(
                select(func.count()).select_from(CallRecord)
                .where(CallRecord.subscriber_id.in_(chosen), CallRecord.started_at >= first,
                       CallRecord.started_at < first + dt.timedelta(days=days))).scalar_one()
    finally:
        engine.dispose()
    return dict(account_id=account_id, invoice_id=invoice_id, lines=line_count, subscribers=len(subscribers),
                call_subscribers=chosen, year=first.year, month=first.month, calls=call_count)


# --- measuring --------------------------------------------------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _traced_peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# --- the bare writers -------------------------------------------------------------------------------------------


def bare_pdf(rows: list) -> bytes:
    from fpdf import FPDF

    from cabinet.documents.common import FONT_DIR

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=7.5)
    pdf.add_page()
    text, y, bottom = pdf.text, 20.0, pdf.h - 14
    for position, (number, description, amount, vat) in enumerate(rows, start=1):
        if y > bottom:
            pdf.add_page()
            y = 20.0
        text(12, y, str(position))
        text(25, y, number or "")
        text(50, y, description)
        text(150, y, str(amount))
        text(175, y, str(vat))
        y += 4.0
    return bytes(pdf.output())


def bare_xlsx(rows: list) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Счет")
    for position, row in enumerate(rows, start=1):
        sheet.append((position, *row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_txt(rows: list) -> bytes:
    return "\n".join(f"{position:>7}  {number or '':<14}  {description:<56}  {amount:>16}  {vat:>16}"
                     for position, (number, description, amount, vat) in enumerate(rows, start=1)).encode("utf-8")


def bare_calls_xlsx(rows: list) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Детализация")
    for row in rows:
        sheet.append(tuple(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BARE = {"pdf": ("bare fpdf2 text() per cell", bare_pdf), "xlsx": ("bare openpyxl write-only append", bare_xlsx),
        "txt": ("bare f-string join → bytes", bare_txt)}


# --- the run ----------------------------------------------------------------------------------------------------


def _row(name: str, value: float, unit: str, baseline: str, baseline_value: float | None) -> dict:
    ratio = value / baseline_value if baseline_value else None
    return {"name": name, "value": round(value, 2), "unit": unit, "baseline": baseline,
            "baseline_value": None if baseline_value is None else round(baseline_value, 2),
            "ratio": None if ratio is None else round(ratio, 4)}


def run(args: argparse.Namespace) -> list[dict]:
    """Every figure of this benchmark. Reads from `args`: subscribers (default 100,000), lines (None: the
    seeded invoice), calls (10,000), no_memory (False), keep (False), database_url (None: a fresh SQLite file
    in a temporary folder)."""
    subscribers = getattr(args, "subscribers", None) or 100_000
    lines = getattr(args, "lines", None)
    calls = getattr(args, "calls", None) or 10_000
    memory = not getattr(args, "no_memory", False)
    keep = getattr(args, "keep", False)
    url = getattr(args, "database_url", None)

    scratch = Path(tempfile.mkdtemp(prefix="cabinet-bench-documents-"))
    os.environ.setdefault("CABINET_DATA_DIR", str(scratch / "data"))  # nothing goes into the project's data/
    url = url or f"sqlite:///{scratch / 'documents.db'}"
    try:
        return _measure(url, subscribers=subscribers, lines=lines, calls=calls, memory=memory)
    finally:
        if keep:
            print(f"SQLite file kept in {scratch}", flush=True)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _measure(url: str, *, subscribers: int, lines: int | None, calls: int, memory: bool) -> list[dict]:
    from sqlmodel import Session

    from cabinet import db

    print(f"… preparing: demo and the benchmark account of {subscribers:,} subscribers", flush=True)
    started = time.perf_counter()
    _prepare(url, subscribers)
    data = _bench_data(url, lines=lines, calls=calls)
    print(f"  ready in {time.perf_counter() - started:.1f} s: invoice of {data['lines']:,} lines "
          f"({data['subscribers']:,} subscribers), {data['calls']:,} call records of "
          f"{len(data['call_subscribers'])} subscribers", flush=True)
    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return _invoice_figures(session, data, memory=memory) + _call_detail_figures(session, data)
    finally:
        engine.dispose()


def _invoice_figures(session, data: dict, *, memory: bool) -> list[dict]:
    from cabinet.documents.invoice import (
        load_invoice,
        render_invoice,
        stream_invoice_lines,
    )

    invoice_id, count = data["invoice_id"], data["lines"]

    def render(fmt: str):
        try:
            return render_invoice(load_invoice(session, invoice_id), fmt)
        finally:
            session.rollback()  # ends the read transaction, as the worker's would end

    def fetch() -> list:
        try:
            return list(stream_invoice_lines(session, invoice_id))
        finally:
            session.rollback()

    figures = []
    seconds, rows = _timed(fetch)
    figures.append(_row(f"invoice lines streamed from SQL ({count:,} lines)", count / seconds, "lines/s", "—", None))
    for fmt, (label, bare) in BARE.items():
        print(f"… invoice as {fmt}", flush=True)
        seconds, rendered = _timed(lambda fmt=fmt: render(fmt))
        bare_seconds, _ = _timed(lambda bare=bare: bare(rows))
        figures.append(_row(f"render_invoice {fmt}, {count:,} lines ({seconds:.1f} s vs {bare_seconds:.1f} s; "
                            f"{len(rendered.content) / 2**20:.1f} MiB file)",
                            count / seconds, "lines/s", label, count / bare_seconds))
    if memory:
        figures.append(_row("invoice lines loaded as one list (what streaming avoids)", _traced_peak_mib(fetch),
                            "MiB", "—", None))
        for fmt, (label, bare) in BARE.items():
            print(f"… invoice as {fmt}, traced memory", flush=True)
            peak = _traced_peak_mib(lambda fmt=fmt: render(fmt))
            bare_peak = _traced_peak_mib(lambda bare=bare: bare(rows))
            figures.append(_row(f"render_invoice {fmt}, peak traced memory", peak, "MiB",
                                f"{label}, rows in a list", bare_peak))
    return figures


def _call_detail_figures(session, data: dict) -> list[dict]:
    from sqlalchemy import select

    from cabinet.documents.call_detail import (
        SHEET_PER_SUBSCRIBER,
        SINGLE_SHEET,
        render_call_detail,
    )
    from cabinet.documents.common import month_bounds
    from cabinet.models import CallRecord

    table = CallRecord.__table__
    start, end = month_bounds(data["year"], data["month"])
    records = session.connection().execute(
        select(table.c.subscriber_id, table.c.started_at, table.c.direction, table.c.other_number,
               table.c.kind, table.c.network, table.c.duration_seconds, table.c.cost)
        .where(table.c.subscriber_id.in_(data["call_subscribers"]), table.c.started_at >= start,
               table.c.started_at < end)
        .order_by(table.c.subscriber_id, table.c.started_at)).all()
    session.rollback()
    count = len(records)

    def render(layout: str):
        try:
            return render_call_detail(session, account_id=data["account_id"], subscriber_ids=data["call_subscribers"],
                                      year=data["year"], month=data["month"], layout=layout)
        finally:
            session.rollback()

    figures = []
    for layout in (SHEET_PER_SUBSCRIBER, SINGLE_SHEET):
        print(f"… call detail, {layout}", flush=True)
        seconds, _ = _timed(lambda layout=layout: render(layout))
        bare_seconds, _ = _timed(lambda: bare_calls_xlsx(records))
        figures.append(_row(f"render_call_detail {layout}, {count:,} records ({seconds:.2f} s vs "
                            f"{bare_seconds:.2f} s)", count / seconds, "records/s",
                            "bare openpyxl write-only append", count / bare_seconds))
    return figures


def format_rows(rows: list[dict]) -> str:
    headers = ("Benchmark", "Measured", "Unit", "Baseline", "Baseline value", "Ratio")
    cells = [(r["name"], f"{r['value']:,.1f}", r["unit"], r["baseline"],
              "—" if r["baseline_value"] is None else f"{r['baseline_value']:,.1f}",
              "—" if r["ratio"] is None else f"{r['ratio']:.3f}") for r in rows]
    return "\n".join([*text_table(headers, cells, {1, 4, 5}),
                      ("Ratio = measured ÷ baseline (rates: below 1 is slower than the bare writer; "
                       "memory: above 1 uses more).")])


def _positive(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 1:
        raise argparse.ArgumentTypeError("нужно положительное число")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.documents", description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=_positive, default=100_000, metavar="N",
                        help="subscribers of the benchmark account (default 100,000)")
    parser.add_argument("--lines", type=_positive, metavar="N",
                        help="render an invoice of exactly N lines (inserted here) instead of the seeded latest one")
    parser.add_argument("--calls", type=_positive, default=10_000, metavar="N",
                        help="call records of the call detail (default 10,000)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (its folder is printed)")
    args = parser.parse_args(argv)
    os.environ.pop("DATABASE_URL", None)
    rows = run(args)
    print()
    print(format_rows(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
