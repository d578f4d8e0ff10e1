"""«Операции со списком абонентов» → «Услуги» (B1): a category, a service, connect or disconnect, the subscribers."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.bulk import orders as bulk
from cabinet.state.format import Option, one, options
from cabinet.state.page import event
from cabinet.state.picker import PickerState
from cabinet.state.wizard import ListWizard
from cabinet.text import money


@dataclass
class ServiceOption:
    id: str
    name: str
    category: str
    fee: str


class BulkServicesState(ListWizard, rx.State):
    services: list[ServiceOption] = []  # the switchable services (a few dozen)
    category: str = ""
    service_id: str = ""
    action: str = "connect"  # connect | disconnect

    @rx.var
    def categories(self) -> list[Option]:
        return options((c, c) for c in dict.fromkeys(s.category for s in self.services))

    @rx.var
    def shown(self) -> list[Option]:
        return options((s.id, f"{s.name} · {s.fee} в месяц") for s in self.services if s.category == self.category)

    @rx.var
    def service_name(self) -> str:
        return next((s.name for s in self.services if s.id == self.service_id), "")

    @event
    async def load(self):
        if self._kept():
            return None
        self._begin()
        found = await self._run(bulk_catalogue.service_options)
        self.services = [ServiceOption(id=str(s.id), name=s.name, category=s.category, fee=money(s.monthly_fee))
                         for s in found]
        self.category = self.services[0].category if self.services else ""
        self.service_id, self.action, self.loaded = "", "connect", True
        return await self._restart()

    @rx.event
    def set_category(self, category: str):
        self.category, self.service_id = one(category), ""

    @rx.event
    def set_service(self, service_id: str):
        self.service_id, self.error = one(service_id), ""

    @rx.event
    def set_action(self, action: str | list[str]):
        self.action = one(action)

    @event
    async def review(self):
        if not self.service_id:
            self.error = "Выберите услугу."
        elif await self._picked():
            self.count = await (await self.get_state(PickerState))._preview()
            self.step = 2

    @event
    async def confirm(self):
        return await self._order(bulk.order_bulk_services, choice=await self._choice(),
                                 service_id=int(self.service_id), connect=self.action == "connect")
