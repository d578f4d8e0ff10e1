"""How states call the domain: one unit of work per event, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from cabinet import db
from cabinet.services.access import declared
from cabinet.services.auth import sessions

T = TypeVar("T")


async def call(service: Callable[..., T], **kwargs) -> T:
    """Run one service function in its own database session and commit what it did: one that needs no actor
    (signing in, a session's token, a link)."""
    _require(service, actor=False)

    def run() -> T:
        with db.session_scope() as session:
            return service(session, **kwargs)

    return await asyncio.to_thread(run)


async def call_as(token: str, service: Callable[..., T], **kwargs) -> T:
    """Run one service function as the session's actor: the actor resolved in the same database session as the
    service, so that one event is one unit of work."""
    _require(service, actor=True)

    def run() -> T:
        with db.session_scope() as session:
            return service(session, actor=sessions.actor_for(session, token=token), **kwargs)

    return await asyncio.to_thread(run)


def _require(service: Callable, *, actor: bool) -> None:
    """A page calls only declared services, each the way its declaration says: a function that declares nobody
    (a helper of the domain) is never reachable from the browser."""
    serves = declared(service)
    if serves is None or (serves.how == "actor") != actor:
        raise TypeError(f"{getattr(service, '__qualname__', service)} is not a service a page may call this way")
