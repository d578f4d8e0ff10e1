"""The SIP administrator's «Персональная информация» (P1)."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import billing as finance
from cabinet.state.page import PageState, event
from cabinet.state.sip_card_views import Fact
from cabinet.text import money


class SipHomeState(PageState, rx.State):
    requisites: list[Fact] = []
    account: list[Fact] = []
    last_period: str = ""
    last_charges: str = ""
    balance: str = ""
    amount_to_pay: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(finance.personal_information)
        summary, delivery = found.summary, found.delivery
        self.requisites = _facts(("Организация", found.organization_name), ("УНП", found.unp),
                                 ("Юридический адрес", found.legal_address), ("Банковские реквизиты", found.bank_details),
                                 ("Договор", found.contract))
        self.account = _facts(("Лицевой счет", summary.number), ("Статус", summary.status),
                              ("Дата открытия", f"{found.opened_on:%d.%m.%Y}"), ("Форма оплаты", found.payment_form),
                              ("Способ доставки счетов", delivery.method_title),
                              ("Адрес доставки", ", ".join(delivery.emails) if delivery.method == "email" else ""))
        self.last_period = summary.last_period.lower() or "предыдущий месяц"
        self.last_charges, self.balance = money(summary.last_charges), money(summary.balance)
        self.amount_to_pay, self.loaded = money(summary.amount_to_pay), True


def _facts(*pairs: tuple[str, str]) -> list[Fact]:
    return [Fact(label=label, value=value) for label, value in pairs if value]
