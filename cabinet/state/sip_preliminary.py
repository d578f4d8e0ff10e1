"""The SIP administrator's «Начисления за текущий период» (P9)."""

from __future__ import annotations

import reflex as rx

from cabinet.services.sip import preliminary as sip_preliminary
from cabinet.state.format import one
from cabinet.state.page import PageState, event


class SipPreliminaryState(PageState, rx.State):
    scope: str = "account"  # account («Лицевой счет») | list («Ввести свой список абонентов»)
    _key: str = ""

    @rx.event
    def load(self):
        self._begin()
        self.scope, self._key, self.loaded = "account", self._new_key(), True

    @rx.event
    def set_scope(self, scope: str | list[str]):
        self.scope = one(scope)
        self.error, self.done, self._key = "", "", self._new_key()

    @event
    async def order(self, form: dict):
        self.error, self.done = "", ""
        numbers = str(form.get("numbers", "")) if self.scope == "list" else None
        result = await self._run(sip_preliminary.order_preliminary_invoice, numbers=numbers,
                                 idempotency_key=self._key)
        self.done = result.message
