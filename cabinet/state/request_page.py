"""One request: its progress, live while the worker runs, and the result for every subscriber."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.requests import history
from cabinet.state.history import when
from cabinet.state.page import Paged, PageState, event, follow_request

PAGE_SIZE = 50
FOLLOW_SECONDS = 3600  # a page stops following after an hour


@dataclass
class ItemRow:
    number: str
    status: str
    result: str
    processed: str


class RequestState(Paged, PageState, rx.State):
    request_id: int = 0
    kind: str = ""
    status: str = ""
    author: str = ""
    created: str = ""
    finished: str = ""
    summary: str = ""
    items_total: int = 0
    done_items: int = 0
    refused: int = 0
    waiting: int = 0
    is_finished: bool = False
    items: list[ItemRow] = []
    following: bool = False
    _sending: bool = False  # a letter of the request is still to be sent: what it says may change

    @rx.var
    def percent(self) -> int:
        return int(100 * (self.done_items + self.refused) / self.items_total) if self.items_total else 0

    @event
    async def load(self):
        self._begin()
        self.request_id, self.page = self._id_from_address(), 1
        await self._fetch()
        self.following = not self._settled()
        return RequestState.follow if self.following else None

    def _settled(self) -> bool:
        return self.is_finished and not self._sending

    async def _fetch(self):
        found = await self._run(history.request_view, on_account=False, request_id=self.request_id,
                                page=self.page, page_size=PAGE_SIZE)
        request = found.request
        self.kind, self.status, self.author = request.kind_title, request.status_title, request.author
        self.created, self.finished, self.summary = when(request.created_at), when(request.finished_at), request.summary
        self.items_total, self.done_items = request.total_items, request.done_items
        self.refused, self.waiting, self.is_finished = request.refused_items, request.waiting_items, request.is_finished
        self.items = [ItemRow(number=i.number, status=i.status_title, result=i.result, processed=when(i.processed_at))
                      for i in self._paged(found.items)]
        self._sending = found.sending
        self.loaded = True

    async def _follow_step(self) -> bool:
        """One look at the request: done once it is finished or no longer followed."""
        if not self.following:
            return True
        self.following = False  # until it is seen unfinished
        await self._fetch()
        self.following = not self._settled()
        return self._settled()

    @event(background=True)
    async def follow(self):
        """Counts and the progress bar move while the worker runs; stop when the request is finished and its letters
        are sent (or refused)."""
        await follow_request(self, self._follow_step, every=1, seconds=FOLLOW_SECONDS)

    @event
    async def export(self):
        url = await self._run(history.items_link, on_account=False, request_id=self.request_id)
        return rx.download(url=url, filename=f"Заявка_{self.request_id}.xlsx")
