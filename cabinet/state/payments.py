"""«Платежи» (C4, C5) for the company, and the SIP administrator's «Платежи» (P2–P4): the same view of one account."""

from __future__ import annotations

import reflex as rx

from cabinet.services.finance import payments
from cabinet.state.format import parse_date
from cabinet.state.page import CompanyPage, SipPage
from cabinet.text import money


class PaymentsView(CompanyPage, mixin=True):
    date_from: str = ""
    date_to: str = ""
    rows: list[dict[str, str]] = []
    total: str = ""
    count: int = 0
    may_register: bool = False
    registration_note: str = ""
    amount_due: str = ""
    default_amount: str = ""
    registered: list[dict[str, str]] = []
    confirming: bool = False
    _amount: str = ""

    @rx.event
    async def load(self):
        redirect = await self._enter()
        if redirect is not None:
            return redirect
        event = await self._show_payments(None, None)
        if event is not None:
            return event
        await self._show_registration()
        self.loaded = True

    async def _show_payments(self, date_from, date_to):
        found, event = await self._run(payments.list_payments, date_from=date_from, date_to=date_to)
        if event is not None or found is None:
            return event
        self.date_from, self.date_to = found.date_from.isoformat(), found.date_to.isoformat()
        self.rows = [{"date": f"{r.paid_on:%d.%m.%Y}", "amount": money(r.amount), "method": r.method,
                      "reference": r.reference} for r in found.rows]
        self.total, self.count = money(found.total), found.count
        return None

    async def _show_registration(self):
        status, event = await self._run(payments.payment_registration)
        if event is not None or status is None:
            return event
        self.may_register = status.allowed
        self.registration_note = status.reason
        self.amount_due = money(status.amount_due)
        self.default_amount = f"{status.amount_due:.2f}"
        self.registered = [
            {"at": f"{r.registered_at:%d.%m.%Y %H:%M}", "amount": money(r.amount), "invoice": r.invoice_title,
             "author": r.author}
            for r in status.registered
        ]
        return None

    @rx.event
    async def show(self, form: dict):
        self.error = ""
        date_from, date_to = parse_date(form.get("date_from", "")), parse_date(form.get("date_to", ""))
        if date_from is None or date_to is None:
            self.error = "Укажите начальную и конечную даты."
            return
        return await self._show_payments(date_from, date_to)

    @rx.event
    def ask_to_register(self, form: dict):
        self.error, self._amount, self.confirming = "", form.get("amount", ""), True

    @rx.event
    def set_confirming(self, value: bool):
        self.confirming = value

    @rx.event
    async def register(self):
        self.confirming = False
        registered, event = await self._run(payments.register_payment, amount=self._amount.replace(",", "."))
        if event is not None:
            return event
        if registered is not None:
            self.done = f"Оплата {money(registered.amount)} зарегистрирована."
            await self._show_registration()


class PaymentsState(PaymentsView, rx.State):
    """«Платежи» of the Administrator and the Supervisor."""


SIP_SECTIONS = ("payments", "guarantees", "registration")


class SipPaymentsState(SipPage, PaymentsView, rx.State):
    """The SIP administrator's «Платежи»: «Информация по платежам», «История гарантийных обязательств»,
    «Регистрация платежей»."""

    section: str = "payments"

    @rx.event
    def open_section(self, section: str | list[str]):
        section = section if isinstance(section, str) else section[0]
        self.section = section if section in SIP_SECTIONS else "payments"
        self.error, self.done = "", ""
