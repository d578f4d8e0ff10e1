"""Ten users in the cabinet while the worker does a large request: every call the pages make is answered (a «Сервер
занят» counts as a failure), and the request ends with every item done once. On an SQLite file (the embedded mode's
database, not one in memory), or PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import threading
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from cabinet import bootstrap, worker
from cabinet.models import AuditEvent, Request, RequestItem, RequestKind, Subscriber, SubscriberStatus
from cabinet.seed.rows import insert_rows
from cabinet.services.auth import sessions
from cabinet.services.auth import sign_in as auth
from cabinet.services.auth.passwords import hash_password
from cabinet.services.bulk import orders
from cabinet.services.requests import history
from cabinet.services.requests.handling import Prepared, Registry
from cabinet.services.subscribers import excel, listing, operations
from cabinet.state.services import call, call_as
from tests.unit.factories import make_account, make_org, make_tariff, make_user

USERS = 10
PASSWORD = "Nagruzka#2026"
ITEMS = 2_000
GIVE_UP_SECONDS = 600  # only so that a hang fails instead of blocking the run; nothing here is timed
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture
def company(session, data_dir):
    """An account with one administrator who signs in by number and password; no subscribers yet."""
    org = make_org(session)
    account = make_account(session, org)
    user = make_user(session, org, [account], password_hash=hash_password(PASSWORD))
    tariff = make_tariff(session)
    session.commit()
    return account, user, tariff


def seed_subscribers(session, account, tariff, count: int) -> list[str]:
    """`count` active subscribers in one bulk insert (as the seeders write them); their numbers."""
    numbers = [f"37529{n:07d}" for n in range(count)]
    insert_rows(session, Subscriber, [
        dict(account_id=account.id, number=number, name=f"Абонент {n}", tariff_id=tariff.id,
             status=SubscriberStatus.ACTIVE.value, sim_iccid=f"8937502{n:013d}", self_sim_replacement=False,
             connected_on=dt.date(2022, 1, 1) + dt.timedelta(days=n % 1000), version=0)
        for n, number in enumerate(numbers)
    ])
    session.commit()
    return numbers


def sign_in(user, number: int) -> tuple[str, int]:
    """A session of its own for user `number`, signed in as the sign-in page does; (token, account in view)."""
    token = asyncio.run(call(auth.sign_in_with_password, login_kind="phone", login=user.login, password=PASSWORD,
                             address=f"192.0.2.{number + 1}")).token
    return token, asyncio.run(call(sessions.view, token=token)).account_id


@contextmanager
def worker_running(failures: list, registry: Registry | None = None) -> Iterator[None]:
    """The cabinet's worker (its own handlers unless given others) in a thread of its own, as `run_forever` drives
    it, until the block ends; what it raises goes to `failures`."""
    stop = threading.Event()

    def work() -> None:
        one = worker.Worker(registry or bootstrap.handler_registry(), worker_id="concurrent")
        while not stop.is_set():
            try:
                busy = one.process_next_request(max_items=500)
            except Exception as error:
                failures.append(("worker", repr(error)))
                busy = False
            if not busy:
                stop.wait(0.05)

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(GIVE_UP_SECONDS)


def users_meanwhile(user, behaviour: Callable, until: Callable[[], bool], failures: list) -> list[int]:
    """USERS threads, each signed in on its own, doing `behaviour(rng, token, account_id)` (one event of a page,
    awaited) again and again with a short think time, until `until()` is true and each has done a few events;
    every exception goes to `failures`. Returns the requests the users' events ordered."""
    ordered: list[int] = []
    started = threading.Barrier(USERS + 1)

    def one_user(number: int) -> None:
        rng = random.Random(number)
        try:
            token, account_id = sign_in(user, number)
        except Exception as error:
            failures.append((number, "sign in", repr(error)))
            started.wait()
            return
        started.wait()

        async def events() -> None:
            done = 0
            deadline = time.monotonic() + GIVE_UP_SECONDS
            while (done < 5 or not until()) and time.monotonic() < deadline:
                try:
                    found = await behaviour(rng, token, account_id)
                except Exception as error:
                    failures.append((number, repr(error)))
                else:
                    if isinstance(found, operations.OrderResult):
                        ordered.append(found.request_id)
                done += 1
                await asyncio.sleep(rng.uniform(0.05, 0.2))

        asyncio.run(events())

    threads = [threading.Thread(target=one_user, args=(n,), name=f"user {n + 1}") for n in range(USERS)]
    for thread in threads:
        thread.start()
    started.wait()
    for thread in threads:
        thread.join(GIVE_UP_SECONDS)
    return ordered


def finished(engine, request_id: int) -> bool:
    from sqlmodel import Session

    with Session(engine) as session:
        return session.get(Request, request_id).finished_at is not None


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the worker did not finish"
        time.sleep(0.1)


def page_of_list(rng, token, account_id):
    return call_as(token, listing.list_subscribers, account_id=account_id, page=rng.randint(1, 40), page_size=25)


def test_the_worker_and_ten_users_at_once_and_nobody_is_refused(engine, session, company):
    account, user, tariff = company
    numbers = seed_subscribers(session, account, tariff, ITEMS)
    ids = dict(session.exec(select(Subscriber.number, Subscriber.id)).all())
    admin, _ = sign_in(user, USERS)
    big = asyncio.run(call_as(admin, orders.order_bulk_rename, account_id=account.id,
                              names={ids[number]: f"Нагрузка {n}" for n, number in enumerate(numbers)},
                              idempotency_key="big"))
    failures: list = []

    async def behaviour(rng, token, account_id):
        """«Абоненты»: another page, a search by digits of a number, now and then «Сохранить» of a new name."""
        kind = rng.choices(("page", "search", "order"), (6, 3, 1))[0]
        if kind == "page":
            return await page_of_list(rng, token, account_id)
        number = rng.choice(numbers)
        if kind == "search":
            return await call_as(token, listing.list_subscribers, account_id=account_id, search=number[5:10])
        return await call_as(token, operations.order_rename, subscriber_id=ids[number],
                             name=f"Пользователь {rng.random():.6f}", idempotency_key=uuid.uuid4().hex)

    with worker_running(failures):
        ordered = users_meanwhile(user, behaviour, lambda: finished(engine, big.request_id), failures)
        wait_until(lambda: all(finished(engine, request_id) for request_id in [big.request_id, *ordered]))

    assert failures == []
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    request = session.get(Request, big.request_id)
    assert (request.status, request.done_items, request.refused_items) == ("done", ITEMS, 0)
    items = session.exec(select(RequestItem.status).where(RequestItem.request_id == big.request_id)).all()
    assert Counter(items) == Counter({"done": ITEMS})
    renamed = Counter(event.object_id for event in session.exec(
        select(AuditEvent).where(AuditEvent.action == "subscriber.renamed")).all()
        if event.details.get("request_id") == big.request_id)
    assert len(renamed) == ITEMS and set(renamed.values()) == {1}  # each subscriber renamed by it exactly once
    assert ordered and {session.get(Request, request_id).status for request_id in ordered} == {"done"}


def test_the_export_of_100000_subscribers_arrives_while_ten_users_page_the_list(engine, session, company, data_dir):
    """The full 100,000 rows on purpose, a large account's whole list: the slowest unit test (about a minute on a
    busy machine), and it runs in every unit run like the others."""
    account, user, tariff = company
    numbers = seed_subscribers(session, account, tariff, 100_000)
    admin, _ = sign_in(user, USERS)
    started = asyncio.run(call_as(admin, excel.start_export, account_id=account.id, idempotency_key="export"))
    assert started.order is not None  # too large to be written at once: a request for the worker
    export_id = started.order.request_id
    failures: list = []

    async def behaviour(rng, token, account_id):
        if rng.random() < 0.7:
            return await page_of_list(rng, token, account_id)
        return await call_as(token, listing.list_subscribers, account_id=account_id,
                             search=rng.choice(numbers)[6:11])

    with worker_running(failures):
        users_meanwhile(user, behaviour, lambda: finished(engine, export_id), failures)
        wait_until(lambda: finished(engine, export_id))

    assert failures == []
    request = asyncio.run(call_as(admin, history.get_request, request_id=export_id))
    assert request.status_title == "Выполнена"
    path = asyncio.run(call_as(admin, excel.export_file, request_id=export_id))
    workbook = load_workbook(path, read_only=True)  # a workbook a spreadsheet opens, with the list's columns
    try:
        assert next(workbook.active.iter_rows(values_only=True)) == excel.EXPORT_COLUMNS
    finally:
        workbook.close()
    header, *exported = first_column(path)
    assert header == excel.EXPORT_COLUMNS[0]
    assert len(exported) == 100_000 and set(exported) == set(numbers)


def test_signing_in_and_ordering_are_answered_while_a_large_export_is_being_written(engine, session, company):
    """The export reads for long: it must keep no one waiting (on SQLite, it must not hold the write lock). The
    worker's export is held in the middle until a user has signed in and ordered a rename."""
    account, user, tariff = company
    numbers = seed_subscribers(session, account, tariff, excel.EXPORT_INLINE_LIMIT + 1)
    first = session.exec(select(Subscriber.id).where(Subscriber.number == numbers[0])).one()
    admin, _ = sign_in(user, USERS)
    export_id = asyncio.run(call_as(admin, excel.start_export, account_id=account.id,
                                    idempotency_key="export")).order.request_id
    registry = bootstrap.handler_registry()
    real_export = registry.handler(RequestKind.EXPORT.value)
    exporting, answered = threading.Event(), threading.Event()

    def held_file(session, request, item):  # the export's slow part, held until the user has been answered
        exporting.set()
        answered.wait(GIVE_UP_SECONDS)
        return real_export.prepare(session, request, item)

    held_export = Prepared(prepare=held_file, record=real_export.record)

    failures: list = []
    with worker_running(failures, Registry(handlers={**registry.handlers, RequestKind.EXPORT.value: held_export},
                                           finish_hooks=registry.finish_hooks)):
        assert exporting.wait(GIVE_UP_SECONDS)
        try:
            token, account_id = sign_in(user, 0)
            ordered = asyncio.run(call_as(token, operations.order_rename, subscriber_id=first, name="Новое имя",
                                          idempotency_key="rename"))
            export_running = not finished(engine, export_id)
        finally:
            answered.set()
        wait_until(lambda: finished(engine, export_id) and finished(engine, ordered.request_id))

    assert failures == [] and export_running
    assert asyncio.run(call_as(admin, history.get_request, request_id=export_id)).status_title == "Выполнена"
    assert asyncio.run(call_as(token, history.get_request, request_id=ordered.request_id)).status_title == "Выполнена"
    header, *exported = first_column(asyncio.run(call_as(admin, excel.export_file, request_id=export_id)))
    assert sorted(exported) == numbers


def first_column(path: Path) -> list[str]:
    """The first cell of every row of the workbook's one sheet, read from its XML (openpyxl takes half a minute to
    read 100,000 rows here); the export writes its text inline."""
    with zipfile.ZipFile(path) as package:
        sheets = [name for name in package.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 1
        cells = []
        with package.open(sheets[0]) as sheet:
            for _, element in ElementTree.iterparse(sheet):
                if element.tag == f"{SHEET}row":
                    first = element.find(f"{SHEET}c")
                    cells.append("".join(first.itertext()) if first is not None else None)
                    element.clear()
    return cells
