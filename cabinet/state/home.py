"""The main page (C1): charges for the last period, balance, amount to pay of the account in view."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import billing as finance
from cabinet.state.format import axis_width
from cabinet.state.page import PageState, event
from cabinet.text import money


class HomeState(PageState, rx.State):
    number: str = ""
    kind_title: str = ""
    status: str = ""
    last_period: str = ""
    last_charges: str = ""
    balance: str = ""
    balance_negative: bool = False
    amount_to_pay: str = ""
    due_on: str = ""
    # the charts' data: recharts takes plain dicts
    by_month: list[dict] = []  # {"month": "Окт 2026", "amount": 123.45, "amount_text": "123,45 BYN"}
    by_month_axis: int = 0  # the width of its amount axis, in pixels
    top: list[dict] = []  # {"subscriber": "375291234567", "name": "Иванов", "amount": 12.3, "amount_text": …}

    @event
    async def load(self):
        """The Administrator's and Supervisor's main page."""
        self._begin()
        page = await self._run(finance.main_page)
        summary = page.summary
        self.number, self.kind_title, self.status = summary.number, summary.kind_title, summary.status
        self.last_period = summary.last_period
        self.last_charges = money(summary.last_charges)
        self.balance = money(summary.balance)
        self.balance_negative = summary.balance < 0
        self.amount_to_pay = money(summary.amount_to_pay)
        self.due_on = f"{summary.due_on:%d.%m.%Y}" if summary.due_on else ""
        self.by_month = [{"month": m.title, "amount": float(m.amount), "amount_text": money(m.amount)}
                         for m in page.by_month]
        self.by_month_axis = axis_width(max((m.amount for m in page.by_month), default=0))
        self.top = [{"subscriber": t.number, "name": t.name, "amount": float(t.amount), "amount_text": money(t.amount)}
                    for t in page.top]
        self.loaded = True
