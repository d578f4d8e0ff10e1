"""A page's call of a service is one unit of work: a database locked past its timeout gets one more try from the
start, then a Russian refusal; nothing is done twice."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from cabinet.models import Organization
from cabinet.services.access import PUBLIC, serves
from cabinet.services.errors import Busy
from cabinet.state.services import call
from tests.unit.factories import make_org


def _locked(times: int, message: str = "database is locked"):
    """A declared service that writes a row, then finds the database locked the first `times` calls."""
    calls = []

    @serves(PUBLIC)
    def rename(session, *, name: str) -> int:
        calls.append(name)
        organization = session.exec(select(Organization)).one()
        organization.name = f"{name} {len(calls)}"
        session.add(organization)
        session.flush()
        if len(calls) <= times:
            raise OperationalError("UPDATE organization", {}, Exception(message))
        return len(calls)

    return rename, calls


def _name(engine) -> str:
    from sqlmodel import Session

    with Session(engine) as session:
        return session.exec(select(Organization.name)).one()


@pytest.fixture
def company(engine, session):
    make_org(session, name="ООО «Было»")
    session.commit()


def test_a_lock_past_the_timeout_is_tried_once_more_and_done_once(engine, company):
    rename, calls = _locked(times=1)
    assert asyncio.run(call(rename, name="Стало")) == 2
    assert _name(engine) == "Стало 2"  # the first attempt was rolled back whole


def test_locked_twice_is_refused_in_russian_and_nothing_is_written(engine, company):
    rename, calls = _locked(times=2)
    with pytest.raises(Busy, match="Сервер занят другими операциями"):
        asyncio.run(call(rename, name="Стало"))
    assert len(calls) == 2 and _name(engine) == "ООО «Было»"


def test_any_other_database_error_is_not_retried(engine, company):
    rename, calls = _locked(times=1, message="no such table: organization")
    with pytest.raises(OperationalError):
        asyncio.run(call(rename, name="Стало"))
    assert len(calls) == 1


class _Followed:
    """What `follow_request` needs of a state: to be entered, as a background task locks its state."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


def test_following_a_request_survives_a_busy_database_and_stops_on_a_refusal():
    from cabinet.services.errors import DomainError
    from cabinet.state.page import follow_request

    looks = []

    async def step() -> bool:
        looks.append(len(looks))
        if len(looks) <= 2:
            raise Busy()  # the database was locked: the page keeps following
        return len(looks) == 4

    asyncio.run(follow_request(_Followed(), step, every=0.001, seconds=1))
    assert len(looks) == 4  # two busy looks, one unfinished, then the finished one

    async def refused() -> bool:
        looks.append("refused")
        raise DomainError("Сеанс завершен.")

    asyncio.run(follow_request(_Followed(), refused, every=0.001, seconds=1))
    assert looks[4:] == ["refused"]
