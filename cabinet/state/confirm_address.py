"""The link mailed to a new delivery address (C3, P7): opening it confirms the address. No sign-in is needed:
the link itself, signed and expiring, is what the service checks."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import delivery_confirmation
from cabinet.state.page import Refusals, event


class ConfirmAddressState(Refusals, rx.State):
    confirmed: str = ""  # what was confirmed, in words
    loaded: bool = False

    @event
    async def load(self):
        self.error, self.confirmed, self.loaded = "", "", False
        token = self.router.url.query_parameters.get("token", "")
        try:
            found = await self._ask(delivery_confirmation.confirm_delivery_address, token=token)
        finally:
            self.loaded = True
        self.confirmed = (f"Адрес {found.address} подтвержден. Счета и документы по лицевому счету "
                          f"{found.account_number} будут отправляться на {', '.join(found.emails)}.")
