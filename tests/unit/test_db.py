"""The embedded database under concurrent use: a transaction that will write waits for the write lock from its
start, where a plain one fails at its first write once another writer has committed since it began reading."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cabinet import db
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's locking; PostgreSQL locks rows")


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "locks.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    db.set_engine(engine)
    other = sqlite3.connect(path, isolation_level=None, timeout=30)  # another process's writer
    yield other
    other.close()
    db.set_engine(None)
    engine.dispose()


def _read_then_write(writes: bool, read: threading.Event, go_on: threading.Event, outcome: list) -> None:
    try:
        with db.session_scope(writes=writes) as session:
            value = session.execute(text("SELECT value FROM counter")).scalar_one()
            read.set()
            go_on.wait(10)
            session.execute(text("UPDATE counter SET value = :v"), {"v": value + 1})
        outcome.append("done")
    except OperationalError as error:
        outcome.append(str(error.orig))
    finally:
        read.set()


def _race(database, *, writes: bool) -> tuple[list, int]:
    database.execute("BEGIN IMMEDIATE")
    database.execute("UPDATE counter SET value = value + 10")  # another writer holds the lock...
    read, go_on, outcome = threading.Event(), threading.Event(), []
    worker = threading.Thread(target=_read_then_write, args=(writes, read, go_on, outcome))
    worker.start()
    read.wait(0.5 if writes else 10)  # a waiting transaction does not get to read before the other commits
    database.execute("COMMIT")  # ...and commits while ours is under way
    go_on.set()
    worker.join(30)
    return outcome, database.execute("SELECT value FROM counter").fetchone()[0]


def test_a_transaction_that_will_write_waits_for_the_lock_and_counts_both(database):
    outcome, value = _race(database, writes=True)
    assert outcome == ["done"] and value == 11  # nothing lost: it read after the other writer committed


def test_a_plain_transaction_that_read_first_fails_at_its_write(database):
    """Why the word is needed: without it the same race ends in «database is locked», whatever the timeout."""
    outcome, value = _race(database, writes=False)
    assert outcome == ["database is locked"] and value == 10
