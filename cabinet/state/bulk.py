"""«Операции со списком абонентов» → «Операции с абонентом»: the tabs «Переименование» (B3, its own state),
«Активация» (B4) and «Прекращение обслуживания» (B5). Statuses change only after the confirmation, when the
worker does the items."""

from __future__ import annotations

import reflex as rx

from cabinet.services.bulk import orders as bulk
from cabinet.state.bulk_rename import BulkRenameState
from cabinet.state.format import one
from cabinet.state.page import event
from cabinet.state.picker import PickerState
from cabinet.state.wizard import ListWizard

TABS = {"rename": "", "activation": "waiting", "termination": "active"}  # which subscribers each tab lists


class BulkState(ListWizard, rx.State):
    tab: str = "rename"
    typed: str = ""  # B5 over TYPED_COUNT_OVER: the count the user types to enable the confirm

    @rx.var
    def count_to_type(self) -> bool:
        return self.tab == "termination" and self.count > bulk.TYPED_COUNT_OVER

    @rx.var
    def typed_matches(self) -> bool:
        return "".join(self.typed.split()) == str(self.count)

    @event
    async def load(self):
        wizard = await self.get_state(BulkRenameState) if self.tab == "rename" else self
        if wizard._kept():
            self.loaded = True
            return None
        self._begin()
        self.loaded = True
        return await self._start(self.tab)

    async def _start(self, tab: str):
        self.tab = tab if tab in TABS else "rename"
        if self.tab == "rename":
            return await (await self.get_state(BulkRenameState))._restart()
        return await self._restart(TABS[self.tab])

    def _status(self) -> str:
        return TABS[self.tab]

    @event
    async def set_tab(self, tab: str | list[str]):
        return await self._start(one(tab))

    @event
    async def review(self):
        if await self._picked():
            self.count = await (await self.get_state(PickerState))._preview()
            self.typed, self.step = "", 2

    @rx.event
    def set_typed(self, value: str):
        self.typed = str(value)[:12]

    @event
    async def confirm(self):
        if self.tab == "activation":
            return await self._order(bulk.order_bulk_activation, choice=await self._choice())
        return await self._order(bulk.order_bulk_termination, choice=await self._choice(), typed_count=self.typed)
