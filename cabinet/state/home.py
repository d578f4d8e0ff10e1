"""The main page (C1): charges for the last period, balance, amount to pay of the account in view."""

from __future__ import annotations

import reflex as rx

from cabinet.services.errors import DomainError
from cabinet.services.finance import billing as finance
from cabinet.state.services import call
from cabinet.state.session import SessionState
from cabinet.text import money


class HomeState(rx.State):
    loaded: bool = False
    number: str = ""
    kind_title: str = ""
    status: str = ""
    last_period: str = ""
    last_charges: str = ""
    balance: str = ""
    balance_negative: bool = False
    amount_to_pay: str = ""
    due_on: str = ""
    by_month: list[dict] = []  # {"month": "Окт 2026", "amount": 123.45}
    top: list[dict] = []  # {"subscriber": "375291234567", "name": "Иванов", "amount": 12.3}

    @rx.event
    async def load_company(self):
        """on_load of the Administrator's and Supervisor's main page."""
        session = await self.get_state(SessionState)
        return await self._load(session, await session.guard_company())

    async def _load(self, session: SessionState, redirect):
        self.loaded = False
        if redirect is not None:
            return redirect
        try:
            actor = await session.actor()
            page = await call(finance.main_page, actor=actor, account_id=int(session.account_id))
        except DomainError as refusal:
            return await session.handle(refusal)
        summary = page.summary
        self.number, self.kind_title, self.status = summary.number, summary.kind_title, summary.status
        self.last_period = summary.last_period
        self.last_charges = money(summary.last_charges)
        self.balance = money(summary.balance)
        self.balance_negative = summary.balance < 0
        self.amount_to_pay = money(summary.amount_to_pay)
        self.due_on = f"{summary.due_on:%d.%m.%Y}" if summary.due_on else ""
        self.by_month = [{"month": m.title, "amount": float(m.amount)} for m in page.by_month]
        self.top = [{"subscriber": t.number, "name": t.name, "amount": float(t.amount)} for t in page.top]
        self.loaded = True
