"""«История заявок» (B6): the account's requests, newest first, filtered and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet import routes
from cabinet.services.requests import history
from cabinet.state.format import Option, options, parse_date
from cabinet.state.page import Paged, PageState, event

PAGE_SIZE = 20


def when(moment) -> str:
    return f"{moment:%d.%m.%Y %H:%M}" if moment else ""


@dataclass
class RequestRow:
    id: str
    href: str
    kind: str
    status: str
    author: str
    created: str
    finished: str
    progress: str


def request_row(row: history.RequestDTO) -> RequestRow:
    return RequestRow(
        id=str(row.id), href=routes.request_page(row.id), kind=row.kind_title, status=row.status_title,
        author=row.author, created=when(row.created_at),
        finished=when(row.finished_at) or (f"ожидается {row.expected_on:%d.%m.%Y}" if row.expected_on else "—"),
        progress=f"{row.done_items + row.refused_items} из {row.total_items}",
    )


class HistoryState(Paged, PageState, rx.State):
    rows: list[RequestRow] = []
    kinds: list[Option] = options(history.history_filters().kinds)
    statuses: list[Option] = options(history.history_filters().statuses)
    authors: list[Option] = []
    _filters: dict = {}

    @event
    async def load(self):
        self._begin()
        found = await self._run(history.history_page, page_size=PAGE_SIZE)
        self.authors = options(found.authors)
        self.page, self._filters = 1, {}
        self._show(found.requests)

    @event
    async def apply(self, form: dict):
        self.error, self.page = "", 1
        self._filters = {
            "kind": form.get("kind") or None, "status": form.get("status") or None,
            "date_from": parse_date(form.get("date_from", "")), "date_to": parse_date(form.get("date_to", "")),
            "author_id": int(form["author_id"]) if str(form.get("author_id", "")).isdigit() else None,
        }
        return await self._fetch()

    async def _fetch(self):
        self._show(await self._run(history.list_requests, page=self.page, page_size=PAGE_SIZE, **self._filters))

    def _show(self, found) -> None:
        self.rows = [request_row(row) for row in self._paged(found)]
        self.loaded = True
