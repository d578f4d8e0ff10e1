"""«История заявок»: the account's requests, newest first, one page at a time."""

from __future__ import annotations

import reflex as rx

from cabinet.services import requests
from cabinet.services.errors import DomainError
from cabinet.state.services import call
from cabinet.state.session import SessionState

PAGE_SIZE = 20


def _when(moment) -> str:
    return f"{moment:%d.%m.%Y %H:%M}" if moment else ""


class HistoryState(rx.State):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    loaded: bool = False

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    async def load(self):
        session = await self.get_state(SessionState)
        redirect = await session.guard_company()
        if redirect is not None:
            return redirect
        self.page = 1
        return await self._fetch(session)

    @rx.event
    async def go(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        return await self._fetch(await self.get_state(SessionState))

    async def _fetch(self, session: SessionState):
        self.loaded = False
        try:
            actor = await session.actor()
            found = await call(requests.list_requests, actor=actor, account_id=int(session.account_id),
                               page=self.page, page_size=PAGE_SIZE)
        except DomainError as refusal:
            return await session.handle(refusal)
        self.total = found.total
        self.rows = [
            {
                "id": str(row.id),
                "kind": row.kind_title,
                "status": row.status_title,
                "author": row.author,
                "created": _when(row.created_at),
                "finished": _when(row.finished_at) or (f"ожидается {row.expected_on:%d.%m.%Y}" if row.expected_on else "—"),
                "progress": f"{row.done_items + row.refused_items} из {row.total_items}",
            }
            for row in found.rows
        ]
        self.loaded = True
