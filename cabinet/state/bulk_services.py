"""«Операции со списком абонентов» → «Услуги» (B1): a category, a service, connect or disconnect, the subscribers."""

from __future__ import annotations

import reflex as rx

from cabinet.services.bulk import catalogue as bulk_catalogue
from cabinet.services.bulk import orders as bulk
from cabinet.state.wizard import ListWizard
from cabinet.text import money


class BulkServicesState(ListWizard, rx.State):
    services: list[dict[str, str]] = []  # the switchable services: id, name, category, fee (a few dozen)
    category: str = ""
    service_id: str = ""
    action: str = "connect"  # connect | disconnect

    @rx.var
    def categories(self) -> list[dict[str, str]]:
        names = dict.fromkeys(s["category"] for s in self.services)
        return [{"value": c, "label": c} for c in names]

    @rx.var
    def shown(self) -> list[dict[str, str]]:
        return [{"value": s["id"], "label": f"{s['name']} · {s['fee']} в месяц"}
                for s in self.services if s["category"] == self.category]

    @rx.var
    def service_name(self) -> str:
        return next((s["name"] for s in self.services if s["id"] == self.service_id), "")

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        found, event = await self._run(bulk_catalogue.service_options)
        if event is not None or found is None:
            return event
        self.services = [{"id": str(s.id), "name": s.name, "category": s.category, "fee": money(s.monthly_fee)}
                         for s in found]
        self.category = self.services[0]["category"] if self.services else ""
        self.service_id, self.action, self.loaded = "", "connect", True
        return await self._restart()

    @rx.event
    def set_category(self, category: str):
        self.category, self.service_id = category, ""

    @rx.event
    def set_service(self, service_id: str):
        self.service_id, self.error = service_id, ""

    @rx.event
    def set_action(self, action: str | list[str]):
        self.action = action if isinstance(action, str) else action[0]

    @rx.event
    async def review(self):
        if not self.service_id:
            self.error = "Выберите услугу."
        elif await self._picked():
            self.step = 2

    @rx.event
    async def confirm(self):
        return await self._order(bulk.order_bulk_services, choice=await self._choice(),
                                 service_id=int(self.service_id), connect=self.action == "connect")
