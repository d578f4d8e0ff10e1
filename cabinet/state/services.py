"""How states call the domain: one unit of work per call, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from cabinet import db

T = TypeVar("T")


async def call(service: Callable[..., T], **kwargs) -> T:
    """Run one service function in its own database session and commit what it did."""

    def run() -> T:
        with db.session_scope() as session:
            return service(session, **kwargs)

    return await asyncio.to_thread(run)
