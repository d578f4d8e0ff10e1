"""python -m bench [--subscribers N] [--items N] [--repeats N] [--postgres] [--documents-memory]
                 [--only seeding|worker|subscribers|documents|uploads|concurrent] [--keep]

Runs every benchmark on a fresh SQLite file (and, with --postgres, on a throw-away PostgreSQL server), prints
each figure beside its baseline measured in the same run, and writes them to bench/results/latest.json.
The benchmarks share each database: the benchmark account seeded by `seeding` is reused by the others (each seeds
it itself when run alone). `documents` runs in a process of its own, without its tracemalloc runs unless
--documents-memory (they take a quarter of an hour at 100,000 subscribers). `concurrent` runs ten users beside the
worker doing a request of --items items (and another with no users, its baseline).
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

from bench import RESULTS_DIR, format_table, sqlite_url

BENCHMARKS = ("seeding", "worker", "subscribers", "documents", "uploads", "concurrent")


def _positive(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 1:
        raise argparse.ArgumentTypeError("нужно положительное число")
    return value


def run_on(url: str, args: argparse.Namespace, scratch: Path, *, postgres: bool) -> dict[str, list]:
    """Every chosen benchmark on the database at `url`: {"figures": [Figure] of seeding, worker and concurrent,
    "subscribers": [Figure], "documents": [row dict], "uploads": [Figure], "concurrent": [row dict]}."""
    from bench import concurrent, documents, in_fresh_process, seeding, subscribers, uploads, worker

    name = "PostgreSQL" if postgres else "SQLite"
    results: dict[str, list] = {"figures": [], "subscribers": [], "documents": [], "uploads": [], "concurrent": []}
    if "seeding" in args.only:
        print(f"… seeding, {args.subscribers:,} subscribers ({name})", flush=True)
        results["figures"] += seeding.run(url, subscribers=args.subscribers, scratch=scratch)
    if "worker" in args.only:
        print(f"… worker, {args.items:,} items ({name})", flush=True)
        results["figures"] += worker.run(url, items=args.items, subscribers=args.subscribers, parallel=postgres,
                                         tag="pg" if postgres else "sqlite")
    if "subscribers" in args.only:
        print(f"… subscribers: list, search, filter, export ({name})", flush=True)
        results["subscribers"] += subscribers.run(url, subscribers=args.subscribers, scratch=scratch,
                                                  repeats=args.repeats)
    if "documents" in args.only:
        print(f"… documents ({name}{'' if args.documents_memory else ', no memory runs'})", flush=True)
        options = argparse.Namespace(subscribers=args.subscribers, lines=args.lines, calls=args.calls,
                                     no_memory=not args.documents_memory, keep=False, database_url=url)
        rows = in_fresh_process(documents.run, options)
        results["documents"] += [{"backend": "postgresql" if postgres else "sqlite", **row} for row in rows]
    if "uploads" in args.only:
        print(f"… uploads: parse and match an xlsx of numbers ({name})", flush=True)
        results["uploads"] += uploads.run(url, subscribers=args.subscribers, scratch=scratch, repeats=args.repeats)
    if "concurrent" in args.only:
        print(f"… concurrent: {concurrent.USERS} users beside the worker, {args.items:,} items ({name})", flush=True)
        found = concurrent.run(url, subscribers=args.subscribers, items=args.items)
        results["figures"] += found["figures"]
        results["concurrent"] += found["concurrent"]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--subscribers", type=_positive, default=100_000, metavar="N",
                        help="subscribers of the benchmark account (default 100,000)")
    parser.add_argument("--items", type=_positive, default=10_000, metavar="N",
                        help="items of the worker's request (default 10,000)")
    parser.add_argument("--repeats", type=_positive, default=20, metavar="N",
                        help="timed calls of each subscribers query and each uploads case, after warm-up calls "
                             "(default 20)")
    parser.add_argument("--lines", type=_positive, metavar="N",
                        help="documents: an invoice of exactly N lines instead of the seeded latest one")
    parser.add_argument("--calls", type=_positive, default=10_000, metavar="N",
                        help="documents: call records of the call detail (default 10,000)")
    parser.add_argument("--documents-memory", action="store_true",
                        help="documents: also its tracemalloc runs (slow: about 17 minutes at 100,000 subscribers)")
    parser.add_argument("--postgres", action="store_true",
                        help="also on a throw-away PostgreSQL server (tests.postgres), worker with 2 processes too")
    parser.add_argument("--only", action="append", choices=BENCHMARKS,
                        help="run only this benchmark (repeatable); default: all")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files (their folder is printed)")
    args = parser.parse_args(argv)
    args.only = tuple(name for name in BENCHMARKS if name in (args.only or BENCHMARKS))

    scratch = Path(tempfile.mkdtemp(prefix="cabinet-bench-"))
    # Nothing the benchmarks do may write into the project's data/ (settings' embedded secret, mail, ...).
    os.environ["CABINET_DATA_DIR"] = str(scratch / "data")
    os.environ.pop("DATABASE_URL", None)
    started_at = dt.datetime.now().isoformat(timespec="seconds")
    load_before = os.getloadavg()
    started = time.perf_counter()
    results: dict[str, list] = {"figures": [], "subscribers": [], "documents": [], "uploads": [], "concurrent": []}

    def add(found: dict[str, list]) -> None:
        for key, values in found.items():
            results[key] += values

    try:
        add(run_on(sqlite_url(scratch / "bench.db"), args, scratch, postgres=False))
        if args.postgres:
            from tests.postgres import server

            with server() as url:
                add(run_on(url, args, scratch, postgres=True))
    finally:
        if args.keep:
            print(f"SQLite files kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    load_after = os.getloadavg()
    if results["figures"]:
        print()
        print(format_table(results["figures"]))
    if results["subscribers"]:
        from bench import subscribers

        print()
        print(subscribers.format_table(results["subscribers"]))
    if results["documents"]:
        from bench import documents

        for backend in dict.fromkeys(row["backend"] for row in results["documents"]):
            print(f"\nDocuments ({backend})")
            print(documents.format_rows([row for row in results["documents"] if row["backend"] == backend]))
    if results["uploads"]:
        from bench import uploads

        print()
        print(uploads.format_table(results["uploads"]))
    if results["concurrent"]:
        from bench import concurrent

        print()
        print(concurrent.format_rows(results["concurrent"]))
    print(f"\nLoad average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs: "
          "other work on the machine shows in the absolute rates more than in the ratios.")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "latest.json"
    out.write_text(json.dumps({
        "started_at": started_at,
        "total_seconds": round(time.perf_counter() - started, 1),
        "options": {"subscribers": args.subscribers, "items": args.items, "repeats": args.repeats,
                    "lines": args.lines, "calls": args.calls, "documents_memory": args.documents_memory,
                    "postgres": args.postgres, "only": list(args.only)},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": load_after},
        "figures": [figure.as_json() for figure in results["figures"] + results["subscribers"] + results["uploads"]],
        "documents": results["documents"],
        "concurrent": results["concurrent"],
    }, ensure_ascii=False, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
