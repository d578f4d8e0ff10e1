"""`python -m cabinet.seed [--subscribers N] [--database-url URL]`: bring the schema up, seed the demo if the
database is empty, optionally add the benchmark organisation, and print how to sign in."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

import cabinet.models  # noqa: F401  (registers every table)
from cabinet import db, settings
from cabinet.seed import demo_info, ensure_demo, seed_bench


def prepare_schema(url: str) -> None:
    """Alembic upgrade when the project has migrations; until the first one exists, create the tables."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    if any((settings.PROJECT_DIR / "migrations" / "versions").glob("*.py")):
        db.upgrade(url)
        return
    engine = db.make_engine(url)
    try:
        SQLModel.metadata.create_all(engine)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cabinet.seed", description=__doc__)
    parser.add_argument("--database-url", help="default: DATABASE_URL or the embedded SQLite file")
    parser.add_argument("--subscribers", type=int, metavar="N",
                        help="also build the benchmark organisation with one mobile account of N subscribers")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the day the data is relative to (YYYY-MM-DD)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args(argv)
    if args.subscribers is not None and args.subscribers < 1:
        parser.error("--subscribers: нужно положительное число")

    url = args.database_url or settings.get().database_url
    prepare_schema(url)
    engine = db.make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            started = time.perf_counter()
            info = ensure_demo(session, today=args.today, seed=args.seed)
            session.commit()
            if info is not None:
                print(f"Демо-данные созданы за {time.perf_counter() - started:.1f} с.")
            if args.subscribers:
                started = time.perf_counter()
                try:
                    info = seed_bench(session, subscribers=args.subscribers, today=args.today, seed=args.seed)
                except ValueError as error:
                    session.rollback()
                    print(error, file=sys.stderr)
                else:
                    session.commit()
                    print(f"Нагрузочная организация: {args.subscribers} абонентов за "
                          f"{time.perf_counter() - started:.1f} с.")
            try:
                print((info or demo_info(session)).format())
            except LookupError as error:  # organisations of someone else's, not the demo
                print(error, file=sys.stderr)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
