"""Claimed items done in transactions of up to `Limits.transaction_items` (or `Limits.transaction_seconds`), each
item in a savepoint of its own; the items' outcomes and the request's counters written once per transaction."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlmodel import Session

from cabinet import clock, db
from cabinet.models import ItemStatus, Request, RequestItem
from cabinet.services.errors import DomainError
from cabinet.services.requests.handling import Handler, Registry
from cabinet.worker.claims import own_items

log = logging.getLogger("cabinet.worker")

INTERNAL_ERROR = "Внутренняя ошибка, заявка будет рассмотрена оператором"
DEFAULT_RESULT = "Выполнено"
MAX_ITEM_ATTEMPTS = 3
RETRY_BASE_SECONDS = 15


@dataclass(frozen=True)
class Limits:
    # Items claimed at once: few claims, as on PostgreSQL each one reads and sorts all the request's waiting items.
    claim_batch: int = 100
    # Items per transaction, one savepoint (subtransaction) each: PostgreSQL caches only 64 per transaction.
    transaction_items: int = 50
    # A transaction commits after this long even with fewer items, so slow handlers keep locks and lost work small.
    transaction_seconds: float = 0.5


@dataclass(frozen=True)
class Outcome:
    """What an attempt at an item came to: DONE or REFUSED (final), or WAITING for a retry at `retry_at`."""

    item_id: int
    status: ItemStatus
    result: str = ""
    attempts: int | None = None  # set when the attempt failed
    retry_at: dt.datetime | None = None


class ClaimLost(RuntimeError):
    """An item of the batch is no longer waiting and this worker's: the batch's transaction must not commit."""


def failure(request_id: int, item_id: int, attempts: int) -> Outcome:
    """A failed attempt (the `attempts`-th): retry later with a growing delay, or refuse after MAX_ITEM_ATTEMPTS."""
    if attempts >= MAX_ITEM_ATTEMPTS:
        log.error("Позиция %s заявки %s отклонена после %s попыток", item_id, request_id, attempts)
        return Outcome(item_id, ItemStatus.REFUSED, INTERNAL_ERROR, attempts=attempts)
    # Not claimed by anyone, but not claimable before retry_at: the lease doubles as "next attempt".
    retry_at = clock.now() + dt.timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return Outcome(item_id, ItemStatus.WAITING, attempts=attempts, retry_at=retry_at)


def _by_item(values: dict[int, object], otherwise=None):
    """A column's new value per item id: the value itself when all items share it, else a CASE on the id."""
    if otherwise is None and len(set(values.values())) == 1:
        return next(iter(values.values()))
    return case(values, value=RequestItem.id, else_=otherwise)


def write_outcomes(session: Session, request_id: int, worker_id: str, outcomes: list[Outcome]) -> None:
    """Record the items' outcomes and add them to the request's counters, in the session's transaction (a few
    statements for the whole batch). Raises ClaimLost if an item is no longer waiting and ours."""
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
        raise ClaimLost(f"{len(outcomes) - written} item(s) of request {request_id} no longer this worker's")
    counts = {
        counter.key: counter + n
        for counter, status in ((Request.done_items, ItemStatus.DONE), (Request.refused_items, ItemStatus.REFUSED))
        if (n := sum(o.status == status for o in outcomes))
    }
    if counts:
        session.execute(update(Request.__table__).where(Request.id == request_id).values(counts))


class BatchSession(Session):
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


def attempt(session: BatchSession, handler: Handler | None, request: Request, item: RequestItem) -> Outcome:
    """Run the item's handler in a savepoint of its own: a refusal or a failure undoes this item's effect only."""
    item_id, attempts, request_id = item.id, item.attempts, request.id
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
        return Outcome(item_id, ItemStatus.REFUSED, refusal.message)
    except Exception:
        log.exception("Ошибка при обработке позиции %s заявки %s", item_id, request_id)
        return failure(request_id, item_id, attempts + 1)
    return Outcome(item_id, ItemStatus.DONE, str(result) if result else DEFAULT_RESULT)


def _kind(request_id: int) -> str:
    with db.session_scope() as session:
        return session.execute(select(Request.kind).where(Request.id == request_id)).scalar_one()


def halted(halt: threading.Event | None) -> bool:
    return halt is not None and halt.is_set()


@dataclass(frozen=True)
class Batches:
    """How one worker does the items it has claimed of a request."""

    registry: Registry
    worker_id: str
    limits: Limits

    def run(self, request_id: int, item_ids: list[int], halt: threading.Event | None) -> tuple[int, list[int]]:
        """One transaction's worth of the claimed items; if that transaction fails as a whole, the same items one
        per transaction instead, so that only a faulty item is retried.

        Returns (items attempted, the claimed items not reached and still ours)."""
        if self.registry.reads_only(_kind(request_id)):
            return self._read_then_record(request_id, item_ids)
        try:
            return self._transaction(request_id, item_ids, halt)
        except Exception:
            log.exception("Сбой пакета позиций заявки %s; позиции будут выполнены по одной", request_id)
        batch, later = item_ids[:self.limits.transaction_items], item_ids[self.limits.transaction_items:]
        attempted = 0
        for index, item_id in enumerate(batch):
            if halted(halt):
                return attempted, batch[index:] + later
            try:
                attempted += self._transaction(request_id, [item_id], None)[0]
            except Exception:
                log.exception("Ошибка при обработке позиции %s заявки %s", item_id, request_id)
                self._record_failure(request_id, item_id)
                attempted += 1
        return attempted, later

    def _transaction(
        self, request_id: int, item_ids: list[int], halt: threading.Event | None
    ) -> tuple[int, list[int]]:
        """Do claimed items, in order, in one transaction: up to `transaction_items` of them, until
        `transaction_seconds` have passed or `halt` is set. Raises if the transaction failed as a whole (nothing of
        it committed)."""
        started = time.monotonic()
        size = self.limits.transaction_items
        batch, later = item_ids[:size], item_ids[size:]
        with BatchSession(db.write_engine(), expire_on_commit=False) as session:
            try:
                items = own_items(session, batch, self.worker_id)
                request = session.get(Request, request_id)
                handler = self.registry.handler(request.kind)
                transaction = session.get_transaction()
                outcomes: list[Outcome] = []
                for index, item_id in enumerate(batch):
                    over_time = outcomes and time.monotonic() - started >= self.limits.transaction_seconds
                    if halted(halt) or over_time:
                        later = [i for i in batch[index:] if i in items] + later
                        break
                    if item_id not in items:
                        continue  # done meanwhile, or its lease ran out and another worker has it
                    outcomes.append(attempt(session, handler, request, items[item_id]))
                    if session.get_transaction() is not transaction:  # e.g. it closed the session
                        raise RuntimeError(f"the handler of item {item_id} ended the worker's transaction")
                write_outcomes(session, request_id, self.worker_id, outcomes)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        return len(outcomes), later

    def _read_then_record(self, request_id: int, item_ids: list[int]) -> tuple[int, list[int]]:
        """The first claimed item of a request whose handler is `reads_only`: the handler run on a read-only snapshot
        (which on SQLite takes no write lock, so it keeps no one waiting however long it reads), then its outcome
        recorded in a short transaction of its own, if the item is still ours. Returns as `run` does."""
        item_id, later = item_ids[0], item_ids[1:]
        with BatchSession(db.engine(), expire_on_commit=False) as session:
            try:
                item = own_items(session, [item_id], self.worker_id).get(item_id)
                if item is None:
                    return 0, later  # done meanwhile, or its lease ran out and another worker has it
                request = session.get(Request, request_id)
                outcome = attempt(session, self.registry.handler(request.kind), request, item)
            finally:
                session.rollback()  # nothing it wrote to the database is kept
        with BatchSession(db.write_engine(), expire_on_commit=False) as session:
            try:
                if own_items(session, [item_id], self.worker_id):
                    write_outcomes(session, request_id, self.worker_id, [outcome])
                session.commit()
            except BaseException:
                session.rollback()
                raise
        return 1, later

    def _record_failure(self, request_id: int, item_id: int) -> None:
        """Count a failed attempt in a transaction of its own; retry later, or refuse after MAX_ITEM_ATTEMPTS."""
        with db.session_scope(writes=True) as session:
            item = own_items(session, [item_id], self.worker_id).get(item_id)
            if item is None:
                return
            write_outcomes(session, request_id, self.worker_id, [failure(request_id, item_id, item.attempts + 1)])
