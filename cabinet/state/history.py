"""«История заявок» (B6): the account's requests, newest first, filtered and paged in SQL."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.services.requests import history
from cabinet.state.format import parse_date
from cabinet.state.page import CompanyPage

PAGE_SIZE = 20


def when(moment) -> str:
    return f"{moment:%d.%m.%Y %H:%M}" if moment else ""


class HistoryState(CompanyPage, rx.State):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    kinds: list[dict[str, str]] = [{"value": v, "label": t} for v, t in history.history_filters().kinds]
    statuses: list[dict[str, str]] = [{"value": v, "label": t} for v, t in history.history_filters().statuses]
    authors: list[dict[str, str]] = []
    _filters: dict = {}

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        authors, event = await self._run(history.list_authors)
        if event is not None:
            return event
        self.authors = [{"value": str(i), "label": name} for i, name in authors or []]
        self.page, self._filters = 1, {}
        return await self._fetch()

    @rx.event
    async def apply(self, form: dict):
        self.error, self.page = "", 1
        self._filters = {
            "kind": form.get("kind") or None, "status": form.get("status") or None,
            "date_from": parse_date(form.get("date_from", "")), "date_to": parse_date(form.get("date_to", "")),
            "author_id": int(form["author_id"]) if form.get("author_id") else None,
        }
        return await self._fetch()

    @rx.event
    async def go(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        return await self._fetch()

    async def _fetch(self):
        found, event = await self._run(history.list_requests, page=self.page, page_size=PAGE_SIZE, **self._filters)
        if event is not None or found is None:
            return event
        self.total = found.total
        self.rows = [
            {
                "id": str(row.id),
                "href": routes.request_page(row.id),
                "kind": row.kind_title,
                "status": row.status_title,
                "author": row.author,
                "created": when(row.created_at),
                "finished": when(row.finished_at) or (f"ожидается {row.expected_on:%d.%m.%Y}" if row.expected_on else "—"),
                "progress": f"{row.done_items + row.refused_items} из {row.total_items}",
            }
            for row in found.rows
        ]
        self.loaded = True
        return None
