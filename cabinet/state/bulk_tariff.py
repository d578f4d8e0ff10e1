"""«Операции со списком абонентов» → «Изменение тарифа» (B2): a tariff with its service set, the subscribers."""

from __future__ import annotations

import reflex as rx

from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.bulk import orders as bulk
from cabinet.state.card_ops import TariffPick
from cabinet.state.page import event
from cabinet.state.picker import PickerState
from cabinet.state.wizard import ListWizard


class BulkTariffState(ListWizard, TariffPick, rx.State):
    @rx.var
    def tariff_name(self) -> str:
        return next((t.name for t in self.tariffs if t.id == self.chosen), "")

    @event
    async def load(self):
        if self._kept():
            return None
        self._begin()
        self._offer(await self._run(bulk_catalogue.account_tariffs))
        self.loaded = True
        return await self._restart()

    @event
    async def review(self):
        if not self.chosen:
            self.error = "Выберите тарифный план: нажмите «Подробнее» у нужного тарифа."
        elif await self._picked():
            self.count = await (await self.get_state(PickerState))._preview()
            self.step = 2

    @event
    async def confirm(self):
        return await self._order(bulk.order_bulk_tariff, choice=await self._choice(), tariff_id=int(self.chosen),
                                 service_ids=[int(i) for i in self.services])
