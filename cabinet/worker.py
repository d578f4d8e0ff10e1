"""The worker: processes requests («заявки») item by item and sends the e-mail outbox.

Several workers may run at once (processes or the app's lifespan task). They never take the same item: items
and outbox rows are claimed with a lease (`claimed_by`, `lease_until`), using `FOR UPDATE SKIP LOCKED` on
PostgreSQL and a conditional UPDATE on SQLite (see `cabinet.delivery.leases`).

Items are done in batches: a worker claims up to CLAIM_BATCH items of a request (a committed lease), then does
them in transactions of up to TRANSACTION_ITEMS items or TRANSACTION_SECONDS, whichever comes first. Each
transaction locks and loads its items in one SELECT (… FOR UPDATE on PostgreSQL), loads the request once, runs
each item's handler in a SAVEPOINT of its own (`session.begin_nested()`), then writes the items' statuses and
results in one UPDATE (a retry in one of its own), adds the batch's counts to the request's counters in
another, and commits. So:
- an item's effect, its status and result and the request's counters are committed together or not at all;
- a refused item (ItemRefused, or any DomainError) has its savepoint rolled back: its own effect is undone,
  the other items of the batch are not; the refusal is recorded in the same commit;
- an item whose handler fails unexpectedly has its savepoint rolled back and its failure recorded in the
  same commit (retried later with a growing delay, refused as an internal error after MAX_ITEM_ATTEMPTS);
- if the transaction fails as a whole (e.g. its commit, or a handler that closed the session), nothing of it
  is kept and its items are done again one per transaction, so only a faulty item pays for it; a handler may
  not commit or roll back the session itself (it raises, failing that item);
- a worker killed half-way through a batch commits nothing of it: all its items stay waiting, leased to the
  dead worker; once the lease runs out another worker does them. So every item is done exactly once.
A stop (`halt`) is noticed between items: what the batch has done so far is committed, the rest given back.

Handlers are registered per request kind:

    @handles(RequestKind.RENAME)
    def rename(session, request, item) -> str:
        ...                      # change the subscriber, in `session` (do not commit or roll back)
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
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import case, exists, func, select, update
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
# Items claimed at once: few claims, as on PostgreSQL each one reads and sorts all the request's waiting items.
CLAIM_BATCH = 100
# Items per transaction, one savepoint (subtransaction) each: PostgreSQL caches only 64 per transaction.
TRANSACTION_ITEMS = 50
# A transaction commits after this long even with fewer items, so slow handlers keep locks and lost work small.
TRANSACTION_SECONDS = 0.5
RUN_BATCH = 500  # items per process_next_request call in run_forever, so a stop is noticed soon

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
    return _own_items(session, [item_id], worker_id).get(item_id)


def _own_items(session: Session, item_ids: Sequence[int], worker_id: str) -> dict[int, RequestItem]:
    """Those of the items still waiting and still ours, locked for this transaction (one SELECT), by id."""
    items = session.execute(
        select(RequestItem)
        .where(
            RequestItem.id.in_(item_ids),
            RequestItem.status == ItemStatus.WAITING.value,
            RequestItem.claimed_by == worker_id,
        )
        .order_by(RequestItem.id)  # locks taken in one order by every worker
        .with_for_update()
    ).scalars()
    return {item.id: item for item in items}


@dataclass(frozen=True)
class _Outcome:
    """What an attempt at an item came to: DONE or REFUSED (final), or WAITING for a retry at `retry_at`."""

    item_id: int
    status: ItemStatus
    result: str = ""
    attempts: int | None = None  # set when the attempt failed
    retry_at: dt.datetime | None = None


class _ClaimLost(RuntimeError):
    """An item of the batch is no longer waiting and this worker's: the batch's transaction must not commit."""


def _failure(request_id: int, item_id: int, attempts: int) -> _Outcome:
    """A failed attempt (the `attempts`-th): retry later with a growing delay, or refuse after MAX_ITEM_ATTEMPTS."""
    if attempts >= MAX_ITEM_ATTEMPTS:
        log.error("Позиция %s заявки %s отклонена после %s попыток", item_id, request_id, attempts)
        return _Outcome(item_id, ItemStatus.REFUSED, INTERNAL_ERROR, attempts=attempts)
    # Not claimed by anyone, but not claimable before retry_at: the lease doubles as "next attempt".
    retry_at = clock.now() + dt.timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return _Outcome(item_id, ItemStatus.WAITING, attempts=attempts, retry_at=retry_at)


def _by_item(values: dict[int, object], otherwise=None):
    """A column's new value per item id: the value itself when all items share it, else a CASE on the id."""
    if otherwise is None and len(set(values.values())) == 1:
        return next(iter(values.values()))
    return case(values, value=RequestItem.id, else_=otherwise)


def _write_outcomes(session: Session, request_id: int, worker_id: str, outcomes: list[_Outcome]) -> None:
    """Record the items' outcomes and add them to the request's counters, in the session's transaction (a few
    statements for the whole batch). Raises _ClaimLost if an item is no longer waiting and ours."""
    if not outcomes:
        return
    session.flush()  # the handlers' ORM changes go first, so they cannot overwrite what follows
    ours = (RequestItem.status == ItemStatus.WAITING.value, RequestItem.claimed_by == worker_id)
    table = RequestItem.__table__
    written = 0
    final = [o for o in outcomes if o.status != ItemStatus.WAITING]
    if final:
        values = dict(
            status=_by_item({o.item_id: o.status.value for o in final}),
            result=_by_item({o.item_id: o.result for o in final}),
            processed_at=clock.now(),
            claimed_by=None,
            lease_until=None,
        )
        attempts = {o.item_id: o.attempts for o in final if o.attempts is not None}
        if attempts:
            values["attempts"] = _by_item(attempts, otherwise=RequestItem.attempts)
        written += session.execute(
            update(table).where(RequestItem.id.in_([o.item_id for o in final]), *ours).values(**values)
        ).rowcount
    for retry in (o for o in outcomes if o.status == ItemStatus.WAITING):  # rare: one statement each
        written += session.execute(
            update(table)
            .where(RequestItem.id == retry.item_id, *ours)
            .values(attempts=retry.attempts, claimed_by=None, lease_until=retry.retry_at)
        ).rowcount
    if written != len(outcomes):
        raise _ClaimLost(f"{len(outcomes) - written} item(s) of request {request_id} no longer this worker's")
    counts = {
        counter.key: counter + n
        for counter, status in ((Request.done_items, ItemStatus.DONE), (Request.refused_items, ItemStatus.REFUSED))
        if (n := sum(o.status == status for o in outcomes))
    }
    if counts:
        session.execute(update(Request.__table__).where(Request.id == request_id).values(counts))


class _BatchSession(Session):
    """The session of a batch. While a handler runs it may not end the batch's transaction: that would commit or
    undo the other items' work. It raises instead, which fails that item only."""

    handling = False

    def commit(self) -> None:
        if self.handling:
            raise RuntimeError("a handler must not commit: the worker commits the batch")
        super().commit()

    def rollback(self) -> None:
        if self.handling:
            raise RuntimeError("a handler must not roll back: it raises ItemRefused or an error instead")
        super().rollback()


def _attempt(
    session: _BatchSession, handler: Handler | None, request_id: int, request: Request, item: RequestItem
) -> _Outcome:
    """Run the item's handler in a savepoint of its own: a refusal or a failure undoes this item's effect only."""
    item_id, attempts = item.id, item.attempts
    try:
        with session.begin_nested():
            if handler is None:
                raise LookupError(f"no handler registered for request kind {request.kind!r}")
            session.handling = True
            try:
                result = handler(session, request, item)
            finally:
                session.handling = False
    except DomainError as refusal:  # ItemRefused, or a service's rule refusal: final, not retried
        return _Outcome(item_id, ItemStatus.REFUSED, refusal.message)
    except Exception:
        log.exception("Ошибка при обработке позиции %s заявки %s", item_id, request_id)
        return _failure(request_id, item_id, attempts + 1)
    return _Outcome(item_id, ItemStatus.DONE, str(result) if result else DEFAULT_RESULT)


def _halted(halt: threading.Event | None) -> bool:
    return halt is not None and halt.is_set()


def _process_batch(
    request_id: int, item_ids: list[int], worker_id: str, halt: threading.Event | None
) -> tuple[int, list[int]]:
    """Do claimed items, in order, in one transaction: up to TRANSACTION_ITEMS of them, until TRANSACTION_SECONDS
    have passed or `halt` is set.

    Returns (items attempted, the claimed items not reached and still ours). Raises if the transaction failed as
    a whole (nothing of it committed)."""
    started = time.monotonic()
    batch, later = item_ids[:TRANSACTION_ITEMS], item_ids[TRANSACTION_ITEMS:]
    with _BatchSession(db.engine(), expire_on_commit=False) as session:
        try:
            items = _own_items(session, batch, worker_id)
            request = session.get(Request, request_id)
            handler = HANDLERS.get(request.kind)
            transaction = session.get_transaction()
            outcomes: list[_Outcome] = []
            for index, item_id in enumerate(batch):
                if _halted(halt) or (outcomes and time.monotonic() - started >= TRANSACTION_SECONDS):
                    later = [i for i in batch[index:] if i in items] + later
                    break
                if item_id not in items:
                    continue  # done meanwhile, or its lease ran out and another worker has it
                outcomes.append(_attempt(session, handler, request_id, request, items[item_id]))
                if session.get_transaction() is not transaction:  # e.g. it closed the session
                    raise RuntimeError(f"the handler of item {item_id} ended the worker's transaction")
            _write_outcomes(session, request_id, worker_id, outcomes)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return len(outcomes), later


def _process_claimed(
    request_id: int, item_ids: list[int], worker_id: str, halt: threading.Event | None
) -> tuple[int, list[int]]:
    """One transaction's worth of the claimed items (see _process_batch); if that transaction fails as a whole,
    the same items one per transaction instead, so that only a faulty item is retried."""
    try:
        return _process_batch(request_id, item_ids, worker_id, halt)
    except Exception:
        log.exception("Сбой пакета позиций заявки %s; позиции будут выполнены по одной", request_id)
    batch, later = item_ids[:TRANSACTION_ITEMS], item_ids[TRANSACTION_ITEMS:]
    attempted = 0
    for index, item_id in enumerate(batch):
        if _halted(halt):
            return attempted, batch[index:] + later
        try:
            attempted += _process_batch(request_id, [item_id], worker_id, None)[0]
        except Exception:
            log.exception("Ошибка при обработке позиции %s заявки %s", item_id, request_id)
            _record_failure(request_id, item_id, worker_id)
            attempted += 1
    return attempted, later


def _record_failure(request_id: int, item_id: int, worker_id: str) -> None:
    """Count a failed attempt in a transaction of its own; retry later, or refuse after MAX_ITEM_ATTEMPTS."""
    with db.session_scope() as session:
        item = _own_item(session, item_id, worker_id)
        if item is None:
            return
        _write_outcomes(session, request_id, worker_id, [_failure(request_id, item_id, item.attempts + 1)])


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
    """Take the oldest request with claimable items and do its items, in batches (one transaction each).

    Stops after `max_items` items or when `halt` is set (committing what the current batch has done and giving
    back the items claimed but not reached); closes the request when no waiting item remains.
    Returns True when there was something to do.
    """
    did_work = _finish_completed_requests()
    request_id = _pick_request()
    if request_id is None:
        return did_work
    _mark_started(request_id)
    processed = 0
    while not _halted(halt) and (max_items is None or processed < max_items):
        limit = CLAIM_BATCH if max_items is None else min(CLAIM_BATCH, max_items - processed)
        claimed = _claim_items(request_id, worker_id, limit)
        if not claimed:
            break
        while claimed and not _halted(halt):
            attempted, claimed = _process_claimed(request_id, claimed, worker_id, halt)
            processed += attempted
        _release_items(claimed, worker_id)
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
