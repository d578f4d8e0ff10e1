"""Slow work (rendering a document, writing an export) is done with no write lock held, so no other user's write
waits for it; only what it made is recorded in the worker's short write transaction, exactly once."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cabinet.models import RequestKind
from cabinet.services.errors import ItemRefused
from cabinet.services.requests.handling import Prepared, PreparedHook
from tests.unit.worker.test_worker import effects, rename_effect, state, submit


def write_lock_free(engine, item_id: int) -> bool:
    """Whether another connection could write now, without waiting: on SQLite, take the database's write lock; on
    PostgreSQL, lock the item's row."""
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(engine.url.database, timeout=0.05)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()
    with engine.connect() as connection:
        try:
            connection.execute(text("SELECT id FROM requestitem WHERE id = :id FOR UPDATE NOWAIT"), {"id": item_id})
            return True
        except OperationalError:
            return False
        finally:
            connection.rollback()


def test_slow_work_holds_no_write_lock_and_only_its_result_is_written_in_the_transaction(
        session, engine, owner, registry, process):
    seen: dict[str, list[bool]] = {"prepared": [], "plain": []}

    def prepare(session, request, item):
        seen["prepared"].append(write_lock_free(engine, item.id))
        return f"файл {item.position}"

    def record(session, request, item, made):
        rename_effect(session, item)
        return f"Готово: {made}"

    registry.handlers[RequestKind.EXPORT.value] = Prepared(prepare=prepare, record=record)

    @registry.handles(RequestKind.RENAME)
    def plain(session, request, item):  # the probe's control: a handler in the write transaction sees it taken
        seen["plain"].append(write_lock_free(engine, item.id))
        rename_effect(session, item)
        return "Выполнено"

    slow = submit(session, owner, n=3, key="slow", kind=RequestKind.EXPORT)
    quick = submit(session, owner, n=1, key="quick")
    assert process() is True and process() is True

    assert seen == {"prepared": [True, True, True], "plain": [False]}
    request, items = state(session, slow)
    assert [i.result for i in items] == ["Готово: файл 1", "Готово: файл 2", "Готово: файл 3"]
    assert (request.status, request.done_items) == ("done", 3)
    assert effects(session)[items[0].id] == 1 and state(session, quick)[0].status == "done"


def test_a_refusal_while_preparing_refuses_the_item_and_a_failure_is_tried_again(session, owner, registry, process):
    failed: list[int] = []

    def prepare(session, request, item):
        if item.position == 1:
            raise ItemRefused("Нечего выгружать.")
        if item.position == 2 and not failed:
            failed.append(item.id)
            raise RuntimeError("disk full")
        return item.position

    registry.handlers[RequestKind.EXPORT.value] = Prepared(prepare=prepare,
                                                           record=lambda session, request, item, made: f"№ {made}")
    request_id = submit(session, owner, n=3, kind=RequestKind.EXPORT)
    process()

    request, items = state(session, request_id)
    assert [(i.status, i.result) for i in items] == [("refused", "Нечего выгружать."), ("waiting", ""),
                                                     ("done", "№ 3")]
    assert items[1].attempts == 1 and items[1].claimed_by is None  # given back, to be tried again later


def test_a_prepared_finish_hook_renders_unlocked_then_records_once(session, engine, owner, registry, process):
    rendered: list[bool] = []

    @registry.handles(RequestKind.CALL_DETAIL)
    def check(session, request, item):
        return "Включен"

    def prepare(session, request):
        rendered.append(write_lock_free(engine, 0))
        return f"документ заявки {request.id}"

    def record(session, request, made):
        request.summary = f"Отправлен {made}"
        session.add(request)

    registry.finish_hooks[RequestKind.CALL_DETAIL.value] = PreparedHook(prepare=prepare, record=record)
    request_id = submit(session, owner, n=2, kind=RequestKind.CALL_DETAIL)
    process()
    process()

    request, _ = state(session, request_id)
    assert rendered == [True]
    assert (request.status, request.summary) == ("done", f"Отправлен документ заявки {request_id}")
