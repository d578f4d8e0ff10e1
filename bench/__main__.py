"""python -m bench [--subscribers N] [--items N] [--postgres] [--only seeding|worker] [--keep]

Runs every benchmark on a fresh SQLite file (and, with --postgres, on a throw-away PostgreSQL server), prints
each figure beside its baseline measured in the same run, and writes them to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import RESULTS_DIR, Figure, format_table, sqlite_url

BENCHMARKS = ("seeding", "worker")


def _positive(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 1:
        raise argparse.ArgumentTypeError("нужно положительное число")
    return value


def run_on(url: str, args: argparse.Namespace, scratch: Path, *, postgres: bool) -> list[Figure]:
    from bench import seeding, worker

    figures: list[Figure] = []
    if "seeding" in args.only:
        print(f"… seeding, {args.subscribers:,} subscribers ({'PostgreSQL' if postgres else 'SQLite'})", flush=True)
        figures += seeding.run(url, subscribers=args.subscribers, scratch=scratch)
    if "worker" in args.only:
        print(f"… worker, {args.items:,} items ({'PostgreSQL' if postgres else 'SQLite'})", flush=True)
        figures += worker.run(url, items=args.items, subscribers=args.subscribers, parallel=postgres,
                              tag="pg" if postgres else "sqlite")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--subscribers", type=_positive, default=100_000, metavar="N",
                        help="subscribers of the benchmark account (default 100,000)")
    parser.add_argument("--items", type=_positive, default=10_000, metavar="N",
                        help="items of the worker's request (default 10,000)")
    parser.add_argument("--postgres", action="store_true",
                        help="also on a throw-away PostgreSQL server (tests.postgres), worker with 2 processes too")
    parser.add_argument("--only", action="append", choices=BENCHMARKS,
                        help="run only this benchmark (repeatable); default: all")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files (their folder is printed)")
    args = parser.parse_args(argv)
    args.only = tuple(args.only or BENCHMARKS)

    scratch = Path(tempfile.mkdtemp(prefix="cabinet-bench-"))
    # Nothing the benchmarks do may write into the project's data/ (settings' embedded secret, mail, ...).
    os.environ["CABINET_DATA_DIR"] = str(scratch / "data")
    os.environ.pop("DATABASE_URL", None)
    started_at = dt.datetime.now().isoformat(timespec="seconds")
    load_before = os.getloadavg()
    started = time.perf_counter()
    figures: list[Figure] = []
    try:
        figures += run_on(sqlite_url(scratch / "bench.db"), args, scratch, postgres=False)
        if args.postgres:
            from tests.postgres import server

            with server() as url:
                figures += run_on(url, args, scratch, postgres=True)
    finally:
        if args.keep:
            print(f"SQLite files kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    load_after = os.getloadavg()
    print()
    print(format_table(figures))
    print(f"Load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs: "
          "other work on the machine shows in the absolute rates more than in the ratios.")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "latest.json"
    out.write_text(json.dumps({
        "started_at": started_at,
        "total_seconds": round(time.perf_counter() - started, 1),
        "options": {"subscribers": args.subscribers, "items": args.items, "postgres": args.postgres,
                    "only": list(args.only)},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": load_after},
        "figures": [figure.as_json() for figure in figures],
    }, ensure_ascii=False, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
