"""The demo data offers what the kind-of-line rules need: landline numbers in the pool for the city code of every
fixed-line subscriber, and 12-digit landline numbers in the call records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from cabinet.models import CallRecord, NumberPool, PersonalAccount, Subscriber
from cabinet.seed import seed_demo
from cabinet.services.subscribers import lines


@pytest.fixture(scope="module")
def demo():
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        seed_demo(session, today=dt.date(2026, 11, 16))
        session.commit()
        yield session
    engine.dispose()


def test_every_fixed_line_has_pool_numbers_of_its_own_city_code(demo):
    fixed = demo.execute(select(Subscriber.number).join(PersonalAccount, PersonalAccount.id == Subscriber.account_id)
                         .where(PersonalAccount.kind == "fixed")).scalars().all()
    assert fixed and {lines.code_of(n) for n in fixed} == {"17"}
    for number in fixed[:3]:
        pool = demo.execute(select(NumberPool.number, NumberPool.category).where(lines.pool_of(number))).all()
        assert len(pool) >= 200 and {lines.code_of(n) for n, _ in pool} == {"17"}
        assert {c for _, c in pool} >= {"Простой", "Бронзовый"}
        assert all(len(n) == 12 for n, _ in pool)
    mobile_pool = demo.execute(select(NumberPool.number).where(lines.pool_of("375291234567"))).scalars().all()
    assert mobile_pool and all(lines.is_mobile(n) for n in mobile_pool)
    total = demo.execute(select(func.count()).select_from(NumberPool)).scalar_one()
    assert total == len(mobile_pool) + len(pool)  # every pool number is in exactly one of the two pools


def test_calls_to_landlines_have_12_digit_numbers(demo):
    landlines = demo.execute(select(CallRecord.other_number).where(CallRecord.network == "fixed")).scalars().all()
    assert landlines
    assert all(len(n) == 12 and n.startswith("375") and lines.code_of(n) for n in landlines)
    assert any(n.startswith("37517") for n in landlines)
