"""The link mailed to a new delivery address (C3, P7): the page says which address of which account it confirms,
and «Подтвердить адрес» confirms it. No sign-in is needed: the link itself, signed and expiring, is what the
service checks; opening it alone changes nothing (mail scanners open links too)."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import delivery_confirmation
from cabinet.state.page import Refusals, event


class ConfirmAddressState(Refusals, rx.State):
    asked: str = ""  # what pressing the button will do, in words
    confirmed: str = ""  # what was confirmed, in words
    loaded: bool = False

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    @event
    async def load(self):
        self.error, self.asked, self.confirmed, self.loaded = "", "", "", False
        try:
            found = await self._ask(delivery_confirmation.address_to_confirm, token=self._token())
        finally:
            self.loaded = True
        self.asked = (f"Адрес {found.address} будет добавлен к адресам доставки счетов и документов по лицевому "
                      f"счету {found.account_number}.")

    @event
    async def confirm(self):
        self.error = ""
        found = await self._ask(delivery_confirmation.confirm_delivery_address, token=self._token())
        self.asked = ""
        self.confirmed = (f"Адрес {found.address} подтвержден. Счета и документы по лицевому счету "
                          f"{found.account_number} будут отправляться на {', '.join(found.emails)}.")
