"""Which request the worker takes, and the items it claims of it: leased to one worker at a time (see
`cabinet.delivery.leases`), given back when the worker stops, locked again inside each batch's transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator, Sequence

from sqlalchemy import exists, select, update
from sqlmodel import Session

from cabinet import clock, db
from cabinet.delivery import leases
from cabinet.models import ItemStatus, Request, RequestItem, RequestStatus

log = logging.getLogger("cabinet.worker")

# A live worker renews the lease of the items it still holds after every batch (a heartbeat), so a dead worker's
# items are taken over this soon; a batch that outlasts it is still safe: each transaction locks its items again
# and does only those still its own.
ITEM_LEASE = dt.timedelta(seconds=30)
UNFINISHED = (RequestStatus.NEW.value, RequestStatus.IN_PROGRESS.value)


def default_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def waiting(request_id, *, claimable_at: dt.datetime | None = None):
    """EXISTS a waiting item of the request (one that may be claimed at `claimable_at`, when given)."""
    conditions = [RequestItem.request_id == request_id, RequestItem.status == ItemStatus.WAITING.value]
    if claimable_at is not None:
        conditions.append(leases.lease_free(RequestItem, claimable_at))
    return exists().where(*conditions)


def pick_request() -> int | None:
    """The oldest unfinished request with an item that may be claimed now."""
    now = clock.now()
    with db.session_scope() as session:
        return session.execute(
            select(Request.id)
            .where(Request.status.in_(UNFINISHED), waiting(Request.id, claimable_at=now))
            .order_by(Request.created_at, Request.id)
            .limit(1)
        ).scalar_one_or_none()


def mark_started(request_id: int) -> None:
    with db.session_scope(writes=True) as session:
        session.execute(
            update(Request.__table__)
            .where(Request.id == request_id, Request.status == RequestStatus.NEW.value)
            .values(status=RequestStatus.IN_PROGRESS.value, started_at=clock.now())
        )


def claim_items(request_id: int, worker_id: str, limit: int) -> list[int]:
    with db.session_scope(writes=True) as session:
        return leases.claim(
            session,
            RequestItem,
            where=[RequestItem.request_id == request_id, RequestItem.status == ItemStatus.WAITING.value],
            order_by=[RequestItem.id],  # = submission order (items are inserted in position order)
            limit=limit,
            worker_id=worker_id,
            lease_for=ITEM_LEASE,
        )


def renew_items(item_ids: list[int], worker_id: str) -> None:
    """The heartbeat: the items still claimed and not yet done stay this worker's for another ITEM_LEASE."""
    _update_held(item_ids, worker_id, lease_until=clock.now() + ITEM_LEASE)


def release_items(item_ids: list[int], worker_id: str) -> None:
    """Give back items claimed but not started (the worker is stopping)."""
    _update_held(item_ids, worker_id, claimed_by=None, lease_until=None)


def _update_held(item_ids: list[int], worker_id: str, **values) -> None:
    """Set `values` on those of the items still waiting and still claimed by this worker."""
    if not item_ids:
        return
    with db.session_scope(writes=True) as session:
        session.execute(
            update(RequestItem.__table__)
            .where(
                RequestItem.id.in_(item_ids),
                RequestItem.claimed_by == worker_id,
                RequestItem.status == ItemStatus.WAITING.value,
            )
            .values(**values)
        )


def own_items(session: Session, item_ids: Sequence[int], worker_id: str, *, lock: bool = True
              ) -> dict[int, RequestItem]:
    """Those of the items still waiting and still ours, locked for this transaction (one SELECT) unless `lock` is
    false, by id."""
    query = (
        select(RequestItem)
        .where(
            RequestItem.id.in_(item_ids),
            RequestItem.status == ItemStatus.WAITING.value,
            RequestItem.claimed_by == worker_id,
        )
        .order_by(RequestItem.id)  # locks taken in one order by every worker
    )
    items = session.execute(query.with_for_update() if lock else query).scalars()
    return {item.id: item for item in items}


@contextlib.contextmanager
def heartbeat(item_ids: list[int], worker_id: str) -> Iterator[None]:
    """Renew the items' lease every third of ITEM_LEASE while the block runs (slow work on one of them), so they
    are not taken over from a worker that is alive."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(ITEM_LEASE.total_seconds() / 3):
            try:
                renew_items(item_ids, worker_id)
            except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                log.warning("Не удалось продлить захват позиций %s", item_ids[:5], exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat {worker_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
