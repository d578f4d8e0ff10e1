"""«Абоненты» on the 100,000-subscriber benchmark account: pages, searches and a filter through `list_subscribers`,
and the «Выгрузка в Excel» of every subscriber through `export_subscribers`, each beside a bare baseline.

Queries. Each case is `list_subscribers(...)` called as the app calls it: a new Session per call (committed at the
end, as `db.session_scope` does), with an Actor built for the benchmark account's administrator
(`info.BENCH_ADMIN`, its accounts from `access.accounts_for`). The baseline is the same query written by hand
— the same SELECT … JOIN tariff … ORDER BY number LIMIT 25 OFFSET n, and the COUNT(*) with the same WHERE, so the
same indexes — executed through a bare DB-API connection (sqlite3 / psycopg2) and fetched. Cases: page 1 and page
200 of 25 rows sorted by number; a search by 5 digits of a number (the service then also searches the ICCIDs, and
so does the baseline), by an exact 12-digit number, by 14 digits of an ICCID; a filter by status and tariff. Each
side runs in a fresh process: 3 warm-up calls, then `repeats` timed calls; the figure is the median. The two sides
are checked to return the same rows and total.

Export. `export_subscribers(...)` of the whole account (no filter) into an xlsx file, timed, in a fresh process.
Baseline, in another: the same rows (the same six columns, status titles and dates already converted) fetched by
a bare SELECT into a list before the clock starts (that fetch is timed apart, as a note), then openpyxl
`Workbook(write_only=True)` appending the plain tuples and saving to a file. Peak memory: each process's peak RSS
(ru_maxrss) and its growth during the timed part (the baseline's list of rows is already in memory then).

The aims are printed beside the figures (time ÷ baseline time: ≤ 1.5 for the queries, ≤ 1.0 for the export);
benchmarks are not tests, so nothing is asserted.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
from pathlib import Path
from typing import Any

from bench import (
    POSTGRESQL,
    SQLITE,
    Figure,
    driver_dsn,
    ensure_bench_account,
    in_fresh_process,
    peak_rss_mb,
    ratio_table,
)

WARMUP = 3
PAGE_SIZE = 25
QUERY_AIM = 1.5  # our median time ÷ the raw SQL's, at most
EXPORT_AIM = 1.0  # our export time ÷ the bare writer's, at most

_COLUMNS = ("s.id, s.number, s.name, t.name, s.status, s.sim_iccid, s.connected_on "
            "FROM subscriber s JOIN tariff t ON t.id = s.tariff_id")


# --- the cases ----------------------------------------------------------------------------------------------

def bench_facts(url: str) -> dict[str, Any]:
    """The benchmark account and the values the cases search and filter by, taken from the data: a subscriber
    in the middle of the account (by number), and the commonest tariff among the blocked subscribers."""
    from sqlalchemy import func, select

    from cabinet import db
    from cabinet.models import PersonalAccount, Subscriber, SubscriberStatus
    from cabinet.seed import info

    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            account_id = connection.execute(
                select(PersonalAccount.id).where(PersonalAccount.number == info.BENCH_ACCOUNT)).scalar_one()
            total = connection.execute(
                select(func.count()).select_from(Subscriber).where(Subscriber.account_id == account_id)).scalar_one()
            number, iccid = connection.execute(
                select(Subscriber.number, Subscriber.sim_iccid)
                .where(Subscriber.account_id == account_id, Subscriber.sim_iccid.is_not(None))
                .order_by(Subscriber.number).offset(total // 2).limit(1)).one()
            status = SubscriberStatus.BLOCKED.value
            tariff_id = connection.execute(
                select(Subscriber.tariff_id).where(Subscriber.account_id == account_id, Subscriber.status == status)
                .group_by(Subscriber.tariff_id).order_by(func.count().desc(), Subscriber.tariff_id).limit(1)
            ).scalar_one()
    finally:
        engine.dispose()
    return {"account_id": account_id, "total": total, "number": number, "iccid": iccid, "status": status,
            "tariff_id": tariff_id}


def cases(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """Each case: its label, the `list_subscribers` keywords, and the baseline's WHERE (after account_id) with
    its parameters and the OFFSET."""
    number, iccid = facts["number"], facts["iccid"]
    part, iccid_part = number[6:11], iccid[3:17]
    return [
        {"label": "page 1, 25 rows by number", "kwargs": {"page": 1}, "where": "", "params": (), "offset": 0},
        {"label": "page 200, 25 rows by number", "kwargs": {"page": 200}, "where": "", "params": (),
         "offset": 199 * PAGE_SIZE},
        {"label": f"search 5 digits of a number «{part}»", "kwargs": {"search": part},
         "where": " AND (s.number LIKE ? OR s.sim_iccid LIKE ?)", "params": (f"%{part}%", f"%{part}%"),
         "offset": 0},
        {"label": "search an exact 12-digit number", "kwargs": {"search": number},
         "where": " AND s.number = ?", "params": (number,), "offset": 0},
        {"label": "search 14 digits of an ICCID", "kwargs": {"search": iccid_part},
         "where": " AND s.sim_iccid LIKE ?", "params": (f"%{iccid_part}%",), "offset": 0},
        {"label": f"filter status {facts['status']} + tariff {facts['tariff_id']}",
         "kwargs": {"status": facts["status"], "tariff_id": facts["tariff_id"]},
         "where": " AND s.status = ? AND s.tariff_id = ?", "params": (facts["status"], facts["tariff_id"]),
         "offset": 0},
    ]


def _bench_actor(session, account_id: int):
    """The Actor of the benchmark account's administrator, as `sessions.actor_for` builds it."""
    from sqlalchemy import select

    from cabinet.models import PersonalAccount, Role, User
    from cabinet.seed import info
    from cabinet.services.access import Actor, accounts_for

    user = session.execute(select(User).where(User.login == info.BENCH_ADMIN)).scalar_one()
    role = Role.ADMINISTRATOR.value
    accounts = accounts_for(session, user, role)
    organization_id = session.get(PersonalAccount, account_id).organization_id
    if account_id not in {found for found, _ in accounts}:
        raise RuntimeError(f"{info.BENCH_ADMIN} does not cover the benchmark account")
    return Actor(user_id=user.id, organization_id=organization_id, role=role, accounts=frozenset(accounts))


# --- the queries, measured and raw --------------------------------------------------------------------------

def service_child(url: str, account_id: int, kwargs: dict, repeats: int) -> dict:
    """In a fresh process: `list_subscribers` `repeats` times (after WARMUP), each in a Session of its own."""
    from sqlmodel import Session

    from cabinet import db
    from cabinet.services.subscribers.listing import list_subscribers

    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = _bench_actor(session, account_id)
            session.commit()
        times = []
        for n in range(WARMUP + repeats):
            gc.collect()
            started = time.perf_counter()
            with Session(engine, expire_on_commit=False) as session:
                page = list_subscribers(session, actor=actor, account_id=account_id, page_size=PAGE_SIZE, **kwargs)
                session.commit()
            if n >= WARMUP:
                times.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return {"times": times, "ids": [row.id for row in page.rows], "total": page.total}


def _connect(url: str):
    """A bare DB-API connection and its parameter marker."""
    if url.startswith("postgresql"):
        import psycopg2

        return psycopg2.connect(driver_dsn(url)), "%s"
    import sqlite3

    from sqlalchemy.engine import make_url

    return sqlite3.connect(make_url(url).database), "?"


def raw_child(url: str, account_id: int, case: dict, repeats: int) -> dict:
    """In a fresh process: the hand-written COUNT(*) and page SELECT through a bare connection, fetched."""
    connection, marker = _connect(url)
    where = f"s.account_id = ?{case['where']}".replace("?", marker)
    count_sql = f"SELECT COUNT(*) FROM subscriber s WHERE {where}"
    page_sql = f"SELECT {_COLUMNS} WHERE {where} ORDER BY s.number LIMIT {PAGE_SIZE} OFFSET {int(case['offset'])}"
    params = (account_id, *case["params"])
    times = []
    try:
        for n in range(WARMUP + repeats):
            gc.collect()
            started = time.perf_counter()
            cursor = connection.cursor()
            cursor.execute(count_sql, params)
            total = cursor.fetchone()[0]
            cursor.execute(page_sql, params)
            rows = cursor.fetchall()
            cursor.close()
            connection.rollback()  # ends psycopg2's implicit transaction (a no-op for sqlite3 here)
            if n >= WARMUP:
                times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return {"times": times, "ids": [row[0] for row in rows], "total": total}


# --- the export, measured and bare --------------------------------------------------------------------------

def _status_mib(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak_rss() -> float | None:
    """Reset this process's peak RSS (Linux: clear_refs 5 resets VmHWM) and return its current RSS in MiB;
    None where that is not possible (then only ru_maxrss, the whole process's peak, is reported)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return None
    return _status_mib("VmRSS")


def peak_growth_mb(rss_at_reset: float | None) -> float | None:
    """The peak RSS reached since `reset_peak_rss`, above the RSS at that moment."""
    peak = _status_mib("VmHWM") if rss_at_reset is not None else None
    return None if peak is None else peak - rss_at_reset


def _memory(figures: dict) -> str:
    growth = figures["rss_growth_mb"]
    during = "n/a" if growth is None else f"+{growth:.0f} MiB"
    return f"{figures['peak_rss_mb']:.0f} MiB process peak, {during} peak during the timed part"

def export_child(url: str, account_id: int, out: str) -> dict:
    """In a fresh process: `export_subscribers` of the whole account into the file `out`."""
    from sqlmodel import Session

    from cabinet import db
    from cabinet.services.subscribers.excel import export_subscribers

    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = _bench_actor(session, account_id)
            session.commit()
        gc.collect()
        rss_at_reset = reset_peak_rss()
        started = time.perf_counter()
        with Session(engine, expire_on_commit=False) as session:
            count = export_subscribers(session, actor=actor, account_id=account_id, out=out)
            session.commit()
        seconds = time.perf_counter() - started
        growth = peak_growth_mb(rss_at_reset)
    finally:
        engine.dispose()
    size = Path(out).stat().st_size
    Path(out).unlink(missing_ok=True)
    return {"seconds": seconds, "rows": count, "peak_rss_mb": peak_rss_mb(), "rss_growth_mb": growth,
            "file_mib": size / 2**20}


def bare_writer_child(url: str, account_id: int, out: str) -> dict:
    """In a fresh process: the rows fetched by a bare SELECT into a list (timed apart), then openpyxl write-only
    appending them as plain tuples and saving to the file `out` (timed)."""
    from openpyxl import Workbook

    from cabinet.models.subscriber import STATUS_TITLES
    from cabinet.services.subscribers.excel import EXPORT_COLUMNS

    connection, marker = _connect(url)
    rss_before_fetch = _status_mib("VmRSS")
    started = time.perf_counter()
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT {_COLUMNS} WHERE s.account_id = {marker} ORDER BY s.number", (account_id,))
        fetched = cursor.fetchall()
        cursor.close()
    finally:
        connection.close()
    fetch_seconds = time.perf_counter() - started

    def day(value):
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    rows = [(number, name or "", tariff, STATUS_TITLES.get(status, status), iccid or "", day(connected))
            for _, number, name, tariff, status, iccid, connected in fetched]
    del fetched
    gc.collect()
    rss_at_reset = reset_peak_rss()
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Абоненты")
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    workbook.save(out)
    seconds = time.perf_counter() - started
    growth = peak_growth_mb(rss_at_reset)
    size = Path(out).stat().st_size
    Path(out).unlink(missing_ok=True)
    held = (None if rss_at_reset is None or rss_before_fetch is None else rss_at_reset - rss_before_fetch)
    return {"seconds": seconds, "rows": len(rows), "fetch_seconds": fetch_seconds, "peak_rss_mb": peak_rss_mb(),
            "rss_growth_mb": growth, "rows_held_mb": held, "file_mib": size / 2**20}


def export_figure(url: str, facts: dict, scratch: Path) -> Figure:
    backend = POSTGRESQL if url.startswith("postgresql") else SQLITE
    account_id = facts["account_id"]
    base = in_fresh_process(bare_writer_child, url, account_id, str(scratch / "bare-export.xlsx"))
    ours = in_fresh_process(export_child, url, account_id, str(scratch / "export.xlsx"))
    time_ratio = ours["seconds"] / base["seconds"]
    return Figure(
        f"export_subscribers xlsx, {ours['rows']:,} rows", backend, "rows/s", ours["rows"], ours["seconds"],
        "openpyxl write-only append, rows in a list", base["rows"], base["seconds"],
        notes={"kind": "export", "time ratio": round(time_ratio, 3), "aim": f"≤ {EXPORT_AIM}×",
               "bare SELECT of the rows into a list (not in the baseline's time)": f"{base['fetch_seconds']:.2f} s",
               "memory of export process": _memory(ours),
               "memory of bare writer process": _memory(base) + (
                   "" if base["rows_held_mb"] is None else f", its list of rows ≈ {base['rows_held_mb']:.0f} MiB"),
               "files": f"{ours['file_mib']:.1f} MiB vs {base['file_mib']:.1f} MiB"},
    )


# --- the benchmark ------------------------------------------------------------------------------------------

def run(url: str, *, subscribers: int, scratch: Path, repeats: int = 20) -> list[Figure]:
    """Measure the queries and the export on the database at `url` (its benchmark account is seeded with
    `subscribers` first if it has none)."""
    backend = POSTGRESQL if url.startswith("postgresql") else SQLITE
    account_size = in_fresh_process(ensure_bench_account, url, subscribers)
    facts = in_fresh_process(bench_facts, url)
    figures = []
    for case in cases(facts):
        base = in_fresh_process(raw_child, url, facts["account_id"], case, repeats)
        ours = in_fresh_process(service_child, url, facts["account_id"], case["kwargs"], repeats)
        median, base_median = statistics.median(ours["times"]), statistics.median(base["times"])
        same = ours["ids"] == base["ids"] and ours["total"] == base["total"]
        figures.append(Figure(
            f"list_subscribers: {case['label']}", backend, "queries/s", 1, median,
            "bare DB-API SELECT … LIMIT/OFFSET + COUNT(*)", 1, base_median,
            notes={"kind": "query", "time ratio": round(median / base_median, 3), "aim": f"≤ {QUERY_AIM}×",
                   "repeats": repeats, "found": ours["total"],
                   "same rows and total": "yes" if same else f"NO (raw: {base['total']}, ids {base['ids'][:3]}…)",
                   "min/max ms": f"{min(ours['times']) * 1e3:.2f}–{max(ours['times']) * 1e3:.2f} vs "
                                 f"{min(base['times']) * 1e3:.2f}–{max(base['times']) * 1e3:.2f}"},
        ))
    figures.append(export_figure(url, facts, scratch))
    figures[0].notes["account"] = f"{account_size:,} subscribers"
    return figures


def format_table(figures: list[Figure]) -> str:
    """Our time beside the baseline's, their ratio (time ÷ baseline time) and the aim; notes under each row."""

    def time_text(figure: Figure, seconds: float) -> str:
        return f"{seconds * 1e3:.2f} ms" if figure.notes.get("kind") == "query" else f"{seconds:.2f} s"

    return ratio_table(figures, time_text, "Measured: median of the timed calls (queries), one run (export).")
