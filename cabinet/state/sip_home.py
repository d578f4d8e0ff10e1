"""The SIP administrator's «Персональная информация» (P1)."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import billing as finance
from cabinet.state.page import SipPage
from cabinet.text import money


class SipHomeState(SipPage, rx.State):
    requisites: list[dict[str, str]] = []  # label, value
    account: list[dict[str, str]] = []
    last_period: str = ""
    last_charges: str = ""
    balance: str = ""
    amount_to_pay: str = ""

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        found, event = await self._run(finance.personal_information)
        if found is None:
            return event
        summary, delivery = found.summary, found.delivery
        self.requisites = _rows(("Организация", found.organization_name), ("УНП", found.unp),
                                ("Юридический адрес", found.legal_address), ("Банковские реквизиты", found.bank_details),
                                ("Договор", found.contract))
        self.account = _rows(("Лицевой счет", summary.number), ("Статус", summary.status),
                             ("Дата открытия", f"{found.opened_on:%d.%m.%Y}"), ("Форма оплаты", found.payment_form),
                             ("Способ доставки счетов", delivery.method_title),
                             ("Адрес доставки", ", ".join(delivery.emails) if delivery.method == "email" else ""))
        self.last_period = summary.last_period.lower() or "предыдущий месяц"
        self.last_charges, self.balance = money(summary.last_charges), money(summary.balance)
        self.amount_to_pay, self.loaded = money(summary.amount_to_pay), True
        return None


def _rows(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for label, value in pairs if value]
