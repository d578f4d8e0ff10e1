"""«Операции со списком абонентов»: «Активация» (B4) and «Прекращение обслуживания» (B5) as wizards:
choose → review → confirm; the request then runs item by item and its page shows the progress."""

from __future__ import annotations

import reflex as rx

from cabinet import routes
from cabinet.services import bulk
from cabinet.state.page import CompanyPage
from cabinet.state.picker import PickerState

TABS = {"activation": "waiting", "termination": "active"}  # which subscribers each tab lists


class BulkState(CompanyPage, rx.State):
    tab: str = "activation"
    step: int = 1  # 1 choose, 2 confirm, 3 ordered
    chosen: int = 0
    request_href: str = ""
    _key: str = ""

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        self.loaded = True
        return await self._start(self.tab)

    async def _start(self, tab: str):
        self.tab, self.step, self.error, self.done, self._key = tab, 1, "", "", self._new_key()
        picker = await self.get_state(PickerState)
        return await picker._reset_choice(status=TABS[tab])

    @rx.event
    async def set_tab(self, tab: str | list[str]):
        return await self._start(tab if isinstance(tab, str) else tab[0])

    @rx.event
    async def review(self):
        picker = await self.get_state(PickerState)
        if picker.chosen_count == 0:
            self.error = "Отметьте абонентов или загрузите файл с их номерами."
            return
        self.chosen, self.error, self.step = picker.chosen_count, "", 2

    @rx.event
    def back(self):
        self.step = 1

    @rx.event
    async def confirm(self):
        picker = await self.get_state(PickerState)
        service = bulk.order_bulk_activation if self.tab == "activation" else bulk.order_bulk_termination
        result, event = await self._run(service, choice=bulk.Choice(**picker._choice()), idempotency_key=self._key)
        if event is not None or result is None:
            return event
        self.done, self.step, self.request_href = result.message, 3, routes.request_page(result.request_id)
