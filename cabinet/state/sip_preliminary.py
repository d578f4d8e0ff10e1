"""The SIP administrator's «Начисления за текущий период» (P9)."""

from __future__ import annotations

import reflex as rx

from cabinet.services.sip import preliminary as sip_preliminary
from cabinet.state.page import SipPage


class SipPreliminaryState(SipPage, rx.State):
    scope: str = "account"  # account («Лицевой счет») | list («Ввести свой список абонентов»)
    _key: str = ""

    @rx.event
    async def load(self):
        redirect = await self._enter()
        self.scope, self._key, self.loaded = "account", self._new_key(), redirect is None
        return redirect

    @rx.event
    def set_scope(self, scope: str | list[str]):
        self.scope = scope if isinstance(scope, str) else scope[0]
        self.error, self.done, self._key = "", "", self._new_key()

    @rx.event
    async def order(self, form: dict):
        self.error, self.done = "", ""
        numbers = str(form.get("numbers", "")) if self.scope == "list" else None
        result, event = await self._run(sip_preliminary.order_preliminary_invoice, numbers=numbers,
                                        idempotency_key=self._key)
        if result is not None:
            self.done = result.message
        return event
