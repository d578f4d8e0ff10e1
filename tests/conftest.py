"""Unit tests run against a real database: SQLite in memory, or PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

import cabinet.models  # noqa: F401
from cabinet import clock, db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
_pg_engine = None


def _fresh_engine(folder):
    global _pg_engine
    if not TEST_DATABASE_URL:
        engine = db.make_engine(f"sqlite:///{folder / 'test.db'}")
        SQLModel.metadata.create_all(engine)
        return engine
    if _pg_engine is None:
        _pg_engine = db.make_engine(TEST_DATABASE_URL)
        SQLModel.metadata.drop_all(_pg_engine)
        SQLModel.metadata.create_all(_pg_engine)
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with _pg_engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return _pg_engine


@pytest.fixture
def engine(tmp_path):
    engine = _fresh_engine(tmp_path)
    db.set_engine(engine)
    yield engine
    db.set_engine(None)
    if not TEST_DATABASE_URL:
        engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every test starts on a known day; tests move it as their rule needs."""
    import datetime as dt

    clock.set_now(dt.datetime(2026, 11, 16, 10, 0))
    yield
    clock.set_now(None)
