"""Claiming rows of a work queue (outbox e-mails, request items) so that two workers never take the same one.

A claim is a committed lease: `claimed_by` names the worker and `lease_until` says until when. A row whose lease
has run out (its worker died) may be claimed again. Two statements in one transaction do the claim:

    SELECT id FROM t WHERE <due> AND <lease free> ORDER BY ... LIMIT n FOR UPDATE SKIP LOCKED
    UPDATE t SET claimed_by = :me, lease_until = :until WHERE id IN (<those ids>) AND <due> AND <lease free>
    RETURNING id

On PostgreSQL `FOR UPDATE SKIP LOCKED` lets concurrent workers pass over each other's candidates instead of
waiting, and the rows stay locked until the claim commits. SQLite renders no `FOR UPDATE`; there the repeated
conditions make the UPDATE conditional, and the database-wide write lock makes it atomic, so a row another
worker claimed in between is simply not returned.

(One statement, `UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)`, is not safe on
PostgreSQL: the planner may re-run the sub-select and the UPDATE then claims more than n rows.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlmodel import Session

from cabinet import clock


def lease_free(model, now: dt.datetime):
    return or_(model.lease_until.is_(None), model.lease_until <= now)


def claim(
    session: Session,
    model,
    *,
    where: Sequence,
    order_by: Sequence,
    limit: int,
    worker_id: str,
    lease_for: dt.timedelta,
) -> list[int]:
    """Lease up to `limit` rows of `model` matching `where`; returns the ids claimed (in the session's
    transaction: the caller commits to make the claim visible)."""
    now = clock.now()
    conditions = [*where, lease_free(model, now)]
    candidates = (
        select(model.id).where(*conditions).order_by(*order_by).limit(limit).with_for_update(skip_locked=True)
    )
    ids = session.execute(candidates).scalars().all()
    if not ids:
        return []
    statement = (
        update(model.__table__)
        .where(model.id.in_(ids), *conditions)
        .values(claimed_by=worker_id, lease_until=now + lease_for)
        .returning(model.__table__.c.id)
    )
    return sorted(session.execute(statement).scalars().all())
