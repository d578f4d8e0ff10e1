"""The worker: processes requests («заявки») item by item and sends the e-mail outbox.

Several workers may run at once (processes or the app's lifespan task). They never take the same item: items
and outbox rows are claimed with a lease (`claimed_by`, `lease_until`), using `FOR UPDATE SKIP LOCKED` on
PostgreSQL and a conditional UPDATE on SQLite (see `cabinet.delivery.leases`).

Each item is done in its own transaction, which commits together the handler's effect, the item's status and
result, and the request's counters. A worker killed half-way leaves the item waiting (its effect rolled back);
once the lease runs out another worker does it. So every item is done exactly once.

Handlers are registered per request kind:

    @handles(RequestKind.RENAME)
    def rename(session, request, item) -> str:
        ...                      # change the subscriber, in `session` (do not commit)
        return "Выполнено"       # the item's result; raise ItemRefused("причина") to refuse it
                                 # (any DomainError a service raises refuses it too, with its message;
                                 # other exceptions are retried, then refused as an internal error)

    @on_finish(RequestKind.CALL_DETAIL)
    def mail_detail(session, request) -> None:
        ...                      # e.g. enqueue_email(...) once every item is done, in the same transaction

The modules holding handlers are named in HANDLER_MODULES and imported by `load_handlers()`.

Run it with `python -m cabinet.worker` (until SIGINT/SIGTERM) or `python -m cabinet.worker --once`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib
import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable

from sqlalchemy import exists, func, select, update
from sqlmodel import Session

from cabinet import clock, db, settings
from cabinet.delivery import leases
from cabinet.delivery.mailer import send_due_emails
from cabinet.models import ItemStatus, Request, RequestItem, RequestKind, RequestStatus
from cabinet.services import audit
from cabinet.services.errors import DomainError, ItemRefused  # noqa: F401 - ItemRefused re-exported for handlers

log = logging.getLogger("cabinet.worker")

Handler = Callable[[Session, Request, RequestItem], str]
FinishHook = Callable[[Session, Request], None]

HANDLERS: dict[str, Handler] = {}
FINISH_HOOKS: dict[str, FinishHook] = {}

# Modules whose import registers handlers with @handles / @on_finish (imported by load_handlers()).
HANDLER_MODULES: tuple[str, ...] = ("cabinet.services.finance_handlers", "cabinet.services.subscriber_handlers")

INTERNAL_ERROR = "Внутренняя ошибка, заявка будет рассмотрена оператором"
DEFAULT_RESULT = "Выполнено"
MAX_ITEM_ATTEMPTS = 3
MAX_FINISH_ATTEMPTS = 3
RETRY_BASE_SECONDS = 15
ITEM_LEASE = dt.timedelta(minutes=5)  # covers one claimed batch; a dead worker's items wait this long
CLAIM_BATCH = 20
RUN_BATCH = 100  # items per process_next_request call in run_forever, so a stop is noticed soon

UNFINISHED = (RequestStatus.NEW.value, RequestStatus.IN_PROGRESS.value)

# Requests whose on_finish hook failed in this process: id -> (failures, not before).
_finish_failures: dict[int, tuple[int, dt.datetime]] = {}


# --- registry -----------------------------------------------------------------------------------------------

def handles(kind: RequestKind | str) -> Callable[[Handler], Handler]:
    """Register the item handler of a request kind."""
    key = RequestKind(kind).value

    def register(fn: Handler) -> Handler:
        HANDLERS[key] = fn
        return fn

    return register


def on_finish(kind: RequestKind | str) -> Callable[[FinishHook], FinishHook]:
    """Register the hook run (in the finishing transaction) once every item of a request of this kind is done."""
    key = RequestKind(kind).value

    def register(fn: FinishHook) -> FinishHook:
        FINISH_HOOKS[key] = fn
        return fn

    return register


def load_handlers() -> None:
    for name in HANDLER_MODULES:
        importlib.import_module(name)


def default_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- requests -----------------------------------------------------------------------------------------------

def _waiting(request_id, *, claimable_at: dt.datetime | None = None):
    conditions = [RequestItem.request_id == request_id, RequestItem.status == ItemStatus.WAITING.value]
    if claimable_at is not None:
        conditions.append(leases.lease_free(RequestItem, claimable_at))
    return exists().where(*conditions)


def _pick_request() -> int | None:
    """The oldest unfinished request with an item that may be claimed now."""
    now = clock.now()
    with db.session_scope() as session:
        return session.execute(
            select(Request.id)
            .where(Request.status.in_(UNFINISHED), _waiting(Request.id, claimable_at=now))
            .order_by(Request.created_at, Request.id)
            .limit(1)
        ).scalar_one_or_none()


def _mark_started(request_id: int) -> None:
    with db.session_scope() as session:
        session.execute(
            update(Request.__table__)
            .where(Request.id == request_id, Request.status == RequestStatus.NEW.value)
            .values(status=RequestStatus.IN_PROGRESS.value, started_at=clock.now())
        )


def _claim_items(request_id: int, worker_id: str, limit: int) -> list[int]:
    with db.session_scope() as session:
        return leases.claim(
            session,
            RequestItem,
            where=[RequestItem.request_id == request_id, RequestItem.status == ItemStatus.WAITING.value],
            order_by=[RequestItem.id],  # = submission order (items are inserted in position order)
            limit=limit,
            worker_id=worker_id,
            lease_for=ITEM_LEASE,
        )


def _release_items(item_ids: list[int], worker_id: str) -> None:
    """Give back items claimed but not started (the worker is stopping)."""
    if not item_ids:
        return
    with db.session_scope() as session:
        session.execute(
            update(RequestItem.__table__)
            .where(
                RequestItem.id.in_(item_ids),
                RequestItem.claimed_by == worker_id,
                RequestItem.status == ItemStatus.WAITING.value,
            )
            .values(claimed_by=None, lease_until=None)
        )


def _own_item(session: Session, item_id: int, worker_id: str) -> RequestItem | None:
    """The item, locked for this transaction, if it is still waiting and still ours."""
    return session.execute(
        select(RequestItem)
        .where(
            RequestItem.id == item_id,
            RequestItem.status == ItemStatus.WAITING.value,
            RequestItem.claimed_by == worker_id,
        )
        .with_for_update()
    ).scalar_one_or_none()


def _complete_item(
    session: Session, request_id: int, item_id: int, worker_id: str, status: ItemStatus, result: str, **extra
) -> bool:
    """Record the item's outcome and count it on the request; False (nothing written) if it is no longer ours."""
    session.flush()  # the handler's ORM changes go first, so they cannot overwrite what follows
    done = session.execute(
        update(RequestItem.__table__)
        .where(
            RequestItem.id == item_id,
            RequestItem.status == ItemStatus.WAITING.value,
            RequestItem.claimed_by == worker_id,
        )
        .values(status=status.value, result=result, processed_at=clock.now(), claimed_by=None, lease_until=None, **extra)
    )
    if done.rowcount != 1:
        return False
    counter = Request.done_items if status == ItemStatus.DONE else Request.refused_items
    session.execute(
        update(Request.__table__).where(Request.id == request_id).values({counter.key: counter + 1})
    )
    return True


def _process_item(request_id: int, item_id: int, worker_id: str) -> None:
    with Session(db.engine(), expire_on_commit=False) as session:
        try:
            item = _own_item(session, item_id, worker_id)
            if item is None:
                session.rollback()
                return
            request = session.get(Request, request_id)
            handler = HANDLERS.get(request.kind)
            if handler is None:
                raise LookupError(f"no handler registered for request kind {request.kind!r}")
            try:
                result = handler(session, request, item)
                status = ItemStatus.DONE
                result = str(result) if result else DEFAULT_RESULT
            except DomainError as refusal:  # ItemRefused, or a service's rule refusal: final, not retried
                session.rollback()  # whatever the handler did before refusing is undone
                status, result = ItemStatus.REFUSED, refusal.message
                if _own_item(session, item_id, worker_id) is None:
                    session.rollback()
                    return
            if _complete_item(session, request_id, item_id, worker_id, status, result):
                session.commit()
            else:
                session.rollback()
                log.warning("Позиция %s заявки %s уже не за этим обработчиком; изменения отменены", item_id, request_id)
            return
        except Exception:
            session.rollback()
            log.exception("Ошибка при обработке позиции %s заявки %s", item_id, request_id)
        except BaseException:
            session.rollback()
            raise
    _record_failure(request_id, item_id, worker_id)


def _record_failure(request_id: int, item_id: int, worker_id: str) -> None:
    """Count a failed attempt; retry later with a growing delay, or refuse after MAX_ITEM_ATTEMPTS."""
    with db.session_scope() as session:
        item = _own_item(session, item_id, worker_id)
        if item is None:
            return
        attempts = item.attempts + 1
        if attempts >= MAX_ITEM_ATTEMPTS:
            _complete_item(session, request_id, item_id, worker_id, ItemStatus.REFUSED, INTERNAL_ERROR, attempts=attempts)
            log.error("Позиция %s заявки %s отклонена после %s попыток", item_id, request_id, attempts)
            return
        retry_at = clock.now() + dt.timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (attempts - 1))
        # Not claimed by anyone, but not claimable before retry_at: the lease doubles as "next attempt".
        session.execute(
            update(RequestItem.__table__)
            .where(RequestItem.id == item_id)
            .values(attempts=attempts, claimed_by=None, lease_until=retry_at)
        )


def _final_status(done: int, refused: int) -> RequestStatus:
    if refused == 0:
        return RequestStatus.DONE
    if done == 0:
        return RequestStatus.REFUSED
    return RequestStatus.PARTLY_DONE


def _finish_if_complete(request_id: int) -> bool:
    """Close a request with no waiting item left: final status, finished_at, then its on_finish hook, all in one
    transaction. Only one worker can close it (conditional UPDATE on finished_at)."""
    now = clock.now()
    failures, not_before = _finish_failures.get(request_id, (0, now))
    if not_before > now:
        return False
    with Session(db.engine(), expire_on_commit=False) as session:
        try:
            if session.execute(select(_waiting(request_id))).scalar():
                return False
            request = session.execute(
                select(Request).where(Request.id == request_id, Request.finished_at.is_(None)).with_for_update()
            ).scalar_one_or_none()
            if request is None:
                return False
            counts = dict(
                session.execute(
                    select(RequestItem.status, func.count())
                    .where(RequestItem.request_id == request_id)
                    .group_by(RequestItem.status)
                ).all()
            )
            done, refused = counts.get(ItemStatus.DONE.value, 0), counts.get(ItemStatus.REFUSED.value, 0)
            status = _final_status(done, refused)
            hook = FINISH_HOOKS.get(request.kind)
            give_up = hook is not None and failures >= MAX_FINISH_ATTEMPTS
            values = dict(
                status=status.value,
                finished_at=now,
                started_at=request.started_at or now,
                done_items=done,
                refused_items=refused,
            )
            if give_up:
                values["summary"] = f"{request.summary} — {INTERNAL_ERROR}" if request.summary else INTERNAL_ERROR
            closed = session.execute(
                update(Request.__table__)
                .where(Request.id == request_id, Request.finished_at.is_(None))
                .values(**values)
            )
            if closed.rowcount != 1:
                session.rollback()
                return False
            session.expire(request)
            if hook is not None and not give_up:
                hook(session, request)
            audit.record(
                session,
                action="request.finished",
                user_id=None,
                organization_id=request.organization_id,
                account_id=request.account_id,
                object_kind="request",
                object_id=request_id,
                status=status.value,
                done=done,
                refused=refused,
                finish_hook_failed=give_up,
            )
            session.commit()
        except Exception:
            session.rollback()
            log.exception("Не удалось завершить заявку %s", request_id)
            failures += 1
            _finish_failures[request_id] = (failures, now + dt.timedelta(seconds=RETRY_BASE_SECONDS * 2**failures))
            return False
        except BaseException:
            session.rollback()
            raise
    _finish_failures.pop(request_id, None)
    log.info("Заявка %s завершена: %s (выполнено %s, отказано %s)", request_id, status.value, done, refused)
    return True


def _finish_completed_requests(limit: int = 20) -> bool:
    """Close the unfinished requests that have no waiting item (a worker died after the last item, or the
    request had no items)."""
    with db.session_scope() as session:
        ids = session.execute(
            select(Request.id)
            .where(Request.status.in_(UNFINISHED), ~_waiting(Request.id))
            .order_by(Request.created_at, Request.id)
            .limit(limit)
        ).scalars().all()
    finished = False
    for request_id in ids:
        finished = _finish_if_complete(request_id) or finished
    return finished


def process_next_request(
    worker_id: str, *, max_items: int | None = None, halt: threading.Event | None = None
) -> bool:
    """Take the oldest request with claimable items and do its items, each in its own transaction.

    Stops after `max_items` items or when `halt` is set; closes the request when no waiting item remains.
    Returns True when there was something to do.
    """
    did_work = _finish_completed_requests()
    request_id = _pick_request()
    if request_id is None:
        return did_work
    _mark_started(request_id)
    processed = 0
    while not (halt is not None and halt.is_set()) and (max_items is None or processed < max_items):
        batch = CLAIM_BATCH if max_items is None else min(CLAIM_BATCH, max_items - processed)
        item_ids = _claim_items(request_id, worker_id, batch)
        if not item_ids:
            break
        for index, item_id in enumerate(item_ids):
            if halt is not None and halt.is_set():
                _release_items(item_ids[index:], worker_id)
                break
            _process_item(request_id, item_id, worker_id)
            processed += 1
    _finish_if_complete(request_id)
    return True


# --- running ------------------------------------------------------------------------------------------------

async def run_forever(stop: asyncio.Event, worker_id: str | None = None) -> None:
    """Process requests and send due e-mails until `stop` is set (or the task is cancelled)."""
    worker_id = worker_id or default_worker_id()
    load_handlers()
    halt = threading.Event()
    log.info("Обработчик заявок %s запущен", worker_id)
    try:
        while not stop.is_set():
            busy = False
            try:
                busy = await asyncio.to_thread(process_next_request, worker_id, max_items=RUN_BATCH, halt=halt)
                busy = await send_due_emails(worker_id) > 0 or busy
            except Exception:
                log.exception("Сбой цикла обработчика %s", worker_id)
                busy = False
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), settings.get().worker_poll_seconds)
    finally:
        halt.set()
        log.info("Обработчик заявок %s остановлен", worker_id)


def run_once(worker_id: str | None = None) -> tuple[int, int]:
    """Do everything due now and return (requests touched, e-mails sent). Items waiting for a retry stay."""
    worker_id = worker_id or default_worker_id()
    load_handlers()
    touched = 0
    while process_next_request(worker_id):
        touched += 1

    async def drain() -> int:
        total = 0
        while (sent := await send_due_emails(worker_id)) > 0:
            total += sent
        return total

    return touched, asyncio.run(drain())


async def embedded_services() -> None:
    """The Reflex lifespan task of the embedded mode: the SMTP sink and/or the worker, until cancelled."""
    from cabinet.delivery import smtp_sink

    conf = settings.get()
    stop = asyncio.Event()
    sink = None
    try:
        if conf.embedded_smtp:
            try:
                sink = await asyncio.to_thread(smtp_sink.start_sink)
            except OSError as exc:
                log.error("Встроенный SMTP не запущен (порт %s): %s", conf.smtp_port, exc)
        if conf.run_worker_in_app:
            await run_forever(stop)
        else:
            await asyncio.Event().wait()
    finally:
        stop.set()
        if sink is not None:
            sink.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cabinet.worker", description="Обработчик заявок и почты")
    parser.add_argument("--once", action="store_true", help="обработать все, что ждет, и выйти")
    parser.add_argument("--worker-id", default=None, help="имя обработчика (по умолчанию хост:pid:случайное)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.once:
        touched, sent = run_once(args.worker_id)
        log.info("Готово: заявок обработано %s, писем отправлено %s", touched, sent)
        return 0

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_forever(stop, args.worker_id)

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    # Run the copy imported as `cabinet.worker`, where handler modules register (not this `__main__` copy).
    from cabinet import worker as _worker

    raise SystemExit(_worker.main())
