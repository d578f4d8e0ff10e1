"""One request: its progress, live while the worker runs, and the result for every subscriber."""

from __future__ import annotations

import io

import reflex as rx

from cabinet.services.requests import history
from cabinet.state.history import when
from cabinet.state.page import CompanyPage
from cabinet.state.wizard import keep_following

PAGE_SIZE = 50


class RequestState(CompanyPage, rx.State):
    request_id: int = 0
    kind: str = ""
    status: str = ""
    author: str = ""
    created: str = ""
    finished: str = ""
    summary: str = ""
    total: int = 0
    done_items: int = 0
    refused: int = 0
    waiting: int = 0
    items: list[dict[str, str]] = []
    page: int = 1
    following: bool = False

    @rx.var
    def percent(self) -> int:
        return int(100 * (self.done_items + self.refused) / self.total) if self.total else 0

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        self.request_id = self._id_from_address()
        self.page = 1
        event = await self._refresh()
        if event is None and self.loaded and not self.finished:
            self.following = True
            return RequestState.follow
        return event

    async def _refresh(self):
        found, event = await self._run(history.get_request, on_account=False, request_id=self.request_id)
        if event is not None or found is None:
            return event
        self.kind, self.status, self.author = found.kind_title, found.status_title, found.author
        self.created, self.finished, self.summary = when(found.created_at), when(found.finished_at), found.summary
        self.total, self.done_items = found.total_items, found.done_items
        self.refused, self.waiting = found.refused_items, found.waiting_items
        items, event = await self._run(history.list_request_items, on_account=False, request_id=self.request_id,
                                       page=self.page, page_size=PAGE_SIZE)
        if event is not None or items is None:
            return event
        self.items = [{"number": i.number, "status": i.status_title, "result": i.result,
                       "processed": when(i.processed_at)} for i in items.rows]
        self.loaded = True
        return None

    @rx.event(background=True)
    async def follow(self):
        """Counts and the progress bar move while the worker runs; stop when the request is finished."""
        await keep_following(self)

    @rx.event
    async def go(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        return await self._refresh()

    @rx.event
    async def export(self):
        buffer = io.BytesIO()
        count, event = await self._run(history.export_request_items, on_account=False, request_id=self.request_id,
                                       out=buffer)
        if event is not None or count is None:
            return event
        return rx.download(data=buffer.getvalue(), filename=f"Заявка_{self.request_id}.xlsx")
