"""An uploaded xlsx of subscriber numbers (C6, the list operations B1–B3) on the benchmark account:
`parse_numbers_xlsx` of 100,000 numbers beside python-calamine's bare read of the same bytes, and `match_numbers`
of them beside bare chunked SELECTs.

Files. The numbers are the benchmark account's own (at most 100,000, the upload's row limit), shuffled (a list
people upload is seldom sorted), one per row in column A from row 1, written by openpyxl twice: as text (shared
strings, as the export writes numbers and as most lists hold them) and as numbers (as Excel stores 12 digits typed
into a cell). Their sizes are noted beside the web upload's cap, `MAX_UPLOAD_BYTES` of cabinet.state.picker.

Parse. `parse_numbers_xlsx(content)`, the whole check the page runs: the size and zip guards (every entry
inflated), the read, every row validated, duplicates looked for. Baseline: python-calamine alone,
`CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_index(0).to_python()`: the same bytes into a list
of rows, nothing checked. Each side runs in ROUNDS fresh processes, taken in turns with the other side's (so load
that comes and goes on the machine falls on both alike): in each, WARMUP untimed calls, then its share of `repeats`
timed calls (a gc.collect() before each). The figure is the median wall time of them all; the ratio of the median
CPU times, less moved by other work on the machine, is noted. Both sides are checked to see the same rows count.

Match. `match_numbers(...)` of those numbers, as the page calls it (a Session per call, committed at the end, with
the Actor of the benchmark account's administrator), beside the same SELECT number, id … WHERE account_id = ? AND
number IN (…), in the same chunks of `uploads._IN_CHUNK` sorted numbers, through a bare DB-API connection
(sqlite3 / psycopg2), fetched into a dict, then the ids in the upload's order. Both get their numbers from one
untimed `parse_numbers_xlsx` of the text file, and are checked to return the same ids. The match's process also
times `store_upload` (parse, match and keep the list on the server: the whole upload as the page runs
it), noted under the figure.

The aim is printed beside the parse figures (time ÷ baseline time ≤ 2); benchmarks are not tests, so nothing is
asserted.
"""

from __future__ import annotations

import gc
import io
import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench import POSTGRESQL, SQLITE, Figure, ensure_bench_account, in_fresh_process, peak_rss_mb, ratio_table

WARMUP = 2
ROUNDS = 2  # fresh processes of each side, taken in turns
PARSE_AIM = 2.0  # our parse time ÷ the bare calamine read's, at most
SHUFFLE_SEED = 20260601
KINDS = {"text": "as text", "number": "as numbers"}


# --- the files ----------------------------------------------------------------------------------------------

def write_files(url: str, scratch: str) -> dict[str, Any]:
    """In a fresh process: the benchmark account's numbers (shuffled, at most the upload's row limit) written by
    openpyxl as text and as numbers into `scratch`; their paths and sizes, the account's id and the upload cap."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from cabinet import db
    from cabinet.models import PersonalAccount, Subscriber
    from cabinet.seed import info
    from cabinet.services.subscribers.uploads import parse_numbers_xlsx
    from cabinet.state.picker import MAX_UPLOAD_BYTES

    max_rows = parse_numbers_xlsx.__kwdefaults__["max_rows"]
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            account_id = connection.execute(
                select(PersonalAccount.id).where(PersonalAccount.number == info.BENCH_ACCOUNT)).scalar_one()
            numbers = list(connection.execute(
                select(Subscriber.number).where(Subscriber.account_id == account_id).order_by(Subscriber.number)
            ).scalars())
    finally:
        engine.dispose()
    random.Random(SHUFFLE_SEED).shuffle(numbers)
    numbers = numbers[:max_rows]
    files = {}
    for kind in KINDS:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Номера")
        for number in numbers:
            sheet.append([number if kind == "text" else int(number)])
        path = Path(scratch) / f"upload-{kind}.xlsx"
        workbook.save(path)
        files[kind] = {"path": str(path), "bytes": path.stat().st_size}
    return {"account_id": account_id, "rows": len(numbers), "cap": MAX_UPLOAD_BYTES, "files": files}


# --- the parse, measured and bare ---------------------------------------------------------------------------

def _timed(call, repeats: int) -> tuple[list[float], list[float], Any]:
    """`call()` WARMUP times untimed, then `repeats` times timed: the times, the process CPU times and the last
    result."""
    times, cpu_times = [], []
    for n in range(WARMUP + repeats):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = call()
        if n >= WARMUP:
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
    return times, cpu_times, result


def parse_child(path: str, repeats: int) -> dict:
    """In a fresh process: `parse_numbers_xlsx` of the file's bytes."""
    from cabinet.services.subscribers.uploads import parse_numbers_xlsx

    content = Path(path).read_bytes()
    times, cpu_times, numbers = _timed(lambda: parse_numbers_xlsx(content), repeats)
    return {"times": times, "cpu_times": cpu_times, "rows": len(numbers), "peak_rss_mb": peak_rss_mb()}


def bare_read_child(path: str, repeats: int) -> dict:
    """In a fresh process: python-calamine reading the file's bytes into a list of rows."""
    from python_calamine import CalamineWorkbook

    content = Path(path).read_bytes()
    times, cpu_times, rows = _timed(
        lambda: CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python(), repeats)
    return {"times": times, "cpu_times": cpu_times, "rows": len(rows), "peak_rss_mb": peak_rss_mb()}


def _in_turns(bare_child, our_child, *args: Any, repeats: int) -> tuple[dict, dict]:
    """Both children, each in ROUNDS fresh processes taken in turns (bare, ours, bare, ours …) with its share of
    `repeats`; their results pooled: the times joined, the peak memory the highest, anything else the last."""
    share = -(-repeats // ROUNDS)
    pooled: tuple[dict, dict] = ({}, {})
    for _ in range(ROUNDS):
        for side, child in zip(pooled, (bare_child, our_child)):
            for key, value in in_fresh_process(child, *args, share).items():
                if key.endswith("times"):
                    side.setdefault(key, []).extend(value)
                elif key == "peak_rss_mb":
                    side[key] = max(side.get(key, 0.0), value)
                else:
                    side[key] = value
    return pooled


def _spread(ours: list[float], base: list[float]) -> str:
    return f"{min(ours) * 1e3:.0f}–{max(ours) * 1e3:.0f} vs {min(base) * 1e3:.0f}–{max(base) * 1e3:.0f}"


def parse_figure(backend: str, files: dict, kind: str, repeats: int) -> Figure:
    file = files["files"][kind]
    base, ours = _in_turns(bare_read_child, parse_child, file["path"], repeats=repeats)
    median, base_median = statistics.median(ours["times"]), statistics.median(base["times"])
    cpu_ratio = statistics.median(ours["cpu_times"]) / statistics.median(base["cpu_times"])
    same = "yes" if ours["rows"] == base["rows"] == files["rows"] else f"NO ({ours['rows']} vs {base['rows']})"
    fits = "fits" if file["bytes"] <= files["cap"] else "does NOT fit"
    return Figure(
        f"parse_numbers_xlsx, {ours['rows']:,} numbers {KINDS[kind]}", backend, "rows/s", ours["rows"], median,
        "python-calamine to_python() of the same bytes", base["rows"], base_median,
        notes={"kind": "parse", "time ratio": round(median / base_median, 3), "aim": f"≤ {PARSE_AIM:g}×",
               "CPU time ratio": f"{cpu_ratio:.2f}×", "timed calls": len(ours["times"]), "same rows": same,
               "file": f"{file['bytes']:,} bytes (openpyxl), {fits} the upload cap of {files['cap']:,}",
               "min–max ms": _spread(ours["times"], base["times"]),
               "process peak": f"{ours['peak_rss_mb']:.0f} MiB vs {base['peak_rss_mb']:.0f} MiB"},
    )


# --- the match, measured and bare ---------------------------------------------------------------------------

def match_child(url: str, account_id: int, path: str, repeats: int) -> dict:
    """In a fresh process: `match_numbers` of the file's numbers, each call in a Session of its own; then
    `store_upload` of the file (parse, match, keep) the same way."""
    from sqlmodel import Session

    from bench.subscribers import _bench_actor
    from cabinet import db
    from cabinet.services.subscribers.uploads import match_numbers, parse_numbers_xlsx, store_upload

    content = Path(path).read_bytes()
    numbers = parse_numbers_xlsx(content)
    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = _bench_actor(session, account_id)
            session.commit()

        def match() -> list[int]:
            with Session(engine, expire_on_commit=False) as session:
                ids = match_numbers(session, actor=actor, account_id=account_id, numbers=numbers)
                session.commit()
            return ids

        def upload() -> int:
            with Session(engine, expire_on_commit=False) as session:
                stored = store_upload(session, actor=actor, account_id=account_id, content=content)
                session.commit()
            return stored.count

        times, _, ids = _timed(match, repeats)
        upload_times, _, _ = _timed(upload, repeats)
    finally:
        engine.dispose()
    return {"times": times, "ids": ids, "upload_times": upload_times, "peak_rss_mb": peak_rss_mb()}


def bare_match_child(url: str, account_id: int, path: str, repeats: int) -> dict:
    """In a fresh process: the chunked SELECT … IN (…) through a bare connection, into a dict; then the ids in
    the upload's order."""
    from bench.subscribers import _connect
    from cabinet.services.subscribers.uploads import _IN_CHUNK, parse_numbers_xlsx

    numbers = parse_numbers_xlsx(Path(path).read_bytes())
    connection, marker = _connect(url)

    def match() -> list[int]:
        wanted = sorted(set(numbers))
        found: dict[str, int] = {}
        cursor = connection.cursor()
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start:start + _IN_CHUNK]
            cursor.execute(f"SELECT number, id FROM subscriber WHERE account_id = {marker} AND number IN "
                           f"({', '.join([marker] * len(chunk))})", (account_id, *chunk))
            found.update(cursor.fetchall())
        cursor.close()
        connection.rollback()  # ends psycopg2's implicit transaction (a no-op for sqlite3 here)
        return [found[number] for number in numbers]

    try:
        times, _, ids = _timed(match, repeats)
    finally:
        connection.close()
    return {"times": times, "ids": ids, "chunk": _IN_CHUNK, "peak_rss_mb": peak_rss_mb()}


def match_figure(url: str, backend: str, files: dict, repeats: int) -> Figure:
    path = files["files"]["text"]["path"]
    base, ours = _in_turns(bare_match_child, match_child, url, files["account_id"], path, repeats=repeats)
    median, base_median = statistics.median(ours["times"]), statistics.median(base["times"])
    rows = len(ours["ids"])
    return Figure(
        f"match_numbers, {rows:,} numbers", backend, "rows/s", rows, median,
        f"bare SELECT … IN (…), chunks of {base['chunk']}", len(base["ids"]), base_median,
        notes={"kind": "match", "time ratio": round(median / base_median, 3), "timed calls": len(ours["times"]),
               "same ids": "yes" if ours["ids"] == base["ids"] else "NO",
               "min–max ms": _spread(ours["times"], base["times"]),
               "store_upload (parse + match + keep), median": f"{statistics.median(ours['upload_times']):.2f} s",
               "process peak": f"{ours['peak_rss_mb']:.0f} MiB vs {base['peak_rss_mb']:.0f} MiB"},
    )


# --- the benchmark ------------------------------------------------------------------------------------------

def run(url: str, *, subscribers: int, scratch: Path, repeats: int = 20) -> list[Figure]:
    """Measure the parse of both files and the match on the database at `url` (its benchmark account is seeded
    with `subscribers` first if it has none)."""
    backend = POSTGRESQL if url.startswith("postgresql") else SQLITE
    account_size = in_fresh_process(ensure_bench_account, url, subscribers)
    files = in_fresh_process(write_files, url, str(scratch))
    try:
        figures = [parse_figure(backend, files, kind, repeats) for kind in KINDS]
        figures.append(match_figure(url, backend, files, repeats))
    finally:
        for file in files["files"].values():
            Path(file["path"]).unlink(missing_ok=True)
    figures[0].notes["account"] = f"{account_size:,} subscribers"
    return figures


def format_table(figures: list[Figure]) -> str:
    """Our median time beside the baseline's, their ratio (time ÷ baseline time) and the aim; notes under each."""
    return ratio_table(figures, lambda _, seconds: f"{seconds * 1e3:.0f} ms", "Measured: the median of the timed calls.")
