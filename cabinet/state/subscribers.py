"""«Абоненты» (S1): one page of the account's subscribers, searched, filtered and sorted in SQL."""

from __future__ import annotations

import asyncio
import io

import reflex as rx

from cabinet import routes
from cabinet.services.errors import DomainError
from cabinet.services.subscribers import excel, listing
from cabinet.state.page import CompanyPage

PAGE_SIZE = 25


class SubscribersState(CompanyPage, rx.State):
    search: str = ""
    tariff_id: str = ""
    status: str = ""
    sort: str = "number"
    descending: bool = False
    page: int = 1
    rows: list[dict[str, str]] = []
    total: int = 0
    tariffs: list[dict[str, str]] = []
    statuses: list[dict[str, str]] = []
    export_request: int = 0  # a background export in progress or done
    export_status: str = ""
    export_ready: bool = False
    export_percent: int = 0
    _export_key: str = ""

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        filters, event = await self._run(listing.list_filters)
        if event is not None or filters is None:
            return event
        self.tariffs = [{"value": str(i), "label": name} for i, name in filters.tariffs]
        self.statuses = [{"value": value, "label": title} for value, title in filters.statuses]
        self.page, self.export_request, self.export_status, self.export_ready, self.export_percent = 1, 0, "", False, 0
        return await self._fetch()

    async def _fetch(self):
        found, event = await self._run(
            listing.list_subscribers, search=self.search, tariff_id=int(self.tariff_id) if self.tariff_id else None,
            status=self.status or None, sort=self.sort, descending=self.descending, page=self.page, page_size=PAGE_SIZE,
        )
        if event is not None or found is None:
            return event
        self.total = found.total
        self.rows = [{"id": str(r.id), "number": r.number, "name": r.name, "tariff": r.tariff_name,
                      "status": r.status_title, "sim": r.sim_iccid or "", "href": routes.subscriber_card(r.id)}
                     for r in found.rows]
        self._export_key = self._new_key()
        self.loaded = True
        return None

    @rx.event
    async def apply(self, form: dict):
        self.search = form.get("search", "").strip()
        self.tariff_id, self.status = form.get("tariff_id", ""), form.get("status", "")
        self.page, self.error = 1, ""
        return await self._fetch()

    @rx.event
    async def sort_by(self, column: str):
        self.descending = not self.descending if self.sort == column else False
        self.sort, self.page = column, 1
        return await self._fetch()

    @rx.event
    async def go(self, page: int):
        self.page = max(1, min(int(page), self.pages))
        return await self._fetch()

    def _filter(self) -> dict:
        return {"search": self.search, "tariff_id": int(self.tariff_id) if self.tariff_id else None,
                "status": self.status or None}

    @rx.event
    async def export(self):
        """«Выгрузка в Excel»: small results at once, large ones as a background request."""
        self.error = ""
        if self.total <= excel.EXPORT_INLINE_LIMIT:
            buffer = io.BytesIO()
            count, event = await self._run(excel.export_subscribers, out=buffer, **self._filter())
            if event is not None or count is None:
                return event
            return rx.download(data=buffer.getvalue(), filename="Абоненты.xlsx")
        result, event = await self._run(excel.order_export, idempotency_key=self._export_key, **self._filter())
        if event is not None or result is None:
            return event
        self.export_request, self.export_status = result.request_id, result.message
        return SubscribersState.follow_export

    @rx.event(background=True)
    async def follow_export(self):
        """The progress bar of a background export, until its file is ready."""
        for _ in range(1200):
            await asyncio.sleep(0.5)
            async with self:
                try:
                    progress = await self._call(excel.export_progress, on_account=False,
                                                request_id=self.export_request)
                except DomainError:  # the session ended: stop following
                    return
                self.export_percent = int(100 * progress.done / progress.total) if progress.total else 0
                self.export_status = f"{progress.status_title}: {progress.done:,} из {progress.total:,}".replace(",", " ")
                self.export_ready = progress.ready
                if progress.finished:
                    return

    @rx.event
    async def download_export(self):
        path, event = await self._run(excel.export_file, on_account=False, request_id=self.export_request)
        if event is not None or path is None:
            return event
        return rx.download(data=path.read_bytes(), filename="Абоненты.xlsx")
