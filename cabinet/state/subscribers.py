"""«Абоненты» (S1): one page of the account's subscribers, searched, filtered and sorted in SQL."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet import routes
from cabinet.services.subscribers import excel, listing
from cabinet.state.format import Option, options
from cabinet.state.page import Paged, PageState, event, follow_request
from cabinet.text import thousands

PAGE_SIZE = 25
EXPORT_FOLLOW_SECONDS = 600


@dataclass
class SubscriberRow:
    id: str
    number: str
    name: str
    tariff: str
    status: str
    sim: str
    href: str


class SubscribersState(Paged, PageState, rx.State):
    search: str = ""
    tariff_id: str = ""
    status: str = ""
    sort: str = "number"
    descending: bool = False
    rows: list[SubscriberRow] = []
    tariffs: list[Option] = []
    statuses: list[Option] = []
    export_request: int = 0  # a background export in progress or done
    export_status: str = ""
    export_ready: bool = False
    export_percent: int = 0
    _export_key: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(listing.subscribers_page, **self._filter(), sort=self.sort, descending=self.descending,
                                page_size=PAGE_SIZE)
        self.tariffs, self.statuses = options(found.filters.tariffs), options(found.filters.statuses)
        self.page, self.export_request, self.export_status, self.export_ready, self.export_percent = 1, 0, "", False, 0
        self._show(found.subscribers)

    async def _fetch(self):
        self._show(await self._run(listing.list_subscribers, **self._filter(), sort=self.sort,
                                   descending=self.descending, page=self.page, page_size=PAGE_SIZE))

    def _show(self, found) -> None:
        self.rows = [SubscriberRow(id=str(r.id), number=r.number, name=r.name, tariff=r.tariff_name,
                                   status=r.status_title, sim=r.sim_iccid or "", href=routes.subscriber_card(r.id))
                     for r in self._paged(found)]
        self._export_key = self._new_key()
        self.loaded = True

    @event
    async def apply(self, form: dict):
        self.search = form.get("search", "").strip()
        self.tariff_id, self.status = form.get("tariff_id", ""), form.get("status", "")
        self.page, self.error = 1, ""
        return await self._fetch()

    @event
    async def sort_by(self, column: str):
        self.descending = not self.descending if self.sort == column else False
        self.sort, self.page = column, 1
        return await self._fetch()

    def _filter(self) -> dict:
        return {"search": self.search, "tariff_id": int(self.tariff_id) if self.tariff_id.isdigit() else None,
                "status": self.status or None}

    @event
    async def export(self):
        """«Выгрузка в Excel»: small results at once, large ones as a background request."""
        self.error = ""
        started = await self._run(excel.start_export, idempotency_key=self._export_key, **self._filter())
        if started.order is None:
            return rx.download(url=started.url, filename=excel.FILENAME)
        self.export_request, self.export_status = started.order.request_id, started.order.message
        return SubscribersState.follow_export

    async def _export_step(self) -> bool:
        progress = await self._call(excel.export_progress, on_account=False, request_id=self.export_request)
        self.export_percent = int(100 * progress.done / progress.total) if progress.total else 0
        self.export_status = f"{progress.status_title}: {thousands(progress.done)} из {thousands(progress.total)}"
        self.export_ready = progress.ready
        return progress.finished

    @event(background=True)
    async def follow_export(self):
        """The progress bar of a background export, until its file is ready."""
        await follow_request(self, self._export_step, every=0.5, seconds=EXPORT_FOLLOW_SECONDS)

    @event
    async def download_export(self):
        url = await self._run(excel.export_link, on_account=False, request_id=self.export_request)
        return rx.download(url=url, filename=excel.FILENAME)
