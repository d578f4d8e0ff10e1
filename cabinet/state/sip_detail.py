"""The SIP administrator's «Детализация на E-mail» (P8): a period and a type, «Далее», the «SIP-соединение»
subscriber ticked, «Сформировать детализацию»."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.finance import orders
from cabinet.services.sip import invoices as sip_invoices
from cabinet.state.format import Option, one, options, shown
from cabinet.state.page import PageState, event


@dataclass
class ConnectionRow:
    id: str
    number: str
    name: str


class SipDetailState(PageState, rx.State):
    months: list[Option] = []  # value «2026-11», label «ноябрь 2026»
    month: str = ""
    layouts: list[Option] = options(orders.DETAIL_LAYOUTS.items())
    layout: str = "sheet_per_subscriber"
    connections: list[ConnectionRow] = []
    ticked: str = ""
    step: int = 1
    _key: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(sip_invoices.sip_connections)
        self.connections = [ConnectionRow(id=str(c.id), number=c.number, name=c.name) for c in found]
        self.months = options((f"{y}-{m:02d}", title) for y, m, title in sip_invoices.detail_months())
        self.month, self.ticked, self.step = self.months[0].value, "", 1
        self._key, self.loaded = self._new_key(), True

    @rx.event
    def set_month(self, month: str):
        self.month, self._key = shown(month, (m.value for m in self.months)), self._new_key()

    @rx.event
    def set_layout(self, layout: str):
        self.layout, self._key = one(layout), self._new_key()

    @rx.event
    def next_step(self):
        self.error, self.done, self.step = "", "", 2

    @rx.event
    def back(self):
        self.error, self.step = "", 1

    @rx.event
    def tick(self, subscriber_id: str, ticked: bool):
        self.ticked = shown(subscriber_id, (c.id for c in self.connections)) if ticked else ""

    @event
    async def order(self):
        self.error, self.done = "", ""
        year, _, month = self.month.partition("-")
        result = await self._run(sip_invoices.order_sip_call_detail, year=year, month=month, layout=self.layout,
                                 subscriber_id=self.ticked, idempotency_key=self._key)
        self.done = result.message
