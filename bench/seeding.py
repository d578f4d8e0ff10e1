"""Seeding: `seed_bench` for N subscribers, beside a bare executemany INSERT of N subscriber-like rows.

The measured run: a database with the schema (Alembic) and the demo (whose catalogue seed_bench needs), then
`seed_bench(session, subscribers=N)` and its commit, timed. seed_bench writes much more than the subscribers
(their SIM cards, services, forwarding, 36 invoices with their lines...), so two figures are printed: the
subscribers per second, and every row it wrote per second, both beside the same baseline.

The baseline: a table shaped like `subscriber` (same columns, types, unique number and indexes, no foreign
keys) in a fresh database, and N tuples inserted in one transaction by the driver itself: sqlite3
`executemany` (SQLite, same journal_mode=WAL and synchronous=NORMAL as the app), psycopg2 `execute_values`
(PostgreSQL, a table of its own on the same server). The tuples are built before the clock starts.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from pathlib import Path

from bench import POSTGRESQL, SQLITE, Figure, driver_dsn, in_fresh_process, peak_rss_mb, prepare_demo

BASELINE_TABLE = "bench_shaped_subscriber"


# --- the measured run ---------------------------------------------------------------------------------------

def _row_count(session) -> int:
    from sqlalchemy import func, select
    from sqlmodel import SQLModel

    import cabinet.models  # noqa: F401  (registers every table)

    connection = session.connection()
    return sum(connection.execute(select(func.count()).select_from(table)).scalar_one()
               for table in SQLModel.metadata.sorted_tables)


def seed_child(url: str, subscribers: int) -> dict:
    """In a fresh process, on a database that has the demo: time seed_bench and its commit."""
    from sqlmodel import Session

    from cabinet import db
    from cabinet.seed import seed_bench

    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            rows_before = _row_count(session)
            session.commit()
            gc.collect()
            rss_before = peak_rss_mb()
            started = time.perf_counter()
            seed_bench(session, subscribers=subscribers)
            session.commit()
            seconds = time.perf_counter() - started
            rss_after = peak_rss_mb()
            rows = _row_count(session) - rows_before
    finally:
        engine.dispose()
    return {"seconds": seconds, "rows": rows, "peak_rss_mb": rss_after, "rss_growth_mb": rss_after - rss_before}


# --- the baseline -------------------------------------------------------------------------------------------

def shaped_table_ddl(dialect_name: str, name: str = BASELINE_TABLE) -> list[str]:
    """CREATE TABLE / CREATE INDEX of a table with the columns, types, uniques and indexes of `subscriber`
    (without its foreign keys), for the given dialect."""
    from sqlalchemy import Column, Index, MetaData, Table
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from cabinet.models import Subscriber

    source = Subscriber.__table__
    table = Table(name, MetaData(), *[
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, unique=c.unique or None)
        for c in source.columns
    ])
    indexes = [Index(f"{index.name}_shaped", *[table.c[col.name] for col in index.columns], unique=index.unique)
               for index in source.indexes]
    dialect = sqlite.dialect() if dialect_name == SQLITE else postgresql.dialect()
    return [str(CreateTable(table).compile(dialect=dialect))] + [
        str(CreateIndex(index).compile(dialect=dialect)) for index in indexes
    ]


def subscriber_like_rows(count: int, *, iso_dates: bool) -> tuple[list[str], list[tuple]]:
    """The column names (all but id) and `count` tuples like the subscribers seed_bench writes: unique
    12-digit numbers and 20-digit ICCIDs in random order, a Russian name, a connection date."""
    rng = random.Random(2026)
    numbers = rng.sample(range(10**8), count)
    iccids = rng.sample(range(10**11), count)
    first = dt.date(2020, 1, 1)
    columns = ["account_id", "number", "name", "tariff_id", "status", "sim_iccid", "self_sim_replacement",
               "sip_kind", "sip_password", "free_minutes_left", "channel_package_id", "channel_changed_at",
               "connected_on", "version"]
    rows = []
    for i in range(count):
        connected = first + dt.timedelta(days=i % 2000)
        rows.append((1, f"3752{numbers[i]:08d}", f"Абонент {i + 1}", 1 + i % 7, "active",
                     f"893750{iccids[i]:014d}", True, None, None, None, None, None,
                     connected.isoformat() if iso_dates else connected, 0))
    return columns, rows


def baseline_sqlite_child(path: str, count: int) -> dict:
    """In a fresh process: sqlite3 executemany of `count` rows into a fresh file, one transaction."""
    import sqlite3

    Path(path).unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for statement in shaped_table_ddl(SQLITE):
            connection.execute(statement)
        columns, rows = subscriber_like_rows(count, iso_dates=True)
        sql = f"INSERT INTO {BASELINE_TABLE} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        gc.collect()
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(sql, rows)
        connection.execute("COMMIT")
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    Path(path).unlink(missing_ok=True)
    rss_after = peak_rss_mb()
    return {"seconds": seconds, "rows": count, "peak_rss_mb": rss_after, "rss_growth_mb": rss_after - rss_before}


def baseline_postgres_child(url: str, count: int) -> dict:
    """In a fresh process: psycopg2 execute_values of `count` rows into a table of its own, one transaction."""
    import psycopg2
    from psycopg2.extras import execute_values

    connection = psycopg2.connect(driver_dsn(url))
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
            for statement in shaped_table_ddl(POSTGRESQL):
                cursor.execute(statement)
        connection.commit()
        columns, rows = subscriber_like_rows(count, iso_dates=False)
        sql = f"INSERT INTO {BASELINE_TABLE} ({', '.join(columns)}) VALUES %s"
        gc.collect()
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            execute_values(cursor, sql, rows, page_size=1000)
        connection.commit()
        seconds = time.perf_counter() - started
        rss_after = peak_rss_mb()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {BASELINE_TABLE}")
        connection.commit()
    finally:
        connection.close()
    return {"seconds": seconds, "rows": count, "peak_rss_mb": rss_after, "rss_growth_mb": rss_after - rss_before}


# --- the benchmark ------------------------------------------------------------------------------------------

def run(url: str, *, subscribers: int, scratch: Path) -> list[Figure]:
    """Seed the demo into the (fresh) database at `url`, then measure seed_bench beside the baseline.
    Leaves the database with the benchmark organisation (the worker benchmark reuses it)."""
    backend = POSTGRESQL if url.startswith("postgresql") else SQLITE
    in_fresh_process(prepare_demo, url)
    if backend == SQLITE:
        base = in_fresh_process(baseline_sqlite_child, str(scratch / "baseline.db"), subscribers)
        baseline = "sqlite3 executemany"
    else:
        base = in_fresh_process(baseline_postgres_child, url, subscribers)
        baseline = "psycopg2 execute_values"
    seeded = in_fresh_process(seed_child, url, subscribers)
    memory = {
        "peak RSS seed_bench process": f"{seeded['peak_rss_mb']:.0f} MiB "
                                       f"(+{seeded['rss_growth_mb']:.0f} MiB while seeding)",
        "peak RSS baseline process": f"{base['peak_rss_mb']:.0f} MiB (+{base['rss_growth_mb']:.0f} MiB while inserting)",
    }
    return [
        Figure(f"seed_bench, {subscribers:,} subscriber rows", backend, "rows/s", subscribers, seeded["seconds"],
               baseline, base["rows"], base["seconds"], notes=memory),
        Figure(f"seed_bench, all {seeded['rows']:,} rows it wrote", backend, "rows/s", seeded["rows"],
               seeded["seconds"], baseline, base["rows"], base["seconds"],
               notes={"rows per subscriber": round(seeded["rows"] / subscribers, 1)}),
    ]
