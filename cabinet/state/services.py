"""How states call the domain: one unit of work per event, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from cabinet import db
from cabinet.services.auth import sessions

T = TypeVar("T")


async def call(service: Callable[..., T], **kwargs) -> T:
    """Run one service function in its own database session and commit what it did."""

    def run() -> T:
        with db.session_scope() as session:
            return service(session, **kwargs)

    return await asyncio.to_thread(run)


async def call_as(token: str, service: Callable[..., T], **kwargs) -> T:
    """Run one service function as the session's actor: the actor resolved in the same database session as the
    service, so that one event is one unit of work."""

    def run() -> T:
        with db.session_scope() as session:
            return service(session, actor=sessions.actor_for(session, token=token), **kwargs)

    return await asyncio.to_thread(run)
