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
    id: str
    at: str
    amount: str
    invoice: str
    author: str
    status: str
    waiting: bool  # may still be corrected or withdrawn
    amount_input: str  # the amount as the field shows it for a correction: «40,25»


def _amount_input(amount) -> str:
    return f"{amount:.2f}".replace(".", ",")


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
    account_number: str = ""
    # beside the dates, when the period asked for cannot be shown; each goes as soon as the period is put right
    date_from_error: str = ""
    date_to_error: str = ""
    amount_error: str = ""  # beside the amount field
    confirming: bool = False
    confirm_text: str = ""  # what the confirmation says will happen
    # «Изменить» and «Отозвать» of a registration still waiting for the operator
    changing_id: str = ""
    change_amount: str = ""
    change_error: str = ""
    withdrawing_id: str = ""
    withdraw_text: str = ""
    _amount: str = ""
    _typed_from: str = ""  # the dates as typed since the period shown
    _typed_to: str = ""

    @event
    async def load(self):
        self._begin()
        found = await self._run(payments.payments_page)
        self._show_payments(found.payments)
        self._show_registration(found.registration)
        self.loaded = True

    def _show_payments(self, found: payments.PaymentList) -> None:
        self.date_from, self.date_to = found.date_from.isoformat(), found.date_to.isoformat()
        self._typed_from, self._typed_to, self.date_from_error, self.date_to_error = self.date_from, self.date_to, "", ""
        self.rows = [PaymentView(date=f"{r.paid_on:%d.%m.%Y}", amount=money(r.amount), method=r.method,
                                 reference=r.reference) for r in found.rows]
        self.total, self.count = money(found.total), found.count

    def _show_registration(self, status: payments.RegistrationStatus) -> None:
        self.may_register = status.allowed
        self.registration_note = status.reason
        self.amount_due = money(status.amount_due)
        self.default_amount = _amount_input(status.amount_due)
        self.account_number = status.account_number
        self.registered = [
            RegistrationView(id=str(r.id), at=f"{r.registered_at:%d.%m.%Y %H:%M}", amount=money(r.amount),
                             invoice=r.invoice_title, author=r.author, status=r.status, waiting=r.waiting,
                             amount_input=_amount_input(r.amount))
            for r in status.registered]

    def _registration(self, registration_id: str) -> RegistrationView | None:
        return next((r for r in self.registered if r.id == registration_id and r.waiting), None)

    def _check_period(self) -> bool:
        errors = payments.payments_period_errors(parse_date(self._typed_from), parse_date(self._typed_to))
        self.date_from_error, self.date_to_error = errors.get("date_from", ""), errors.get("date_to", "")
        return not errors

    @event
    async def show(self, form: dict):
        """The payments of the period typed, once it is right; else its refusals beside the dates."""
        self.error = ""
        self._typed_from, self._typed_to = str(form.get("date_from", ""))[:10], str(form.get("date_to", ""))[:10]
        if self._check_period():
            self._show_payments(await self._run(payments.list_payments, date_from=parse_date(self._typed_from),
                                                date_to=parse_date(self._typed_to)))

    @rx.event
    def retype_date_from(self, value: str):
        self._typed_from = str(value)[:10]
        if self.date_from_error or self.date_to_error:
            self._check_period()

    @rx.event
    def retype_date_to(self, value: str):
        self._typed_to = str(value)[:10]
        if self.date_from_error or self.date_to_error:
            self._check_period()

    @event
    async def ask_to_register(self, form: dict):
        """The amount checked first, its refusal beside the field; then the confirmation names what will happen."""
        self.error = self.done = ""
        amount, self.amount_error = await self._checked(payments.check_registration_amount,
                                                        amount=str(form.get("amount", "")))
        if amount is None:
            return
        self._amount = str(amount)
        self.confirm_text = (f"Оплата {money(amount)} по лицевому счету {self.account_number} будет зарегистрирована: "
                             "оператор получит заявку «Регистрация оплаты». Пока заявка ожидает обработки, "
                             "оплату можно изменить или отозвать.")
        self.confirming = True

    @event
    async def retype_amount(self, value: str):
        """While a refusal stands beside the amount, each change checks it again: it goes once the amount is right."""
        if self.amount_error:
            _, self.amount_error = await self._checked(payments.check_registration_amount, amount=str(value)[:40])

    @rx.event
    def set_confirming(self, value: bool):
        self.confirming = value

    @event
    async def register(self):
        self.confirming = False
        registered = await self._run(payments.register_payment, amount=self._amount)
        self.done = f"Оплата {money(registered.amount)} зарегистрирована."
        self._show_registration(await self._run(payments.payment_registration))

    @rx.event
    def open_change(self, registration_id: str):
        found = self._registration(str(registration_id))
        self.changing_id = found.id if found else ""
        self.change_amount, self.change_error = (found.amount_input if found else ""), ""

    @rx.event
    def close_change(self, value: bool = False):
        if not value:
            self.changing_id, self.change_error = "", ""

    @event
    async def save_change(self, form: dict):
        self.error = self.done = ""
        changed, self.change_error = await self._checked(
            payments.correct_payment_registration, guarantee_id=int(self.changing_id or 0),
            amount=str(form.get("amount", "")))
        if changed is None:
            return
        self.changing_id, self.done = "", f"Сумма зарегистрированной оплаты изменена: {money(changed.amount)}."
        self._show_registration(await self._run(payments.payment_registration))

    @event
    async def retype_change(self, value: str):
        """While a refusal stands beside the new amount, each change checks it again: it goes once it is right."""
        if self.change_error:
            _, self.change_error = await self._checked(payments.check_correction_amount,
                                                       guarantee_id=int(self.changing_id or 0), amount=str(value)[:40])

    @rx.event
    def ask_to_withdraw(self, registration_id: str):
        found = self._registration(str(registration_id))
        self.withdrawing_id = found.id if found else ""
        self.withdraw_text = (f"Регистрация оплаты {found.amount} от {found.at} ({found.invoice}) будет отозвана: "
                              "заявка не будет передана оператору." if found else "")

    @rx.event
    def close_withdraw(self, value: bool = False):
        if not value:
            self.withdrawing_id = ""

    @event
    async def withdraw(self):
        registration_id, self.withdrawing_id, self.error, self.done = self.withdrawing_id, "", "", ""
        withdrawn = await self._run(payments.withdraw_payment_registration, guarantee_id=int(registration_id or 0))
        self.done = f"Регистрация оплаты {money(withdrawn.amount)} отозвана."
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
