"""«Акт сверки» (C7): a period within 3 years, «Далее», the address, the order with its expected date."""

from __future__ import annotations

import reflex as rx

from cabinet import clock
from cabinet.services.finance import billing as finance
from cabinet.services.finance import orders
from cabinet.state.format import one, parse_date
from cabinet.state.page import PageState, event


class ReconciliationState(PageState, rx.State):
    step: int = 1  # 1 period, 2 address, 3 ordered
    date_from: str = ""
    date_to: str = ""
    delivery_emails: str = ""
    to_other: bool = False
    _key: str = ""

    @event
    async def load(self):
        self._begin()
        settings = await self._run(finance.delivery_settings)
        today = clock.today()
        self.date_from = today.replace(month=1, day=1).isoformat()
        self.date_to = today.isoformat()
        self.delivery_emails = ", ".join(settings.emails)
        self.step, self.to_other, self._key, self.loaded = 1, not self.delivery_emails, self._new_key(), True

    @rx.event
    def next_step(self, form: dict):
        self.error = ""
        if parse_date(form.get("date_from", "")) is None or parse_date(form.get("date_to", "")) is None:
            self.error = "Укажите начальную и конечную даты периода."
            return
        self.date_from, self.date_to, self.step = form["date_from"], form["date_to"], 2

    @rx.event
    def back(self):
        self.error, self.step = "", 1

    @rx.event
    def set_to_other(self, value: str | list[str]):
        self.to_other = one(value) == "other"

    @event
    async def order(self, form: dict):
        self.error = ""
        result = await self._run(
            orders.order_reconciliation, date_from=parse_date(self.date_from), date_to=parse_date(self.date_to),
            email=form.get("email") if self.to_other else None, idempotency_key=self._key,
        )
        self.done, self.step = result.message, 3
