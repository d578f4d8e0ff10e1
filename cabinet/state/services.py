"""How states call the domain: one unit of work per event, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from cabinet import db
from cabinet.services.access import declared
from cabinet.services.auth import sessions
from cabinet.services.errors import Busy

T = TypeVar("T")


async def call(service: Callable[..., T], **kwargs) -> T:
    """Run one service function in its own database session and commit what it did: one that needs no actor
    (signing in, a session's token, a link)."""
    _require(service, actor=False)
    return await asyncio.to_thread(_in_transaction, lambda session: service(session, **kwargs))


async def call_as(token: str, service: Callable[..., T], **kwargs) -> T:
    """Run one service function as the session's actor: the actor resolved in the same database session as the
    service, so that one event is one unit of work."""
    _require(service, actor=True)
    return await asyncio.to_thread(
        _in_transaction, lambda session: service(session, actor=sessions.actor_for(session, token=token), **kwargs))


def _require(service: Callable, *, actor: bool) -> None:
    """A page calls only declared services, each the way its declaration says: a function that declares nobody
    (a helper of the domain) is never reachable from the browser."""
    serves = declared(service)
    if serves is None or (serves.how == "actor") != actor:
        raise TypeError(f"{getattr(service, '__qualname__', service)} is not a service a page may call this way")


_LOCKED = ("database is locked", "could not serialize access", "deadlock detected")


def _in_transaction(work: Callable[[Session], T]) -> T:
    """`work` in one unit of work; run once more from the start if the database stayed locked past its timeout
    (the first attempt was rolled back whole, so nothing is done twice), then refused in Russian (Busy)."""
    for attempt in (1, 2):
        try:
            with db.session_scope(writes=attempt == 2) as session:  # the second waits for the write lock
                return work(session)
        except OperationalError as error:
            if not any(sign in str(error.orig) for sign in _LOCKED):
                raise
            if attempt == 2:
                raise Busy() from error
    raise AssertionError("unreachable")
