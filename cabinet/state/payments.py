"""«Платежи» (C4, C5) for the company, and the SIP administrator's «Платежи» (P2–P4): the same view of one account."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cabinet.services.finance import payments
from cabinet.state.format import one, parse_date
from cabinet.state.page import PageState, event
from cabinet.text import money


@dataclass
class PaymentView:
    date: str
    amount: str
    method: str
    reference: str


@dataclass
class RegistrationView:
    at: str
    amount: str
    invoice: str
    author: str


class PaymentsView(PageState, mixin=True):
    date_from: str = ""
    date_to: str = ""
    rows: list[PaymentView] = []
    total: str = ""
    count: int = 0
    may_register: bool = False
    registration_note: str = ""
    amount_due: str = ""
    default_amount: str = ""
    registered: list[RegistrationView] = []
    confirming: bool = False
    _amount: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(payments.payments_page)
        self._show_payments(found.payments)
        self._show_registration(found.registration)
        self.loaded = True

    def _show_payments(self, found: payments.PaymentList) -> None:
        self.date_from, self.date_to = found.date_from.isoformat(), found.date_to.isoformat()
        self.rows = [PaymentView(date=f"{r.paid_on:%d.%m.%Y}", amount=money(r.amount), method=r.method,
                                 reference=r.reference) for r in found.rows]
        self.total, self.count = money(found.total), found.count

    def _show_registration(self, status: payments.RegistrationStatus) -> None:
        self.may_register = status.allowed
        self.registration_note = status.reason
        self.amount_due = money(status.amount_due)
        self.default_amount = f"{status.amount_due:.2f}"
        self.registered = [RegistrationView(at=f"{r.registered_at:%d.%m.%Y %H:%M}", amount=money(r.amount),
                                            invoice=r.invoice_title, author=r.author) for r in status.registered]

    @event
    async def show(self, form: dict):
        self.error = ""
        date_from, date_to = parse_date(form.get("date_from", "")), parse_date(form.get("date_to", ""))
        if date_from is None or date_to is None:
            self.error = "Укажите начальную и конечную даты."
            return
        self._show_payments(await self._run(payments.list_payments, date_from=date_from, date_to=date_to))

    @rx.event
    def ask_to_register(self, form: dict):
        self.error, self._amount, self.confirming = "", form.get("amount", ""), True

    @rx.event
    def set_confirming(self, value: bool):
        self.confirming = value

    @event
    async def register(self):
        self.confirming = False
        registered = await self._run(payments.register_payment, amount=self._amount)
        self.done = f"Оплата {money(registered.amount)} зарегистрирована."
        self._show_registration(await self._run(payments.payment_registration))


class PaymentsState(PaymentsView, rx.State):
    """«Платежи» of the Administrator and the Supervisor."""


SIP_SECTIONS = ("payments", "guarantees", "registration")


class SipPaymentsState(PaymentsView, rx.State):
    """The SIP administrator's «Платежи»: «Информация по платежам», «История гарантийных обязательств»,
    «Регистрация платежей»."""

    section: str = "payments"

    @rx.event
    def open_section(self, section: str | list[str]):
        section = one(section)
        self.section = section if section in SIP_SECTIONS else "payments"
        self.error, self.done = "", ""
