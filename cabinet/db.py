"""The database engine and sessions, and bringing the schema up to date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from cabinet import settings

_engine: Engine | None = None


def make_engine(url: str, **options) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # pysqlite opens transactions late and breaks SAVEPOINTs; let SQLAlchemy emit BEGIN itself.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url and url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A transaction that will write says so (`session_scope(writes=True)`): it takes the write lock at its
            # start, waiting for it up to the timeout, instead of failing at its first write when another writer
            # committed since it began reading. Readers never wait: WAL lets them read beside the writer.
            writes = connection.get_execution_options().get("writes")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = make_engine(settings.get().database_url)
    return _engine


def set_engine(new_engine: Engine | None) -> None:
    """Point the app at another database (tests)."""
    global _engine
    _engine = new_engine


def write_engine() -> Engine:
    """The engine for a transaction that will write (see session_scope)."""
    return engine().execution_options(writes=True)


@contextmanager
def session_scope(*, writes: bool = False) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on an error. `writes`: it will write, so on
    SQLite it waits for the write lock from its start (see make_engine); PostgreSQL needs no such word."""
    bind = write_engine() if writes else engine()
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def upgrade(url: str | None = None) -> None:
    """Run the Alembic migrations up to the newest."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(settings.PROJECT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(settings.PROJECT_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", url or settings.get().database_url)
    command.upgrade(config, "head")
