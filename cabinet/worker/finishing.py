"""Closing a request once no item waits: its final status and counts, then its finish hook, in one transaction.
Only one worker can close it (a conditional UPDATE on `finished_at`); a failing hook is retried with a growing
delay and, after MAX_FINISH_ATTEMPTS, given up with the internal error in the request's summary."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlmodel import Session

from cabinet import clock, db
from cabinet.models import ItemStatus, Request, RequestItem
from cabinet.services import audit
from cabinet.services.requests.handling import PreparedHook, Registry, final_status
from cabinet.worker.batch import INTERNAL_ERROR, RETRY_BASE_SECONDS, Ready
from cabinet.worker.claims import UNFINISHED, waiting

log = logging.getLogger("cabinet.worker")

MAX_FINISH_ATTEMPTS = 3


@dataclass
class Finisher:
    """Closes the requests of one worker; remembers, per request, the finish hooks that failed in this worker."""

    registry: Registry
    failures: dict[int, tuple[int, dt.datetime]] = field(default_factory=dict)  # id -> (failures, not before)

    def finish_if_complete(self, request_id: int) -> bool:
        """Close a request with no waiting item left; False when there is one, or another worker closed it."""
        now = clock.now()
        failures, not_before = self.failures.get(request_id, (0, now))
        if not_before > now:
            return False
        give_up_hook = failures >= MAX_FINISH_ATTEMPTS
        try:
            ready = None if give_up_hook else self._prepare_hook(request_id)
            with Session(db.write_engine(), expire_on_commit=False) as session:
                try:
                    closed = self._close(session, request_id, give_up_hook=give_up_hook, ready=ready)
                except BaseException:
                    session.rollback()
                    raise
        except Exception:
            log.exception("Не удалось завершить заявку %s", request_id)
            failures += 1
            self.failures[request_id] = (failures, now + dt.timedelta(seconds=RETRY_BASE_SECONDS * 2**failures))
            return False
        self.failures.pop(request_id, None)
        return closed

    def _prepare_hook(self, request_id: int) -> Ready | None:
        """A prepared finish hook's slow part, in a session that only reads, once no item waits."""
        with db.session_scope() as session:
            request = session.get(Request, request_id)
            if (request is None or request.finished_at is not None
                    or session.execute(select(waiting(request_id))).scalar()):
                return None
            hook = self.registry.finish_hook(request.kind)
            return Ready(hook.prepare(session, request)) if isinstance(hook, PreparedHook) else None

    def _close(self, session: Session, request_id: int, *, give_up_hook: bool, ready: Ready | None) -> bool:
        now = clock.now()
        if session.execute(select(waiting(request_id))).scalar():
            return False
        request = session.execute(
            select(Request).where(Request.id == request_id, Request.finished_at.is_(None)).with_for_update()
        ).scalar_one_or_none()
        if request is None:
            return False
        counts: dict[str, int] = dict(session.execute(
            select(RequestItem.status, func.count())
            .where(RequestItem.request_id == request_id)
            .group_by(RequestItem.status)
        ).all())
        done, refused = counts.get(ItemStatus.DONE.value, 0), counts.get(ItemStatus.REFUSED.value, 0)
        status = final_status(done, refused)
        hook = self.registry.finish_hook(request.kind)
        if isinstance(hook, PreparedHook) and ready is None and not give_up_hook:
            return False  # its last item was done after the look that prepares: prepared at the next look
        give_up = hook is not None and give_up_hook
        values = dict(status=status.value, finished_at=now, started_at=request.started_at or now,
                      done_items=done, refused_items=refused)
        if give_up:
            values["summary"] = f"{request.summary} — {INTERNAL_ERROR}" if request.summary else INTERNAL_ERROR
        closed = session.execute(
            update(Request.__table__).where(Request.id == request_id, Request.finished_at.is_(None)).values(**values)
        )
        if closed.rowcount != 1:
            session.rollback()
            return False
        session.expire(request)
        if hook is not None and not give_up:
            if isinstance(hook, PreparedHook):
                assert ready is not None
                hook.record(session, request, ready.value)
            else:
                hook(session, request)
        audit.record(session, action="request.finished", user_id=None, organization_id=request.organization_id,
                     account_id=request.account_id, object_kind="request", object_id=request_id,
                     status=status.value, done=done, refused=refused, finish_hook_failed=give_up)
        session.commit()
        log.info("Заявка %s завершена: %s (выполнено %s, отказано %s)", request_id, status.value, done, refused)
        return True

    def finish_completed_requests(self, limit: int = 20) -> bool:
        """Close the unfinished requests that have no waiting item (a worker died after the last item, or the
        request had no items)."""
        with db.session_scope(writes=True) as session:
            ids = session.execute(
                select(Request.id)
                .where(Request.status.in_(UNFINISHED), ~waiting(Request.id))
                .order_by(Request.created_at, Request.id)
                .limit(limit)
            ).scalars().all()
        finished = False
        for request_id in ids:
            finished = self.finish_if_complete(request_id) or finished
        return finished
