"""Benchmarks: speed and memory against a large account, each figure beside a baseline measured in the same run.

    python -m bench [--subscribers N] [--items N] [--postgres] [--only seeding|worker] [--keep]

`bench.seeding` times `seed_bench` against a bare executemany INSERT; `bench.worker` times the request worker
against the same UPDATEs committed one by one through a bare connection. Every measurement runs in a fresh
(spawned) process, so its peak memory is its own and no measurement inherits another's heap or caches.
Benchmarks are not tests: nothing here asserts a duration; the figures are printed and written to
bench/results/latest.json.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"

SQLITE, POSTGRESQL = "sqlite", "postgresql"


@dataclass
class Figure:
    """One measured figure (a rate: more is better) beside its baseline from the same run."""

    benchmark: str
    backend: str
    unit: str  # e.g. "rows/s"
    count: int  # what was done: rows, items
    seconds: float
    baseline: str  # what the baseline does
    baseline_count: int
    baseline_seconds: float
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else float("inf")

    @property
    def baseline_rate(self) -> float:
        return self.baseline_count / self.baseline_seconds if self.baseline_seconds > 0 else float("inf")

    @property
    def ratio(self) -> float:
        """Figure ÷ baseline (1.0: as fast as the baseline; 0.25: four times slower)."""
        return self.rate / self.baseline_rate if self.baseline_rate else float("nan")

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "rate": round(self.rate, 1), "baseline_rate": round(self.baseline_rate, 1),
                "ratio": round(self.ratio, 4)}


# --- measuring ----------------------------------------------------------------------------------------------

def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def in_fresh_process(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `fn(*args, **kwargs)` in a freshly spawned interpreter and return its (picklable) result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn()) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def spawn() -> multiprocessing.context.SpawnContext:
    return multiprocessing.get_context("spawn")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def driver_dsn(url: str) -> str:
    """The libpq DSN of a SQLAlchemy PostgreSQL URL (for psycopg2 used directly)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- the database the benchmarks run on ---------------------------------------------------------------------

def prepare_demo(url: str) -> None:
    """Schema (Alembic) and the demo (its catalogue is what seed_bench needs), as `python -m cabinet.seed` does."""
    from sqlmodel import Session

    from cabinet import db
    from cabinet.seed import ensure_demo

    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            ensure_demo(session)
            session.commit()
    finally:
        engine.dispose()


def bench_subscriber_count(url: str) -> int | None:
    """Subscribers of the benchmark account, or None when the database has no benchmark organisation."""
    from sqlalchemy import func, inspect, select

    from cabinet import db
    from cabinet.models import PersonalAccount, Subscriber
    from cabinet.seed import info

    engine = db.make_engine(url)
    try:
        if not inspect(engine).has_table("personalaccount"):
            return None
        with engine.connect() as connection:
            account_id = connection.execute(
                select(PersonalAccount.id).where(PersonalAccount.number == info.BENCH_ACCOUNT)
            ).scalar_one_or_none()
            if account_id is None:
                return None
            return connection.execute(
                select(func.count()).select_from(Subscriber).where(Subscriber.account_id == account_id)
            ).scalar_one()
    finally:
        engine.dispose()


def ensure_bench_account(url: str, subscribers: int) -> int:
    """A database with the demo and a benchmark account (seeded here with `subscribers` if it has none);
    returns the benchmark account's subscriber count."""
    from sqlmodel import Session

    from cabinet import db
    from cabinet.seed import seed_bench

    found = bench_subscriber_count(url)
    if found is not None:
        return found
    prepare_demo(url)
    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            seed_bench(session, subscribers=subscribers)
            session.commit()
    finally:
        engine.dispose()
    return subscribers


# --- reporting ----------------------------------------------------------------------------------------------

def _rate(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}"


def text_table(headers: tuple[str, ...], rows: list[tuple], right: set[int],
               notes: list[str] | None = None) -> list[str]:
    """Lines of a text table: the headers, a rule, then each row (columns in `right` aligned right), each followed
    by its line of notes when `notes` gives one ("" for none)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    for index, row in enumerate(rows):
        out.append(line(row))
        if notes and notes[index]:
            out.append("    " + notes[index])
    return out


def format_table(figures: list[Figure]) -> str:
    """The figures as a text table: each beside its baseline, and the ratio; notes under each row."""
    headers = ("Benchmark", "DB", "Measured", "Time", "Baseline", "Baseline rate", "Time", "Ratio")
    rows = [
        (f.benchmark, f.backend, _rate(f.rate, f.unit), f"{f.seconds:.2f} s", f.baseline,
         _rate(f.baseline_rate, f.unit), f"{f.baseline_seconds:.2f} s", f"{f.ratio:.3f}")
        for f in figures
    ]
    notes = ["; ".join(f"{key}: {_note(value)}" for key, value in f.notes.items()) for f in figures]
    out = text_table(headers, rows, {2, 3, 5, 6, 7}, notes)
    out.append("Ratio = measured rate ÷ baseline rate (1.0: as fast as the baseline; 0.1: ten times slower).")
    return "\n".join(out)


def _note(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ratio_table(figures: list[Figure], time_text, measured: str) -> str:
    """Figures as a text table of our time beside the baseline's, the ratio and the aim, notes under each row;
    `time_text(figure, seconds)` writes a time, `measured` says what a time is."""
    headers = ("Benchmark", "DB", "Measured", "Baseline", "Base time", "Ratio", "Aim", "Rate", "Base rate")
    rows = [(f.benchmark, f.backend, time_text(f, f.seconds), f.baseline, time_text(f, f.baseline_seconds),
             f"{f.seconds / f.baseline_seconds:.2f}×", f.notes.get("aim", ""), f"{f.rate:,.0f} {f.unit}",
             f"{f.baseline_rate:,.0f} {f.unit}") for f in figures]
    skip = {"kind", "time ratio", "aim"}
    notes = ["; ".join(f"{key}: {value:,}" if isinstance(value, int) else f"{key}: {value}"
                       for key, value in figure.notes.items() if key not in skip) for figure in figures]
    out = text_table(headers, rows, {2, 4, 5, 7, 8}, notes)
    out.append(f"{measured} Ratio = measured time ÷ baseline time (1.0: as fast; 2.0: twice as slow); the aim is "
               "that ratio's ceiling, not an assertion.")
    return "\n".join(out)
