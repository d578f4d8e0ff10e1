"""The worker: every item done exactly once, in batches (one transaction each), whatever happens to the worker."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, SQLModel, select

from cabinet import clock, db, settings, worker
from cabinet.delivery import enqueue_email, smtp_sink
from cabinet.models import AuditEvent, OutboxEmail, Request, RequestItem, RequestKind, Subscriber
from cabinet.services.errors import DomainError, ItemRefused
from cabinet.services.requests import history, store
from cabinet.services.requests.store import ItemDraft
from tests.conftest import TEST_DATABASE_URL
from tests.unit.factories import make_subscriber

postgres_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="runs against an SQLite file")


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the worker handles it."""


def submit(session, owner, n=5, key="k1", kind=RequestKind.RENAME) -> int:
    actor, account = owner
    subscribers = [make_subscriber(session, account, name="Старое имя") for _ in range(n)]
    dto = store.submit_request(
        session,
        actor=actor,
        account_id=account.id,
        kind=kind,
        params={},
        items=[ItemDraft(subscriber_id=s.id, params={"name": f"Новое имя {i}"}) for i, s in enumerate(subscribers)],
        idempotency_key=key,
    )
    session.commit()
    return dto.id


def rename_effect(session, item):
    """A real change in the item's transaction, plus one row per execution to count them."""
    subscriber = session.get(Subscriber, item.subscriber_id)
    subscriber.name = item.params["name"]
    session.add(AuditEvent(action="test.effect", object_kind="item", object_id=str(item.id)))


def effects(session) -> Counter:
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    rows = session.exec(select(AuditEvent.object_id).where(AuditEvent.action == "test.effect")).all()
    return Counter(int(r) for r in rows)


def state(session, request_id):
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    request = session.get(Request, request_id)
    items = session.exec(
        select(RequestItem).where(RequestItem.request_id == request_id).order_by(RequestItem.position)
    ).all()
    return request, items


def test_items_done_and_request_closed(session, owner, registry, process):
    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        rename_effect(session, item)
        return "Наименование изменено"

    request_id = submit(session, owner)
    assert process("w1") is True

    request, items = state(session, request_id)
    assert (request.status, request.done_items, request.refused_items) == ("done", 5, 0)
    assert request.started_at == request.finished_at == clock.now()
    assert all(i.status == "done" and i.result == "Наименование изменено" for i in items)
    assert all(i.processed_at == clock.now() and i.claimed_by is None for i in items)
    assert effects(session) == Counter({i.id: 1 for i in items})
    names = session.exec(select(Subscriber.name).order_by(Subscriber.id)).all()
    assert names == [f"Новое имя {i}" for i in range(5)]
    assert process("w1") is False
    dto = history.get_request(session, actor=owner[0], request_id=request_id)
    assert dto.status_title == "Выполнена" and dto.waiting_items == 0


def test_refusal_recorded_with_reason_and_its_changes_undone(session, owner, registry, process):
    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        rename_effect(session, item)
        if item.position == 2:
            raise ItemRefused("Услуга недоступна на тарифном плане абонента.")
        if item.position == 4:
            raise DomainError("Абонент с таким номером не найден на этом лицевом счете.")  # a service's refusal
        return "Выполнено"

    request_id = submit(session, owner, n=4)
    process("w1")

    request, items = state(session, request_id)
    assert (request.status, request.done_items, request.refused_items) == ("partly_done", 2, 2)
    assert [i.status for i in items] == ["done", "refused", "done", "refused"]
    assert items[1].result == "Услуга недоступна на тарифном плане абонента."
    assert items[3].result == "Абонент с таким номером не найден на этом лицевом счете."
    assert items[3].attempts == 0  # a rule's refusal is final, not retried
    assert effects(session) == Counter({items[0].id: 1, items[2].id: 1})  # the refused items' changes rolled back
    assert session.get(Subscriber, items[1].subscriber_id).name == "Старое имя"
    assert history.get_request(session, actor=owner[0], request_id=request_id).status_title == "Выполнена частично"


def test_all_refused_makes_the_request_refused(session, owner, registry, process):
    registry.handles(RequestKind.RENAME)(lambda s, r, i: (_ for _ in ()).throw(ItemRefused("Нельзя.")))
    request_id = submit(session, owner, n=2)
    process("w1")
    request, items = state(session, request_id)
    assert request.status == "refused" and request.refused_items == 2
    assert {i.result for i in items} == {"Нельзя."}


def test_worker_killed_mid_batch_commits_nothing_of_it_and_another_finishes_exactly_once(session, owner, registry, process):
    calls = []

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        calls.append(item.id)
        rename_effect(session, item)
        session.flush()  # the effect reached the database...
        if len(calls) == 3:
            raise WorkerKilled()  # ...and then the process died before its commit
        return "Выполнено"

    request_id = submit(session, owner, n=6)
    with pytest.raises(WorkerKilled):
        process("w1")

    request, items = state(session, request_id)
    assert [i.status for i in items] == ["waiting"] * 6  # the batch's first two items are not kept either
    assert all(i.claimed_by == "w1" and i.attempts == 0 for i in items)
    assert request.status == "in_progress" and request.done_items == 0
    assert effects(session) == Counter()
    assert session.get(Subscriber, items[0].subscriber_id).name == "Старое имя"

    # A new worker starts; the dead one's items are leased to it until the lease runs out, within 30 s.
    assert process("w2") is False
    clock.advance(seconds=29)
    assert process("w2") is False
    clock.advance(seconds=1)
    assert process("w2") is True

    request, items = state(session, request_id)
    assert all(i.status == "done" for i in items)
    assert (request.status, request.done_items, request.total_items) == ("done", 6, 6)
    assert effects(session) == Counter({i.id: 1 for i in items})
    assert Counter(calls) == Counter({i.id: 2 if i.position <= 3 else 1 for i in items})  # tried twice, done once


def test_a_live_worker_keeps_its_items_by_renewing_their_lease_after_each_batch(session, owner, registry, process):
    """The lease is short so that a dead worker's items are taken over within 30 s; a live worker's are not: after
    every batch the items it still holds are leased to it again."""
    limits = worker.Limits(claim_batch=8, transaction_items=4, transaction_seconds=3600)
    seen = {}

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        if item.position == 4:
            clock.advance(seconds=25)  # the first batch is slow: most of the lease is gone when it ends
        if item.position == 5:
            seen["held"] = [(i.claimed_by, i.lease_until) for i in session.exec(
                select(RequestItem).where(RequestItem.request_id == request.id, RequestItem.position > 5)
                .order_by(RequestItem.position)).all()][:3]
        return "Выполнено"

    request_id = submit(session, owner, n=8)
    assert process("w1", limits=limits) is True
    renewed = clock.now() + dt.timedelta(seconds=30)
    assert seen["held"] == [("w1", renewed)] * 3  # renewed when the first batch ended, not 30 s after the claim
    request, items = state(session, request_id)
    assert request.status == "done" and all(i.status == "done" for i in items)


def test_worker_killed_in_its_second_batch_keeps_the_first_and_the_rest_is_done_once(
    session, owner, registry, process
):
    limits = worker.Limits(claim_batch=8, transaction_items=4, transaction_seconds=3600)
    calls = Counter()
    killed = []

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        calls[item.id] += 1
        rename_effect(session, item)
        if item.position == 6 and not killed:
            killed.append(item.id)
            raise KeyboardInterrupt  # the process is stopped the hard way in the middle of its second batch
        return "Выполнено"

    request_id = submit(session, owner, n=10)
    with pytest.raises(KeyboardInterrupt):
        process("w1", limits=limits)

    request, items = state(session, request_id)
    assert [i.status for i in items] == ["done"] * 4 + ["waiting"] * 6
    assert [i.claimed_by for i in items[4:]] == ["w1"] * 4 + [None] * 2  # its claim waits for the lease
    assert (request.done_items, request.refused_items) == (4, 0)
    assert effects(session) == Counter({i.id: 1 for i in items[:4]})

    assert process("w2", limits=limits) is True  # the unclaimed items at once
    request, items = state(session, request_id)
    assert [i.status for i in items] == ["done"] * 4 + ["waiting"] * 4 + ["done"] * 2
    assert request.finished_at is None and request.done_items == 6

    clock.advance(seconds=30)
    assert process("w2", limits=limits) is True
    request, items = state(session, request_id)
    assert (request.status, request.done_items, request.refused_items) == ("done", 10, 0)
    assert all(i.status == "done" and i.claimed_by is None for i in items)
    assert effects(session) == Counter({i.id: 1 for i in items})  # each item's effect committed once
    assert calls == Counter({i.id: 2 if i.position in (5, 6) else 1 for i in items})


def test_stopped_worker_gives_its_claimed_items_back(session, owner, registry, process):
    halt = threading.Event()

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        rename_effect(session, item)
        if item.position == 2:
            halt.set()  # stop requested while the second item is being done
        return "Выполнено"

    request_id = submit(session, owner, n=5)
    process("w1", halt=halt)
    request, items = state(session, request_id)
    assert [i.status for i in items] == ["done", "done", "waiting", "waiting", "waiting"]
    assert all(i.claimed_by is None and i.lease_until is None for i in items[2:])

    process("w2")  # at once, no lease to wait for
    request, items = state(session, request_id)
    assert request.status == "done"
    assert effects(session) == Counter({i.id: 1 for i in items})


def test_a_refused_item_does_not_undo_the_rest_of_its_batch(session, owner, registry, process):
    sessions = []

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        sessions.append(session)
        rename_effect(session, item)
        session.flush()  # the refused item's change reaches the database; its savepoint must undo it
        if item.position in (2, 5):
            raise ItemRefused(f"Отказ по позиции {item.position}.")
        return f"Готово {item.position}"

    request_id = submit(session, owner, n=6)
    assert process("w1") is True

    assert len(sessions) == 6 and all(s is sessions[0] for s in sessions)  # one batch, one transaction
    request, items = state(session, request_id)
    assert (request.status, request.done_items, request.refused_items) == ("partly_done", 4, 2)
    assert [i.status for i in items] == ["done", "refused", "done", "done", "refused", "done"]
    assert [i.result for i in items] == ["Готово 1", "Отказ по позиции 2.", "Готово 3", "Готово 4",
                                         "Отказ по позиции 5.", "Готово 6"]
    assert all(i.claimed_by is None and i.lease_until is None and i.processed_at == clock.now() for i in items)
    assert effects(session) == Counter({i.id: 1 for i in items if i.status == "done"})
    names = {i.position: session.get(Subscriber, i.subscriber_id).name for i in items}
    assert names == {1: "Новое имя 0", 2: "Старое имя", 3: "Новое имя 2", 4: "Новое имя 3", 5: "Старое имя",
                     6: "Новое имя 5"}


def test_an_unexpected_error_is_retried_later_while_the_rest_of_its_batch_is_done(session, owner, registry, process):
    calls = Counter()

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        calls[item.position] += 1
        rename_effect(session, item)
        if calls[item.position] == 1 and item.position == 2:
            raise RuntimeError("billing system timeout")
        if calls[item.position] == 1 and item.position == 4:
            session.get(Subscriber, item.subscriber_id).account_id = 10**9  # the database refuses it at flush
        return "Выполнено"

    request_id = submit(session, owner, n=5)
    assert process("w1") is True
    request, items = state(session, request_id)
    assert [i.status for i in items] == ["done", "waiting", "done", "waiting", "done"]
    assert [i.attempts for i in items] == [0, 1, 0, 1, 0]
    assert all(i.claimed_by is None for i in items)
    assert items[1].lease_until == clock.now() + dt.timedelta(seconds=worker.RETRY_BASE_SECONDS)  # next attempt
    assert (request.status, request.done_items, request.refused_items) == ("in_progress", 3, 0)
    assert effects(session) == Counter({items[0].id: 1, items[2].id: 1, items[4].id: 1})

    assert process("w1") is False  # retries not due yet
    clock.advance(seconds=worker.RETRY_BASE_SECONDS)
    assert process("w1") is True
    request, items = state(session, request_id)
    assert (request.status, request.done_items) == ("done", 5)
    assert effects(session) == Counter({i.id: 1 for i in items})
    assert calls == Counter({1: 1, 2: 2, 3: 1, 4: 2, 5: 1})


def test_a_batch_whose_commit_fails_is_done_again_item_by_item(session, owner, registry, process, engine):
    calls = Counter()
    fail_commit = []

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        calls[item.position] += 1
        rename_effect(session, item)
        if item.position == 3 and calls[3] == 1:
            fail_commit.append(True)  # e.g. the database drops the connection at COMMIT
        return "Выполнено"

    def commit(connection):
        if fail_commit:
            fail_commit.clear()
            raise RuntimeError("connection lost at commit")

    event.listen(engine, "commit", commit)
    try:
        request_id = submit(session, owner, n=5)
        assert process("w1") is True
    finally:
        event.remove(engine, "commit", commit)

    request, items = state(session, request_id)
    assert (request.status, request.done_items) == ("done", 5)
    assert all(i.status == "done" and i.attempts == 0 for i in items)
    assert effects(session) == Counter({i.id: 1 for i in items})
    assert calls == Counter({1: 2, 2: 2, 3: 2, 4: 2, 5: 2})  # the batch, then each item alone


def test_a_handler_may_not_end_the_batch_transaction(session, owner, registry, process):
    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        rename_effect(session, item)
        if item.position == 2:
            session.commit()  # would commit the first item's effect without its status
        if item.position == 3:
            session.rollback()  # would undo the first items' effects but not their statuses
        return "Выполнено"

    request_id = submit(session, owner, n=4)
    process("w1")
    request, items = state(session, request_id)
    assert [(i.status, i.attempts) for i in items] == [("done", 0), ("waiting", 1), ("waiting", 1), ("done", 0)]
    assert request.done_items == 2
    assert effects(session) == Counter({items[0].id: 1, items[3].id: 1})


def test_batches_are_bounded_by_items_and_time_and_by_max_items(session, owner, registry, process):
    sessions = []

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        sessions.append(session)
        return "Выполнено"

    def batch_sizes():
        sizes = [1]
        for before, after in zip(sessions, sessions[1:]):
            if after is before:
                sizes[-1] += 1
            else:
                sizes.append(1)
        return sizes

    request_id = submit(session, owner, n=7)
    assert process("w1", max_items=3, limits=worker.Limits(transaction_items=2, transaction_seconds=3600)) is True
    request, items = state(session, request_id)
    assert [i.status for i in items] == ["done"] * 3 + ["waiting"] * 4
    assert all(i.claimed_by is None for i in items)
    assert batch_sizes() == [2, 1]

    sessions.clear()
    # every transaction is over its time after one item
    process("w1", limits=worker.Limits(transaction_items=3, transaction_seconds=0))
    request, items = state(session, request_id)
    assert request.status == "done" and all(i.status == "done" for i in items)
    assert batch_sizes() == [1, 1, 1, 1]


def test_crashing_handler_is_retried_later_and_its_effect_counted_once(session, owner, registry, process):
    failures = []

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        rename_effect(session, item)
        if item.position == 1 and not failures:
            failures.append(item.id)
            raise RuntimeError("billing system timeout")
        return "Выполнено"

    request_id = submit(session, owner, n=2)
    process("w1")
    request, items = state(session, request_id)
    assert [i.status for i in items] == ["waiting", "done"]
    assert items[0].attempts == 1 and request.finished_at is None

    assert process("w1") is False  # retry not due yet
    clock.advance(seconds=worker.RETRY_BASE_SECONDS)
    assert process("w1") is True

    request, items = state(session, request_id)
    assert request.status == "done" and [i.status for i in items] == ["done", "done"]
    assert effects(session) == Counter({items[0].id: 1, items[1].id: 1})


def test_item_refused_after_three_crashes(session, owner, registry, process):
    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        rename_effect(session, item)
        raise RuntimeError("bug")

    request_id = submit(session, owner, n=1)
    for _ in range(5):
        process("w1")
        clock.advance(minutes=10)

    request, [item] = state(session, request_id)
    assert (item.status, item.attempts) == ("refused", 3)
    assert item.result == "Внутренняя ошибка, заявка будет рассмотрена оператором"
    assert request.status == "refused"
    assert effects(session) == Counter()


def test_on_finish_runs_once_and_its_email_is_delivered(session, owner, registry, mail_sink):
    finished = []
    registry.handles(RequestKind.CALL_DETAIL)(lambda s, r, i: "Включен в детализацию")

    @registry.on_finish(RequestKind.CALL_DETAIL)
    def mail(session, request):
        finished.append(request.id)
        assert request.status == "done" and request.finished_at is not None
        enqueue_email(session, recipients=["buh@example.test"], subject="Детализация", body="Во вложении.",
                      request_id=request.id)

    request_id = submit(session, owner, n=3, kind=RequestKind.CALL_DETAIL)
    touched, sent = worker.Worker(registry, worker_id="w1").run_once()
    assert (touched, sent) == (1, 1)
    assert worker.Worker(registry, worker_id="w1").run_once() == (0, 0)
    assert finished == [request_id]
    assert len(mail_sink.messages()) == 1
    session.commit()  # end the read snapshot, then read afresh
    session.expire_all()
    assert session.exec(select(OutboxEmail.status)).all() == ["sent"]


def test_failing_on_finish_is_retried_and_the_request_closed_once(session, owner, registry, process):
    calls = []
    registry.handles(RequestKind.RENAME)(lambda s, r, i: "Выполнено")

    @registry.on_finish(RequestKind.RENAME)
    def hook(session, request):
        calls.append(request.id)
        if len(calls) == 1:
            raise RuntimeError("document renderer crashed")

    request_id = submit(session, owner, n=1)
    process("w1")
    request, _ = state(session, request_id)
    assert request.finished_at is None and request.status == "in_progress"

    clock.advance(minutes=5)
    assert process("w1") is True
    request, _ = state(session, request_id)
    assert request.status == "done" and calls == [request_id, request_id]
    assert process("w1") is False


def test_request_without_items_is_closed_and_its_hook_runs(session, owner, registry, process):
    calls = []
    registry.on_finish(RequestKind.RECONCILIATION)(lambda s, r: calls.append(r.id))
    request_id = submit(session, owner, n=0, kind=RequestKind.RECONCILIATION)
    assert process("w1") is True
    request, _ = state(session, request_id)
    assert request.status == "done" and calls == [request_id]


@postgres_only
def test_two_workers_on_postgres_take_disjoint_items(session, owner, registry, process):
    taken: dict[str, list[int]] = {"w1": [], "w2": []}
    hooks = []
    lock = threading.Lock()

    @registry.handles(RequestKind.RENAME)
    def rename(session, request, item):
        rename_effect(session, item)
        with lock:
            taken[threading.current_thread().name].append(item.id)
        time.sleep(0.01)
        return "Выполнено"

    registry.on_finish(RequestKind.RENAME)(lambda s, r: hooks.append(r.id))
    request_id = submit(session, owner, n=40)
    start = threading.Barrier(2)
    errors = []

    def run(worker_id):
        try:
            start.wait()
            while process(worker_id, limits=worker.Limits(claim_batch=3, transaction_seconds=3600)):
                pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,), name=w) for w in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert taken["w1"] and taken["w2"], "both workers should have done some items"
    assert not set(taken["w1"]) & set(taken["w2"])
    request, items = state(session, request_id)
    assert sorted(taken["w1"] + taken["w2"]) == sorted(i.id for i in items)
    assert effects(session) == Counter({i.id: 1 for i in items})
    assert (request.status, request.done_items) == ("done", 40)
    assert hooks == [request_id]


def test_the_apps_lifespan_tasks_run_the_smtp_sink_and_the_worker_until_the_app_stops(
    session, owner, registry, monkeypatch, embedded_mail
):
    """The embedded mode's lifespan tasks: the SMTP sink and the worker serve while the app runs, then both stop."""
    registry.handles(RequestKind.CALL_DETAIL)(lambda s, r, i: "Выполнено")
    registry.on_finish(RequestKind.CALL_DETAIL)(
        lambda s, r: enqueue_email(s, recipients=["buh@example.test"], subject="Детализация", body="…")
    )
    monkeypatch.setenv("RUN_WORKER_IN_APP", "1")
    monkeypatch.setenv("WORKER_POLL_SECONDS", "0.05")
    settings.reset()
    request_id = submit(session, owner, n=3, kind=RequestKind.CALL_DETAIL)
    mail_dir = settings.get().mail_dir

    async def scenario():
        async with smtp_sink.serving(), worker.Worker(registry).serving():
            for _ in range(200):  # the worker does the request, its hook queues the e-mail, the sink stores it
                if list(mail_dir.glob("*.eml")):
                    break
                await asyncio.sleep(0.05)

    try:
        asyncio.run(scenario())
    finally:
        settings.reset()
    assert len(list(mail_dir.glob("*.eml"))) == 1
    request, _ = state(session, request_id)
    assert request.status == "done"
    import socket

    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", settings.get().smtp_port), timeout=1):
        pass  # the sink was stopped with the app


@sqlite_only
def test_command_line_once_sends_the_outbox(tmp_path):
    database = tmp_path / "cabinet.db"
    engine = db.make_engine(f"sqlite:///{database}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        enqueue_email(s, recipients=["a@example.test"], subject="Проверка", body="текст")
        s.commit()
    engine.dispose()
    port = smtp_sink.free_port()
    sink = smtp_sink.start_sink(port=port, mail_dir=tmp_path / "mail")
    try:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", CABINET_DATA_DIR=str(tmp_path),
                   SECRET_KEY="test", SMTP_HOST="embedded", SMTP_PORT=str(port))
        done = subprocess.run([sys.executable, "-m", "cabinet.worker", "--once"], cwd=settings.PROJECT_DIR,
                              env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert len(sink.messages()) == 1
    finally:
        sink.stop()
    with Session(db.make_engine(f"sqlite:///{database}")) as s:
        assert s.exec(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status == "sent")).one() == 1
