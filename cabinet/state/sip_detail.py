"""The SIP administrator's «Детализация на E-mail» (P8): a period and a type, «Далее», the «SIP-соединение»
subscriber ticked, «Сформировать детализацию»."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import orders
from cabinet.services.sip import invoices as sip_invoices
from cabinet.state.page import SipPage


class SipDetailState(SipPage, rx.State):
    months: list[dict[str, str]] = []  # value «2026-11», label «ноябрь 2026»
    month: str = ""
    layouts: list[dict[str, str]] = [{"value": k, "label": v} for k, v in orders.DETAIL_LAYOUTS.items()]
    layout: str = "sheet_per_subscriber"
    connections: list[dict[str, str]] = []  # id, number, name
    ticked: str = ""
    step: int = 1
    _key: str = ""

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        found, event = await self._run(sip_invoices.sip_connections)
        if event is not None or found is None:
            return event
        self.connections = [{"id": str(c.id), "number": c.number, "name": c.name} for c in found]
        self.months = [{"value": f"{y}-{m:02d}", "label": title} for y, m, title in sip_invoices.detail_months()]
        self.month, self.ticked, self.step = self.months[0]["value"], "", 1
        self._key, self.loaded = self._new_key(), True
        return None

    @rx.event
    def set_month(self, month: str):
        self.month, self._key = month, self._new_key()

    @rx.event
    def set_layout(self, layout: str):
        self.layout, self._key = layout, self._new_key()

    @rx.event
    def next_step(self):
        self.error, self.done, self.step = "", "", 2

    @rx.event
    def back(self):
        self.error, self.step = "", 1

    @rx.event
    def tick(self, subscriber_id: str, ticked: bool):
        self.ticked = subscriber_id if ticked else ""

    @rx.event
    async def order(self):
        self.error, self.done = "", ""
        year, _, month = self.month.partition("-")
        result, event = await self._run(sip_invoices.order_sip_call_detail, year=year, month=month,
                                        layout=self.layout, subscriber_id=self.ticked, idempotency_key=self._key)
        if result is not None:
            self.done = result.message
        return event
